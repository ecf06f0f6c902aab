"""Component ``veille_people``: names without their honorifics, resolved inside the document.

« M. Pelicot » is the name « Pelicot » with the honorific « M. »; « Me Béatrice
Zavarro » is « Béatrice Zavarro », a lawyer (« Me » is « Maître »). Honorifics are
kept (``span._.honorific``, and the role they imply), never as part of the name.
Names the model missed right after an honorific (« Mes Stéphane Babonneau et Antoine
Camus ») are added.

Then every person mention gets the fullest name the document gives the same person
(``span._.canonical``): « Pelicot » and « M. Pelicot » after « Dominique Pelicot » are
« Dominique Pelicot »; « Philippe » after « Philippe Coopman » too. A bare surname
shared by two full names goes to the nearest full name before it. Places and
organisations get their own text as canonical name unless a component set one.
"""

from __future__ import annotations

import re

from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH_STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp import extensions  # noqa: F401
from nlp.extensions import replace_entities
from nlp.text import key

# honorific -> role it implies (None: none)
HONORIFICS = {
    "m.": None,
    "mm.": None,
    "mme": None,
    "mmes": None,
    "mlle": None,
    "melle": None,
    "monsieur": None,
    "madame": None,
    "me": "lawyer",
    "mes": "lawyer",
    "maitre": "lawyer",
    "dr": None,
    "dr.": None,
    "pr": None,
    "pr.": None,
    "mgr": None,
}
# The gender an honorific says, to tell « Mme Pelicot » from « M. Pelicot » when the text names both.
HONORIFIC_GENDER = {
    "m.": "m",
    "mm.": "m",
    "monsieur": "m",
    "mme": "f",
    "mmes": "f",
    "mlle": "f",
    "melle": "f",
    "madame": "f",
    "mademoiselle": "f",
}
# Common French first names, for a full name no honorific accompanies. Names given to both
# (Camille, Claude, Dominique …) are in neither list.
FEMININE = frozenset(
    """anne annie agnes alice amandine amelie audrey aurelie beatrice brigitte caroline
catherine cecile celine chantal charlotte christine claire clarisse corinne delphine elise elisabeth emilie
emma eva florence francoise gisele helene isabelle jacqueline jeanne julie juliette karine laetitia laure
laurence lea lucie manon marie marine martine mathilde monique nadia nathalie nicole pascale patricia
pauline sandrine sarah sophie stephanie sylvie valerie veronique virginie yasmina zoe""".split()
)
MASCULINE = frozenset(
    """alain alexandre antoine arnaud bernard bruno christian christophe daniel david didier
eric fabien francois frederic gerald gerard guillaume henri hugo jacques jean jerome julien kevin laurent
louis lucas marc mathieu michel nicolas olivier patrick paul philippe pierre rayan rene robert roger
romain sebastien stephane thierry thomas vincent xavier yanis yann""".split()
)
NAME = r"[A-ZÀ-Ý](?:[\w'-]+|\.)(?: [A-ZÀ-Ý](?:[\w'-]+|\.)){0,2}"
AFTER_HONORIFIC = re.compile(
    rf"(?<![\w.])(?P<h>M\.|Mme|Mlle|Me|Mes|Maître|Dr|Pr)\s+(?P<names>{NAME}(?:(?:, | et ){NAME})*)"
)
NAME_IN_LIST = re.compile(NAME)
# « Isaac Steidl, 45 ans, a été … »: two or three capitalised words and an age are a person even when the
# model saw no name there.
NAME_WITH_AGE = re.compile(
    r"(?<![\w.'’-])(?P<names>[A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-ZÀ-Ý][a-zà-ÿ'’]+)?(?: [A-ZÀ-Ý][\w'’-]+){1,2}),\s+"
    r"(?:âgée?\s+de\s+)?\d{1,3}\s+ans\b(?!\s+(?:après|plus|auparavant|de|d'|d’|ferme))"
)
# Function words, folded: a capitalised one opening such a match is the sentence's first word, not a name.
FUNCTION_WORDS = frozenset(key(w) for w in FRENCH_STOP_WORDS)


def is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1


