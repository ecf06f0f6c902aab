"""Component ``veille_sites``: clean the model's entities and recognise the site (label SITE).

The statistical model tags sentence-initial participles (« Interrogé »), inhabitants
(« un Roubaisien »), weekdays and image captions as people or places, and it reads
« Coco » as a person or a town. This component drops what is not a name, trims what
surrounds one, and labels the site's names and domains (``patterns/sites.jsonl``) SITE.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp import extensions  # noqa: F401  (registers the attributes)
from nlp.extensions import replace_entities
from nlp.patterns import load
from nlp.text import key
from veille.vocabulary import MONTHS, NUMBER_HUNDREDS, NUMBER_TENS, NUMBER_UNITS, WEEKDAYS

LABELS = ("PER", "LOC", "ORG", "SITE")
DAYS_MONTHS = {key(word) for word in (*WEEKDAYS, *MONTHS)}
NUMBER_WORDS = {*NUMBER_UNITS, *NUMBER_TENS, *NUMBER_HUNDREDS}
LEADING_WORDS = {
    "le",
    "la",
    "les",
    "l'",
    "l",
    "du",
    "de",
    "des",
    "d'",
    "d",
    "au",
    "aux",
    "à",
    "a",
    "et",
    "ou",
    "un",
    "une",
    "en",
    "par",
    "sur",
    "pour",
    "avec",
    "dans",
    "chez",
    "selon",
    "vers",
}
# « un Roubaisien », « des Lillois »: an inhabitant, not the town.
DEMONYM = re.compile(r"(?:ien|ienne|ois|oise|ais|aise|ain|aine|an|ane|ard|arde)s?$")
# Nouns that make a name a group's (an organisation), not a person's nor a place's.
GROUP_NOUNS = {
    "mafia",
    "gang",
    "clan",
    "cartel",
    "groupe",
    "collectif",
    "brigade",
    "bande",
    "reseau",
    "parti",
    "association",
    "syndicat",
    "federation",
    "union",
    "fondation",
    "comite",
}
# Nouns that open an institution's name: the place that ends the name is not a place of the story.
INSTITUTION_NOUNS = {
    "parquet",
    "tribunal",
    "cour",
    "procureur",
    "procureure",
    "prefecture",
    "prefet",
    "prefete",
    "gendarmerie",
    "commissariat",
    "palais",
    "pole",
    "brigade",
    "police",
    "juridiction",
    "universite",
    "mairie",
    "conseil",
    "prison",
    "arret",
    "centre",
    "assises",
    "barreau",
    "hopital",
    "chu",
    "academie",
    "rectorat",
    "diocese",
    "eveche",
    "legion",
    "groupement",
    "compagnie",
    "direction",
    "service",
    "office",
    "agence",
    "institut",
    "lycee",
    "college",
}
# Institutions named after the town they sit in: a name closing « … de X » after one is that town, never a
# person (not « conseil », which is also someone's lawyer: « le conseil de Dominique Pelicot »).
SEATS = frozenset(
    {"arret", "prison", "centre", "tribunal", "cour", "palais", "mairie", "prefecture", "commissariat"}
    | {"gendarmerie", "hopital", "chu", "lycee", "college", "universite", "juridiction", "parquet", "brigade"}
)
# Nouns before a name that make it a landmark: « la cité Fonscolombes », « le lac Kir ».
LANDMARK_NOUNS = {
    "cite",
    "quartier",
    "lac",
    "bois",
    "foret",
    "parc",
    "rue",
    "avenue",
    "boulevard",
    "place",
    "quai",
    "pont",
    "plage",
    "mont",
    "col",
    "residence",
    "lotissement",
    "hameau",
    "lieu dit",
    "rond point",
}
# « Pont-Audemer », « Mont-de-Marsan », « Bois-Colombes » are towns; « Notre-Dame-de-… » mostly a sanctuary.
HYPHENATED_HEAD = re.compile(r"(?!notre-)[^\W\d_]+-", re.I)
# Before a capitalised word, what makes it no town: the Justice minister's title, a nickname.
NOT_A_PLACE_BEFORE = re.compile(
    r"(?:\bgardes? des\s+|\b(?:surnommée?s?|dite?s?|alias)\s*«?\s*(?:les?\s+|la\s+|l['’])?)$", re.I
)
# Nouns whose name follows them: a name after one of these is a street's or a building's, not a
# person of the story nor a town.
NAMED_AFTER = LANDMARK_NOUNS | {
    "allee",
    "impasse",
    "chemin",
    "square",
    "esplanade",
    "promenade",
    "lycee",
    "college",
    "ecole",
    "hopital",
    "chu",
    "clinique",
    "stade",
    "gymnase",
    "salle",
    "aeroport",
    "gare",
    "station",
    "musee",
    "mediatheque",
    "prix",
}
ROAD = re.compile(r"(?:A|N|RN|D|RD|E)\s?\d{1,4}")
PART_OF_TOWN = re.compile(
    r"(?i:\d+\s*(?:e|er|ème|eme)\s+arrondissement|département|departement)\s+"
    r"(?:de la |de l'|de l’|du |des |de |d'|d’)"
)
DEMONYM_BEFORE = {"un", "une", "des", "les", "deux", "trois", "quatre", "cinq", "jeune", "jeunes"}


PERSON_BEFORE = re.compile(
    r"(?:\b(?:la|le|l'|l’|une?|sa|son)\s+)(?:jeune|petite?|fillette|collégienne|collégien|lycéenne|lycéen|"
    r"adolescente?|étudiante?|victime)\s+$|\bcorps\s+de\s+$",
    re.I,
)
PLACE_BEFORE = re.compile(r"\b(?:à|au|aux|en|dans|vers|près de|depuis)\s+$", re.I)  # « à Paris, un suspect de 22 ans »
# « Lola, 12 ans », « Philippine, une étudiante de 19 ans », « X, âgé de 22 ans »
PERSON_AFTER = re.compile(r"\s*,\s*(?:(?:une?|la|le)\s+(?:[\w-]+\s+){0,2}?de\s+|âgée?\s+de\s+)?\d{1,3}\s+ans\b")


# A caption's credit: « (PASCAL BONNIERE / MAXPPP) », « (Marie Dupont / Hans Lucas via AFP) ».
CREDIT = re.compile(r"\((?P<who>[^()/\n]{2,80}?)\s*/\s*(?P<agency>[^()/\n]{2,60})\)")
AGENCIES = re.compile(r"\b(?:AFP|MAXPPP|REUTERS|SIPA|ABACA|AP|GETTY|BELGA|HANS LUCAS|PHOTOPQR|HAYTHAM|LP)\b", re.I)


def _in_credit(text: str, start: int, end: int) -> bool:
    opening = text.rfind("(", max(0, start - 80), start)
    if opening < 0:
        return False
    m = CREDIT.match(text, opening)
    if m is None or not (m.start() < start and end <= m.end()):
        return False
    letters = [c for c in m.group(0) if c.isalpha()]
    capitals = sum(c.isupper() for c in letters) >= 0.6 * len(letters)
    return capitals or bool(AGENCIES.search(m.group("agency")))


def _pseudonymised(doc: Doc, start: int, end: int) -> bool:
    """The span is, or touches, a bracketed placeholder of a pseudonymised decision (Judilibre writes
    « [Localité 3] », « [Date naissance 1] », « M. [H] [C] »): no real name is there to extract."""
    if any(c in doc[start:end].text for c in "[]"):
        return True
    before = doc[start - 1].text if start > 0 else ""
    after = doc[end].text if end < len(doc) else ""
    return before.endswith("[") or after.startswith("]")


class SiteRecogniser:
    def __init__(self, nlp: Language):
        self.stop_words = {key(w) for w in nlp.Defaults.stop_words}
        rows = load("not_entities.jsonl")
        self.blocked = {key(row["text"]) for row in rows if "text" in row}
        # First words that make a span something else than a name: an affaire (« viols de Mazan »),
        # a landmark or a street (« bois de Boulogne », « promenade des Anglais »), for the labels given.
        self.heads = {
            (key(row["starts"]), label)
            for row in rows
            if "starts" in row
            for label in row.get("labels", ("PER", "LOC"))
        }
        # Those rows that apply to people too name affaires (« viols de … »): the place or person inside
        # is resolved later; a landmark (a row for places only) is simply dropped.
        self.affaire_heads = {key(row["starts"]) for row in rows if "starts" in row and "labels" not in row}
        self.sites = []
        for row in load("sites.jsonl"):
            domains = "|".join(re.escape(d) for d in sorted(row["domains"], key=len, reverse=True))
            names = "|".join(re.escape(n) for n in row["names"])
            not_after = "|".join(re.escape(p) for p in row.get("not_after", ()))
            domain_re = re.compile(rf"(?<![\w.])(?:www\.)?(?:{domains})(?![\w])", re.I)
            # A bare name, not followed by a capitalised word (« Coco Chanel ») nor after « noix de ».
            name_re = re.compile(rf"(?<![\w.])(?:{names})(?![\w-]|\.\w| +[A-ZÀ-Ý])")
            after_re = re.compile(rf"(?:{not_after})\s*$", re.I) if not_after else None
            self.sites.append((row["site"], domain_re, name_re, after_re))

    def __call__(self, doc: Doc) -> Doc:
        site_spans = self._sites(doc)
        replace_entities(doc, site_spans)
        cleaned = []
        for ent in doc.ents:
            if ent.label_ == "SITE":
                cleaned.append(ent)
            elif ent.label_ in LABELS:
                span = self.clean(ent)
                if span is not None:
                    cleaned.append(span)
        doc.ents = self._one_label_per_name(doc, self._name_the_affaires_place(doc, cleaned))
        return doc

    @staticmethod
    def _one_label_per_name(doc: Doc, ents: list[Span]) -> list[Span]:
        """« la DZ Mafia » is a group, not a person; « La Mulatière », a place elsewhere in the text, is a
        place wherever the model took it for a person."""
        text = doc.text
        # « la jeune Lola », « Lola, 12 ans »: whatever the model said elsewhere, that name is a person's.
        people = {
            key(e.text)
            for e in ents
            if e.label_ in ("PER", "LOC")
            and (
                PERSON_BEFORE.search(text, max(0, e.start_char - 30), e.start_char)
                or (
                    PERSON_AFTER.match(text, e.end_char)
                    and not PLACE_BEFORE.search(text, max(0, e.start_char - 12), e.start_char)
                )
            )
        }
        places = {key(e.text) for e in ents if e.label_ == "LOC"} - people
        out = []
        for e in ents:
            words = key(e.text).split()
            if e.label_ in ("PER", "LOC") and any(w in GROUP_NOUNS for w in words):
                e = Span(doc, e.start, e.end, label="ORG")
            elif e.label_ == "LOC" and key(e.text) in people:
                e = Span(doc, e.start, e.end, label="PER")
            elif e.label_ == "PER" and (
                key(e.text) in places or key(e.text).removeprefix("la ") in {p.removeprefix("la ") for p in places}
            ):
                e = Span(doc, e.start, e.end, label="LOC")
            out.append(e)
        return out

    @staticmethod
    def _inside_a_name(doc: Doc, start: int, nouns: frozenset[str] | set[str] = INSTITUTION_NOUNS) -> bool:
        """The place closes an institution's name: « de » right before it, and an institution's noun
        a few words before that, with no verb or punctuation between."""
        if start == 0 or key(doc[start - 1].text) not in ("de", "du", "d", "des", "la", "l"):
            return False
        for i in range(start - 2, max(-1, start - 12), -1):
            token = doc[i]
            if token.text in ("(", ")"):
                continue  # « le pôle des extractions judiciaires (Prej) de Caen »: an acronym in brackets
            if token.is_punct or token.pos_ in ("VERB", "AUX"):
                return False
            if key(token.text) in nouns:
                return True
        return False

    @staticmethod
    def _before_a_person(doc: Doc, end: int) -> bool:
        return end < len(doc) and any(e.label_ == "PER" and e.start == end for e in doc.ents)

    @staticmethod
    def _name_the_affaires_place(doc: Doc, ents: list[Span]) -> list[Span]:
        """The name inside an affaire's name is kept when the text names it elsewhere as a place or a
        person (« à Mazan » makes the « Mazan » of « viols de Mazan » a place); else nothing is."""
        known = {key(e.text): e.label_ for e in ents if e.label_ in ("LOC", "PER")}
        out = []
        for ent in ents:
            if not ent.label_.startswith("AFFAIRE_"):
                out.append(ent)
                continue
            tail = [t for t in ent if t.text[:1].isupper() and t.i > ent.start]
            if not tail:
                continue
            name = doc[tail[0].i : ent.end]
            # What the model took the whole name for counts when the text says nothing else.
            label = known.get(key(name.text)) or ("LOC" if ent.label_ == "AFFAIRE_LOC" else None)
            if label:
                out.append(Span(doc, name.start, name.end, label=label))
        return out

    def _sites(self, doc: Doc) -> list[Span]:
        text = doc.text
        found: list[Span] = []
        for site, domain_re, name_re, after_re in self.sites:
            for regex, is_name in ((domain_re, False), (name_re, True)):
                for m in regex.finditer(text):
                    if is_name and after_re and after_re.search(text[max(0, m.start() - 20) : m.start()]):
                        continue
                    span = doc.char_span(m.start(), m.end(), label="SITE", alignment_mode="expand")
                    if span is None or any(s.start < span.end and span.start < s.end for s in found):
                        continue
                    span._.canonical = site
                    found.append(span)
        return sorted(found, key=lambda s: s.start)

    def clean(self, ent: Span) -> Span | None:
        """The entity trimmed of surrounding words, or None when it is not a name."""
        start, end = ent.start, ent.end
        doc = ent.doc
        label = ent.label_
        if (
            label == "PER"
            and doc[start].text in ("La", "Le", "Les")
            and end - start >= 2
            and start > 0
            and doc[start - 1].lower_ in ("à", "de", "sur", "vers", "depuis", "près")
        ):
            label = "LOC"  # « à La Mulatière »: a capitalised article after « à » opens a town's name
        while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].lower_ in LEADING_WORDS):
            if (
                doc[start].text in ("La", "Le", "Les", "L'", "L’")
                and start + 1 < end
                and not doc[start].is_sent_start
                and label == "LOC"
            ):
                break  # « à La Mulatière », « au sud des Mureaux »: the article is part of the town's name
            start += 1
        while end > start and (doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 1].text != ".")):
            end -= 1
        if end > start and doc[end - 1].text == "." and not (end - start >= 2 and len(doc[end - 2].text) == 1):
            end -= 1
        if start >= end:
            return None
        span = Span(doc, start, end, label=label)
        text = span.text
        if _in_credit(doc.text, span.start_char, span.end_char):
            return None  # « (PASCAL BONNIERE / MAXPPP) »: a photo's credit, no one of the story
        if _pseudonymised(doc, start, end):
            return None  # « [Localité 1] », « M. [D] [P] »: a court decision's anonymised placeholder
        if span.label_ == "PER" and re.match(r"-[a-zà-ÿ]", doc.text[span.end_char : span.end_char + 2]):
            return None  # « Guets-apens homophobes à … » opening a title: a common word cut at its hyphen
        if span.label_ == "LOC" and NOT_A_PLACE_BEFORE.search(doc.text, max(0, span.start_char - 20), span.start_char):
            return None  # « la garde des Sceaux », « surnommé « le Grêlé » »: a title, a nickname
        if span.label_ == "PER" and self._inside_a_name(doc, start, SEATS):
            return None  # « la maison d'arrêt de Fleury-Mérogis », « le tribunal de Bobigny »: a town
        if span.label_ in ("PER", "LOC") and start > 0 and key(doc[start - 1].text) in NAMED_AFTER:
            return None  # « avenue Jean-Jaurès », « le CHU Roger-Salengro », « le stade Pierre-Mauroy »
        folded = key(text)
        if "\n" in text or len(folded.replace(" ", "")) < 2 or not any(c.isupper() for c in text):
            return None
        words = folded.split()
        if folded in self.blocked or all(w in self.stop_words or w in DAYS_MONTHS or w in NUMBER_WORDS for w in words):
            return None
        if folded.startswith("republique") and span.label_ == "LOC":
            return None
        # « pont de Normandie » is a landmark, « Pont-Audemer » a town: a head word stands apart.
        if (words[0], span.label_) in self.heads and not HYPHENATED_HEAD.match(text):
            # An affaire's name (« viols de Mazan ») is resolved below; a landmark is nothing.
            return Span(doc, start, end, label=f"AFFAIRE_{span.label_}") if words[0] in self.affaire_heads else None
        if span.label_ == "LOC":
            if ROAD.fullmatch(text):
                return None  # « A154 », « RN 7 »
            if self._inside_a_name(doc, start):
                return None  # « procureur de la République de Senlis », « palais de justice de Paris »
            if start > 0 and key(doc[start - 1].text) in LANDMARK_NOUNS:
                return None  # « la cité Fonscolombes », « le lac Kir »
            if self._before_a_person(doc, end) and DEMONYM.search(doc[end - 1].lower_):
                return None  # « l'Algérienne Dahbia B. »: who she is, not where
            inside = PART_OF_TOWN.match(text)
            if inside and inside.end() < len(text):  # « 15e arrondissement de Paris », « département du Nord »
                span._.canonical = text[inside.end() :]
        first = doc[start]
        if len(span) == 1 and start > 0 and doc[start - 1].lower_ in DEMONYM_BEFORE and DEMONYM.search(first.lower_):
            return None
        # « Interrogé, il … »: a capitalised common word opening the sentence (known to the
        # model's vocabulary in lower case), not a name the vocabulary has never seen.
        if (
            len(span) == 1
            and first.is_sent_start
            and doc.has_annotation("POS")
            and first.pos_ != "PROPN"
            and doc.vocab.has_vector(first.lower_)
        ):
            return None
        return span


@Language.factory("veille_sites")
def make_site_recogniser(nlp: Language, name: str) -> SiteRecogniser:
    return SiteRecogniser(nlp)
