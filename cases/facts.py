"""What an event brings to the grouping: the one rule that turns an extracted event and the
entities named inside its sentence into an :class:`EventFact`.

The store (:mod:`cases.store`) feeds it rows read from the database; the evaluation feeds
it the NLP stage's JSON directly. Both see the same facts.
"""

from __future__ import annotations

from datetime import date

from cases.model import EventFact
from cases.naming import key

# People whose role makes them witnesses of a case rather than its parties.
NOT_PRINCIPAL = ("lawyer", "magistrate", "police", "witness", "other")
COURT_KINDS = ("court", "prosecutor")


def event_fact(id: int, document_id: int, event: dict, named: list[dict], minors: set[str]) -> EventFact:
    """``event``: the stored event (date, precision, kind, summary, evidence, date_end, upcoming,
    places, people, charges); ``named``: the entities mentioned inside its evidence (label,
    canonical, org_kind, minor, role); ``minors``: keys of every person known to be a minor."""
    people, places, courts, witnesses = set(), set(), set(), set()
    for e in named:
        if e["label"] == "PER":
            if e.get("minor"):
                minors = minors | {key(e["canonical"])}
            elif e.get("role") in NOT_PRINCIPAL:
                witnesses.add(key(e["canonical"]))
            else:
                people.add(e["canonical"])
        elif e["label"] == "LOC":
            places.add(e["canonical"])
        elif e["label"] == "ORG" and e.get("org_kind") in COURT_KINDS:
            courts.add(e["canonical"])
    principal = {p for p in (*event.get("people", ()), *people) if key(p) not in minors and key(p) not in witnesses}
    return EventFact(
        id=id,
        document_id=document_id,
        date=_day(event["date"]),
        precision=event["precision"],
        kind=event["kind"],
        summary=event.get("summary", ""),
        evidence=event.get("evidence", ""),
        date_end=_day(event["date_end"]) if event.get("date_end") else None,
        upcoming=bool(event.get("upcoming")),
        places=tuple(sorted({*event.get("places", ()), *places})),
        people=tuple(sorted(principal)),
        courts=tuple(sorted(courts)),
        charges=tuple(event.get("charges", ())),
        context=bool(event.get("context")),
    )


def _day(value) -> date:
    """A stored date, or the first day of an ISO date at a precision (« 2024-09 », « 2024 »)."""
    if isinstance(value, date):
        return value
    parts = [int(p) for p in str(value).split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])
