"""Names as pages print them: the outlet's name around a title, the people of a byline.

« Procès de Mazan : le verdict | Le Monde » is the title « Procès de Mazan : le
verdict »; « Par Claire Vasseur et Julien Marchetti, le 27/06/2024 à 08h15
(claire.vasseur@…) » is two authors; « avec AFP » names the wire agency the article
draws on, not an author.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.subject import fold

# « Titre | Site », « Titre - Site », « Site : Titre »: a separator with spaces around it
# (a hyphen inside a word, « Grande-Synthe », is no separator); « | » needs none.
_SEPARATOR = re.compile(r"\s*\|\s*|\s+[-–—:·•]\s+")
_TLDS = ("fr", "com", "net", "org", "eu", "info", "be", "ch", "ca", "tv", "io")
_GENERIC_HOST_LABELS = {"www", "m", "amp", "fr", "en", "news", "actu", "mobile"}


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


def site_keys(names, url: str | None = None) -> set[str]:
    """Compact spellings of the outlet's name: each name given (« Le Monde » → lemonde,
    with or without « .fr »), and the host's own label (lemonde.fr → lemonde)."""
    keys = set()
    for name in names:
        if not name:
            continue
        key = _compact(name)
        if len(key) >= 3:
            keys.add(key)
            for tld in _TLDS:
                if key.endswith(tld) and len(key) - len(tld) >= 3:
                    keys.add(key[: -len(tld)])
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [label for label in host.split(".")[:-1] if label not in _GENERIC_HOST_LABELS]
    if labels:
        keys.add(_compact(labels[-1]))
        keys.add(_compact("".join(labels[-1:]) + host.rsplit(".", 1)[-1]))
    return {k for k in keys if len(k) >= 3}


def _is_site(segment: str, keys: set[str]) -> bool:
    key = _compact(segment)
    return key in keys or any(key.endswith(t) and key[: -len(t)] in keys for t in _TLDS)


def strip_site_name(title: str | None, names, url: str | None = None) -> str | None:
    """The title without a leading or trailing segment that is the outlet's name."""
    if not title:
        return title
    keys = site_keys(names, url)
    if not keys:
        return title
    text = " ".join(title.split())
    for _ in range(2):  # « Site - Titre | Site.fr »: both ends
        parts = _SEPARATOR.split(text)
        seps = _SEPARATOR.findall(text)
        if len(parts) < 2:
            break
        if _is_site(parts[-1], keys) and len(" ".join(parts[:-1])) >= 5:
            text = text[: len(text) - len(parts[-1]) - len(seps[-1])].rstrip()
        elif _is_site(parts[0], keys) and len(" ".join(parts[1:])) >= 5:
            text = text[len(parts[0]) + len(seps[0]) :].lstrip()
        else:
            break
    return text or title


_AGENCIES = {
    "afp": "AFP",
    "agencefrancepresse": "AFP",
    "reuters": "Reuters",
    "ap": "AP",
    "associatedpress": "AP",
    "dpa": "DPA",
    "efe": "EFE",
    "ansa": "ANSA",
    "belga": "Belga",
    "ats": "ATS",
    "apm": "APM",
    "xinhua": "Xinhua",
    "anadolu": "Anadolu",
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://\S+")
_MONTHS = (
    r"janv(?:ier)?|f[ée]vr?(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[uû]t|sept?(?:embre)?|"
    r"oct(?:obre)?|nov(?:embre)?|d[ée]c(?:embre)?|january|february|march|april|may|june|july|august|"
    r"september|october|november|december"
)
# Where the dates begin in a byline: everything from there on is not a name.
_DATE_START = re.compile(
    r"(?:\b(?:le|the|on)\s+)?(?:\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b"
    r"|\b(?:publi[ée]e?|mis\s+(?:en\s+ligne|à\s+jour)|mise\s+à\s+jour|modifi[ée]e?|actualis[ée]e?|"
    r"updated|published|posted|il\s+y\s+a)\b"
    r"|\b\d{1,2}(?:er)?\s+(?:" + _MONTHS + r")\b|(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\b\d{4}-\d{2}-\d{2}"
    r"|\b\d{1,2}\s*h\s*\d{2}\b|\b\d{1,2}:\d{2}\b)",
    re.I,
)
_BY = re.compile(r"^(?:(?:article\s+)?r[ée]dig[ée]e?\s+|[ée]crit\s+)?(?:par|by)\s+", re.I)
_SPLIT = re.compile(r"\s*(?:[,;&|/]|\bet\b|\band\b|\bavec\b|\bwith\b)\s*", re.I)
_WITH = re.compile(r"\(?\b(?:avec|with)\s+(?:l'|l’)?((?:agence\s+)?[A-ZÀ-Ý][\w.-]*(?:\s+[A-ZÀ-Ý][\w.-]*)?)\s*\)?")
_NOT_NAMES = {
    "par",
    "by",
    "de",
    "le",
    "la",
    "les",
    "avec",
    "with",
    "et",
    "and",
    "redaction",
    "auteur",
    "auteurs",
    "author",
    "authors",
    "journaliste",
    "photo",
    "photos",
    "video",
    "credit",
    "credits",
    "source",
}


def agency(name: str) -> str | None:
    """« AFP », « Agence France-Presse », « (avec AFP) »: the wire agency's short name."""
    return _AGENCIES.get(_compact(re.sub(r"^\W*(?:avec|with|source|sources|d'après|selon)\s+", "", name, flags=re.I)))


def clean_authors(raw) -> tuple[list[str], list[str]]:
    """(authors, wire agencies) from byline strings: « Par A et B » is two authors; e-mail
    addresses, dates, times and « Par » go; « avec AFP » is the agency, not an author."""
    authors: list[str] = []
    wires: list[str] = []
    for value in raw:
        if not isinstance(value, str):
            continue
        text = _URL.sub(" ", _EMAIL.sub(" ", " ".join(value.split())))
        text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
        cut = _DATE_START.search(text)
        if cut:
            text = text[: cut.start()]
        text = _BY.sub("", text.strip(" ,;|-–—:()"))
        for m in _WITH.finditer(text):  # « avec AFP », « (avec AFN) »: the wire, whatever its name
            wires.append(agency(m.group(1)) or m.group(1))
        text = _WITH.sub(" ", text)
        for piece in _SPLIT.split(text):
            piece = _BY.sub("", piece.strip(" .,;:|-–—()[]«»\"'"))
            if not piece:
                continue
            wire = agency(piece)
            if wire:
                wires.append(wire)
                continue
            if not (2 <= len(piece) <= 60) or _compact(piece) in _NOT_NAMES or not re.search(r"[^\W\d_]", piece):
                continue
            authors.append(piece)
    return list(dict.fromkeys(authors)), list(dict.fromkeys(wires))
