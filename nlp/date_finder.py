"""Component ``veille_dates``: the date expressions of a document, resolved (``nlp.dates``).

The publication date comes from ``doc._.published`` (ISO); without it, today. The
tense that decides « le 2 septembre » (the last one or the next one) is read from the
parse of the clause each expression belongs to, else from the cue words of its sentence
(``nlp.tense``). Results are spans of ``doc.spans["dates"]`` with ``_.date``, ``_.precision``,
``_.date_end``, ``_.date_kind`` and ``_.date_how``: how the date was worked out, a dict with
``expression``, ``anchor`` (ISO), ``anchor_kind`` (``published`` or ``date``), ``rule`` (a short
English id) and ``explanation`` (French, « « mardi dernier », article du 25 avril 2024 → 23 avril 2024 »).
"""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp import extensions  # noqa: F401
from nlp.dates import find_dates, iso
from nlp.tense import span_tense

if not Span.has_extension("date_how"):
    Span.set_extension("date_how", default=None)


def published_date(doc: Doc) -> date:
    value = doc._.published
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10]) if value else date.today()


class DateFinder:
    def __call__(self, doc: Doc) -> Doc:
        published = published_date(doc)

        def tense(start: int, end: int) -> str | None:
            span = doc.char_span(start, end, alignment_mode="expand")
            return span_tense(span) if span is not None else None

        mentions = find_dates(doc.text, published, tense)
        if any(m.kind == "weekday" for m in mentions):
            # « jeudi dernier » may be last week's Thursday: the one the text also states in full.
            known = [m.date for m in mentions if m.kind == "day_month"]
            if known:
                mentions = find_dates(doc.text, published, tense, known)
        spans = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label="DATE", alignment_mode="expand")
            if span is None:
                continue
            span._.date = iso(m.date, "day")
            span._.precision = m.precision
            span._.date_end = m.end_date.isoformat() if m.end_date else None
            span._.date_end_precision = m.end_precision
            span._.date_kind = m.kind + (":anaphoric" if m.anaphoric else "")
            span._.date_how = m.how(published)
            spans.append(span)
        doc.spans["dates"] = spans
        return doc


@Language.factory("veille_dates")
def make_date_finder(nlp: Language, name: str) -> DateFinder:
    return DateFinder()
