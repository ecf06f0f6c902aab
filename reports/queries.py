"""The read API of the reports: happenings, upcoming hearings and cases of a dossier, ready to show.

Used by the timeline (``reports/timeline/page.py``) and by the weekly digests. Everything
returned is already anonymised: no minor is named in any field (``reports/minors.py``).
Scraped strings (titles, quotes) are returned as text, to be escaped by whoever displays
them (Jinja2 does, with autoescape). Cases and happenings must have been computed
(``cases.grouping.recompute_cases`` or ``ensure_cases_current``) for events to appear. The SQL is in
``queries.sql``, next to this module (named queries, ``veille/sql.py``).

    happenings(conn, "coco")                          # every happening, chronological
    happenings(conn, "coco", since=monday, until=next_monday)   # reported that week
    upcoming(conn, "coco", today=date(2024, 8, 30), days=30)    # hearings announced ahead
    cases(conn, "coco")                               # the dossier's cases with key figures
    case_changes(conn, "coco", since, until)          # cases new or changing stage in a window
    coverage(conn, "coco")                            # articles per month
"""

from __future__ import annotations

import datetime as dt
import queue
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import psycopg
from orjson import loads
from psycopg import sql

from reports.french import HEARING_KINDS, date_label, iso_label, kind_label, place_slug, short_day, stage_label
from reports.minors import Redactor, load_redactor
from veille.sql import load_queries
from veille.vocabulary import PRECISIONS

QUERIES = load_queries("reports", "queries.sql")  # the SQL of this module, by name

PARIS = ZoneInfo("Europe/Paris")
_NOT_ID = re.compile(r"[^0-9A-Za-z]+")
CONFLICT_LABELS = {"date": "Date", "defendants": "Nombre de prévenus"}  # after « Les sources divergent »


@dataclass(slots=True)
class Source:
    """One report of a happening: a document and the sentence that states it."""

    event_id: int
    document_id: int
    outlet: str
    title: str
    url: str
    published: str | None  # ISO 8601 timestamp of publication, as the database gives it
    published_day: str  # its day in Paris, « 2024-06-25 » ("" when unknown)
    evidence: str
    day: str  # the date this report gives, ISO
    precision: str
    kind: str
    upcoming: bool
    republication: bool  # a copy of another document (wire dispatch)
    how: str = ""  # how this report's date was worked out (« « mardi dernier », article du …»)

    @property
    def published_at(self) -> datetime | None:
        return datetime.fromisoformat(self.published) if self.published else None

    @property
    def event_date(self) -> date:
        return date.fromisoformat(self.day)

    @property
    def date_label(self) -> str:
        return date_label(self.event_date, self.precision)

    @property
    def link(self) -> str | None:
        """The address as a link target: only web addresses (never ``javascript:``)."""
        return self.url if self.url and self.url[:8].lower().startswith(("http://", "https://")) else None

    @property
    def published_label(self) -> str:
        """« 25 avr. 2024 », the day of publication in Paris."""
        d = self.published_day
        return short_day(date(int(d[:4]), int(d[5:7]), int(d[8:10]))) if d else short_day(None)

    @property
    def published_iso(self) -> str:
        return self.published_day


@dataclass
class ConflictValue:
    label: str
    sources: list[Source]


@dataclass
class Conflict:
    field: str  # date | defendants
    label: str
    values: list[ConflictValue]


@dataclass(slots=True)
class Happening:
    """One happening, however many outlets reported it; ``sources`` earliest report first."""

    id: int
    key: str
    date: date
    precision: str
    date_end: dt.date | None  # `date` is a field here
    kind: str
    summary: str
    case_slug: str | None
    case_name: str | None
    upcoming: bool
    first_seen_at: datetime
    reviewed: bool = True  # an editor approved it as it stands (happenings.review)
    approved_by: str | None = None  # who, when it is reviewed (the editor's name)
    approved_at: str | None = None  # and when: ISO 8601 timestamp, as the database gives it
    sources: list[Source] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    charges: list[str] = field(default_factory=list)

    @property
    def date_label(self) -> str:
        return date_label(self.date, self.precision, self.date_end)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def evidence(self) -> str:
        """The sentence of the earliest report."""
        return self.sources[0].evidence if self.sources else ""

    @property
    def anchor(self) -> str:
        """HTML id (and TimelineJS unique_id), from the stable key: « e-mazan-verdict-2024-12-19 »."""
        return "e-" + _NOT_ID.sub("-", self.key).strip("-")

    @property
    def iso(self) -> str:
        """The date at its precision, for ``<time datetime>``: 2024-04-25, 2024-04 or 2024."""
        return iso_label(self.date, self.precision)

    @property
    def place_slugs(self) -> str:
        """Space-separated place slugs, for the place filter."""
        return " ".join(place_slug(p) for p in self.places)


