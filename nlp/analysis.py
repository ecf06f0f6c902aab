"""A processed document as plain data: the documented JSON of ``veille nlp analyse`` (docs/nlp.md).

Every fact keeps its character offsets into the text as given (which the normaliser
never shifts) and the offsets of its sentence, the evidence. A person described as a
minor keeps the offsets of the mention, but never a name: the canonical name is
replaced by ``MINOR_NAME``.
"""

from __future__ import annotations

from datetime import date

from spacy.tokens import Doc, Span

from nlp.charges import ChargeFinder
from nlp.date_finder import published_date
from nlp.dates import iso
from nlp.extensions import enclosing_sentence, evidence_offsets
from nlp.normaliser import original_text
from nlp.text import key

MINOR_NAME = "[mineur non nommé]"
CIRCUMSTANCE = "circonstance"  # the lexicon category of aggravating circumstances
_LEXICON: ChargeFinder | None = None


def _lexicon() -> ChargeFinder:
    global _LEXICON
    if _LEXICON is None:
        _LEXICON = ChargeFinder()
    return _LEXICON


def _sentence(span: Span) -> tuple[int, int]:
    return evidence_offsets(enclosing_sentence(span))


def analyse_doc(doc: Doc) -> dict:
    text = original_text(doc)
    minors = {e._.canonical for e in doc.ents if e.label_ == "PER" and e._.minor}
    entities = []
    for ent in doc.ents:
        minor = ent.label_ == "PER" and (ent._.minor or ent._.canonical in minors)
        canonical = ent._.canonical or ent.text
        s_start, s_end = _sentence(ent)
        item = {
            "text": text[ent.start_char : ent.end_char],
            "label": ent.label_,
            "canonical": MINOR_NAME if minor else canonical,
            "key": key(canonical),
            "start": ent.start_char,
            "end": ent.end_char,
            "minor": minor,
            "role": ent._.role,
            "sentence_start": s_start,
            "sentence_end": s_end,
        }
        if ent.label_ == "ORG":
            item["org_kind"] = ent._.org_kind or "other"
            item["seat"] = ent._.seat
        if ent._.honorific:
            item["honorific"] = ent._.honorific
        entities.append(item)
    # The town inside an institution's name (« parquet de Paris ») is not a place of the story: listed
    # apart, for what needs the seat of a court.
    places_in_names = []
    for span in doc.spans.get("places_in_names", ()):
        s_start, s_end = _sentence(span)
        places_in_names.append(
            {
                "text": text[span.start_char : span.end_char],
                "canonical": span._.canonical or span.text,
                "key": key(span._.canonical or span.text),
                "start": span.start_char,
                "end": span.end_char,
                "sentence_start": s_start,
                "sentence_end": s_end,
            }
        )
    entities.sort(key=lambda e: (e["start"], -e["end"]))
    charges, circumstances, set_aside = [], [], []
    for span in doc.spans.get("charges", ()):
        entry = _lexicon().entry(span.label_)
        s_start, s_end = _sentence(span)
        item = {
            "text": text[span.start_char : span.end_char],
            "charge": span.label_,
            "lemma": entry["lemma"],
            "category": entry["category"],
            "articles": list(entry["articles"]),
            "start": span.start_char,
            "end": span.end_char,
            "sentence_start": s_start,
            "sentence_end": s_end,
        }
        if span._.not_held and span._.not_held != "circumstance":
            set_aside.append(item)
        elif entry["category"] == CIRCUMSTANCE or span._.not_held == "circumstance":
            item["category"] = CIRCUMSTANCE  # « guet-apens », « soumission chimique »: how, not what
            circumstances.append(item)
        else:
            charges.append(item)
    dates = []
    for span in doc.spans.get("dates", ()):
        s_start, s_end = _sentence(span)
        dates.append(
            {
                "text": text[span.start_char : span.end_char],
                "date": iso(date.fromisoformat(span._.date), span._.precision),
                "precision": span._.precision,
                "date_end": span._.date_end,
                "start": span.start_char,
                "end": span.end_char,
                "sentence_start": s_start,
                "sentence_end": s_end,
                "how": span._.date_how,
            }
        )
    events = []
    for event in doc._.events or ():
        events.append(
            {
                **{k: v for k, v in event.items() if k not in ("date_start", "date_stop")},
                "evidence": text[event["start"] : event["end"]],
                "date_text": text[event["date_start"] : event["date_stop"]],
                "date_text_start": event["date_start"],
                "date_text_end": event["date_stop"],
            }
        )
    return {
        "published": published_date(doc).isoformat(),
        "entities": entities,
        "charges": charges,
        "places_in_names": places_in_names,
        "circumstances": circumstances,
        "charges_not_held": set_aside,
        "dates": dates,
        "events": events,
        "minors": [
            {"text": text[s.start_char : s.end_char], "start": s.start_char, "end": s.end_char}
            for s in doc.spans.get("minors", ())
        ],
    }
