"""TDMRep (W3C Community Group's Text and Data Mining Reservation Protocol).

A publisher reserves its text-and-data-mining rights with ``/.well-known/tdmrep.json``,
the ``tdm-reservation: 1`` response header or ``<meta name="tdm-reservation"
content="1">``. Under the default policy ``metadata_only`` veille still reads a
reserved page (to decide whether it is on subject and to date it) but keeps only
its metadata, title, standfirst and a few short quotes: the sentences that name
the dossier or carry a date, as a press review would quote them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from crawler.frdates import MONTHS
from crawler.subject import fold

MAX_QUOTES = 3
MAX_QUOTE_CHARS = 300
POLICIES = ("metadata_only", "ignore", "skip")


@dataclass(frozen=True)
class Rule:
    location: str
    reserved: bool
    policy: str | None = None


def parse_tdmrep(body: bytes) -> list[Rule]:
    """The rules of a ``tdmrep.json`` file; [] when it is missing or unreadable."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return []
    rules = []
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict) and isinstance(item.get("location"), str):
            reserved = str(item.get("tdm-reservation", 0)).strip() == "1"
            policy = item.get("tdm-policy")
            rules.append(Rule(item["location"].strip(), reserved, policy if isinstance(policy, str) else None))
    return rules


def _matches(pattern: str, path: str) -> bool:
    regex = "^" + re.escape(pattern if pattern.startswith("/") else "/" + pattern).replace(r"\*", ".*")
    if regex.endswith(r"\$"):
        regex = regex[:-2] + "$"
    return re.match(regex, path) is not None


def reservation_for(rules: list[Rule], path: str) -> Rule | None:
    """The most specific rule whose location matches ``path``."""
    matching = [r for r in rules if _matches(r.location, path or "/")]
    return max(matching, key=lambda r: len(r.location.replace("*", "")), default=None)


def header_reservation(headers: dict[str, str]) -> bool | None:
    value = headers.get("tdm-reservation")
    return None if value is None else value.strip() == "1"


def is_reserved(file_rule: Rule | None, header: bool | None, meta: bool | None) -> bool:
    """Any of the three channels reserving rights reserves them."""
    return bool((file_rule and file_rule.reserved) or header or meta)


_SENTENCE_END = re.compile(r"(?<=[.!?…»])\s+(?=[«A-ZÀ-Ý0-9\"“])")
_DATE_IN_TEXT = re.compile(
    r"\b(?:\d{1,2}(?:er)?\s+(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b|"
    r"\d{1,2}/\d{1,2}/\d{2,4}|(?:19|20)\d{2}\b|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b)"
)


def sentences(text: str) -> list[str]:
    out = []
    for paragraph in text.split("\n"):
        out += [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]
    return out


def _short(sentence: str) -> str:
    if len(sentence) <= MAX_QUOTE_CHARS:
        return sentence
    cut = sentence[: MAX_QUOTE_CHARS - 1].rsplit(" ", 1)[0]
    return cut + "…"


def quotes(text: str, terms: list[str]) -> list[str]:
    """Up to three short sentences naming a term or a date, those naming a term first."""
    folded_terms = [fold(t) for t in terms if t]
    scored = []
    for i, s in enumerate(sentences(text)):
        folded = fold(s)
        named = any(t in folded for t in folded_terms)
        dated = bool(_DATE_IN_TEXT.search(folded))
        if named or dated:
            scored.append((0 if named and dated else 1 if named else 2, i, s))
    chosen = sorted(sorted(scored)[:MAX_QUOTES], key=lambda x: x[1])
    return [_short(s) for _, _, s in chosen]


def withheld_text(title: str | None, standfirst: str | None, text: str, terms: list[str]) -> str:
    """What veille keeps of a reserved page under ``metadata_only``."""
    parts = [p for p in (title, standfirst) if p]
    body = text
    if standfirst and body.startswith(standfirst):
        body = body[len(standfirst) :]
    parts += quotes(body, terms)
    return "\n".join(" ".join(p.split()) for p in parts)