@dataclass
class Stage:
    stage: str
    reached_on: date | None
    first_seen_at: datetime

    @property
    def label(self) -> str:
        return stage_label(self.stage)


@dataclass
class Case:
    slug: str
    name: str
    stage: str | None
    places: list[str]
    courts: list[str]
    charges: list[str]
    people: list[str]
    period_start: date | None
    period_end: date | None
    key_figures: dict
    first_seen_at: datetime
    stage_changed_at: datetime | None
    stage_reached_on: date | None
    dossiers: list[str]
    stages: list[Stage] = field(default_factory=list)
    manual: dict = field(default_factory=dict)

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)


# --------------------------------------------------------------------------- happenings


def happenings_params(
    dossier: str,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    as_of: datetime | None = None,
    kinds: tuple[str, ...] | None = None,
    first: date | None = None,
    last: date | None = None,
    approved_only: bool = False,
    ids: list[int] | None = None,
) -> dict:
    """The parameters of the ``happenings`` query (``queries.sql``), every filter given or null: the one
    place that names them, for :class:`HappeningLines`, :func:`happenings_page`, tests and benchmarks."""
    return {
        "dossier": dossier,
        "since": since,
        "until": until,
        "as_of": as_of,
        "kinds": list(kinds) if kinds else None,
        "first": first,
        "last": last,
        "approved_only": approved_only,
        "ids": ids,
    }


class _Stop(Exception):
    """Raised inside the COPY block when the reader stops early: psycopg then cancels the query."""


class HappeningLines:
    """The happenings of :func:`iter_happenings` as the server writes them: batches of lines, one JSON
    array per happening, for :func:`happening_from_line`. Iterate it for the batches; close it (or
    use it as a context manager) when done, even early.

    Read with ``COPY … TO STDOUT`` by a thread that starts at once: the lines arrive as bytes, with
    no parse per column, so the timeline can hand them as they are to its exports process
    (``on_batch``, called in the reading thread as each batch arrives). The thread reads up to
    ``ahead`` batches before the caller asks for them, so the server computes the next rows instead
    of waiting to be asked. ``conn`` belongs to the thread until the object is closed. The query is
    ``happenings`` in ``queries.sql``, whose null filters COPY binds as constants the planner drops."""

    def __init__(
        self,
        conn: psycopg.Connection,
        dossier: str,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        as_of: datetime | None = None,
        kinds: tuple[str, ...] | None = None,
        first: date | None = None,
        last: date | None = None,
        approved_only: bool = False,
        batch: int = 500,
        ahead: int = 64,
        on_batch: Callable[[list[bytes]], object] | None = None,
    ):
        self._conn = conn
        self._params = happenings_params(
            dossier, since, until, as_of=as_of, kinds=kinds, first=first, last=last, approved_only=approved_only
        )
        self._sql = sql.SQL("COPY ({}) TO STDOUT").format(sql.SQL(QUERIES["happenings"]))
        self._batch, self._on_batch = batch, on_batch
        self._queue: queue.Queue = queue.Queue(maxsize=ahead)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="veille-copy", daemon=True)
        self._thread.start()

    def _put(self, lines: list[bytes]) -> None:
        if self._on_batch is not None:
            self._on_batch(lines)
        self._queue.put(lines)

    def _read(self) -> None:
        conn = self._conn
        try:
            with conn.transaction():
                # The plan's cost (the per-happening aggregate) is far above jit_above_cost, but the work is
                # a cheap index lookup per row: compiling it costs more server time than it saves (~0.2 s
                # of CPU for 60,000 happenings, on the core the exports need).
                conn.execute("SET LOCAL jit = off")
                with conn.cursor() as cur, cur.copy(self._sql, self._params) as copy:
                    lines: list[bytes] = []
                    for data in copy:
                        lines.append(bytes(data))
                        if len(lines) >= self._batch:
                            if self._stop.is_set():
                                raise _Stop
                            self._put(lines)
                            lines = []
                    if lines:
                        self._put(lines)
            self._queue.put(None)
        except _Stop:
            pass
        except BaseException as exc:  # handed to the consumer, which raises it
            self._queue.put(exc)

    def __iter__(self) -> Iterator[list[bytes]]:
        while True:
            lines = self._queue.get()
            if isinstance(lines, BaseException):
                raise lines
            if lines is None:
                return
            yield lines

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():  # unblock a reader waiting on a full queue, then let it finish
            try:
                self._queue.get_nowait()
            except queue.Empty:
                self._thread.join(0.05)

    def __enter__(self) -> HappeningLines:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _plain(value: str | None) -> str:
    return value or ""


