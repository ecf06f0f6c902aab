"""Component ``veille_courts``: courts and the other institutions of a criminal case, as organisations.

« tribunal correctionnel de Valenciennes », « cour criminelle du Vaucluse », « parquet
de Paris », « commissariat de Carpentras »: the lexicon ``patterns/institutions.jsonl``
names each kind of institution and whether a town or a department follows it. A court
gets its seat: the town it names, or for a departmental court (assizes, criminal
court) the town where that department's court sits (``patterns/court_seats.jsonl``:
the Vaucluse court sits in Avignon, the Gard assizes in Nîmes).

The same component labels organisations the text introduces by what they are
(« l'association Enfance Protégée », « le collectif … ») and the outlets named in the
configuration (``media``), everywhere they recur in the document.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp import extensions  # noqa: F401
from nlp.extensions import replace_entities
from nlp.patterns import load
from nlp.text import key

# Case-sensitive even inside a case-insensitive name: « de Paris », not « d'une ».
PLACE = r"(?-i:(?:La |Le |Les )?[A-ZÀ-Ý][\w']*(?:-[\w']+)*)"
PREPOSITION = r"(?P<prep>de la |de l'|du |des |de |d')"
INTRODUCED = re.compile(
    r"(?i:l'association|l'ONG|le collectif|la fondation|l'organisation|le syndicat)\s+"
    r"(?P<name>[A-ZÀ-Ý][\w'!-]*(?:\s+(?:[A-ZÀ-Ý][\w'!-]*|de|des|du|d'|pour|la|le|l'|en|et|contre|à)){0,6})"
)
# « (JUNALCO) », « (Junalco) », « (ComCyberMI) »: one word in brackets right after the name.
ACRONYM_AFTER = re.compile(r"\s*\((?P<acronym>[A-Z][A-Za-z0-9]{1,11})\)")
TRAILING_SMALL_WORDS = re.compile(r"(?:\s+(?:de|des|du|d'|pour|la|le|l'|en|et|contre|à))+$", re.I)


def _abbreviates(acronym: str, name: str) -> bool:
    """« Junalco » for « juridiction nationale de lutte contre la criminalité organisée », not « Nord » for
    « gendarmerie de Bouchain (Nord) »: the same first letter, and its letters in the name, in order."""
    letters, words = key(acronym).replace(" ", ""), key(name)
    if not letters or not words or letters[0] != words[0]:
        return False
    rest = iter(words)
    return all(c in rest for c in letters)


def _flexible(name: str) -> str:
    """The name as a regex that tolerates any run of spaces between its words."""
    return r"\s+".join(re.escape(word) for word in name.split())


class CourtRecogniser:
    def __init__(self, nlp: Language, media: list[str] | tuple[str, ...] = ()):
        self.seats = {key(row["department"]): row["seat"] for row in load("court_seats.jsonl")}
        rows = sorted(load("institutions.jsonl"), key=lambda r: len(r["name"]), reverse=True)
        self.institutions = []
        for row in rows:
            flags = 0 if row.get("exact") else re.I
            name = rf"(?<![\w-]){_flexible(row['name'])}(?![\w-])"
            pattern = name if row["place"] == "none" else rf"{name}(?:\s+{PREPOSITION}(?P<place>{PLACE}))?"
            self.institutions.append((re.compile(pattern, flags), row))
        # The configured outlets, then the French press's usual names (``patterns/media.jsonl``): a
        # newsroom is an organisation, never a place (« France 3 Provence ») or a person.
        self.media: list[tuple[re.Pattern[str], str | None]] = [
            (re.compile(rf"(?<![\w-]){_flexible(m)}(?![\w-])"), m) for m in media if m.strip()
        ]
        for row in load("media.jsonl"):
            forms = "|".join(row.get("forms") or [_flexible(row["name"])])
            self.media.append((re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])"), None))

    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        places: list[Span] = []
        text = doc.text
        for regex, row in self.institutions:
            for m in regex.finditer(text):
                place = m.groupdict().get("place")
                if row["place"] in ("town", "department") and not place:
                    continue  # « le parquet », « la cour d'assises »: which one is not said
                span = self._add(doc, found, m.start(), m.end(), row["kind"])
                if span is None:
                    continue
                # The lexicon's spelling of the institution, then the place as the text writes it.
                tail = " ".join(text[m.start("prep") : m.end()].split()) if place else ""
                span._.canonical = f"{row['name']} {tail}".strip()
                span._.seat = self._seat(row, place)
                if place:
                    named = doc.char_span(m.start("place"), m.end("place"), label="LOC", alignment_mode="expand")
                    if named is not None:
                        named._.canonical = place
                        places.append(named)
        for name in self._introduced(text):
            for m in re.finditer(rf"(?<![\w-]){_flexible(name)}(?![\w-])", text):
                span = self._add(doc, found, m.start(), m.end(), "association")
                if span is not None:
                    span._.canonical = name
        for regex, medium in self.media:
            for m in regex.finditer(text):
                span = self._add(doc, found, m.start(), m.end(), "media")
                if span is not None:  # an edition is named as written: « France 3 Provence-Alpes »
                    span._.canonical = medium or " ".join(m.group().split())
        self._aliases(doc, found)
        replace_entities(doc, sorted(found, key=lambda s: s.start))
        # The town or department inside a name (« parquet de Paris ») is also a place the text names.
        doc.spans["places_in_names"] = places
        return doc

    def _aliases(self, doc: Doc, found: list[Span]) -> None:
        """« Juridiction nationale … (JUNALCO) »: the acronym is the same organisation; « cour criminelle
        départementale du Vaucluse » and « cour criminelle du Vaucluse » are one court, named as first seen."""
        text = doc.text
        acronyms: dict[str, Span] = {}
        span: Span | None
        for span in found:
            m = ACRONYM_AFTER.match(text, span.end_char)
            if m and _abbreviates(m.group("acronym"), span.text):
                acronyms[m.group("acronym")] = span
        for acronym, full in acronyms.items():
            for m in re.finditer(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text):
                same = next((s for s in found if s.start_char == m.start() and s.end_char == m.end()), None)
                span = same or self._add(doc, found, m.start(), m.end(), full._.org_kind)
                if span is not None:
                    span._.canonical, span._.org_kind, span._.seat = full._.canonical, full._.org_kind, full._.seat
        first: dict[str, str] = {}
        for span in sorted(found, key=lambda s: s.start):
            if span._.org_kind == "court":
                same_court = key(span._.canonical).replace(" departementale", "")
                span._.canonical = first.setdefault(same_court, span._.canonical)

    @staticmethod
    def _add(doc: Doc, found: list[Span], start: int, end: int, kind: str) -> Span | None:
        span = doc.char_span(start, end, label="ORG", alignment_mode="expand")
        if span is None or any(s.start < span.end and span.start < s.end for s in found):
            return None
        span._.org_kind = kind
        found.append(span)
        return span

    def _seat(self, row: dict, place: str | None) -> str | None:
        if row["kind"] != "court":
            return None
        if row["place"] == "town" and place:
            return place
        if place:
            return self.seats.get(key(place), place if row["place"] == "optional" else None)
        return row.get("seat")

    @staticmethod
    def _introduced(text: str) -> list[str]:
        names = []
        for m in INTRODUCED.finditer(text):
            name = TRAILING_SMALL_WORDS.sub("", m.group("name")).strip()
            if len(name) > 2 and name not in names:
                names.append(name)
        return names


@Language.factory("veille_courts", default_config={"media": []})
def make_court_recogniser(nlp: Language, name: str, media: list[str]) -> CourtRecogniser:
    return CourtRecogniser(nlp, media)
