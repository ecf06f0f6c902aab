"""French dates as outlets print them, relative ones resolved against the fetch time.

« Publié le 25/04/2024 à 18h32 », « Mis à jour le 26 avril 2024 à 09:10 »,
« jeudi 25 avril 2024 », « il y a 3 heures », « hier à 18h32 »: times are
Europe/Paris wall-clock times.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from crawler.subject import fold

PARIS = ZoneInfo("Europe/Paris")

MONTHS = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = r"(?:\s*(?:a|,|-)?\s*(?P<h>\d{1,2})\s*(?:h|:)\s*(?P<m>\d{2})?)?"
_NUMERIC = re.compile(r"(?<!\d)(?P<d>\d{1,2})[/.](?P<mo>\d{1,2})[/.](?P<y>\d{4})" + _TIME)
_LONG = re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:er)?\s+(?P<mo>" + _MONTH + r")\.?\s+(?P<y>\d{4})" + _TIME)
_ISO = re.compile(r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:[t ](?P<h>\d{2}):(?P<m>\d{2}))?")
_RELATIVE = re.compile(
    r"il y a\s+(?P<n>\d+|une?|quelques)\s+(?P<unit>seconde|minute|min|heure|h|jour|semaine|mois|an)s?\b"
)
_DAY_WORD = re.compile(r"\b(?P<word>aujourd'hui|avant-hier|hier)\b" + _TIME)
_UNITS = {
    "seconde": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "heure": timedelta(hours=1),
    "h": timedelta(hours=1),
    "jour": timedelta(days=1),
    "semaine": timedelta(weeks=1),
    "mois": timedelta(days=30),
    "an": timedelta(days=365),
}

PUBLISHED_WORDS = r"(?:publie|mis en ligne|poste|paru|cree)"
MODIFIED_WORDS = r"(?:mis a jour|mise a jour|modifie|actualise|maj)"


def _at(y: int, mo: int | None, d: int, h: str | None, m: str | None) -> datetime | None:
    if mo is None:  # a month name the table does not know
        return None
    try:
        return datetime(y, mo, d, int(h or 0), int(m or 0), tzinfo=PARIS)
    except ValueError:
        return None


def parse_date(text: str, now: datetime | None = None) -> datetime | None:
    """The first date in ``text`` (absolute, or relative to ``now``), or None."""
    folded = fold(text)
    found = []
    for pattern, month in ((_NUMERIC, int), (_LONG, MONTHS.get), (_ISO, int)):
        m = pattern.search(folded)
        if m:
            found.append((m.start(), _at(int(m["y"]), month(m["mo"]), int(m["d"]), m["h"], m["m"])))
    if now is not None:
        now = now.astimezone(PARIS)
        m = _RELATIVE.search(folded)
        if m:
            n = {"un": 1, "une": 1, "quelques": 3}.get(m["n"]) or int(m["n"])
            found.append((m.start(), (now - n * _UNITS[m["unit"]]).replace(second=0, microsecond=0)))
        m = _DAY_WORD.search(folded)
        if m:
            back = {"aujourd'hui": 0, "hier": 1, "avant-hier": 2}[m["word"]]
            day = (now - timedelta(days=back)).date()
            found.append((m.start(), _at(day.year, day.month, day.day, m["h"], m["m"])))
        if "a l'instant" in folded:
            found.append((folded.index("a l'instant"), now.replace(second=0, microsecond=0)))
    found = [(pos, dt) for pos, dt in found if dt is not None]
    return min(found, key=lambda f: f[0])[1] if found else None


def byline_dates(text: str, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """(published, modified) stated after « Publié … » / « Mis à jour … » in a byline."""
    folded = fold(text)
    out = []
    for words in (PUBLISHED_WORDS, MODIFIED_WORDS):
        m = re.search(r"\b" + words + r"e?s?\b\s*(?:le|:|,)?\s*", folded)
        out.append(parse_date(text[m.end() : m.end() + 60], now) if m else None)
    return out[0], out[1]