def happening_from_line(line: bytes, redactor: Redactor) -> Happening:
    """A happening and its sources from one line of :class:`HappeningLines`, anonymised."""
    if b"\\" in line:  # COPY's text format doubles backslashes (JSON holds no other character it escapes)
        line = line.replace(b"\\\\", b"\\")
    # One look for a minor's name in the whole line instead of one per field.
    return _happening(loads(line), redactor, redactor.may_name(line))


def happenings_page(
    conn: psycopg.Connection,
    dossier: str,
    *,
    skip: int = 0,
    lim: int = 50,
    case: str | None = None,
    kinds: tuple[str, ...] | None = None,
    first: date | None = None,
    last: date | None = None,
    search: str | None = None,
    places: tuple[str, ...] | None = None,
    caseless: bool = False,
    redactor: Redactor | None = None,
) -> list[Happening]:
    """One page of a dossier's entries, chronological, with the same filters as the static page (for
    `veille serve`): ``lim`` entries from the ``skip``-th, of ``case`` (or of no case: ``caseless``),
    of ``kinds``, dated within [``first``, ``last``], naming one of ``places`` (the spellings of one
    place), matching ``search``. Hidden entries are left out; unapproved ones are in."""
    redactor = redactor if redactor is not None else load_redactor(conn)
    page = {
        "dossier": dossier,
        "kinds": list(kinds) if kinds else None,
        "first": first,
        "last": last,
        "case": case,
        "caseless": caseless,
        "places": list(places) if places is not None else None,
        "search": search or None,
        "lim": lim,
        "skip": skip,
    }
    # Unprepared statements (prepare=False) are planned with their values: a null filter is dropped.
    ids = [r["happening_id"] for r in conn.execute(QUERIES["happening_page"], page, prepare=False)]
    if not ids:
        return []
    params = happenings_params(dossier, ids=ids)
    query = sql.SQL("SELECT j::text AS line FROM ({}) page(j)").format(sql.SQL(QUERIES["happenings"]))
    out = []
    for r in conn.execute(query, params, prepare=False):
        line = r["line"].encode()
        out.append(_happening(loads(line), redactor, redactor.may_name(line)))
    return out


def _happening(values: list, redactor: Redactor, flagged: bool) -> Happening:
    (
        happening_id,
        key,
        day,
        precision,
        day_end,
        kind,
        summary,
        conflicts,
        first_seen_at,
        case_slug,
        case_name,
        reports,
        review,
        approved_by,
        approved_at,
    ) = values
    text = redactor.text if flagged else _plain
    h = Happening(
        id=happening_id,
        key=key,
        date=date.fromisoformat(day),
        precision=precision,
        date_end=date.fromisoformat(day_end) if day_end else None,
        kind=kind,
        summary=text(summary),
        case_slug=case_slug,
        case_name=text(case_name) if case_name else None,
        upcoming=True,
        first_seen_at=datetime.fromisoformat(first_seen_at),
        reviewed=review == "approved",
        approved_by=approved_by if review == "approved" else None,
        approved_at=approved_at if review == "approved" else None,
    )
    sources = h.sources
    event_source: dict[int, int] = {}
    seen_docs: dict[int, int] = {}
    places, people, charges = h.places, h.people, h.charges
    all_upcoming = True
    # Runs for every entry of a timeline: kept lean.
    for (
        event_id,
        doc,
        outlet,
        title,
        url,
        published,
        published_day,
        evidence,
        event_day,
        event_precision,
        event_kind,
        upcoming,
        republication,
        e_places,
        e_people,
        e_charges,
        how,
    ) in reports:
        all_upcoming = all_upcoming and upcoming
        for v in e_places:
            if v not in places:
                places.append(v)
        if e_people:
            for v in e_people:
                if v not in people:
                    people.append(v)
        if e_charges:
            for v in e_charges:
                if v not in charges:
                    charges.append(v)
        if doc in seen_docs:  # one source per document: its first sentence stands for it
            event_source[event_id] = seen_docs[doc]
            continue
        seen_docs[doc] = event_source[event_id] = len(sources)
        sources.append(
            Source(
                event_id,
                doc,
                outlet,
                text(title),
                url,
                published,
                published_day or "",
                text(evidence),
                event_day,
                event_precision,
                event_kind,
                upcoming,
                republication,
                text(how) if how else "",
            )
        )
    _lead_with_the_most_precise(sources, event_source)
    h.upcoming = all_upcoming
    if flagged:
        h.people = redactor.people(people)
    if conflicts:
        _conflicts(h, conflicts, event_source)
    return h


