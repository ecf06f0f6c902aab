"""Each outlet's URL scheme for articles (and its quirks in feed links).

| outlet           | article path                                              |
| ---------------- | --------------------------------------------------------- |
| lequotidien      | /<section>/<yyyy>/<mm>/<dd>/<slug>.html  (+ /amp/… copy)  |
| echodunord       | /id<number>/article/<yyyy>-<mm>-<dd>/<slug>               |
| courrierprovence | /<section>/<slug>-<yyyymmdd>                              |
| infocontinu      | /<section>/<slug>_AN-<yyyymmddHHMM>.html (feed adds utm_) |
| radionord        | /infos/<section>/<slug>-<unix timestamp>                  |
| ledecodeur       | /<yyyy>/<mm>/<dd>/<slug>/                                 |
| pretoire         | /actualites/<section>/<number>-<slug>                     |
| enfanceprotegee  | /communiques/<yyyy>/<mm>/<slug>/                          |
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

from samples.corpus import Article
from samples.miniweb.dates import paris

UTM = "utm_source=rss&utm_medium=flux&utm_campaign=fil-info"


def numeric_id(article: Article, salt: str = "", digits: int = 7) -> int:
    """Stable pseudo CMS id derived from the slug."""
    low = 10 ** (digits - 1)
    return low + zlib.crc32(f"{salt}{article.slug}".encode()) % (9 * low)


def _lequotidien(a: Article, bump: int) -> str:
    d = paris(a.published)
    suffix = f"-{bump}" if bump else ""
    return f"/{a.section}/{d:%Y/%m/%d}/{a.slug}{suffix}.html"


def _echodunord(a: Article, bump: int) -> str:
    d = paris(a.published)
    return f"/id{numeric_id(a) + bump}/article/{d:%Y-%m-%d}/{a.slug}"


def _courrierprovence(a: Article, bump: int) -> str:
    d = paris(a.published)
    suffix = f"-{bump}" if bump else ""
    return f"/{a.section}/{a.slug}{suffix}-{d:%Y%m%d}"


def _infocontinu(a: Article, bump: int) -> str:
    d = paris(a.published)
    return f"/{a.section}/{a.slug}_AN-{d:%Y%m%d%H%M}{bump:02d}.html"


def _radionord(a: Article, bump: int) -> str:
    return f"/infos/{a.section}/{a.slug}-{int(a.published.timestamp()) + bump}"


def _ledecodeur(a: Article, bump: int) -> str:
    d = paris(a.published)
    suffix = f"-{bump + 1}" if bump else ""
    return f"/{d:%Y/%m/%d}/{a.slug}{suffix}/"


def _pretoire(a: Article, bump: int) -> str:
    return f"/actualites/{a.section}/{numeric_id(a, 'p', 5) + bump}-{a.slug}"


def _enfanceprotegee(a: Article, bump: int) -> str:
    d = paris(a.published)
    suffix = f"-{bump + 1}" if bump else ""
    return f"/communiques/{d:%Y/%m}/{a.slug}{suffix}/"


SCHEMES: dict[str, Callable[[Article, int], str]] = {
    "lequotidien": _lequotidien,
    "echodunord": _echodunord,
    "courrierprovence": _courrierprovence,
    "infocontinu": _infocontinu,
    "radionord": _radionord,
    "ledecodeur": _ledecodeur,
    "pretoire": _pretoire,
    "enfanceprotegee": _enfanceprotegee,
}


def article_path(outlet: str, article: Article, bump: int = 0) -> str:
    """Path of an article on its outlet; ``bump`` > 0 resolves collisions."""
    return SCHEMES[outlet](article, bump)


def amp_path(path: str) -> str:
    return "/amp" + path


def feed_link(outlet: str, url: str) -> str:
    """The link a feed gives: InfoContinu appends tracking parameters."""
    if outlet == "infocontinu":
        return f"{url}{'&' if '?' in url else '?'}{UTM}"
    return url
