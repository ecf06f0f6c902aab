"""Component ``veille_roles``: who is a minor, and what part each person plays, as the sentence says.

Minors: a named person described as under 18 in the same sentence (« Lucas, 15 ans »,
« l'adolescent Lucas », « X, mineur ») is flagged (``span._.minor``); descriptions of
minors (« une collégienne de 14 ans », « l'adolescent », « deux mineurs ») are kept as
spans in ``doc.spans["minors"]`` so that nothing about them is taken for a name.

Roles (``patterns/roles.jsonl``): a role noun in apposition (« la procureure de la
République de Dunkerque, Charlotte Huet », « Me X, avocate »), else the verb the
person is the subject or object of (« X a été condamné » → defendant, « la mort de
X » → victim). Honorifics already gave lawyers (« Me »).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp import extensions  # noqa: F401
from nlp.extensions import sentence_of
from nlp.patterns import load
from veille.vocabulary import NUMBER_UNITS

MINOR_AGES = (*(w for w, n in NUMBER_UNITS.items() if n < 17), "dix-sept")  # the ages of a minor, in words
AGE = rf"(?:1[0-7]|[1-9]|{'|'.join(sorted(MINOR_AGES, key=len, reverse=True))})"
YOUTH = (
    r"(?:collégien|collégienne|lycéen|lycéenne|adolescent|adolescente|ado|mineur|mineure|enfant|fillette|"
    r"garçonnet|écolier|écolière|petite fille|petit garçon)s?"
)
# « une collégienne de 14 ans », « deux adolescents de 14 et 15 ans », « l'adolescent », « un mineur »
DESCRIPTION = re.compile(
    rf"(?<![\w'])(?:(?:une?|la|le|les|des|deux|trois|quatre|cinq|dont un|dont une|ce|cette|ces|jeune)\s+|l')"
    rf"(?:jeunes?\s+)?{YOUTH}(?![\w-])(?:\s+(?:âgée?s?\s+)?de\s+{AGE}(?:\s+(?:et|à)\s+{AGE})?\s+ans)?"
    rf"|(?<![\w'])(?:une?|la|le|l')\s+(?:jeune fille|jeune garçon|jeune homme|jeune femme|fille|garçon|victime)"
    rf"\s+(?:âgée?\s+)?de\s+{AGE}\s+ans",
    re.I,
)
MINOR_AFTER = re.compile(
    rf"^\s*(?:,\s*|\()\s*(?:âgée?\s+de\s+)?{AGE}\s+ans\b|^\s*,\s*(?:une?\s+|l')?(?:jeunes?\s+)?{YOUTH}\b", re.I
)
MINOR_BEFORE = re.compile(rf"(?:la|le|l'|une?|notre|son|sa)\s*(?:jeune\s+)?{YOUTH}\s*,?\s*$", re.I)
WINDOW = 80


class RoleFinder:
    def __init__(self):
        self.rules = load("roles.jsonl")
        nouns = sorted(((n, r["role"]) for r in self.rules for n in r["nouns"]), key=lambda x: len(x[0]), reverse=True)
        self.noun_role = {n.lower(): role for n, role in nouns}
        alternatives = "|".join(re.escape(n) for n, _ in nouns)
        # « la procureure de la République de Dunkerque, Charlotte Huet » / « le juge Jean Dupont »: the
        # role noun nearest the name, followed only by its complement and a comma, or directly by the name.
        self.nouns = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)
        self.before_tail = re.compile(
            r"(?:(?:\s+(?:de|du|d'|des|général|générale|adjoint|adjointe)\b[^,.;:«»()]{0,60})?"
            r"\s*,\s*|\s+)(?:(?:Me|M\.|Mme|Maître)\s+)?",
            re.I,
        )
        # « Charlotte Huet, procureure », « Me X, avocate de la partie civile », « X, 22 ans, victime »
        self.after = re.compile(
            rf"^\s*,\s*(?:\d+\s+ans\s*,\s*)?(?:l'|le\s+|la\s+|un\s+|une\s+|son\s+|sa\s+)?"
            rf"(?P<noun>{alternatives})(?![\w-])",
            re.I,
        )
        # « Chloé, tuée de plusieurs coups de couteau »: the name then the participle of what was done to
        # them, read in the text (the parse of such appositions is often wrong).
        self.done_to_after = []
        for rule in self.rules:
            participles = [lemma[:-2] for lemma in rule.get("passive_subject_of", ()) if lemma.endswith("er")]
            if participles:
                alternatives = "|".join(re.escape(p) for p in participles)
                self.done_to_after.append(
                    (re.compile(rf"^\s*,\s*(?:{alternatives})(?:é|ée|és|ées)(?![\w-])", re.I), rule["role"])
                )
        self.verbs = {}
        for rule in self.rules:
            for relation in ("subject_of", "passive_subject_of", "object_of", "complement_of"):
                for lemma in rule.get(relation, ()):
                    self.verbs.setdefault((relation, lemma), rule["role"])

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        doc.spans["minors"] = [
            s
            for s in (
                doc.char_span(m.start(), m.end(), label="MINOR", alignment_mode="expand")
                for m in DESCRIPTION.finditer(text)
            )
            if s is not None
        ]
        for ent in doc.ents:
            if ent.label_ != "PER":
                continue
            sent = sentence_of(ent)
            before = text[max(sent.start_char, ent.start_char - WINDOW) : ent.start_char]
            after = text[ent.end_char : min(sent.end_char, ent.end_char + WINDOW)]
            if MINOR_AFTER.search(after) or MINOR_BEFORE.search(before):
                ent._.minor = True
            if not ent._.role:
                ent._.role = self._role(ent, before, after)
        # A role the article gave a person once holds for every mention of them: the prosecutor
        # introduced as « la procureure de Dunkerque, Charlotte Huet » is still her as « Mme Huet ».
        known: dict[str, str] = {}
        for ent in doc.ents:
            if ent.label_ == "PER" and ent._.role:
                known.setdefault(ent._.canonical or ent.text, ent._.role)
        for ent in doc.ents:
            if ent.label_ == "PER" and not ent._.role:
                ent._.role = known.get(ent._.canonical or ent.text)
        return doc

    def _role(self, ent: Span, before: str, after: str) -> str | None:
        # The outermost role noun whose complement runs to the name: « l'avocate du principal accusé,
        # Béatrice Zavarro » is a lawyer, not the accused.
        for m in self.nouns.finditer(before):
            if self.before_tail.fullmatch(before, m.end()):
                return self.noun_role.get(m.group(0).lower())
        m = self.after.search(after)
        if m:
            return self.noun_role.get(m.group("noun").lower())
        for regex, role in self.done_to_after:
            if regex.match(after):
                return role
        if not ent.doc.has_annotation("DEP"):
            return None
        root = ent.root
        # « le meurtre de son ex-compagne, Chloé »: the name stands where the noun it is set beside stands.
        while root.dep_ == "appos" and root.head is not root:
            root = root.head
        head = root.head
        if root.dep_ == "nsubj:pass" or (root.dep_ == "nsubj" and any(c.dep_ == "aux:pass" for c in head.children)):
            relation = "passive_subject_of"
        elif root.dep_ == "nsubj":
            relation = "subject_of"
        elif root.dep_ in ("obj", "iobj"):
            relation = "object_of"
        elif root.dep_ == "nmod":
            relation = "complement_of"
        else:
            return None
        return self.verbs.get((relation, head.lemma_))


@Language.factory("veille_roles")
def make_role_finder(nlp: Language, name: str) -> RoleFinder:
    return RoleFinder()
