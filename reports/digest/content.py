"""The weekly digest of one dossier: what changed during one week, case by case.

``build_digest`` reads the database once per dossier and week into a ``Digest``:
the week's documents (see ``reports/digest/data.py`` for what counts as new), and the happenings
and announced hearings through the reports' read API (``reports/queries.py``, fed by
the case grouping). ``render_text`` and ``render_html`` turn it into the two parts of
each subscriber's email, which differ only in the greeting and the unsubscribe link.
Every string from the web goes through ``Cleaner`` (one line, minors unnamed) and the
templates escape it.

A happening is a *new stage* when every report of it saying it took place comes from
a document new this week and it happened at most ``RECENT`` before the week (« en
avril 2023, le père a porté plainte », first told now, is background for the timeline,
not news); it is a *new date* when every report announcing it comes from a document new
this week, for a date after the week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import psycopg

from reports import queries
from reports.digest import data
from reports.digest.clean import Cleaner, safe_url
from reports.digest.weeks import PARIS, Week, french_date
from reports.french import capfirst, date_label, kind_label, stage_label
from reports.minors import load_redactor
from reports.rendering import environment
from veille.config import Config
from veille.vocabulary import WEEKDAYS

DOCUMENT_KIND_LABELS = {"decision": "décision de justice", "press_release": "communiqué"}
OTHER_SECTION = "Autres articles du dossier"
RECENT = timedelta(days=7)  # a stage reported this week counts as news if it happened this recently before it


@dataclass
class Article:
    title: str
    url: str | None
    outlet: str
    date_text: str
    kind_label: str = ""
    republished_by: list[str] = field(default_factory=list)
    late: bool = False


@dataclass
class Step:
    day: date
    label: str
    date_text: str
    summary: str
    outlet: str
    url: str | None
    other_sources: int = 0
    quote: str = ""  # the source's whole sentence
    how: str = ""  # how its date was worked out
    unverified: bool = False  # `[reports] publish = "all"` and no editor approved it


@dataclass
class CaseSection:
    name: str
    stage_label: str = ""
    is_new: bool = False
    stages: list[Step] = field(default_factory=list)
    new_dates: list[Step] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)


@dataclass
class Hearing:
    day: date
    date_text: str
    label: str
    case_name: str
    summary: str
    outlet: str
    url: str | None


@dataclass
class Digest:
    dossier_slug: str
    dossier_title: str
    week: Week
    sections: list[CaseSection]
    upcoming: list[Hearing]
    timeline_url: str | None
    flagged: list[dict]

    @property
    def quiet(self) -> bool:
        return not self.sections

    @property
    def article_count(self) -> int:
        return sum(len(s.articles) for s in self.sections)

    @property
    def stage_count(self) -> int:
        return sum(len(s.stages) for s in self.sections)

    @property
    def date_count(self) -> int:
        return sum(len(s.new_dates) for s in self.sections)

    @property
    def new_case_count(self) -> int:
        return sum(1 for s in self.sections if s.is_new)

    @property
    def subject(self) -> str:
        if self.quiet:
            return f"{self.dossier_title} — semaine {self.week.label()} : rien de nouveau"
        return f"{self.dossier_title} — semaine {self.week.label()} : {self.summary_line()}"

    def summary_line(self) -> str:
        parts = [_plural(self.article_count, "article", "articles")]
        if self.new_case_count:
            parts.append(_plural(self.new_case_count, "nouvelle affaire", "nouvelles affaires"))
        if self.stage_count:
            parts.append(_plural(self.stage_count, "nouvelle étape", "nouvelles étapes"))
        if self.date_count:
            parts.append(_plural(self.date_count, "date annoncée", "dates annoncées"))
        return ", ".join(parts)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n <= 1 else many}"


def _day(value) -> str:
    return french_date(value.astimezone(PARIS).date()) if value else "date inconnue"


def _step(clean: Cleaner, h: queries.Happening, source: queries.Source, count: int, mark: bool = False) -> Step:
    return Step(
        unverified=mark and not h.reviewed,
        day=h.date,
        label=capfirst(kind_label(h.kind)),
        date_text=date_label(h.date, h.precision, h.date_end),
        summary=clean.text(h.summary),
        outlet=clean.text(source.outlet, "source inconnue", 80),
        url=clean.url(source.url),
        other_sources=count - 1,
        quote=clean.text(source.evidence, "", 600),
        how=clean.text(source.how, "", 300),
    )


def _articles(clean: Cleaner, docs: list[dict]) -> list[tuple[list[int], Article]]:
    """This week's documents, one entry per story: a wire copy and its republications are one."""
    groups: dict[int, list[dict]] = {}
    for doc in docs:
        groups.setdefault(doc["duplicate_of"] or doc["id"], []).append(doc)
    entries = []
    for original, members in groups.items():
        head = next((d for d in members if d["id"] == original), members[0])
        others = sorted({clean.text(d["outlet"], "", 80) for d in members if d is not head} - {""})
        entries.append(
            (
                [d["id"] for d in members],
                Article(
                    title=clean.text(head["title"], "(sans titre)"),
                    url=clean.url(head["url"]),
                    outlet=clean.text(head["outlet"], "source inconnue", 80),
                    date_text=_day(head["published_at"]),
                    kind_label=DOCUMENT_KIND_LABELS.get(head["kind"], ""),
                    republished_by=others,
                    late=head["late"],
                ),
            )
        )
    return entries


