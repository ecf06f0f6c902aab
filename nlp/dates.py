"""French temporal expressions, found and resolved to ISO dates with a precision (rule-based).

The pure function :func:`find_dates` reads a text and returns every date expression
with its character offsets, the date it means (``day``, ``month`` or ``year``
precise; the first day of the month or year when less precise), and for a range its
last day. Expressions are resolved against the publication date:

* absolute: « le 12 septembre 2020 », « en octobre 2023 », « en 2018 », « 1er janvier »;
* without a year: the year that makes sense given the tense (« le 2 septembre prochain »,
  « s'ouvrira le 2 septembre » → the next one; « jugés le 25 avril » → the last one), and a
  weekday given with the date picks the year (« jeudi 25 avril »);
* weekdays: « ce jeudi » (this week), « jeudi dernier », « lundi » alone (the nearest
  such day, past or future by tense), « dans la nuit de samedi à dimanche » (the Sunday);
* relative: « hier », « aujourd'hui », « ce matin », « il y a six ans », « depuis deux ans »,
  « cette année », « l'an dernier », « au printemps 2016 », « mi-juin », « début novembre »;
* anaphoric, against the last day-precise date before them: « le lendemain », « la veille »,
  « onze jours plus tôt », « le soir même », « en fin de matinée »;
* « trois jours après la mort de … », « au lendemain de … »: the earlier happening,
  counted back from the publication date;
* ranges: « du 2 septembre au 20 décembre », « entre octobre 2022 et avril 2023 »,
  « entre 2011 et 2020 »: the first date, and ``end`` the last day.

Tense comes from the caller (the spaCy component reads it from the parse): a function
``tense(start, end)`` returning ``past``, ``pluperfect``, ``present``, ``future`` or None.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Callable, Iterable

MONTHS = {"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
          "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12}
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre")
WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
UNITS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
         "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
         "premier": 1}
TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
SEASONS = {"printemps": 3, "été": 6, "ete": 6, "automne": 9, "hiver": 12}

_NUMBER_WORD = ("(?:vingt|trente|quarante|cinquante|soixante|dix|onze|douze|treize|quatorze|quinze|seize|"
                "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|premier)")
NUMBER = rf"(?:\d{{1,3}}|{_NUMBER_WORD}(?:(?:-| et |-et-){_NUMBER_WORD}){{0,2}})"
MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
WEEKDAY = "(?:" + "|".join(WEEKDAYS) + ")"
YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
DAY = rf"(?:1er|premier|3[01]|[12]\d|0?[1-9]|{_NUMBER_WORD}(?:(?:-| et ){_NUMBER_WORD})?)"
B, E = r"(?<![\w-])", r"(?![\w-])"
REL = r"(?:\s+(?P<rel>prochaine|prochain|dernière|dernier|passée|passé|précédente|précédent|suivante|suivant)(?![\w-]))?"
TIME_OF_DAY = (r"(?:\s*,?\s*(?:au petit matin|en fin de matinée|en fin d'après-midi|en début d'après-midi|"
               r"en fin de journée|en début de soirée|en début de matinée|en plein après-midi|dans la soirée|"
               r"dans la matinée|matin|soir|après-midi|midi|(?:vers|à|dès) \d{1,2}\s*h(?:\s*\d{2})?))?")
FILLER = r"(?:(?:un peu )?(?:plus|moins) de |près de |environ |quelque |presque |à peine )?"
UNIT = r"(?P<unit>heures?|jours?|semaines?|mois|ans|années?)"
NOT_A_YEAR_AFTER = re.compile(r"\s*(?:€|euros?|personnes|habitants|hommes|femmes|victimes|signalements|procédures|"
                              r"dossiers|comptes|messages|utilisateurs|connexions|visiteurs|membres|pages|vidéos|"
                              r"photos|images|km|kilomètres|mètres|kilos|fois|enfants|cas|plaintes)\b", re.I)

# Expression kinds, most specific first; overlaps are resolved to the longest match.
PATTERNS: list[tuple[str, re.Pattern]] = [(name, re.compile(p, re.I)) for name, p in (
    ("night", rf"{B}(?:dans )?la nuit d[eu] (?P<wd1>{WEEKDAY}) (?:à|au) (?P<wd>{WEEKDAY}){E}"),
    # « du 2 au 20 septembre », « entre le 2 et le 5 mars 2024 »: one month, two days.
    ("day_range", rf"{B}(?:du|entre le) (?P<d1>{DAY}) (?:au|et le) (?P<d>{DAY}) (?P<m>{MONTH})(?: (?P<y>{YEAR}))?{E}"),
    ("day_month", rf"{B}(?:(?P<det>ce|cet|le) )?(?:(?P<wd>{WEEKDAY}) )?(?:le )?(?P<d>{DAY}) (?P<m>{MONTH})"
                  rf"(?: (?P<y>{YEAR}))?{E}{REL}{TIME_OF_DAY}"),
    ("month_year", rf"{B}(?:(?P<q>début|fin|mi-|mi |courant|la mi-|la fin du mois d'|la fin du mois de |"
                   rf"le début du mois d'|le début du mois de |fin du mois d'|fin du mois de |début du mois d'|"
                   rf"début du mois de |le mois d'|le mois de |mois d'|mois de )\s*)?(?P<m>{MONTH}) (?P<y>{YEAR}){E}"),
    ("month", rf"{B}(?P<cue>en|depuis|dès|jusqu'en|avant|après|à partir de|fin|début|mi-|mi|courant|la mi-|"
              rf"rentrée de|la fin du mois d'|la fin du mois de|fin du mois d'|fin du mois de|début du mois d'|"
              rf"début du mois de|le mois d'|le mois de|mois d'|mois de|entre|et|à|au|d'|de)\s*(?P<m>{MONTH}){E}{REL}"),
    ("season", rf"{B}(?P<det>au|à l'|à la|en|l'|le|cet|ce|cette)\s*(?P<season>printemps|été|automne|hiver){E}"
               rf"(?: (?P<y>{YEAR}))?{REL}"),
    ("year_part", rf"{B}(?P<q>début|fin|mi-|courant|l'année|l'an|année)\s*(?P<y>{YEAR}){E}"),
    # Not « les années 1990 »: a decade is no date.
    ("year", rf"(?<![\w,.°/-])(?<!\d )(?<!° )(?<!années )(?P<y>{YEAR})(?![\d]|-\d|/\d)"),
    ("weekday", rf"{B}(?:(?P<det>ce|cet|le) )?(?P<wd>{WEEKDAY}){E}{REL}{TIME_OF_DAY}"),
    ("ago", rf"{B}(?P<cue>il y a|voilà|depuis|dans) {FILLER}(?P<n>{NUMBER}|quelques|plusieurs) {UNIT}{E}"),
    ("after", rf"{B}(?P<n>{NUMBER}) {UNIT} (?P<cue>après)(?= (?:(?:la|le|les|sa|son|ses|leur|leurs|un|une|d[eu]) |l'|d'))"),
    ("shift", rf"{B}(?P<n>{NUMBER}) {UNIT} (?P<cue>plus tôt|plus tard|auparavant|avant|après|après)(?![\w-])"
              rf"(?! (?:(?:la|le|les|sa|son|ses|leur|leurs|un|une|d[eu]) |l'|d'))"),
    ("day_after_of", rf"{B}(?:au|le) lendemain (?=d[eu] |de la |de l'|des )"),
    ("deictic", rf"{B}(?P<w>avant-hier|après-demain|aujourd'hui|hier|demain|ce matin|ce soir|cet après-midi|"
                rf"cette nuit|ce midi|ce jour(?!-là)|cette semaine|la nuit dernière|cette année|l'an dernier|"
                rf"l'année dernière|l'an passé|l'année passée|l'an prochain|l'année prochaine|ce mois-ci|"
                rf"le mois dernier|le mois prochain|le début de l'année|en début d'année|cette saison|"
                rf"en fin de matinée|en fin d'après-midi|en début d'après-midi|en fin de journée|en début de soirée|"
                rf"dans la matinée|dans la soirée|dans l'après-midi|dans la journée|depuis la matinée|au petit matin){E}"),
    ("anaphoric", rf"{B}(?P<w>le lendemain|au lendemain|le surlendemain|la veille|l'avant-veille|le jour même|"
                  rf"le même jour|ce jour-là|le soir même|le matin même|la nuit même){E}"),
    ("clock", rf"{B}(?:à|vers|dès) (?P<h>\d{{1,2}})\s*h(?:\s*(?P<min>\d{{2}}))?{E}"),
)]
RANGE_BEFORE = re.compile(r"(?:\bdu|\bentre|\bde|\bd'|\bdepuis|\bdès)\s*(?:le |la |l')?$", re.I)
RANGE_BETWEEN = re.compile(r"^\s*(?:au|à|a|et|jusqu'au|jusqu'à|jusqu'en)\s+(?:le |la |l'|fin |début |mi-)?$", re.I)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: date
    precision: str                 # day, month, year
    kind: str                      # which expression: day_month, month, ago, after, range …
    end_date: date | None = None   # last day of a range
    end_precision: str | None = None
    anaphoric: bool = False        # resolved against an earlier date of the text, not publication
    explicit_year: bool = False

    @property
    def iso(self) -> str:
        return iso(self.date, self.precision)


def iso(d: date, precision: str) -> str:
    """« 2024-09-02 », « 2024-09 » or « 2024 » as the precision says."""
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": d.isoformat()[:4]}[precision]


def parse_number(words: str) -> int | None:
    """« six » → 6, « vingt et un » → 21, « dix-sept » → 17, « 12 » → 12."""
    words = words.lower().strip()
    if words.isdigit():
        return int(words)
    total = 0
    for part in re.split(r"-et-| et |-| ", words):
        if not part:
            continue
        if part in TENS:
            total += TENS[part]
        elif part in UNITS:
            total += UNITS[part]
        elif part == "dix":
            total += 10
        else:
            return None
    return total or None


def _day(value: str) -> int | None:
    value = value.lower()
    if value in ("1er", "premier"):
        return 1
    return parse_number(value)


def last_day(d: date, precision: str) -> date:
    if precision == "year":
        return date(d.year, 12, 31)
    if precision == "month":
        return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
    return d


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _shift(d: date, n: int, unit: str) -> tuple[date, str]:
    unit = unit.lower()
    if unit.startswith("heure"):
        return d, "day"
    if unit.startswith("jour"):
        return d + timedelta(days=n), "day"
    if unit.startswith("semaine"):
        return d + timedelta(weeks=n), "day"
    if unit == "mois":
        return _add_months(d, n), "month"
    return date(d.year + n, 1, 1), "year"


def _direction(rel: str | None, tense: str | None) -> str:
    """future, past or nearest: where to look for a date given without its year or week."""
    rel = (rel or "").lower()
    if rel.startswith(("prochain", "suivant")):
        return "future"
    if rel.startswith(("dernier", "derniè", "passé", "précédent")):
        return "past"
    if tense == "future":
        return "future"
    if tense in ("past", "pluperfect"):
        return "past"
    return "nearest"


def _pick(candidates: list[date], published: date, direction: str, strict: bool = False) -> date:
    if direction == "future":
        later = [c for c in candidates if c > published or (c == published and not strict)]
        return min(later) if later else max(candidates)
    if direction == "past":
        earlier = [c for c in candidates if c < published or (c == published and not strict)]
        return max(earlier) if earlier else min(candidates)
    return min(candidates, key=lambda c: (abs((c - published).days), c > published))


def resolve_day_month(day: int, month: int, published: date, direction: str, weekday: int | None = None,
                      strict: bool = False) -> date | None:
    """The date « <day> <month> » means, in the year around ``published`` the direction and weekday point to."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if weekday is not None and any(c.weekday() == weekday for c in candidates):
        candidates = [c for c in candidates if c.weekday() == weekday]
    return _pick(candidates, published, direction, strict) if candidates else None