def _lead_with_the_most_precise(sources: list[Source], event_source: dict[int, int]) -> None:
    """The lead source states the date most precisely (the earliest of those); the others follow,
    earliest first. ``event_source`` (event → index in ``sources``) is kept in step."""
    if len(sources) < 2:
        return
    lead = min(range(len(sources)), key=lambda i: (PRECISIONS.index(sources[i].precision), i))
    if lead == 0:
        return
    order = [lead, *(i for i in range(len(sources)) if i != lead)]
    new_index = {old: new for new, old in enumerate(order)}
    sources[:] = [sources[i] for i in order]
    for event_id, index in event_source.items():
        event_source[event_id] = new_index[index]


def iter_happenings(
    conn: psycopg.Connection,
    dossier: str,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    as_of: datetime | None = None,
    kinds: tuple[str, ...] | None = None,
    first: date | None = None,
    last: date | None = None,
    redactor: Redactor | None = None,
    approved_only: bool = False,
) -> Iterator[Happening]:
    """Happenings of a dossier in chronological order, streamed.

    ``since``/``until``: only happenings with a report published in that window (its older
    reports are listed too). ``as_of``: the dossier as it stood then (later reports ignored).
    ``kinds``, ``first``, ``last``: filter on the happening's kind and date. ``approved_only``:
    only the entries editors approved (:func:`publication` says whether to ask for it)."""
    redactor = redactor if redactor is not None else load_redactor(conn)
    with HappeningLines(
        conn, dossier, since, until, as_of=as_of, kinds=kinds, first=first, last=last, approved_only=approved_only
    ) as stream:
        for lines in stream:
            for line in lines:
                yield happening_from_line(line, redactor)


def _conflicts(h: Happening, found: list[dict], event_source: dict[int, int]) -> None:
    """Keep the disagreements whose sides are all among the sources shown."""
    for c in found:
        values = []
        for v in c["values"]:
            indexes = sorted({event_source[e] for e in v["events"] if e in event_source})
            sources = [h.sources[i] for i in indexes]
            if sources:
                label = (
                    date_label(date.fromisoformat(v["value"]), c.get("precision", "day"))
                    if c["field"] == "date"
                    else str(v["value"])
                )
                values.append(ConflictValue(label=label, sources=sources))
        if len(values) > 1:  # a disagreement only while both sides are in view
            h.conflicts.append(
                Conflict(field=c["field"], label=CONFLICT_LABELS.get(c["field"], c["field"]), values=values)
            )


def happenings(
    conn: psycopg.Connection, dossier: str, since: datetime | None = None, until: datetime | None = None, **filters
) -> list[Happening]:
    """Like :func:`iter_happenings`, as a list."""
    return list(iter_happenings(conn, dossier, since, until, **filters))


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=PARIS)