def _period_end(h: queries.Happening) -> date:
    """Last day the happening can have taken place on, given the precision of its date."""
    if h.date_end:
        return h.date_end
    if h.precision == "year":
        return date(h.date.year, 12, 31)
    if h.precision == "month":
        return (h.date.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return h.date


class _Sections:
    """The digest's sections, one per case (and one for documents of no case), made on demand."""

    def __init__(self, conn: psycopg.Connection, clean: Cleaner, mark_unreviewed: bool = False):
        self.conn, self.clean, self.mark = conn, clean, mark_unreviewed
        self.approved_only = False  # only the entries editors approved (`[reports] publish`)
        self.by_case: dict[str | None, CaseSection] = {}
        self.cases: dict[str, dict] = {}

    def case(self, slug: str | None) -> dict | None:
        if slug is None:
            return None
        if slug not in self.cases:
            row = data.cases_by_slug(self.conn, [slug]).get(slug)
            if row is None:  # recomputed away since the happenings were read
                return None
            self.cases[slug] = row
        return self.cases[slug]

    def __call__(self, slug: str | None) -> CaseSection:
        row = self.case(slug)
        key = row["slug"] if row else None
        if key not in self.by_case:
            self.by_case[key] = (
                CaseSection(name=OTHER_SECTION)
                if row is None
                else CaseSection(
                    name=capfirst(self.clean.text(row["name"], row["slug"])),
                    stage_label=stage_label(row["stage"]) if row["stage"] else "",
                )
            )
        return self.by_case[key]

    def ordered(self) -> list[CaseSection]:
        """New cases first, then those with new stages, then the busiest; « other » last. A case with
        nothing to show (its new documents are told under a case they say more about) is left out."""
        for s in self.by_case.values():
            s.stages.sort(key=lambda step: step.day)
            s.new_dates.sort(key=lambda step: step.day)
        shown = [(k, s) for k, s in self.by_case.items() if s.stages or s.new_dates or s.articles]
        return [
            s
            for _, s in sorted(
                shown,
                key=lambda kv: (kv[0] is None, not kv[1].is_new, -len(kv[1].stages), -len(kv[1].articles), kv[1].name),
            )
        ]


def _add_steps(sections: _Sections, happenings: list[queries.Happening], new_ids: set[int], week: Week) -> None:
    """New stages and newly announced dates, one entry per happening."""
    recent_from = week.monday - RECENT
    for h in happenings:
        done = [s for s in h.sources if not s.upcoming]
        announced = [s for s in h.sources if s.upcoming]
        if (
            done
            and all(s.document_id in new_ids for s in done)
            and _period_end(h) >= recent_from
            and h.date <= week.sunday
        ):
            sections(h.case_slug).stages.append(_step(sections.clean, h, done[0], len(done), sections.mark))
        if announced and all(s.document_id in new_ids for s in announced) and _period_end(h) > week.sunday:
            sections(h.case_slug).new_dates.append(
                _step(sections.clean, h, announced[-1], len(announced), sections.mark)
            )


def _agenda(sections: _Sections, conn: psycopg.Connection, dossier: str, week: Week) -> list[Hearing]:
    """Hearings announced, as known at the end of the week, from the next Monday to 30 days later
    (a month-precise date when its month begins in that window)."""
    clean, first = sections.clean, week.next_monday
    last = first + timedelta(days=data.UPCOMING_DAYS)
    hearings = []
    for h in queries.upcoming(conn, dossier, week.sunday, data.UPCOMING_DAYS + 1, sections.approved_only):
        # Only dates that fall in the window: « en 2024 » or « en septembre » (when September has
        # begun) could be any day, and the announcement of the exact day is what readers act on.
        if h.precision == "year" or not first <= h.date <= last:
            continue
        latest = h.sources[-1]  # the most recent announcement is the one to trust
        when = date_label(h.date, h.precision, h.date_end)
        if h.precision == "day" and not h.date_end:
            when = f"{WEEKDAYS[h.date.weekday()]} {when}"
        case = sections.case(h.case_slug)
        hearings.append(
            Hearing(
                day=h.date,
                date_text=when,
                label=capfirst(kind_label(h.kind)),
                case_name=clean.text(case["name"], case["slug"]) if case else "",
                summary=clean.text(h.summary),
                outlet=clean.text(latest.outlet, "source inconnue", 80),
                url=clean.url(latest.url),
            )
        )
    return sorted(hearings, key=lambda hearing: hearing.day)


def build_digest(conn: psycopg.Connection, config: Config, dossier_slug: str, week: Week) -> Digest:
    dossier = config.dossier(dossier_slug)
    clean = Cleaner(load_redactor(conn))
    published = queries.publication(conn, config.reports.publish)
    sections = _Sections(conn, clean, published.mark_unreviewed)
    sections.approved_only = published.approved_only
    docs = data.new_documents(conn, dossier_slug, week.start, week.end)
    new_ids = {d["id"] for d in docs}

    doc_cases = data.document_cases(conn, list(new_ids))
    for member_ids, article in _articles(clean, docs):
        case = next((doc_cases[i][0] for i in member_ids if i in doc_cases), None)
        if case:
            sections.cases.setdefault(case["slug"], case)
        sections(case["slug"] if case else None).articles.append(article)

    for case in data.dossier_cases(conn, dossier_slug, week.end):
        if case["document_ids"] and set(case["document_ids"]) <= new_ids:
            sections.cases.setdefault(case["slug"], case)
            sections(case["slug"]).is_new = True

    # Happenings with a report published this week, or up to LATE_WINDOW before it (found late).
    reported = queries.happenings(
        conn,
        dossier_slug,
        week.start - data.LATE_WINDOW,
        week.end,
        as_of=week.end,
        kinds=data.STAGE_KINDS,
        redactor=clean.redactor,
        approved_only=published.approved_only,
    )
    _add_steps(sections, reported, new_ids, week)
    flagged = [
        {"name": clean.text(f["name"], f["source_id"], 80), "reason": clean.text(f["reason"], "")}
        for f in data.flagged_sources(conn)
    ]
    return Digest(
        dossier_slug=dossier_slug,
        dossier_title=dossier.title,
        week=week,
        sections=sections.ordered(),
        upcoming=_agenda(sections, conn, dossier_slug, week),
        timeline_url=safe_url(config.reports.public_url, local=True),
        flagged=flagged,
    )


def _context(digest: Digest, name: str | None, unsubscribe_url: str | None) -> dict:
    return {
        "digest": digest,
        "greeting": f"Bonjour {name}," if name else "Bonjour,",
        "unsubscribe_url": unsubscribe_url,
    }


def render_text(digest: Digest, name: str | None = None, unsubscribe_url: str | None = None) -> str:
    return environment().get_template("digest.txt.j2").render(_context(digest, name, unsubscribe_url))


def render_html(digest: Digest, name: str | None = None, unsubscribe_url: str | None = None) -> str:
    """The HTML part, styles still in a <style> block (``reports.mail`` inlines them)."""
    return environment().get_template("digest.html.j2").render(_context(digest, name, unsubscribe_url))