def resolve_month(month: int, published: date, direction: str, strict: bool = False) -> date:
    candidates = [date(y, month, 1) for y in (published.year - 1, published.year, published.year + 1)]
    this_month = date(published.year, published.month, 1)
    return _pick(candidates, this_month, direction, strict)


def resolve_weekday(weekday: int, published: date, direction: str, this_week: bool = False,
                    strict: bool = False) -> date:
    """« ce jeudi » (this week), « jeudi dernier » (strict: never today), « jeudi » (by tense)."""
    if this_week:
        return published + timedelta(days=weekday - published.weekday())
    back = (published.weekday() - weekday) % 7
    forward = (weekday - published.weekday()) % 7
    if strict:
        back, forward = back or 7, forward or 7
    if direction == "future":
        return published + timedelta(days=forward)
    if direction == "past" or back <= forward:
        return published - timedelta(days=back)
    return published + timedelta(days=forward)


def _season(season: str, published: date, direction: str, year: int | None) -> date:
    month = SEASONS[season.lower()]
    if year is not None:
        return date(year, 1, 1)
    candidates = [date(y, month, 1) for y in (published.year - 1, published.year, published.year + 1)]
    return date(_pick(candidates, published, direction).year, 1, 1)


def _scan(text: str) -> list[tuple[int, int, str, re.Match]]:
    found = []
    for order, (name, regex) in enumerate(PATTERNS):
        for m in regex.finditer(text):
            if name == "year" and NOT_A_YEAR_AFTER.match(text, m.end()):
                continue
            found.append((m.start(), m.end(), order, name, m))
    # The more specific kind first (« jeudi 25 avril » over « jeudi »), then the longer match.
    found.sort(key=lambda f: (f[2], f[0] - f[1], f[0]))
    kept: list[tuple[int, int, int, str, re.Match]] = []
    for f in found:
        if all(f[1] <= k[0] or f[0] >= k[1] for k in kept):
            kept.append(f)
    return [(s, e, name, m) for s, e, _, name, m in sorted(kept)]


