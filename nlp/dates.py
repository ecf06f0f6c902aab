"""French temporal expressions, found and resolved to ISO dates with a precision (rule-based).

The pure function :func:`find_dates` reads a text and returns every date expression
with its character offsets, the date it means (``day``, ``month`` or ``year``
precise; the first day of the month or year when less precise), for a range or a
period its last day, and how it was worked out (the rule, and the date it counts from:
the publication date or another date of the text). Expressions are resolved against
the publication date:

* absolute: « le 12 septembre 2020 », « 12/03/2024 », « 12.03.24 », « en octobre 2023 », « en 2018 »;
* without a year: the year the tense and cue words point to (« le 2 septembre prochain »,
  « s'ouvrira le 2 septembre », « 12/03 » → the next one; « jugés le 25 avril » → the last one;
  the present with no cue → the nearest one); a weekday given with the date picks the year;
* weekdays: « ce jeudi » (this week), « jeudi dernier », « jeudi prochain », « jeudi en huit »,
  « jeudi de la semaine prochaine », « lundi » alone (the nearest past one in a past-tense
  sentence, the next one in a future one), « dans la nuit de samedi à dimanche » (the Saturday,
  ending on the Sunday), « le week-end dernier »;
* weeks: « cette semaine », « la semaine dernière », « la semaine prochaine », « la semaine du 12 mars »;
* public holidays and named days: « à Noël », « la Toussaint », « le 14-Juillet », « Pâques 2024 » …;
* parts of a period: « début mars », « mi-juin », « fin 2020 », « au printemps 2025 »,
  « à l'automne », « dans les années 1990 », « à la fin des années 1990 »;
* relative: « hier », « aujourd'hui », « il y a six ans », « il y a une vingtaine d'années » (a
  precision less: the year), « il y a quelques jours » (the month they all fall in, if one),
  « dans trois semaines », « depuis deux ans », « depuis le début de l'année » (to publication),
  « cette année », « l'an dernier »;
* told as a story: « un soir de janvier » is the last January, even in the present;
* anaphoric, against the last date before them: « le lendemain », « la veille »,
  « onze jours plus tôt », « le soir même », « à ce moment-là » (its month), « à l'époque » (its
  year); « le lendemain du meurtre », « la veille de l'audience », « trois jours après le
  meurtre » count from the date the text gives that happening in the same or the previous
  sentence (else, for « trois jours après la mort de … », the happening itself counted back
  from publication);
* ranges and lists: « du 2 septembre au 20 décembre », « du 2 au 5 septembre », « entre le 14 et
  le 16 mars », « les 14, 15 et 16 mars » (consecutive days: one range), « le 2 et le 5 novembre »
  (two dates), « en mai et juin 2024 ».

Tense comes from the caller (the spaCy component reads it from the parse and cue words):
a function ``tense(start, end)`` returning ``past``, ``pluperfect``, ``present``, ``future`` or None.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from veille.vocabulary import MONTHS as MONTH_NAMES, NUMBER_TENS, NUMBER_UNITS, date_label, iso_at

MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
    "janv.": 1,
    "févr.": 2,
    "fév.": 2,
    "avr.": 4,
    "juil.": 7,
    "oct.": 10,
    "nov.": 11,
    "déc.": 12,
}
WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
UNITS = {**NUMBER_UNITS, "premier": 1}
TENS = NUMBER_TENS
# « une vingtaine d'années »: about that many, so one precision less than the unit says.
ABOUT = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
}
# Seasons as months: first and last (winter runs into the next year).
SEASONS = {"printemps": (3, 6), "été": (6, 9), "ete": (6, 9), "automne": (9, 12), "hiver": (12, 3)}
# Fixed holidays (month, day) and the movable ones (days after Easter Sunday).
HOLIDAYS = {
    "noël": (12, 25),
    "noel": (12, 25),
    "réveillon de noël": (12, 24),
    "réveillon du nouvel an": (12, 31),
    "réveillon de la saint-sylvestre": (12, 31),
    "la saint-sylvestre": (12, 31),
    "jour de l'an": (1, 1),
    "nouvel an": (1, 1),
    "toussaint": (11, 1),
    "fête nationale": (7, 14),
    "14-juillet": (7, 14),
    "fête du travail": (5, 1),
    "1er-mai": (5, 1),
    "assomption": (8, 15),
    "saint-valentin": (2, 14),
    "halloween": (10, 31),
    "armistice": (11, 11),
    "épiphanie": (1, 6),
}
EASTER_OFFSETS = {
    "pâques": 0,
    "paques": 0,
    "lundi de pâques": 1,
    "lundi de paques": 1,
    "ascension": 39,
    "pentecôte": 49,
    "pentecote": 49,
    "lundi de pentecôte": 50,
    "lundi de pentecote": 50,
}

_NUMBER_WORD = (
    "(?:vingt|trente|quarante|cinquante|soixante|dix|onze|douze|treize|quatorze|quinze|seize|"
    "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|premier)"
)
NUMBER = rf"(?:\d{{1,3}}|{_NUMBER_WORD}(?:(?:-| et |-et-){_NUMBER_WORD}){{0,2}})"
MONTH = "(?:" + "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True)) + ")"
WEEKDAY = "(?:" + "|".join(WEEKDAYS) + ")"
YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
DAY = rf"(?:1er|premier|3[01]|[12]\d|0?[1-9]|{_NUMBER_WORD}(?:(?:-| et ){_NUMBER_WORD})?)"
NUM_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
NUM_MONTH = r"(?:1[0-2]|0?[1-9])"
B, E = r"(?<![\w-])", r"(?![\w-])"
REL = (
    r"(?:\s+(?P<rel>prochaine|prochain|dernière|dernier|passée|passé|précédente|précédent|suivante|suivant)(?![\w-]))?"
)
TIME_OF_DAY = (
    r"(?:\s*,?\s*(?:au petit matin|en fin de matinée|en fin d'après-midi|en début d'après-midi|"
    r"en fin de journée|en début de soirée|en début de matinée|en plein après-midi|dans la soirée|"
    r"dans la matinée|matin|soir|après-midi|midi|(?:vers|à|dès) \d{1,2}\s*h(?:\s*\d{2})?))?"
)
FILLER = (
    r"(?:(?:un peu )?(?:plus|moins) de |(?:un peu )?(?:plus|moins) d'|près de |environ |quelque |presque |"
    r"à peine |au moins |pas moins de |plus de |bientôt |déjà |tout juste )?"
)
UNIT = r"(?P<unit>heures?|jours?|semaines?|mois|ans|an|années?)"
ABOUT_RE = "(?:" + "|".join(ABOUT) + ")"
WEEKEND = r"(?:week-end|weekend|week end|week-ends)"
NOT_A_YEAR_AFTER = re.compile(
    r"\s*(?:€|euros?|personnes|habitants|hommes|femmes|victimes|signalements|procédures|"
    r"dossiers|comptes|messages|utilisateurs|connexions|visiteurs|membres|pages|vidéos|"
    r"photos|images|km|kilomètres|mètres|kilos|fois|enfants|cas|plaintes)\b",
    re.I,
)
HOLIDAY_RE = (
    r"(?P<h>réveillon de noël|réveillon du nouvel an|réveillon de la saint-sylvestre|la saint-sylvestre|"
    r"jour de l'an|nouvel an|toussaint|fête nationale|14-juillet|fête du travail|1er-mai|assomption|"
    r"saint-valentin|halloween|épiphanie|lundi de pâques|lundi de paques|lundi de pentecôte|"
    r"lundi de pentecote|pâques|paques|ascension|pentecôte|pentecote|noël|noel)"
)
# Before a holiday's name: the words that make it a day (« Noël » alone may be a first name).
HOLIDAY_BEFORE = (
    r"(?P<pre>(?:le soir|la nuit|la veille|le jour|le lendemain|le week-end|la semaine) "
    r"(?:de la |de l'|du |de )|à la |à l'|au |à |de la |de l'|du |de |d'|pour la |pour l'|"
    r"pour |depuis la |depuis |avant la |avant |après la |après |lors de la |lors de |dès la |dès |"
    r"pendant la |pendant |la |le |l')"
)
# A decade dates something when told as a time (« dans les années 1990 », « fin des années 1990, il … »),
# not when it qualifies a noun (« les tchats des années 1990 », « celui de la fin des années 1990 »).
DECADE_BEFORE = (
    r"(?P<pre>(?:dans|durant|pendant|depuis|dès|vers) les |(?:au cours|à partir|au début|au milieu|"
    r"au tournant|à la fin|vers la fin|depuis la fin|dès la fin|depuis le début|dès le début|"
    r"jusqu'à la fin|jusqu'au début|jusqu'au milieu) des |jusqu'aux |"
    r"(?<!la )(?<!le )(?<!du )(?<!de )(?:fin|début|milieu) des )"
)

# Expression kinds, most specific first; overlaps are resolved to the longest match.
PATTERNS: list[tuple[str, re.Pattern]] = [
    (name, re.compile(p, re.I | re.M))
    for name, p in (
        # « dans la nuit du 15 au 16 avril », « la nuit du mardi 1er au mercredi 2 octobre »
        (
            "night_dates",
            rf"{B}(?:dans )?la nuit du (?:{WEEKDAY} )?(?P<d1>{DAY})(?: (?P<m1>{MONTH}))? "
            rf"(?:au|à) (?:{WEEKDAY} )?(?P<d>{DAY}) (?P<m>{MONTH})(?: (?P<y>{YEAR}))?{E}",
        ),
        ("night", rf"{B}(?:dans )?la nuit d[eu] (?P<wd1>{WEEKDAY}) (?:à|au) (?P<wd>{WEEKDAY}){E}{REL}"),
        ("holiday", rf"{B}(?:{HOLIDAY_BEFORE})?{HOLIDAY_RE}(?: (?P<y>{YEAR}))?{E}(?!\s+(?-i:[A-ZÉÈ][a-zéèëï]))"),
        (
            "decade",
            rf"{B}(?:{DECADE_BEFORE})?(?P<q>fin des |début des |milieu des )?années "
            rf"(?P<dec>19[0-9]0|20[0-4]0|[2-9]0|00){E}",
        ),
        (
            "since_start",
            rf"{B}depuis (?:le )?début (?P<w>de l'année|d'année|du mois|de la semaine)"
            rf"(?: (?P<y>{YEAR}))?{E}",
        ),
        # « du 2 au 20 septembre », « entre le 2 et le 5 mars 2024 »: one month, two days.
        (
            "day_range",
            rf"{B}(?:du|entre le|entre les) (?:{WEEKDAY} )?(?P<d1>{DAY}) (?:au|et le|et) (?:{WEEKDAY} )?"
            rf"(?P<d>{DAY}) (?P<m>{MONTH})(?: (?P<y>{YEAR}))?{E}",
        ),
        # « les 14, 15 et 16 mars », « le 2 et le 5 novembre »: a list of days of one month.
        (
            "day_list",
            rf"{B}(?:les|le) (?P<days>{NUM_DAY}|1er)(?:(?:, | et |, le | et le )(?:{NUM_DAY}|1er))+ "
            rf"(?P<m>{MONTH})(?: (?P<y>{YEAR}))?{E}",
        ),
        (
            "week_of",
            rf"{B}(?:la |dans la |pendant la |durant la )?semaine du (?:{WEEKDAY} )?(?P<d>{DAY}) (?P<m>{MONTH})"
            rf"(?: (?P<y>{YEAR}))?{E}",
        ),
        ("iso_date", rf"(?<![\w/.-])(?P<y>{YEAR})-(?P<mo>1[0-2]|0[1-9])-(?P<d>3[01]|[12]\d|0[1-9])(?![\w/-]|\.\d)"),
        # « 12/03/2024 », « 12.03.24 », « 12-03-2024 », « le 12/03 »
        (
            "numeric",
            rf"{B}(?:(?P<det>le|du|au|ce) )?(?:(?P<wd>{WEEKDAY}) )?(?<![\d,./-])(?P<d>{NUM_DAY})(?P<sep>[/.-])"
            rf"(?P<mo>{NUM_MONTH})(?:(?P=sep)(?P<y>(?:19|20)\d\d|\d\d))?(?![\d/]|[.,-]\d)",
        ),
        (
            "day_month",
            rf"{B}(?:(?P<det>ce|cet|le) )?(?:(?P<wd>{WEEKDAY}) )?(?:le )?(?P<d>{DAY}) (?P<m>{MONTH})"
            rf"(?: (?P<y>{YEAR}))?{E}{REL}{TIME_OF_DAY}",
        ),
        (
            "month_year",
            rf"{B}(?:(?P<q>début|fin|mi-|mi |courant|la mi-|la fin du mois d'|la fin du mois de |"
            rf"le début du mois d'|le début du mois de |fin du mois d'|fin du mois de |début du mois d'|"
            rf"début du mois de |le mois d'|le mois de |mois d'|mois de )\s*)?(?P<m>{MONTH}) (?P<y>{YEAR}){E}",
        ),
        (
            "month",
            rf"{B}(?P<cue>en|depuis|dès|jusqu'en|avant|après|à partir de|fin|début|mi-|mi|courant|la mi-|"
            rf"rentrée de|la fin du mois d'|la fin du mois de|fin du mois d'|fin du mois de|début du mois d'|"
            rf"début du mois de|le mois d'|le mois de|mois d'|mois de|entre|et|à|au|d'|de)\s*(?P<m>{MONTH}){E}{REL}",
        ),
        (
            "season",
            rf"{B}(?P<det>au|à l'|à la|en|l'|le|cet|ce|cette|d'|de l'|du|depuis l'|depuis le)\s*"
            rf"(?P<season>printemps|été|automne|hiver){E}(?: (?P<y>{YEAR})(?:-(?P<y2>{YEAR}))?)?{REL}",
        ),
        # « au premier trimestre 2023 », « le second semestre », « au dernier trimestre de l'année »
        (
            "quarter",
            rf"{B}(?P<nth>premier|1er|deuxième|2e|second|troisième|3e|quatrième|4e|dernier) "
            rf"(?P<unit>trimestre|quadrimestre|semestre){E}(?: (?:de |d')?(?P<y>{YEAR})| de l'année| de cette année)?"
            rf"(?:{REL[:-1]})?",
        ),
        # « au début du mois », « à la fin du mois dernier », « d'ici la fin de l'année prochaine »
        (
            "part_of_current",
            rf"{B}(?:(?:au|le|la|à la|vers la|d'ici la|d'ici à la|avant la|jusqu'à la|dès la|dès le|en) )?"
            rf"(?P<q>début|fin|milieu) (?:du |de l'|d')(?P<unit>mois|année|an){E}"
            rf"(?! (?:de |d'|d[eu] )?(?:{MONTH}|{YEAR}))(?:{REL[:-1]}|\s+(?P<cours>en cours))?",
        ),
        # « à la rentrée », « dès la rentrée 2025 »: September
        (
            "rentree",
            rf"{B}(?:à|dès|après|avant|depuis|pour|de) la rentrée(?: (?:scolaire|judiciaire))?(?: (?P<y>{YEAR}))?{E}",
        ),
        # « en 2019-2020 », « la saison 2022/2023 »: two years in a row
        ("year_span", rf"(?<![\w,.°/-])(?P<y>{YEAR})\s?[-/–]\s?(?P<y2>{YEAR}|\d\d)(?![\d]|-\d|/\d)"),
        ("year_part", rf"{B}(?P<q>début|fin|mi-|courant|l'année|l'an|année)\s*(?P<y>{YEAR}){E}"),
        # Not « les années 1990 » (a decade), nor « 2018 personnes ».
        ("year", rf"(?<![\w,.°/-])(?<!\d )(?<!° )(?<!années )(?P<y>{YEAR})(?![\d]|-\d|/\d)"),
        ("weekend", rf"{B}(?P<det>ce|le|du|au|pendant le|durant le)\s+{WEEKEND}{E}{REL}"),
        (
            "weekday",
            rf"{B}(?:(?P<det>ce|cet|le) )?(?P<wd>{WEEKDAY}){E}"
            rf"(?:{REL[:-1]}|\s+(?P<huit>en huit)|\s+de la semaine (?P<wk>prochaine|dernière|passée|"
            rf"précédente|suivante)(?![\w-]))?{TIME_OF_DAY}",
        ),
        (
            "week",
            rf"{B}(?P<w>cette semaine|la semaine dernière|la semaine passée|la semaine prochaine|"
            rf"dans la semaine|en (?:début|fin|milieu) de semaine(?: (?:prochaine|dernière|passée))?|"
            rf"la semaine précédente|la semaine suivante){E}",
        ),
        (
            "about_ago",
            rf"{B}(?P<cue>il y a|voilà|voici|depuis|dans) (?:environ |près d')?une (?P<about>{ABOUT_RE}) "
            rf"d(?:e |')(?P<unit>heures|jours|semaines|mois|ans|années){E}",
        ),
        ("ago", rf"{B}(?P<cue>il y a|voilà|voici|depuis|dans) {FILLER}(?P<n>{NUMBER}|quelques|plusieurs) {UNIT}{E}"),
        (
            "after",
            rf"{B}(?:{FILLER[:-1]})?(?P<n>{NUMBER}) {UNIT} (?P<cue>après|avant)"
            rf"(?=\s+(?:(?:la|le|les|sa|son|ses|leur|leurs|un|une|du|des|de la|de l'|cette|ce|cet) |l'|d')"
            rf"(?P<noun>[\w-]+))",
        ),
        (
            "shift",
            rf"{B}(?P<n>{NUMBER}|quelques|plusieurs) {UNIT} (?P<cue>plus tôt|plus tard|auparavant|avant|après)(?![\w-])"
            rf"(?! (?:(?:la|le|les|sa|son|ses|leur|leurs|un|une|d[eu]) |l'|d'))",
        ),
        # « le lendemain du meurtre », « la veille de l'audience », « au lendemain de … »
        (
            "of_happening",
            rf"{B}(?P<w>au lendemain|le lendemain|le surlendemain|la veille|à la veille|l'avant-veille|"
            rf"le jour|le soir|le matin)(?= (?:du |de la |de l'|des |d'|de (?:sa |son |ses |leur |leurs )?)"
            rf"(?P<noun>[\w-]+))",
        ),
        (
            "deictic",
            rf"{B}(?P<w>avant-hier|après-demain|aujourd'hui|hier|demain|ce matin|ce soir|cet après-midi|"
            rf"cette nuit|ce midi|ce jour(?!-là)|la nuit dernière|cette année|l'an dernier|"
            rf"l'année dernière|l'an passé|l'année passée|l'an prochain|l'année prochaine|ce mois-ci|"
            rf"le mois dernier|le mois prochain|le début de l'année|en début d'année|cette saison|"
            rf"en fin de matinée|en fin d'après-midi|en début d'après-midi|en fin de journée|en début de soirée|"
            rf"dans la matinée|dans la soirée|dans l'après-midi|dans la journée|depuis la matinée|au petit matin){E}",
        ),
        (
            "anaphoric",
            rf"{B}(?P<w>le lendemain|au lendemain|le surlendemain|la veille|l'avant-veille|le jour même|"
            rf"le même jour|ce jour-là|le soir même|le matin même|la nuit même|le lendemain matin|"
            rf"le lendemain soir|la veille au soir){E}",
        ),
        ("about_then", rf"{B}(?:à|a) (?P<w>ce moment-là|ce moment|cette époque-là|cette époque|l'époque){E}"),
        ("clock", rf"{B}(?:à|vers|dès) (?P<h>\d{{1,2}})\s*h(?:\s*(?P<min>\d{{2}}))?{E}"),
    )
]
RANGE_BEFORE = re.compile(r"(?:\bdu|\bentre|\bde|\bd'|\bdepuis|\bdès)\s*(?:le |la |l')?$", re.I)
RANGE_BETWEEN = re.compile(r"^\s*(?:au|à|a|et|jusqu'au|jusqu'à|jusqu'en)\s+(?:le |la |l'|fin |début |mi-)?$", re.I)
COORDINATED = re.compile(r"^\s*(?:et|ou)\s+(?:en\s+)?$", re.I)
SENTENCE_END = re.compile(r"[.!?…]+[\"»”]?\s+|\n+")
STREET_BEFORE = re.compile(
    r"\b(?:rue|avenue|av\.|boulevard|bd|place|allée|quai|cours|square|impasse|chemin|"
    r"route|pont|stade|parc|lycée|collège|école|résidence|cité|gare|esplanade|promenade)"
    r"\s+(?:du|de la|des|de l')\s*$",
    re.I,
)
# « un soir de janvier », « une nuit d'août »: a day of some month, told as a story.
ONE_DAY_OF = re.compile(
    r"\b(?:un|une)\s+(?:beau\s+|belle\s+)?(?:soir|matin|nuit|jour|journée|après-midi|"
    r"soirée|matinée|week-end|" + "|".join(WEEKDAYS) + r")\s+(?:d'|de\s*)$",
    re.I,
)
# Times of day that follow the day told just before (« le 14 octobre … plus tard, dans la soirée »).
TIMES_OF_DAY = (
    "en fin de matinée",
    "en fin d'après-midi",
    "en début d'après-midi",
    "en fin de journée",
    "en début de soirée",
    "dans la matinée",
    "dans la soirée",
    "dans l'après-midi",
    "dans la journée",
    "au petit matin",
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: date
    precision: str  # day, month, year
    kind: str  # which expression: day_month, month, ago, after, range …
    end_date: date | None = None  # last day of a range or a period
    end_precision: str | None = None
    anaphoric: bool = False  # resolved against an earlier date of the text, not publication
    explicit_year: bool = False
    rule: str = ""  # how it was resolved: a short English id (« weekday_last », « day_month_next » …)
    anchor: date | None = None  # the date it was counted from (publication or another date of the text)
    anchor_kind: str = "published"  # published or date

    @property
    def iso(self) -> str:
        return iso(self.date, self.precision)

    def how(self, published: date) -> dict:
        """How the date was worked out, for the timeline: expression, anchor, rule, French explanation."""
        anchor = self.anchor or published
        return {
            "expression": self.text,
            "anchor": anchor.isoformat(),
            "anchor_kind": self.anchor_kind,
            "rule": self.rule or self.kind,
            "explanation": explain(self, published),
        }


def iso(d: date, precision: str) -> str:
    """« 2024-09-02 », « 2024-09 » or « 2024 » as the precision says."""
    return iso_at(d, precision)


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


def easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


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


def _in_direction(candidates: list[date], published: date, direction: str, strict: bool) -> list[date]:
    if direction == "future":
        return [c for c in candidates if c > published or (c == published and not strict)]
    if direction == "past":
        return [c for c in candidates if c < published or (c == published and not strict)]
    return candidates


def resolve_day_month(
    day: int, month: int, published: date, direction: str, weekday: int | None = None, strict: bool = False
) -> date | None:
    """The date « <day> <month> » means, in the year around ``published`` the direction and weekday point to.

    The weekday picks among the years the direction allows (« vendredi 16 octobre dernier » is
    the last 16 October even when it was not a Friday: the text erred on the weekday, not the year)."""
    candidates = []
    for year in (published.year - 2, published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    if weekday is not None:
        allowed = _in_direction(candidates, published, direction, strict)
        if direction == "nearest":
            allowed = [c for c in candidates if abs((c - published).days) <= 366]
        matching = [c for c in allowed if c.weekday() == weekday]
        if not matching and not strict:
            # The tense only hinted at a direction; the weekday told is surer (« le mardi 13 décembre »).
            matching = [c for c in candidates if c.weekday() == weekday and abs((c - published).days) <= 366]
        if matching:
            return _pick(matching, published, "nearest")
    candidates = [c for c in candidates if c.year >= published.year - 1]
    return _pick(candidates, published, direction, strict)


def resolve_month(month: int, published: date, direction: str, strict: bool = False) -> date:
    candidates = [date(y, month, 1) for y in (published.year - 1, published.year, published.year + 1)]
    this_month = date(published.year, published.month, 1)
    return _pick(candidates, this_month, direction, strict)


def resolve_weekday(
    weekday: int, published: date, direction: str, this_week: bool = False, strict: bool = False
) -> date:
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


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _season(season: str, published: date, direction: str, year: int | None, strict: bool) -> tuple[date, date, str]:
    """First month, last day and precision of « au printemps 2016 », « l'automne », « l'été dernier »."""
    first, last = SEASONS[season.lower()]

    def bounds(y: int) -> tuple[date, date]:
        end_year = y + 1 if last < first else y
        return date(y, first, 1), last_day(date(end_year, last, 1), "month")

    if year is not None:
        if last < first:  # « l'hiver 2020 »: which winter is not told, only the year
            return date(year, 1, 1), date(year, 12, 31), "year"
        start, end = bounds(year)
        return start, end, "month"
    options = [bounds(y) for y in (published.year - 2, published.year - 1, published.year, published.year + 1)]
    current = [o for o in options if o[0] <= published <= o[1]]
    if direction == "future":
        later = [o for o in options if o[0] > published] if strict else [o for o in options if o[1] >= published]
        chosen = min(later)
    elif direction == "past":
        earlier = [o for o in options if o[1] < published] if strict else [o for o in options if o[0] <= published]
        chosen = max(earlier)
    else:
        chosen = (
            current[0]
            if current
            else min(options, key=lambda o: min(abs((o[0] - published).days), abs((o[1] - published).days)))
        )
    return chosen[0], chosen[1], "month"


def _sentence_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in SENTENCE_END.finditer(text)]


def _sentence_index(starts: list[int], position: int) -> int:
    lo, hi = 0, len(starts)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if starts[mid] <= position:
            lo = mid
        else:
            hi = mid
    return lo


def _scan(text: str) -> list[tuple[int, int, str, re.Match]]:
    found = []
    for order, (name, regex) in enumerate(PATTERNS):
        for m in regex.finditer(text):
            if name == "year" and NOT_A_YEAR_AFTER.match(text, m.end()):
                continue
            if (
                name == "holiday"
                and not m.group("pre")
                and not m.group("y")
                and m.group("h").lower() in ("noël", "noel", "toussaint", "ascension", "assomption")
            ):
                continue  # « Noël » alone may be a first name, « Ascension » a place
            if name == "numeric" and not _numeric_is_date(m):
                continue
            at = m.start("h") if name == "holiday" else m.start()
            if name in ("holiday", "day_month", "numeric") and STREET_BEFORE.search(text, max(0, at - 30), at):
                continue  # « rue du 14-Juillet », « place du 8 mai 1945 »: a street, not a day
            if name == "weekend" and not m.group("rel") and m.group("det").lower() != "ce":
                continue  # « le week-end, il travaillait »: any week-end, not one
            found.append((m.start(), m.end(), order, name, m))
    # The more specific kind first (« jeudi 25 avril » over « jeudi »), then the longer match.
    found.sort(key=lambda f: (f[2], f[0] - f[1], f[0]))
    kept: list[tuple[int, int, int, str, re.Match]] = []
    for f in found:
        if all(f[1] <= k[0] or f[0] >= k[1] for k in kept):
            kept.append(f)
    return [(s, e, name, m) for s, e, _, name, m in sorted(kept)]


def _numeric_is_date(m: re.Match) -> bool:
    """« 12/03/2024 », « 12.03.24 », « le 12/03 »; not « 3.5 », « 1/2 », « 12-15 »."""
    sep, year = m.group("sep"), m.group("y")
    if year is None:
        # Without a year only « 12/03 » with a slash, two digits for the month or an article before.
        return sep == "/" and (len(m.group("mo")) == 2 or bool(m.group("det")))
    return True


def find_dates(
    text: str, published: date, tense: Callable[[int, int], str | None] | None = None, known: Iterable[date] = ()
) -> list[DateMention]:
    """Every date expression of ``text`` resolved against ``published``, in text order.

    ``known``: dates stated explicitly elsewhere (a « jeudi dernier » that could be two
    Thursdays is the one the text also states as « le 25 avril »).
    """
    tense = tense or (lambda start, end: None)
    context = _Context(text, published, set(known))
    for start, end, name, m in _scan(text):
        for mention in _resolve(name, m, context, tense(start, end)):
            context.add(mention, name)
    return _ranges(text, context.mentions, published, tense)


# The words that tell, earlier in the text, the happening a noun names (« deux jours après le
# meurtre » counts from « il a été tué le 12 mars »): the noun's own stem is not enough.
_DEATH = ("meurtr", "assassin", "tué", "tuée", "tués", "mort", "décéd", "décès", "homicide", "abattu")
_ARREST = ("arrest", "arrêt", "interpell", "garde à vue", "gardes à vue")
HAPPENING_WORDS: dict[str, tuple[str, ...]] = {
    "meurtre": _DEATH,
    "assassinat": _DEATH,
    "mort": _DEATH,
    "décès": _DEATH,
    "homicide": _DEATH,
    "arrestation": _ARREST,
    "interpellation": _ARREST,
    "fermeture": ("ferm",),
    "agression": ("agress", "frapp", "passé à tabac", "roué de coups"),
    "disparition": ("dispar",),
    "enlèvement": ("enlev", "enlèv"),
    "découverte": ("découv", "retrouv"),
    "condamnation": ("condamn",),
    "procès": ("procès", "jugé", "jugée", "jugés", "comparu"),
    "verdict": ("verdict", "condamn", "acquitt"),
}

NARRATIVE_SENTENCES = 12  # how far back a narrative present looks for the year its story is in
# Words of a court's or an institution's agenda: a present tense near them announces what is to come.
SCHEDULED = re.compile(
    r"\b(?:procès|audience|verdict|délibéré|jug\w+|comparaî\w+|compara\w+|assises|tribunal|cour|"
    r"prévu\w*|programm\w+|attendu\w*|doi[tv]\w*)\b",
    re.I,
)


class _Context:
    """What the resolution of an expression may count from: publication, the dates before it."""

    def __init__(self, text: str, published: date, known: set[date]):
        self.text, self.published, self.known = text, published, known
        self.starts = _sentence_starts(text)
        self.mentions: list[DateMention] = []
        self.reference: DateMention | None = None  # last day- or month-precise date: what « le lendemain » counts from
        self.narrative: date | None = None  # last date with its year stated, for a pluperfect narrative

    def add(self, mention: DateMention, name: str) -> None:
        self.mentions.append(mention)
        if mention.precision not in ("day", "month") or name in (
            "after",
            "of_happening",
            "deictic",
            "week",
            "weekend",
            "season",
        ):
            pass
        elif mention.end_date and name in ("day_range", "day_list"):
            # « jugé du 2 au 5 mars ; le lendemain … »: the day after the last one
            self.reference = replace(mention, date=mention.end_date, end_date=None)
        else:
            self.reference = mention  # a night: « le lendemain » is its second day
        if mention.explicit_year and mention.precision in ("day", "month"):
            self.narrative = mention.date

    def year_just_stated(self, position: int, gap: int = 30) -> date | None:
        """The date with its year written that ends a few characters before ``position``, in its sentence."""
        for mention in reversed(self.mentions):
            if mention.end > position:
                continue
            if position - mention.end > gap or self.sentence(mention.start) != self.sentence(position):
                return None
            # « entre juin et septembre »: September takes the year June took from the date before it
            return mention.date if mention.explicit_year or mention.rule.endswith("narrative_year") else None
        return None

    def sentence(self, position: int) -> int:
        return _sentence_index(self.starts, position)

    def recent(self, position: int, sentences: int = 1, precisions: tuple[str, ...] = ("day",)) -> DateMention | None:
        """The last date (day-precise unless told) of the same or the ``sentences`` previous sentences,
        before ``position``."""
        here = self.sentence(position)
        for mention in reversed(self.mentions):
            if mention.start >= position:
                continue
            if here - self.sentence(mention.start) > sentences:
                break
            if mention.precision in precisions and mention.kind not in ("after", "of_happening", "clock", "about_then"):
                return mention
        return None

    def named(self, noun: str, position: int) -> DateMention | None:
        """The date the text gives the happening ``noun`` names (« le meurtre »), in the same or the
        previous sentence: the date nearest to an earlier mention of that word."""
        stems = HAPPENING_WORDS.get(noun.lower()) or (noun.lower()[: max(4, min(len(noun) - 1, 6))],)
        here = self.sentence(position)
        window_start = self.starts[max(0, here - 1)]
        told = "|".join(re.escape(stem) for stem in stems)
        for word in re.finditer(rf"\b(?:{told})\w*", self.text[window_start:position], re.I):
            at = window_start + word.start()
            same = [
                m
                for m in self.mentions
                if m.precision == "day"
                and m.end <= position
                and self.sentence(m.start) == self.sentence(at)
                and m.kind not in ("after", "of_happening")
            ]
            if same:
                return min(same, key=lambda m: min(abs(m.start - at), abs(m.end - at)))
        return None


def _resolve(name: str, m: re.Match, ctx: _Context, tense: str | None) -> list[DateMention]:
    g = m.groupdict()
    text, published, known = ctx.text, ctx.published, ctx.known
    rel = g.get("rel")
    direction = _direction(rel, tense)
    strict = bool(rel)
    # A pluperfect narrative of long-past events: a date without its year belongs to the year being told.
    narrative = ctx.narrative
    told_year = narrative.year if (tense == "pluperfect" and narrative and narrative.year < published.year) else None
    if told_year is None and tense != "future":
        # « à l'été 2022 : entre juin et septembre », « en 2019, en mars, … »: the year just stated.
        near = ctx.year_just_stated(m.start())
        if near is not None and near.year < published.year:
            told_year, narrative = near.year, near
    reference = ctx.reference
    anchor, anchor_precision = (reference.date, reference.precision) if reference else (published, "day")
    out = dict(start=m.start(), end=m.end(), text=m.group(0), kind=name)
    way = {"past": "last", "future": "next", "nearest": "nearest"}[direction]

    def made(d: date, precision: str, rule: str, **more) -> list[DateMention]:
        fields = {**out, **more}
        if rule.endswith("narrative_year") and narrative is not None:
            fields.update(anchor=narrative, anchor_kind="date")
        return [DateMention(date=d, precision=precision, rule=rule, **fields)]

    def from_reference(**more) -> dict:
        if reference is None:
            return more
        return {"anaphoric": True, "anchor": reference.date, "anchor_kind": "date", **more}

    if name == "night":
        # « dans la nuit de lundi à mardi »: the Monday, ending on the Tuesday.
        first, second = WEEKDAYS[g["wd1"].lower()], WEEKDAYS[g["wd"].lower()]
        gap = (second - first) % 7 or 7
        if direction == "future":
            start = resolve_weekday(first, published, "future", strict=strict)
        else:
            start = resolve_weekday(second, published, "past", strict=strict) - timedelta(days=gap)
        return made(
            start,
            "day",
            f"night_{way if direction != 'nearest' else 'last'}",
            end_date=start + timedelta(days=gap),
            end_precision="day",
        )
    if name == "night_dates":
        last = _day_month(
            int(_day(g["d"]) or 0), g["m"], g.get("y"), g.get("wd"), published, direction, strict, told_year
        )
        first = _day(g["d1"])
        if last is None or first is None:
            return []
        d, rule = last
        month = MONTHS[g["m1"].lower()] if g.get("m1") else d.month
        try:
            start = date(d.year if month <= d.month else d.year - 1, month, first)
        except ValueError:
            return []
        if not timedelta(0) < d - start <= timedelta(days=2):
            return []
        return made(start, "day", "night_" + rule, end_date=d, end_precision="day", explicit_year=bool(g.get("y")))
    if name == "holiday":
        return _holiday(m, g, published, direction, out)
    if name == "decade":
        return _decade(m, g, out)
    if name == "day_list":
        return _day_list(m, g, published, direction, strict, told_year, text)
    if name == "day_range":
        last = _day_month(_day(g["d"]) or 0, g["m"], g.get("y"), None, published, direction, strict, told_year)
        first = _day(g["d1"])
        if last is None or first is None or not 1 <= first < last[0].day:
            return []
        d, rule = last
        return made(
            d.replace(day=first),
            "day",
            "day_range_" + rule,
            end_date=d,
            end_precision="day",
            explicit_year=bool(g.get("y")),
        )
    if name == "week_of":
        found = _day_month(_day(g["d"]) or 0, g["m"], g.get("y"), None, published, direction, strict, told_year)
        if found is None:
            return []
        monday = _monday(found[0])
        return made(
            monday,
            "day",
            "week_of_" + found[1],
            end_date=monday + timedelta(days=6),
            end_precision="day",
            explicit_year=bool(g.get("y")),
        )
    if name in ("numeric", "iso_date"):
        day, month = int(g["d"]), int(g["mo"])
        year = g.get("y")
        if year and len(year) == 2:
            year = str(2000 + int(year) if int(year) <= published.year % 100 + 5 else 1900 + int(year))
        found = _day_month(day, MONTH_NAMES[month - 1], year, g.get("wd"), published, direction, strict, told_year)
        if found is None:
            return []
        return made(found[0], "day", "numeric_" + found[1], explicit_year=bool(year))
    if name == "day_month":
        day = _day(g["d"])
        if day is None or not 1 <= day <= 31:
            return []
        found = _day_month(day, g["m"], g.get("y"), g.get("wd"), published, direction, strict, told_year)
        if found is None:
            return []
        if (
            not g.get("y")
            and not strict
            and tense == "present"
            and found[0] > published
            and not SCHEDULED.search(text[ctx.starts[ctx.sentence(m.start())] : m.end() + 120])
        ):
            # A narrative present (« A son retour, le 21 octobre, il l'attend ») in the story a date of a
            # past year opened (« ce 12 septembre 2020 », up to NARRATIVE_SENTENCES before): the story's
            # year, not the coming October. A court's agenda (« le procès s'ouvre le 21 octobre ») is what
            # the present announces.
            told = ctx.recent(m.start(), sentences=NARRATIVE_SENTENCES, precisions=("day", "month"))
            if told is not None and told.explicit_year and told.date.year < published.year:
                try:
                    moved = found[0].replace(year=told.date.year)
                except ValueError:
                    moved = None
                if moved is not None:
                    return made(moved, "day", "day_month_narrative_year", anchor=told.date, anchor_kind="date")
        return made(found[0], "day", "day_month_" + found[1], explicit_year=bool(g.get("y")))
    if name == "month_year":
        return made(date(int(g["y"]), MONTHS[g["m"].lower()], 1), "month", "month_year", explicit_year=True)
    if name == "month":
        cue = g["cue"].lower()
        out["start"] = (
            m.start("m")
            if cue
            in (
                "en",
                "depuis",
                "dès",
                "jusqu'en",
                "avant",
                "après",
                "à partir de",
                "entre",
                "et",
                "à",
                "au",
                "d'",
                "de",
            )
            else m.start()
        )
        out["text"] = text[out["start"] : m.end()]
        month = MONTHS[g["m"].lower()]
        if told_year:
            return made(date(told_year, month, 1), "month", "month_narrative_year")
        if direction == "nearest" and ONE_DAY_OF.search(text[max(0, m.start() - 30) : m.start("m")]):
            # « un soir de janvier, il voit … »: a story told, even in the present, of a January gone by
            return made(resolve_month(month, published, "past"), "month", "month_story_last")
        return made(resolve_month(month, published, direction, strict), "month", f"month_{way}")
    if name == "season":
        year = int(g["y"]) if g.get("y") else told_year
        if g.get("y2") and int(g["y2"]) == int(g["y"]) + 1:  # « l'hiver 2022-2023 »
            first, last = SEASONS[g["season"].lower()]
            start = date(int(g["y"]), first, 1)
            return made(
                start,
                "month",
                "season_years",
                end_date=last_day(date(int(g["y2"]), last, 1), "month"),
                end_precision="month",
                explicit_year=True,
            )
        start, end, precision = _season(g["season"], published, direction, year, strict)
        return made(
            start,
            precision,
            "season" + ("_year" if year else f"_{way}"),
            end_date=end if precision == "month" else None,
            end_precision="month" if precision == "month" else None,
            explicit_year=bool(g.get("y")),
        )
    if name == "rentree":
        if g.get("y"):
            return made(date(int(g["y"]), 9, 1), "month", "rentree_year", explicit_year=True)
        return made(resolve_month(9, published, direction, strict), "month", f"rentree_{way}")
    if name == "year_span":
        if NOT_A_YEAR_AFTER.match(text, m.end()):
            return []  # « 2019-2020 euros »
        first, second = int(g["y"]), int(g["y2"]) if len(g["y2"]) == 4 else int(g["y"][:2] + g["y2"])
        if second != first + 1:
            return []
        return made(
            date(first, 1, 1),
            "year",
            "year_span",
            end_date=date(second, 12, 31),
            end_precision="year",
            explicit_year=True,
        )
    if name == "quarter":
        size = {"trimestre": 3, "quadrimestre": 4}.get(g["unit"].lower(), 6)
        nth = g["nth"].lower()
        count = 12 // size
        index = (
            count
            if nth == "dernier"
            else {"premier": 1, "1er": 1, "deuxième": 2, "2e": 2, "second": 2, "troisième": 3, "3e": 3}.get(nth, 4)
        )
        if index > count:
            return []
        year = int(g["y"]) if g.get("y") else published.year + {"past": -1, "future": 1}.get(direction, 0) * bool(rel)
        start = date(year, (index - 1) * size + 1, 1)
        end = last_day(_add_months(start, size - 1), "month")
        return made(start, "month", "quarter", end_date=end, end_precision="month", explicit_year=bool(g.get("y")))
    if name == "part_of_current":
        shift = {"past": -1, "future": 1}.get(direction, 0) if rel else 0
        if g["unit"].lower() == "mois":
            return made(
                _add_months(published.replace(day=1), shift), "month", "month_part_" + way if rel else "month_part"
            )
        return made(date(published.year + shift, 1, 1), "year", "year_part_" + way if rel else "year_part_this")
    if name == "year_part":
        return made(date(int(g["y"]), 1, 1), "year", "year_part", explicit_year=True)
    if name == "year":
        return made(date(int(g["y"]), 1, 1), "year", "year", explicit_year=True)
    if name == "weekend":
        det, weekend_now = g["det"].lower(), published.weekday() >= 5
        saturday = published + timedelta(days=5 - published.weekday())  # this week's
        if rel and direction == "past":  # « le week-end dernier »
            d = saturday - timedelta(days=7)
        elif rel and direction == "future":  # « le week-end prochain »
            d = saturday + timedelta(days=7) if weekend_now else saturday
        elif det == "ce" and weekend_now:  # « ce week-end », written on a Saturday
            d = saturday
        elif direction == "past" or (direction == "nearest" and published.weekday() <= 1):
            d = saturday if weekend_now else saturday - timedelta(days=7)
        else:
            d = saturday
        return made(d, "day", f"weekend_{way}", end_date=d + timedelta(days=1), end_precision="day")
    if name == "week":
        return _week(g["w"].lower(), published, tense, reference, out)
    if name == "weekday":
        weekday = WEEKDAYS[g["wd"].lower()]
        this_week = (g.get("det") or "").lower() in ("ce", "cet")
        if g.get("huit"):
            d = resolve_weekday(weekday, published, "future", strict=True) + timedelta(days=7)
            return made(d, "day", "weekday_in_eight")
        if g.get("wk"):
            shift = 7 if g["wk"].lower().startswith(("prochain", "suivant")) else -7
            d = _monday(published) + timedelta(days=shift + weekday)
            return made(d, "day", "weekday_next_week" if shift > 0 else "weekday_last_week")
        if not this_week and not rel and direction == "future":
            strict = True  # « il comparaîtra mardi », written on a Tuesday: next Tuesday
        d = resolve_weekday(weekday, published, direction, this_week=this_week, strict=strict)
        if strict and direction == "past" and d not in known and d - timedelta(days=7) in known:
            d -= timedelta(days=7)  # « jeudi dernier »: the Thursday of last week, as the text says elsewhere
        return made(d, "day", "weekday_this_week" if this_week else f"weekday_{way}")
    if name == "about_ago":
        n = ABOUT[g["about"].lower()]
        sign = 1 if g["cue"].lower() == "dans" else -1
        d, precision = _shift(published, sign * n, g["unit"])
        coarser = {"day": "month", "month": "year", "year": "year"}[precision]
        if g["unit"].lower().startswith("heure"):
            coarser = "day"
        if coarser == "year":
            d = date(d.year, 1, 1)
        elif coarser == "month":
            d = d.replace(day=1)
        return made(d, coarser, "about_ago" if sign < 0 else "about_in")
    if name == "ago":
        vague = g["n"].lower() in ("quelques", "plusieurs")
        cue = g["cue"].lower()
        sign = 1 if cue == "dans" else -1
        if vague and cue == "depuis":
            return []  # « il discutait depuis plusieurs jours »: a state going on, from no day one can tell
        if vague and not g["unit"].lower().startswith("heure"):
            # « il y a quelques jours »: the month (or year) all the days it may mean share, if they share one
            found = _vague(published, sign, g["unit"])
            return made(*found, "few_" + {"dans": "in", "depuis": "since"}.get(cue, "ago")) if found else []
        n = 1 if vague else parse_number(g["n"])
        if not n:
            return []
        d, precision = _shift(published, sign * n, g["unit"])
        return made(d, precision, {"dans": "in", "depuis": "since"}.get(cue, "ago"))
    if name == "after":
        n = parse_number(g["n"])
        if not n:
            return []
        sign = 1 if g["cue"].lower() == "après" else -1
        named = ctx.named(g["noun"], m.start())
        if named is not None:
            # « trois jours après le meurtre », the murder dated just before: counted from its date.
            d, precision = _shift(named.date, sign * n, g["unit"])
            return made(
                d, precision, "shift_from_named", kind="anchored", anaphoric=True, anchor=named.date, anchor_kind="date"
            )
        # « trois jours après la mort de … »: the happening named next, counted back from publication.
        d, precision = _shift(published, -sign * n, g["unit"])
        return made(d, precision, "named_happening_back_from_published")
    if name == "shift":
        sign = 1 if g["cue"].lower() in ("plus tard", "après") else -1
        if g["n"].lower() in ("quelques", "plusieurs"):
            if reference is None or g["unit"].lower().startswith("heure"):
                return []  # « quelques heures plus tôt » says no more than the date before it
            found = _vague(anchor, sign, g["unit"], anchor_precision)
            return made(*found, "few_from_previous", **from_reference()) if found else []
        n = parse_number(g["n"])
        if not n or reference is None:
            return []  # « neuf ans plus tard » with no earlier date to count from: no date can be told
        d, precision = _shift(anchor, sign * n, g["unit"])
        if anchor_precision == "month" and precision == "day":
            d, precision = d.replace(day=1), "month"
        return made(d, precision, "shift_from_previous", **from_reference())
    if name == "of_happening":
        word = g["w"].lower()
        offset = {
            "au lendemain": 1,
            "le lendemain": 1,
            "le surlendemain": 2,
            "la veille": -1,
            "à la veille": -1,
            "l'avant-veille": -2,
        }.get(word, 0)
        named = ctx.named(g["noun"], m.start())
        if named is None and offset:
            # « la veille de son procès », the trial dated just before in other words: the last day told
            named = ctx.recent(m.start())
        if named is not None:
            return made(
                named.date + timedelta(days=offset),
                "day",
                "offset_from_named",
                kind="anchored",
                anaphoric=True,
                anchor=named.date,
                anchor_kind="date",
            )
        if word in ("au lendemain", "le lendemain"):
            # « au lendemain de la mort de … »: the happening named next, the day before publication.
            return made(
                published - timedelta(days=1), "day", "named_happening_back_from_published", kind="day_after_of"
            )
        return []
    if name == "since_start":
        # « depuis le début de l'année 2024 »: from its first month to the day of publication
        word = g["w"].lower()
        if "année" in word:
            year = int(g["y"]) if g.get("y") else published.year
            if year > published.year:
                return []
            start, precision, end = date(year, 1, 1), "month", published  # « depuis »: until now
        elif "mois" in word:
            start, precision, end = published.replace(day=1), "month", published
        else:
            start, precision, end = _monday(published), "day", published
        return made(start, precision, "since_start_to_published", end_date=end, end_precision="day")
    if name == "deictic":
        word = g["w"].lower()
        if word in TIMES_OF_DAY:
            # « le 14 octobre …, dans la soirée », « … plus tard, dans la soirée »: the day told before;
            # alone in its sentence (« le délibéré est tombé en fin de matinée »), the day of publication.
            opening = text[ctx.starts[ctx.sentence(m.start())] : m.start()]
            later = re.search(r"\bplus tard\b", opening, re.I)
            recent = ctx.recent(m.start(), sentences=2 if later else 0)
            if recent is not None and recent.date != published:
                return made(
                    recent.date,
                    "day",
                    "time_of_day_of_previous",
                    anaphoric=True,
                    anchor=recent.date,
                    anchor_kind="date",
                )
        return [_deictic(word, published, out)]
    if name == "anaphoric":
        word = g["w"].lower()
        offset = (
            1
            if word.startswith(("le lendemain", "au lendemain"))
            else {"le surlendemain": 2, "la veille": -1, "la veille au soir": -1, "l'avant-veille": -2}.get(word, 0)
        )
        if anchor_precision == "month":  # « le soir même », after « début janvier 2012 »
            return made(anchor, "month", "same_as_previous", **from_reference())
        return made(
            anchor + timedelta(days=offset),
            "day",
            "offset_from_previous" if offset else "same_as_previous",
            **from_reference(),
        )
    if name == "about_then":
        # « à ce moment-là »: about the date told just before (its month); « à l'époque »: its year.
        recent = ctx.recent(m.start(), precisions=("day", "month", "year"))
        if recent is None:
            return []
        coarse = "year" if "époque" in g["w"].lower() or recent.precision == "year" else "month"
        d = date(recent.date.year, 1, 1) if coarse == "year" else recent.date.replace(day=1)
        return made(d, coarse, "around_previous", anaphoric=True, anchor=recent.date, anchor_kind="date")
    if name == "clock":
        if anchor_precision == "month":
            return []
        return made(anchor, "day", "clock_on_previous" if reference else "clock_today", **from_reference())
    return []


# « quelques jours »: from two to seven days; « quelques mois »: from two to nine months …
FEW = {"jour": (2, 7), "semaine": (2, 6), "mois": (2, 9), "an": (2, 9), "ann": (2, 9)}


def _vague(anchor: date, sign: int, unit: str, anchor_precision: str = "day") -> tuple[date, str] | None:
    """« il y a quelques jours », « quelques mois plus tôt »: the month or year every possible date shares."""
    unit = unit.lower()
    if unit.startswith("heure"):  # « quelques heures plus tard »: the same day
        return anchor, anchor_precision
    low, high = next(v for k, v in FEW.items() if unit.startswith(k))
    if unit.startswith("jour") or unit.startswith("semaine"):
        step = 7 if unit.startswith("semaine") else 1
        ends = [anchor + timedelta(days=sign * n * step) for n in (low, high)]
        if anchor_precision == "month":
            ends.append(last_day(anchor, "month") + timedelta(days=sign * low * step))
    elif unit == "mois":
        ends = [_add_months(anchor, sign * n) for n in (low, high)]
    else:
        ends = [date(anchor.year + sign * n, 1, 1) for n in (low, high)]
    if all(e.year == ends[0].year and e.month == ends[0].month for e in ends) and not unit.startswith(("an", "ann")):
        return ends[0].replace(day=1), "month"
    if all(e.year == ends[0].year for e in ends) and not unit.startswith(("jour", "semaine")):
        return date(ends[0].year, 1, 1), "year"
    return None  # « il y a quelques jours » on 3 May: April or May, no month can be told


def _day_month(
    day: int,
    month_name: str,
    year: str | None,
    weekday: str | None,
    published: date,
    direction: str,
    strict: bool,
    told_year: int | None,
) -> tuple[date, str] | None:
    """The date of « <weekday> <day> <month> [<year>] » and the rule that found its year."""
    month = MONTHS[month_name.lower()]
    if not 1 <= day <= 31:
        return None
    try:
        if year:
            return date(int(year), month, day), "written"
        if told_year:
            return date(told_year, month, day), "narrative_year"
    except ValueError:
        return None
    wd = WEEKDAYS[weekday.lower()] if weekday else None
    d = resolve_day_month(day, month, published, direction, wd, strict)
    if d is None:
        return None
    way = {"past": "last", "future": "next", "nearest": "nearest"}[direction]
    return d, (f"{way}_weekday" if wd is not None and d.weekday() == wd else way)


def _holiday(m: re.Match, g: dict, published: date, direction: str, out: dict) -> list[DateMention]:
    name = g["h"].lower()
    pre = re.sub(r" (?:de la|de l'|du|de)$", " de", (g.get("pre") or "").lower().strip())
    year = int(g["y"]) if g.get("y") else None

    def on(y: int) -> date | None:
        if name in EASTER_OFFSETS:
            return easter(y) + timedelta(days=EASTER_OFFSETS[name])
        month, day = HOLIDAYS[name]
        return date(y, month, day)

    if year is not None:
        d, rule = on(year), "holiday_written_year"
    else:
        candidates = [on(y) for y in (published.year - 1, published.year, published.year + 1)]
        d = _pick(candidates, published, direction)
        rule = "holiday_" + {"past": "last", "future": "next", "nearest": "nearest"}[direction]
    end = None
    christmas = name in ("noël", "noel")
    if pre == "la veille de" or (pre == "le soir de" and christmas):  # « le soir de Noël »: the 24th
        d = d - timedelta(days=1)
    elif pre == "le lendemain de":
        d = d + timedelta(days=1)
    elif pre == "la nuit de" and (christmas or d.month == 12 and d.day == 31):
        d, end = (d - timedelta(days=1), d) if christmas else (d, d + timedelta(days=1))
    keep_pre = pre in (
        "le soir de",
        "la nuit de",
        "la veille de",
        "le jour de",
        "le lendemain de",
        "le week-end de",
        "la semaine de",
    )
    start = m.start() if keep_pre else m.start("h")
    fields = {**out, "start": start, "text": m.string[start : m.end()], "explicit_year": year is not None}
    if pre == "le week-end de":
        # Easter and Pentecost: Saturday to Monday; otherwise the week-end the day falls in, or nearest to it.
        if name in EASTER_OFFSETS and EASTER_OFFSETS[name] in (0, 49):
            saturday, days = d - timedelta(days=1), 2
        else:
            saturday = d + timedelta(days=5 - d.weekday()) if d.weekday() >= 2 else d - timedelta(days=d.weekday() + 2)
            days = 1
        return [
            DateMention(
                date=saturday,
                precision="day",
                rule=rule + "_weekend",
                end_date=saturday + timedelta(days=days),
                end_precision="day",
                **fields,
            )
        ]
    if pre == "la semaine de":
        monday = _monday(d)
        return [
            DateMention(
                date=monday,
                precision="day",
                rule=rule + "_week",
                end_date=monday + timedelta(days=6),
                end_precision="day",
                **fields,
            )
        ]
    return [
        DateMention(date=d, precision="day", rule=rule, end_date=end, end_precision="day" if end else None, **fields)
    ]


def _decade(m: re.Match, g: dict, out: dict) -> list[DateMention]:
    """« dans les années 1990 » (1990–1999), « à la fin des années 1990 » (1997–1999), year precise."""
    if not g.get("pre"):
        return []  # « les tchats des années 1990 »: a decade qualifying a noun, not dating anything
    value = g["dec"]
    decade = int(value) if len(value) == 4 else (2000 if value == "00" else 1900 + int(value))
    part = (g.get("q") or g.get("pre") or "").lower()
    first, last, rule = decade, decade + 9, "decade"
    if "début" in part:
        first, last, rule = decade, decade + 3, "decade_start"
    elif "milieu" in part:
        first, last, rule = decade + 4, decade + 6, "decade_middle"
    elif "fin" in part:
        first, last, rule = decade + 7, decade + 9, "decade_end"
    words = re.search(r"(?:fin|début|milieu) des |les années|années", m.group(0), re.I)
    start = m.start() + words.start()
    fields = {**out, "start": start, "text": m.string[start : m.end()]}
    return [
        DateMention(
            date=date(first, 1, 1),
            precision="year",
            end_date=date(last, 12, 31),
            end_precision="year",
            explicit_year=True,
            rule=rule,
            **fields,
        )
    ]


def _day_list(
    m: re.Match, g: dict, published: date, direction: str, strict: bool, told_year: int | None, text: str
) -> list[DateMention]:
    """« les 14, 15 et 16 mars » (consecutive: one range), « le 2 et le 5 novembre » (one date each)."""
    body = text[m.start() : m.start("m")]
    numbers = [
        (x.start() + m.start(), x.end() + m.start(), 1 if x.group(0).lower() == "1er" else int(x.group(0)))
        for x in re.finditer(r"\d{1,2}|1er", body, re.I)
    ]
    last = _day_month(numbers[-1][2], g["m"], g.get("y"), None, published, direction, strict, told_year)
    if last is None:
        return []
    d, rule = last
    days = [n for _, _, n in numbers]
    explicit = bool(g.get("y"))
    try:
        dates = [d.replace(day=n) for n in days]
    except ValueError:
        return []
    if all(b - a == 1 for a, b in zip(days, days[1:])):
        return [
            DateMention(
                start=m.start(),
                end=m.end(),
                text=m.group(0),
                date=dates[0],
                precision="day",
                kind="day_list",
                end_date=dates[-1],
                end_precision="day",
                explicit_year=explicit,
                rule="day_list_" + rule,
            )
        ]
    out = []
    for (s, e, _), day in zip(numbers, dates):
        if (s, e) == (numbers[-1][0], numbers[-1][1]):
            e = m.end()
        begin = s
        article = re.search(r"(?:les?|le) $", text[max(m.start(), s - 4) : s], re.I)
        if article:
            begin = s - len(article.group(0))
        out.append(
            DateMention(
                start=begin,
                end=e,
                text=text[begin:e],
                date=day,
                precision="day",
                kind="day_list",
                explicit_year=explicit,
                rule="day_list_" + rule,
            )
        )
    return out


def _week(word: str, published: date, tense: str | None, reference: DateMention | None, out: dict) -> list[DateMention]:
    """« cette semaine » (Monday to Sunday; told in the past, to publication), « la semaine dernière » …"""
    monday = _monday(published)
    rule = "week_this"
    if word in ("la semaine dernière", "la semaine passée"):
        monday, rule = monday - timedelta(days=7), "week_last"
    elif word == "la semaine prochaine":
        monday, rule = monday + timedelta(days=7), "week_next"
    elif word in ("la semaine précédente", "la semaine suivante"):
        if reference is None or reference.precision != "day":
            return []
        shift = -7 if word.endswith("précédente") else 7
        monday = _monday(reference.date) + timedelta(days=shift)
        return [
            DateMention(
                date=monday,
                precision="day",
                end_date=monday + timedelta(days=6),
                end_precision="day",
                rule="week_from_previous",
                anaphoric=True,
                anchor=reference.date,
                anchor_kind="date",
                **out,
            )
        ]
    part = re.match(r"en (début|fin|milieu) de semaine(?: (\w+))?", word)
    if part and part.group(2):  # « en fin de semaine dernière », « en début de semaine prochaine »
        shift = 7 if part.group(2) == "prochaine" else -7
        monday, rule = monday + timedelta(days=shift), "week_next" if shift > 0 else "week_last"
    start, end = monday, monday + timedelta(days=6)
    if part and part.group(1) == "début":
        end = monday + timedelta(days=2)
    elif part and part.group(1) == "fin":
        start = monday + timedelta(days=4)
    elif part:  # « en milieu de semaine »: Tuesday to Thursday
        start, end = monday + timedelta(days=1), monday + timedelta(days=3)
    if part and not part.group(2):
        # « il a été arrêté en fin de semaine », written on a Wednesday: the end of the week gone by
        if tense in ("past", "pluperfect") and start > published:
            start, end, rule = start - timedelta(days=7), end - timedelta(days=7), "week_last"
        elif tense == "future" and end < published:
            start, end, rule = start + timedelta(days=7), end + timedelta(days=7), "week_next"
    if rule == "week_this" and tense in ("past", "pluperfect") and end > published >= start:
        end = published
    if word == "dans la semaine" and tense == "future" and published > start:
        start = published
    return [DateMention(date=start, precision="day", end_date=end, end_precision="day", rule=rule, **out)]


def _deictic(word: str, published: date, out: dict) -> DateMention:
    days = {
        "avant-hier": -2,
        "hier": -1,
        "aujourd'hui": 0,
        "demain": 1,
        "après-demain": 2,
        "ce matin": 0,
        "ce soir": 0,
        "cet après-midi": 0,
        "cette nuit": 0,
        "ce midi": 0,
        "ce jour": 0,
        "la nuit dernière": -1,
        "en fin de matinée": 0,
        "en fin d'après-midi": 0,
        "en début d'après-midi": 0,
        "en fin de journée": 0,
        "en début de soirée": 0,
        "dans la matinée": 0,
        "dans la soirée": 0,
        "dans l'après-midi": 0,
        "dans la journée": 0,
        "depuis la matinée": 0,
        "au petit matin": 0,
    }
    if word in days:
        return DateMention(
            date=published + timedelta(days=days[word]),
            precision="day",
            rule="today" if days[word] == 0 else f"days_{days[word]:+d}",
            **out,
        )
    if word in ("ce mois-ci",):
        return DateMention(date=published.replace(day=1), precision="month", rule="month_this", **out)
    if word == "le mois dernier":
        return DateMention(date=_add_months(published.replace(day=1), -1), precision="month", rule="month_last", **out)
    if word == "le mois prochain":
        return DateMention(date=_add_months(published.replace(day=1), 1), precision="month", rule="month_next", **out)
    years = {
        "cette année": 0,
        "le début de l'année": 0,
        "en début d'année": 0,
        "cette saison": 0,
        "l'an dernier": -1,
        "l'année dernière": -1,
        "l'an passé": -1,
        "l'année passée": -1,
        "l'an prochain": 1,
        "l'année prochaine": 1,
    }
    shift = years.get(word, 0)
    return DateMention(
        date=date(published.year + shift, 1, 1),
        precision="year",
        rule={0: "year_this", -1: "year_last", 1: "year_next"}[shift],
        **out,
    )


def _ranges(
    text: str, mentions: list[DateMention], published: date, tense: Callable[[int, int], str | None]
) -> list[DateMention]:
    """« du 2 septembre au 20 décembre », « entre 2011 et 2020 »: one mention, from the first to the last day;
    « en mai et juin 2024 »: the first takes the year of the second, and adjacent months make one range."""
    out: list[DateMention] = []
    i = 0
    simple = (
        "quarter",
        "year_span",
        "rentree",
        "part_of_current",
        "ago",
        "after",
        "shift",
        "clock",
        "anchored",
        "of_happening",
        "day_after_of",
        "week",
        "weekend",
        "night",
        "night_dates",
        "decade",
        "holiday",
        "about_ago",
        "deictic",
        "day_list",
    )
    while i < len(mentions):
        a = mentions[i]
        b = mentions[i + 1] if i + 1 < len(mentions) else None
        paired = b is not None and a.kind not in simple and b.kind not in simple and not a.end_date and not b.end_date
        if (
            paired
            and RANGE_BETWEEN.match(text[a.end : b.start])
            and RANGE_BEFORE.search(text[max(0, a.start - 12) : a.start])
        ):
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
            out.append(
                replace(
                    start,
                    end=b.end,
                    text=text[a.start : b.end],
                    kind="range",
                    end_date=end_date,
                    end_precision=b.precision,
                    explicit_year=a.explicit_year or b.explicit_year,
                    rule="range_" + (start.rule or start.kind),
                )
            )
            i += 2
            continue
        if (
            paired
            and COORDINATED.match(text[a.end : b.start])
            and a.precision == b.precision == "month"
            and not a.explicit_year
            and b.explicit_year
        ):
            start = _year_from_end(a, b)
            if _add_months(start.date, 1) == b.date:  # « en mai et juin 2024 »: one stretch
                out.append(
                    replace(
                        start,
                        end=b.end,
                        text=text[a.start : b.end],
                        kind="range",
                        end_date=last_day(b.date, "month"),
                        end_precision="month",
                        explicit_year=True,
                        rule="months_coordinated",
                    )
                )
                i += 2
                continue
            out.append(replace(start, explicit_year=True, rule="month_year_of_next"))
            i += 1
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
    return date_label(d, precision)


def format_period(m: DateMention) -> str:
    """« 23 avril 2024 », « du 2 septembre 2024 au 5 septembre 2024 », « de 1990 à 1999 »."""
    if m.end_date is None:
        return format_date(m.date, m.precision)
    end_precision = m.end_precision or m.precision
    first, last = format_date(m.date, m.precision), format_date(m.end_date, end_precision)
    if m.precision == "day":
        return f"du {first} au {last}"
    return f"de {first} à {last}"


def explain(m: DateMention, published: date) -> str:
    """« « mardi dernier », article du 25 avril 2024 → 23 avril 2024 »: how the timeline shows a date."""
    if m.anchor_kind == "date" and m.anchor is not None:
        source = f"par rapport au {format_date(m.anchor, 'day')}"
    elif m.explicit_year and not m.rule.startswith(("range_", "month_year_of_next", "months_coordinated")):
        source = "année écrite"
    else:
        source = f"article du {format_date(published, 'day')}"
    return f"« {m.text} », {source} → {format_period(m)}"
