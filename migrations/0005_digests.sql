-- Weekly digests: what delivery needs to be exactly-once across crashes.
-- The exact message is stored before it is handed to SMTP, so that a digest left
-- in doubt by a crash is retransmitted byte for byte (same Message-ID, same Date),
-- never rebuilt from data that changed since.

ALTER TABLE digests
    ADD COLUMN recipient   text,
    ADD COLUMN message     bytea,
    ADD COLUMN dot_sent_at timestamptz,
    ADD COLUMN run_id      bigint REFERENCES runs(id) ON DELETE SET NULL;
COMMENT ON COLUMN digests.recipient IS 'Address the message was sent to (ASCII form of the domain), as given to the SMTP server.';
COMMENT ON COLUMN digests.message IS 'The complete email (RFC 5322 bytes), stored before sending so that a retry resends exactly the same message.';
COMMENT ON COLUMN digests.dot_sent_at IS 'When the end of the message (the final dot of DATA) was sent: from then on the server may have accepted it. NULL with status sending: the server cannot have it, resending is safe.';
COMMENT ON COLUMN digests.run_id IS 'The digest run that last worked on this digest.';

CREATE INDEX digests_week_idx ON digests (dossier_slug, week, status);