class PeopleResolver:
    def __call__(self, doc: Doc) -> Doc:
        self._add_missed_names(doc)
        people = []
        for ent in doc.ents:
            if ent.label_ == "PER":
                people.append(ent)
            elif ent._.canonical is None:
                ent._.canonical = ent.text
        for span in people:
            self._honorific(span)
        self._resolve([p for p in doc.ents if p.label_ == "PER"])
        return doc

    def _add_missed_names(self, doc: Doc) -> None:
        added = []
        taken = {i for e in doc.ents for i in range(e.start, e.end)}
        for m in AFTER_HONORIFIC.finditer(doc.text):
            base = m.start("names")
            for n in NAME_IN_LIST.finditer(m.group("names")):
                span = doc.char_span(base + n.start(), base + n.end(), label="PER", alignment_mode="contract")
                if span is None or taken.intersection(range(span.start, span.end)):
                    continue
                span._.honorific = m.group("h")
                span._.role = HONORIFICS.get(m.group("h").lower()) or HONORIFICS.get(key(m.group("h")))
                added.append(span)
                taken.update(range(span.start, span.end))
        for m in NAME_WITH_AGE.finditer(doc.text):
            span = doc.char_span(m.start("names"), m.end("names"), label="PER", alignment_mode="contract")
            if span is None or taken.intersection(range(span.start, span.end)):
                continue
            start = span.start
            while start < span.end and key(doc[start].text) in FUNCTION_WORDS:
                start += 1  # « Selon Marie Dupont, 30 ans, … »: the sentence's first word is no first name
            if span.end - start < 2:
                continue
            span = Span(doc, start, span.end, label="PER")
            added.append(span)
            taken.update(range(span.start, span.end))
        if added:
            replace_entities(doc, added)

    @staticmethod
    def _honorific(span: Span) -> None:
        doc = span.doc
        first = doc[span.start]
        if key(first.text) in HONORIFICS or first.lower_ in HONORIFICS:
            honorific = first.text
            if len(span) == 1:
                return
            trimmed = Span(doc, span.start + 1, span.end, label="PER")
            ents = [e for e in doc.ents if e.start != span.start]
            doc.ents = sorted(ents + [trimmed], key=lambda s: s.start)
            span = trimmed
        elif span.start > 0 and (
            doc[span.start - 1].lower_ in HONORIFICS or key(doc[span.start - 1].text) in HONORIFICS
        ):
            honorific = doc[span.start - 1].text
        else:
            return
        span._.honorific = honorific
        role = HONORIFICS.get(honorific.lower()) or HONORIFICS.get(key(honorific))
        if role and not span._.role:
            span._.role = role

    @staticmethod
    def _resolve(people: list[Span]) -> None:
        words = [key(p.text).split() for p in people]
        full = [i for i, w in enumerate(words) if len(w) >= 2 and not is_initial(w[-1])]
        gender_of_name: dict[str, str | None] = {}
        for j in full:
            said = HONORIFIC_GENDER.get((people[j]._.honorific or "").lower())
            guessed = "f" if words[j][0] in FEMININE else "m" if words[j][0] in MASCULINE else None
            if said or guessed:
                gender_of_name.setdefault(" ".join(words[j]), said or guessed)
        for i, span in enumerate(people):
            w = words[i]
            target = None
            if len(w) >= 2 and not is_initial(w[-1]):
                target = max(
                    (j for j in full if len(words[j]) > len(w) and words[j][-len(w) :] == w),
                    key=lambda j: len(words[j]),
                    default=None,
                )
            elif len(w) >= 2:  # « Dominique P. »: the full name with that first name and initial
                matches = [j for j in full if words[j][0] == w[0] and words[j][-1][0] == w[-1][0]]
                target = matches[0] if len(matches) == 1 else None
            elif w:
                surname = [j for j in full if words[j][-1] == w[0]]
                first_name = [j for j in full if words[j][0] == w[0]]
                candidates = surname or first_name
                gender = HONORIFIC_GENDER.get((span._.honorific or "").lower())
                if gender and len(candidates) > 1:
                    # « Mme Pelicot » after « Gisèle Pelicot » and « Dominique Pelicot »: the woman.
                    same = [j for j in candidates if gender_of_name.get(" ".join(words[j])) == gender]
                    candidates = same or candidates
                before = [j for j in candidates if people[j].start < span.start]
                if before:
                    target = before[-1]
                elif candidates:
                    target = candidates[0]
            span._.canonical = _clean_name(people[target].text if target is not None else span.text)
        # « DOMINIQUE PÉLICOT » and « Dominique Pelicot » are one person: one spelling, the first seen.
        spelling: dict[str, str] = {}
        for span in people:
            span._.canonical = spelling.setdefault(key(span._.canonical), span._.canonical)


_GLUED = re.compile(r"(?<=[^\W\d_])\d[\d/.:h-]*$")  # « Calvayrac19/12/2024 »: a byline glued to its date


def _clean_name(name: str) -> str:
    """A name as a reader writes it: without quotes around a nickname and without a glued date."""
    name = name.replace('"', " ").replace("“", " ").replace("”", " ").replace("«", " ").replace("»", " ")
    return " ".join(_GLUED.sub("", word) for word in name.split())


@Language.factory("veille_people")
def make_people_resolver(nlp: Language, name: str) -> PeopleResolver:
    return PeopleResolver()
