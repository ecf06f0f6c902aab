"""Component ``veille_charges``: offences and aggravating circumstances the text states.

The lexicon ``patterns/charges.jsonl`` maps French surface forms (« viols aggravés »,
« violée », « relations sexuelles avec une mineure ») to a canonical charge name,
its family and its Code pénal articles. Where forms overlap the longest wins
(« tentative de meurtre » is not also « meurtre »); a form may imply another charge
(« vol avec violence en réunion » is both « vol en réunion » and « vol avec violence »).

A charge the sentence does not hold against anyone — an acquittal, a dropped charge,
a negation (``patterns/negations.jsonl``: « acquitté du chef de viol », « n'est pas
poursuivi pour ») — is kept with ``span._.not_held = "negation"`` and left out of the
facts.
Every charge is a span of ``doc.spans["charges"]`` whose label is the canonical name.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp import extensions  # noqa: F401
from nlp.extensions import in_related_block, sentence_of
from nlp.forms import compile_forms
from nlp.patterns import load


class ChargeFinder:
    def __init__(self):
        self.entries = {row["charge"]: row for row in load("charges.jsonl")}
        self.regexes = [(charge, compile_forms(row["forms"])) for charge, row in self.entries.items()]
        rules = load("negations.jsonl")
        self.before = compile_forms([r["cue"] for r in rules if r["where"] == "before"])
        self.after = compile_forms([r["cue"] for r in rules if r["where"] == "after"])
        breaks = [r["cue"] for r in rules if r["where"] == "break" and r["cue"] != ";"]
        # Words right before a charge that say it is not held against anyone: a cause (« la lutte
        # contre les violences »), a circumstance (« circonstance aggravante de … »).
        self.just_before = [
            (re.compile(rf"(?:{r['regex']})\s*$", re.I), r["held"]) for r in rules if r["where"] == "just_before"
        ]
        self.breaks = re.compile(compile_forms(breaks).pattern + r"|;", re.I)

    def entry(self, charge: str) -> dict:
        """The lexicon entry of a canonical charge: its category and articles."""
        return self.entries[charge]

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical) of every charge form, overlaps resolved to the longest."""
        found = [(m.start(), m.end(), charge) for charge, regex in self.regexes for m in regex.finditer(text)]
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        kept: list[tuple[int, int, str]] = []
        for f in found:
            if all(f[1] <= k[0] or f[0] >= k[1] for k in kept):
                kept.append(f)
        return sorted(kept)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for start, end, charge in self.find(doc.text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or in_related_block(doc, start):
                continue  # « À lire aussi : Viol à … »: another article's charge
            # The label is the canonical charge; an implied charge is a second span on the same words.
            if self._negated(doc, span):
                span._.not_held = "negation"
            elif self._in_a_name(doc, span):
                continue  # « Agir contre la prostitution des enfants »: an association's name
            else:
                before = doc.text[max(0, span.start_char - 60) : span.start_char]
                span._.not_held = next((held for regex, held in self.just_before if regex.search(before)), None)
            for name in (charge, *self.entries[charge].get("implies", ())):
                spans.append(Span(doc, span.start, span.end, label=name))
        doc.spans["charges"] = spans
        return doc

    @staticmethod
    def _in_a_name(doc: Doc, span: Span) -> bool:
        return any(e.label_ == "ORG" and e.start <= span.start and span.end <= e.end for e in doc.ents)

    def _negated(self, doc: Doc, span: Span) -> bool:
        sent = sentence_of(span)
        text = doc.text
        before = text[sent.start_char : span.start_char]
        cues = list(self.before.finditer(before))
        if cues:
            tail = before[cues[-1].end() :]
            if not self.breaks.search(tail):
                return True
        after = text[span.end_char : sent.end_char]
        m = self.after.search(after)
        return bool(m and not self.breaks.search(after[: m.start()]))


@Language.factory("veille_charges")
def make_charge_finder(nlp: Language, name: str) -> ChargeFinder:
    return ChargeFinder()