def upcoming(
    conn: psycopg.Connection, dossier: str, today: date, days: int | None = None, approved_only: bool = False
) -> list[Happening]:
    """Hearings, openings, verdicts and appeals announced for ``today`` or later (within ``days`` days
    if given), as the dossier stood at the end of ``today``."""
    from datetime import timedelta

    last = today + timedelta(days=days) if days is not None else None
    found = happenings(
        conn,
        dossier,
        as_of=_end_of_day(today),
        kinds=HEARING_KINDS,
        first=date(today.year, 1, 1),
        last=last,
        approved_only=approved_only,
    )
    return [h for h in found if is_ahead(h, today)]


def is_ahead(h: Happening, today: date) -> bool:
    """Still to come on ``today``, at the happening's precision (« septembre 2024 » is ahead all September)."""
    if h.precision == "year":
        return h.date.year >= today.year
    if h.precision == "month":
        return (h.date.year, h.date.month) >= (today.year, today.month)
    return h.date >= today


# --------------------------------------------------------------------------- publication


@dataclass(frozen=True)
class Publication:
    """What the reports publish (``[reports] publish``) and who approved the chronology."""

    approved_only: bool  # only the entries approved as they stand
    mark_unreviewed: bool  # the others are shown « non vérifié »
    approved: int = 0  # entries approved as they stand
    approved_by: str | None = None  # the name on the latest approval
    approved_at: datetime | None = None


def publication(conn: psycopg.Connection, setting: str = "auto") -> Publication:
    """``approved``: only approved entries; ``all``: every entry, the unapproved marked « non vérifié »;
    ``auto`` (the default): ``approved`` once an editor has approved any entry, else everything, as a
    dossier without editors has always been published."""
    row = conn.execute(QUERIES["publication"]).fetchone()
    reviewed = row["approvals"] > 0
    approved_only = setting == "approved" or (setting == "auto" and reviewed)
    return Publication(
        approved_only=approved_only,
        mark_unreviewed=setting == "all",
        approved=row["approved"],
        approved_by=(row["author_name"] or "la rédaction") if reviewed else None,
        approved_at=row["made_at"],
    )


# --------------------------------------------------------------------------- cases


def cases(conn: psycopg.Connection, dossier: str, redactor: Redactor | None = None) -> list[Case]:
    """The dossier's cases, oldest first, with their stages' history."""
    redactor = redactor if redactor is not None else load_redactor(conn)
    rows = conn.execute(QUERIES["cases"], {"dossier": dossier}).fetchall()
    stages: dict[str, list[Stage]] = {}
    for r in conn.execute(QUERIES["case_stages"]).fetchall():
        stages.setdefault(r["case_slug"], []).append(Stage(r["stage"], r["reached_on"], r["first_seen_at"]))
    return [
        Case(
            slug=r["slug"],
            name=redactor.text(r["name"]),
            stage=r["stage"],
            places=r["places"],
            courts=r["courts"],
            charges=r["charges"],
            people=redactor.people(r["people"]),
            period_start=r["period_start"],
            period_end=r["period_end"],
            key_figures=r["key_figures"],
            first_seen_at=r["first_seen_at"],
            stage_changed_at=r["stage_changed_at"],
            stage_reached_on=r["stage_reached_on"],
            dossiers=r["dossiers"],
            stages=stages.get(r["slug"], []),
            manual=r["manual"],
        )
        for r in rows
    ]


def case_changes(conn: psycopg.Connection, dossier: str, since: datetime, until: datetime) -> list[tuple[Case, str]]:
    """Cases first seen in the window (« nouvelle »), or that reached a new stage in it (the stage)."""
    out = []
    for c in cases(conn, dossier):
        if since <= c.first_seen_at < until:
            out.append((c, "nouvelle"))
            continue
        for s in c.stages:
            if since <= s.first_seen_at < until and s.stage == c.stage:
                out.append((c, s.stage))
    return out


def coverage(
    conn: psycopg.Connection, dossier: str, as_of: datetime | None = None, case: str | None = None
) -> list[tuple[date, int]]:
    """Articles of the dossier published each month (Europe/Paris), months without any included;
    court decisions are not counted. ``case``: only the articles that report on that case."""
    rows = conn.execute(QUERIES["coverage"], {"dossier": dossier, "as_of": as_of, "case": case}).fetchall()
    if not rows:
        return []
    counts = {r["month"]: r["n"] for r in rows}
    out, month = [], rows[0]["month"]
    while month <= rows[-1]["month"]:
        out.append((month, counts.get(month, 0)))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return out