def find_dates(text: str, published: date, tense: Callable[[int, int], str | None] | None = None,
               known: Iterable[date] = ()) -> list[DateMention]:
    """Every date expression of ``text`` resolved against ``published``, in text order.

    ``known``: dates stated explicitly elsewhere (a « jeudi dernier » that could be two
    Thursdays is the one the text also states as « le 25 avril »).
    """
    tense = tense or (lambda start, end: None)
    known = set(known)
    mentions: list[DateMention] = []
    reference: tuple[date, str] | None = None   # last day- or month-precise date: what « le lendemain » counts from
    narrative: date | None = None        # last date with its year stated, for a pluperfect narrative
    for start, end, name, m in _scan(text):
        mention = _resolve(name, m, text, published, tense(start, end), reference, narrative, known)
        if mention is None:
            continue
        mentions.append(mention)
        if mention.precision in ("day", "month") and name not in ("after", "day_after_of", "deictic"):
            reference = (mention.date, mention.precision)
        if mention.explicit_year and mention.precision in ("day", "month"):
            narrative = mention.date
    return _ranges(text, mentions, published, tense)


def _resolve(name: str, m: re.Match, text: str, published: date, tense: str | None,
             reference: tuple[date, str] | None,
             narrative: date | None, known: set[date]) -> DateMention | None:
    g = m.groupdict()
    rel = g.get("rel")
    direction = _direction(rel, tense)
    strict = bool(rel)
    # A pluperfect narrative of long-past events: a date without its year belongs to the year being told.
    told_year = narrative.year if (tense == "pluperfect" and narrative and narrative.year < published.year) else None
    anchor, anchor_precision = reference or (published, "day")
    out = dict(start=m.start(), end=m.end(), text=m.group(0), kind=name)

    if name == "night":
        d = resolve_weekday(WEEKDAYS[g["wd"].lower()], published, "past" if direction == "nearest" else direction)
        return DateMention(date=d, precision="day", **out)
    if name == "day_range":
        last = _resolve("day_month", m, text, published, tense, reference, narrative, known)
        first = _day(g["d1"])
        if last is None or first is None or not 1 <= first < last.date.day:
            return None
        return DateMention(date=last.date.replace(day=first), precision="day", end_date=last.date,
                           end_precision="day", explicit_year=last.explicit_year, **out)
    if name == "day_month":
        day, month = _day(g["d"]), MONTHS[g["m"].lower()]
        if day is None or not 1 <= day <= 31:
            return None
        weekday = WEEKDAYS[g["wd"].lower()] if g.get("wd") else None
        if g.get("y"):
            try:
                return DateMention(date=date(int(g["y"]), month, day), precision="day", explicit_year=True, **out)
            except ValueError:
                return None
        if told_year:
            try:
                return DateMention(date=date(told_year, month, day), precision="day", **out)
            except ValueError:
                return None
        d = resolve_day_month(day, month, published, direction, weekday, strict)
        return DateMention(date=d, precision="day", **out) if d else None
    if name == "month_year":
        return DateMention(date=date(int(g["y"]), MONTHS[g["m"].lower()], 1), precision="month",
                           explicit_year=True, **out)
    if name == "month":
        cue = g["cue"].lower()
        out["start"] = m.start("m") if cue in ("en", "depuis", "dès", "jusqu'en", "avant", "après", "à partir de",
                                               "entre", "et", "à", "au", "d'", "de") else m.start()
        out["text"] = text[out["start"]:m.end()]
        month = MONTHS[g["m"].lower()]
        if told_year:
            return DateMention(date=date(told_year, month, 1), precision="month", **out)
        return DateMention(date=resolve_month(month, published, direction, strict), precision="month", **out)
    if name == "season":
        year = int(g["y"]) if g.get("y") else told_year
        d = _season(g["season"], published, "past" if direction == "nearest" and not g["det"].lower().startswith("c")
                    else direction, year)
        return DateMention(date=d, precision="year", explicit_year=bool(g.get("y")), **out)
    if name == "year_part":
        return DateMention(date=date(int(g["y"]), 1, 1), precision="year", explicit_year=True, **out)
    if name == "year":
        return DateMention(date=date(int(g["y"]), 1, 1), precision="year", explicit_year=True, **out)
    if name == "weekday":
        weekday = WEEKDAYS[g["wd"].lower()]
        this_week = (g.get("det") or "").lower() in ("ce", "cet")
        d = resolve_weekday(weekday, published, direction, this_week=this_week, strict=strict)
        if strict and direction == "past" and d not in known and d - timedelta(days=7) in known:
            d -= timedelta(days=7)  # « jeudi dernier »: the Thursday of last week, as the text says elsewhere
        return DateMention(date=d, precision="day", **out)
    if name == "ago":
        vague = g["n"].lower() in ("quelques", "plusieurs")
        if vague and not g["unit"].lower().startswith("heure"):
            return None  # « il y a quelques jours »: no date can be told
        n = 1 if vague else parse_number(g["n"])
        if not n:
            return None
        sign = 1 if g["cue"].lower() == "dans" else -1
        d, precision = _shift(published, sign * n, g["unit"])
        return DateMention(date=d, precision=precision, **out)
    if name == "after":
        # « trois jours après la mort de … »: the happening named next, counted back from publication.
        n = parse_number(g["n"])
        if not n:
            return None
        sign = -1 if g["cue"].lower() == "après" else 1
        d, precision = _shift(published, sign * n, g["unit"])
        return DateMention(date=d, precision=precision, **out)
    if name == "shift":
        n = parse_number(g["n"])
        if not n or reference is None:
            return None  # « neuf ans plus tard » with no earlier date to count from: no date can be told
        sign = 1 if g["cue"].lower() in ("plus tard", "après") else -1
        d, precision = _shift(anchor, sign * n, g["unit"])
        if anchor_precision == "month" and precision == "day":
            d, precision = d.replace(day=1), "month"
        return DateMention(date=d, precision=precision, anaphoric=reference is not None, **out)
    if name == "day_after_of":
        return DateMention(date=published - timedelta(days=1), precision="day", **out)
    if name == "deictic":
        return _deictic(g["w"].lower(), published, out)
    if name == "anaphoric":
        word = g["w"].lower()
        offset = {"le lendemain": 1, "au lendemain": 1, "le surlendemain": 2, "la veille": -1,
                  "l'avant-veille": -2}.get(word, 0)
        if anchor_precision == "month":  # « le soir même », after « début janvier 2012 »
            return DateMention(date=anchor, precision="month", anaphoric=True, **out)
        return DateMention(date=anchor + timedelta(days=offset), precision="day", anaphoric=reference is not None,
                           **out)
    if name == "clock":
        if anchor_precision == "month":
            return None
        return DateMention(date=anchor, precision="day", anaphoric=reference is not None, **out)
    return None


