"""The plain data the case grouping reads and returns (no database, no configuration)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class EventFact:
    """One event as the NLP stage stored it, with what its sentence names."""

    id: int
    document_id: int
    date: date
    precision: str = "day"  # day | month | year
    kind: str = "other"
    summary: str = ""
    evidence: str = ""
    date_end: datetime.date | None = None  # `date` is a field here
    upcoming: bool = False
    places: tuple[str, ...] = ()  # place names, as the text gives them
    people: tuple[str, ...] = ()  # principal people: victims, defendants (never minors, lawyers …)
    courts: tuple[str, ...] = ()  # courts and prosecutors' offices named in the sentence
    charges: tuple[str, ...] = ()  # canonical charges
    context: bool = False  # a date that tells no event: evidence for grouping, never an entry


@dataclass(frozen=True)
class DocumentFact:
    id: int
    published: date | None = None
    duplicate_of: int | None = None  # republication of this document (wire copy)
    title: str = ""
    source: str | None = None
    dossiers: tuple[str, ...] = ()
    about_site: bool = False  # the title names the dossier's subject (« fermeture de coco.gg »)
    charges: tuple[str, ...] = ()  # canonical charges the document states anywhere


@dataclass
class CaseResult:
    slug: str
    name: str
    main_place: str | None
    places: list[str]
    people: list[str]
    courts: list[str]
    charges: list[str]
    period_start: date | None
    period_end: date | None
    stage: str | None
    stage_reached_on: date | None
    stages: dict[str, date]
    event_ids: list[int]
    document_ids: list[int]
    dossiers: list[str]
    key_figures: dict
    manual: dict = field(default_factory=dict)
    site: bool = False


@dataclass
class HappeningResult:
    key: str
    id: int  # lowest event id: events.happening_id
    case_slug: str | None
    event_ids: list[int]  # earliest report first
    date: date
    precision: str
    date_end: datetime.date | None  # `date` is a field here
    kind: str
    summary: str
    upcoming: bool
    conflicts: list[dict]
    context: bool = False  # every report is context: grouped, never shown
    evidence: str = ""  # the first report's sentence: orders same-day happenings stably


@dataclass
class Grouping:
    cases: list[CaseResult]
    happenings: list[HappeningResult]
    warnings: list[str] = field(default_factory=list)

    def case_of_event(self) -> dict[int, str]:
        return {eid: c.slug for c in self.cases for eid in c.event_ids}

    def happening_of_event(self) -> dict[int, int]:
        return {eid: h.id for h in self.happenings for eid in h.event_ids}
