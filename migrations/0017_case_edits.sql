-- Editors split cases in veille serve (the entries they choose leave into a new case), and a case's
-- stages follow the editors' corrections: a stage no entry of the case reaches any more (hidden,
-- re-kinded, moved out) is kept for when veille first saw it, but no longer current.

ALTER TABLE corrections DROP CONSTRAINT corrections_action_check;
ALTER TABLE corrections ADD CONSTRAINT corrections_action_check
    CHECK (action IN ('approve', 'hide', 'redate', 'rekind', 'reheadline', 'move', 'off_topic', 'passing',
                      'rename', 'merge', 'split', 'undo'));
COMMENT ON COLUMN corrections.action IS 'approve, hide, redate, rekind, reheadline, move (to another case), off_topic or passing (a document), rename, merge or split (a case), undo (of the correction in undoes).';
COMMENT ON COLUMN corrections.anchors IS 'For an entry: the reports it was made on, [{"url": canonical URL, "evidence": sentence, "kind": event kind}], to find the entry again if its key changes; for a case split: every report of the entries that leave, found again the same way.';

ALTER TABLE case_stages ADD COLUMN current boolean NOT NULL DEFAULT true;
COMMENT ON TABLE case_stages IS 'Every procedural stage each case (by slug) has reached and when veille first saw it there; never deleted by recomputations, so digests can say « passe en procès »; a stage the case no longer reaches is kept, not current.';
COMMENT ON COLUMN case_stages.current IS 'True when the latest computation, corrections applied, still finds an entry of the case at that stage (false: an editor hid, re-kinded or moved it, or its articles are gone).';
COMMENT ON COLUMN corrections.base_version IS 'The version of the target it was made on (the number of corrections of that target before it; for a case, of every correction that concerns it: made on it, merging it into another, or naming it as a split''s new case): a second edit made on the same version is refused.';