def _deictic(word: str, published: date, out: dict) -> DateMention:
    days = {"avant-hier": -2, "hier": -1, "aujourd'hui": 0, "demain": 1, "après-demain": 2, "ce matin": 0,
            "ce soir": 0, "cet après-midi": 0, "cette nuit": 0, "ce midi": 0, "ce jour": 0, "cette semaine": 0,
            "la nuit dernière": -1, "en fin de matinée": 0, "en fin d'après-midi": 0, "en début d'après-midi": 0,
            "en fin de journée": 0, "en début de soirée": 0, "dans la matinée": 0, "dans la soirée": 0,
            "dans l'après-midi": 0, "dans la journée": 0, "depuis la matinée": 0, "au petit matin": 0}
    if word in days:
        return DateMention(date=published + timedelta(days=days[word]), precision="day", **out)
    if word in ("ce mois-ci",):
        return DateMention(date=published.replace(day=1), precision="month", **out)
    if word == "le mois dernier":
        return DateMention(date=_add_months(published.replace(day=1), -1), precision="month", **out)
    if word == "le mois prochain":
        return DateMention(date=_add_months(published.replace(day=1), 1), precision="month", **out)
    years = {"cette année": 0, "le début de l'année": 0, "en début d'année": 0, "cette saison": 0,
             "l'an dernier": -1, "l'année dernière": -1, "l'an passé": -1, "l'année passée": -1,
             "l'an prochain": 1, "l'année prochaine": 1}
    return DateMention(date=date(published.year + years.get(word, 0), 1, 1), precision="year", **out)


