"""Words of the case grouping: comparison keys, slugs, French case names, and the places
too broad to identify a case.

Kept apart from the grouping itself (``cases/grouping.py``) because they are French-language
rules a reader may want to adjust without touching the algorithm.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from veille.vocabulary import of

# Places that name a country, a region or a département: « dans le Nord », « le Vaucluse ».
# Two cases in the same département are different cases, so these never link events.
# Paris is left out on purpose: it is a town, where the courts of the site's own case sit.
BROAD_PLACES = frozenset(
    name
    for name in """
france|europe|belgique|suisse|espagne|italie|allemagne|royaume uni|angleterre|luxembourg|bulgarie|
guernesey|pays bas|portugal|etats unis|outre mer|region parisienne|ile de france|hauts de france|
provence alpes cote d azur|paca|provence|occitanie|bretagne|normandie|grand est|nouvelle aquitaine|
auvergne rhone alpes|bourgogne franche comte|centre val de loire|pays de la loire|corse|
comtat venaissin|comtat|ain|aisne|allier|alpes de haute provence|hautes alpes|alpes maritimes|
ardeche|ardennes|ariege|aube|aude|aveyron|bouches du rhone|calvados|cantal|charente|
charente maritime|cher|correze|cote d or|cotes d armor|creuse|dordogne|doubs|drome|eure|
eure et loir|finistere|gard|haute garonne|gers|gironde|herault|ille et vilaine|indre|
indre et loire|isere|jura|landes|loir et cher|loire|haute loire|loire atlantique|loiret|lot|
lot et garonne|lozere|maine et loire|manche|marne|haute marne|mayenne|meurthe et moselle|meuse|
morbihan|moselle|nievre|nord|oise|orne|pas de calais|puy de dome|pyrenees atlantiques|
hautes pyrenees|pyrenees orientales|bas rhin|haut rhin|rhone|haute saone|saone et loire|sarthe|
savoie|haute savoie|seine maritime|seine et marne|yvelines|deux sevres|somme|tarn|
tarn et garonne|var|vaucluse|vendee|vienne|haute vienne|vosges|yonne|territoire de belfort|
essonne|hauts de seine|seine saint denis|val de marne|val d oise|guadeloupe|martinique|guyane|
la reunion|reunion|mayotte""".replace("\n", "").split("|")
)

_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Accent-, case- and punctuation-free form used to compare names: « Grande-Synthe » → « grande synthe »."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", ascii_text).strip()


def slugify(text: str) -> str:
    """« Saint-Pol-sur-Mer » → « saint-pol-sur-mer »: a slug usable in the configuration and URLs."""
    return key(text).replace(" ", "-") or "affaire"


# France's largest cities (over 150,000 inhabitants): each sees several unrelated affaires a season, so
# that sharing the city and a common charge (a murder in Paris) says nothing of being one case.
BIG_CITIES = frozenset(
    """paris|marseille|lyon|toulouse|nice|nantes|montpellier|strasbourg|bordeaux|lille|rennes|toulon|reims|
saint etienne|le havre|villeurbanne|dijon|angers|grenoble|nimes|clermont ferrand|aix en provence|le mans|
brest|tours|amiens|limoges""".replace("\n", "").split("|")
)


def is_big_city(name: str) -> bool:
    return key(name) in BIG_CITIES


def is_broad_place(name: str) -> bool:
    k = key(name)
    for prefix in ("departement du ", "departement de ", "region ", "le ", "la ", "les "):
        if k.startswith(prefix) and k[len(prefix) :] in BROAD_PLACES:
            return True
    return k in BROAD_PLACES


def is_full_name(name: str) -> bool:
    """A person's name that identifies someone: two words at least, and not « Dominique P. »."""
    words = name.split()
    return len(words) >= 2 and not any(re.fullmatch(r"\w\.?", w) for w in words[1:])


FAMILY_ORDER = ("ambush", "minors", "rape", "murder")  # when a case's charges name several, the first wins


@lru_cache(maxsize=1)
def families() -> dict[str, set[str]]:
    """Charges by the family that names a case (« le guet-apens de … », « les viols de … »): the
    ``family`` of each charge in the lexicon ``nlp/patterns/charges.jsonl``."""
    from nlp.patterns import load

    out: dict[str, set[str]] = {f: set() for f in FAMILY_ORDER}
    for row in load("charges.jsonl"):
        if row.get("family"):
            out[row["family"]].add(row["charge"])
    return out


def leading_family(charges: list[str], counts: dict[str, int] | None = None) -> str | None:
    """The family that names the case. An ambush is what the press calls a case whose killing
    or robbery was set up through the site, so it wins when it is stated at least a quarter as
    often as the most stated charge; otherwise the family of the most stated charge that has one
    (one stray « guet-apens » in a rape case's coverage does not make it an ambush)."""
    counts = counts or {c: len(charges) - i for i, c in enumerate(charges)}
    top = max(counts.values(), default=0)
    if any(counts.get(c, 0) * 4 >= top for c in families()["ambush"] if counts.get(c, 0)):
        return "ambush"
    for charge in charges:
        for family in FAMILY_ORDER:
            if charge in families()[family]:
                return family
    return None


def default_name(
    place: str | None,
    person: str | None,
    charges: list[str],
    crimes: int,
    stage: str | None,
    victim: str | None = None,
    counts: dict[str, int] | None = None,
) -> str:
    """The French name a journalist would give the case, from its place, charges (most stated
    first) and stage."""
    family = leading_family(charges, counts)
    if place:
        where = of(place)
        if family == "ambush":
            return f"les guets-apens {where}" if crimes > 1 else f"le guet-apens {where}"
        if family == "rape":
            return f"les viols {where}"
        if family == "murder":
            return f"la mort {of(victim)}" if victim else f"le meurtre {where}"
        if stage in ("trial", "verdict", "appeal"):
            return f"le procès {where}"
        return f"l'affaire {where}"
    if person:
        return f"l'affaire {person}"
    return "affaire sans lieu"
