"""The database allows exactly the vocabulary the code uses (veille/vocabulary.py)."""

from __future__ import annotations

import re

from veille.vocabulary import EVENT_KINDS, KIND_LABELS, PRECISIONS, STAGE_LABELS, STAGE_OF_KIND, STAGES

# (column name, what the code says it may hold) for the tables of events, cases and happenings.
VOCABULARY = {"precision": set(PRECISIONS), "stage": set(STAGES)}
EVENT_TABLES = {"events", "happenings", "event_facts"}


def _checked_values(conn) -> dict[tuple[str, str], set[str]]:
    rows = conn.execute(
        """SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, pg_get_constraintdef(c.oid) AS def
             FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.contype = 'c' AND array_length(c.conkey, 1) = 1 AND a.attname IN ('kind', 'stage', 'precision')
              AND c.connamespace = 'public'::regnamespace"""
    ).fetchall()
    return {(r["tbl"], r["col"]): set(re.findall(r"'([^']+)'::text", r["def"])) for r in rows}


def test_check_constraints_allow_exactly_the_vocabulary(conn):
    checked = _checked_values(conn)
    kinds = {tbl for tbl, col in checked if col == "kind" and checked[(tbl, col)] & {"verdict", "crime"}}
    assert kinds, "no event kind constraint found"
    for tbl in kinds:
        assert checked[(tbl, "kind")] == set(EVENT_KINDS), tbl
    compared = 0
    for (tbl, col), values in checked.items():
        if col in VOCABULARY:
            assert values == VOCABULARY[col], (tbl, col)
            compared += 1
    assert compared >= 3


def test_every_kind_and_stage_has_a_french_label():
    assert set(KIND_LABELS) == set(EVENT_KINDS)
    assert set(STAGE_LABELS) == set(STAGES)
    assert set(STAGE_OF_KIND) <= set(EVENT_KINDS) and set(STAGE_OF_KIND.values()) <= set(STAGES)