def _ranges(text: str, mentions: list[DateMention], published: date,
            tense: Callable[[int, int], str | None]) -> list[DateMention]:
    """« du 2 septembre au 20 décembre », « entre 2011 et 2020 »: one mention, from the first to the last day."""
    out: list[DateMention] = []
    i = 0
    while i < len(mentions):
        a = mentions[i]
        b = mentions[i + 1] if i + 1 < len(mentions) else None
        if (b is not None and RANGE_BETWEEN.match(text[a.end:b.start])
                and RANGE_BEFORE.search(text[max(0, a.start - 12):a.start])
                and a.kind not in ("ago", "after", "shift", "clock") and b.kind not in ("ago", "after", "shift", "clock")):
            start = a
            if not a.explicit_year and b.explicit_year:
                start = _year_from_end(a, b)
            end_date = last_day(b.date, b.precision)
            if end_date < start.date:
                # Each end was resolved alone (« du 2 septembre au 20 décembre » read in April: the next
                # 2 September, the last 20 December); a range ends after it starts, in the past when told so.
                if not a.explicit_year and tense(a.start, b.end) in ("past", "pluperfect"):
                    start = replace(start, date=_other_year(start.date, -1))
                elif not b.explicit_year:
                    end_date = last_day(_other_year(b.date, 1), b.precision)
            out.append(replace(start, end=b.end, text=text[a.start:b.end], kind="range",
                               end_date=end_date, end_precision=b.precision,
                               explicit_year=a.explicit_year or b.explicit_year))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _other_year(d: date, years: int) -> date:
    """The same day ``years`` years later (28 February for a 29 February that year lacks)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _year_from_end(a: DateMention, b: DateMention) -> DateMention:
    """« entre octobre et décembre 2011 »: the first date takes the year of the last."""
    year = b.date.year
    candidate = a.date.replace(year=year) if not (a.date.month == 2 and a.date.day == 29) else a.date
    if candidate > b.date:
        candidate = candidate.replace(year=year - 1)
    return replace(a, date=candidate)


def format_date(d: date, precision: str) -> str:
    """« 2 septembre 2024 », « 1er janvier 2023 », « septembre 2020 », « 2018 »."""
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{MONTH_NAMES[d.month - 1]} {d.year}"
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTH_NAMES[d.month - 1]} {d.year}"
