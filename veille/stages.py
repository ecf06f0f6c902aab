"""Where the stages meet: what one stage asks of an earlier one, without reaching into it.

Data flows one way (crawler → nlp → cases → reports). A report needs the cases to be
current before it reads them; it asks here, and only this module knows which stage does it.
"""

from __future__ import annotations


def ensure_cases_current(conn, config) -> dict | None:
    """Regroup events into cases if events, mentions or corrections changed since the last
    grouping; returns the counts (cases, happenings, warnings), or None when they were current."""
    from cases.grouping import ensure_cases_current as ensure

    return ensure(conn, config)
