"""The source kinds: one declaration each, which the configuration, the scheduler, the crawl,
``veille sources check`` and the CLI read. Nothing else lists the kinds.

A declaration says what a user reads (its French label), how often the scheduler collects its
sources by default, how its ``[sources.settings]`` are checked when the configuration is read,
and where the crawler's code for it lives: a Scrapy spider (``veille crawl`` runs it, under
robots.txt and the per-site limits) or a client of its own (an API: same storage, no Scrapy),
and the probe ``veille sources check`` runs on one answer. The crawler's parts are named
``"module:attribute"`` and imported when used (as ``veille/cli.py`` does for commands), so
reading the configuration imports no crawler code.

WARC files are not a kind: ``veille import warc`` attaches their pages to the outlet of the
same site. Adding a kind: « A new source kind » in docs/configuration.md.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


class Unreadable(ValueError):
    """An answer a probe could not read: its French reason is the source's line."""


@dataclass(frozen=True)
class Probed:
    """What ``veille sources check`` read in one answer of a source."""

    count: int
    says: str  # French, after « répond et », with {n}: "liste {n} article(s)"
    empty_is_an_answer: bool = False  # nothing listed is not a problem (an API with nothing new)


class Settings:
    """A source's ``[sources.settings]`` as a kind's check reads them. Every problem is one
    French line naming the key (``fail`` is the configuration reader's)."""

    def __init__(self, values: dict[str, Any], fail: Callable[[str, str], None]):
        self.values, self._fail = values, fail

    def fail(self, name: str, problem: str) -> None:
        self._fail(name, problem)

    def number(self, name: str, low: float, high: float | None = None, whole: bool = True) -> None:
        """An integer (``whole``) or a number, from ``low`` to ``high``; absent is fine."""
        value = self.values.get(name)
        if value is None:
            return
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or (whole and not isinstance(value, int)) or value < low or (high is not None and value > high):
            bounds = f"entre {low:g} et {high:g}" if high is not None else f"d'au moins {low:g}"
            self.fail(name, f"« {value!r} » : {'un entier' if whole else 'un nombre'} {bounds} attendu")

    def text(self, name: str) -> None:
        if name in self.values and (not isinstance(self.values[name], str) or not self.values[name].strip()):
            self.fail(name, "doit être un texte non vide")

    def texts(self, name: str) -> None:
        """A text or a list of non-empty texts."""
        value = self.values.get(name, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, "doit être un texte ou une liste de textes non vides")

    def choice(self, name: str, choices: tuple[str, ...]) -> None:
        if name in self.values and self.values[name] not in choices:
            self.fail(name, f"« {self.values[name]} » n'est pas parmi : {', '.join(choices)}")

    def boolean(self, name: str) -> None:
        if name in self.values and not isinstance(self.values[name], bool):
            self.fail(name, "doit être true ou false")


@dataclass(frozen=True)
class SourceKind:
    name: str  # the ``kind`` of a ``[[sources]]`` table
    label: str  # French, in ``veille sources list`` and ``check``
    interval: str  # the scheduler's default interval
    probe: str | None  # "module:function" (source, url, body) -> Probed, or raises Unreadable;
    #                                 None: only whether it answers (an API whose items need a key)
    spider: str | None = None  # "module:Class": a Scrapy spider (crawler/spiders/base.py)
    client: str | None = None  # "module:function" (app, source, progress) -> French line or None
    check_settings: Callable[[Settings], None] | None = None
    probe_url: str | None = None  # "module:function" (source, config, template) -> the address to ask
    outlet: bool = False  # its addresses are an outlet's own site (archived pages go to it)
    on_demand: bool = False  # `veille crawl` collects it only when named with --source

    def load(self, attribute: str):
        """The crawler's object a field names (``spider``, ``client``, ``probe``, ``probe_url``)."""
        module, _, name = getattr(self, attribute).partition(":")
        return getattr(importlib.import_module(module), name)


# ---------------------------------------------------------------------------- settings checks

SEARCH_NUMBERS = {"max_pages": (1, None)}
# A gdelt source's numbers: (lowest, highest) accepted (crawler/spiders/gdelt.py relies on them).
GDELT_NUMBERS = {"min_interval": (0, None), "max_records": (1, 250), "max_requests": (1, None)}
JUDILIBRE_PAGE_SIZE_MAX = 50  # the API refuses more
JUDILIBRE_RATE_MAX = 2.0  # PISTE fair use: at most a couple of requests per second
WAYBACK_CDX_PATH = "/cdx/search/cdx"
WAYBACK_RATE_MAX = 1.0  # the Internet Archive asks for gentle, sequential use
WAYBACK_STAMP = re.compile(r"^\d{4}(\d{2}(\d{2}(\d{2}(\d{2}(\d{2})?)?)?)?)?$")


def _search(s: Settings) -> None:
    from cssselect import SelectorError
    from parsel.csstranslator import HTMLTranslator  # what parse_search's Selector.css uses

    for name in ("result_selector", "next_selector"):
        s.text(name)
        if name in s.values:
            try:
                HTMLTranslator().css_to_xpath(s.values[name])
            except SelectorError:
                s.fail(
                    name,
                    f"« {s.values[name]} » n'est pas un sélecteur CSS valide "
                    "(par exemple « article h3 a » ou « a[rel=next] »)",
                )
    for name, (low, high) in SEARCH_NUMBERS.items():
        s.number(name, low, high)


def _gdelt(s: Settings) -> None:
    for name, (low, high) in GDELT_NUMBERS.items():
        s.number(name, low, high, whole=name != "min_interval")
    for name in ("language", "query"):
        s.text(name)


def _judilibre(s: Settings) -> None:
    for name in ("query", "queries", "fields", "jurisdictions", "chambers"):
        s.texts(name)
    s.choice("operator", ("or", "and", "exact"))
    for name in ("date_start", "date_end"):
        if name in s.values:
            try:
                date.fromisoformat(str(s.values[name]))
            except ValueError:
                s.fail(name, f"« {s.values[name]} » n'est pas une date AAAA-MM-JJ")
    s.choice("incremental", ("export", "scan"))
    if "key_env" in s.values and (not isinstance(s.values["key_env"], str) or not s.values["key_env"].strip()):
        s.fail("key_env", "doit nommer une variable d'environnement")
    s.boolean("cited_numbers")
    s.text("decision_url")
    link = s.values.get("decision_url")
    if isinstance(link, str) and link.strip() and (not re.match(r"^https?://[^/\s]+", link) or "{id}" not in link):
        s.fail("decision_url", f"« {link} » : une adresse http(s) contenant {{id}} attendue")
    s.number("page_size", 1, JUDILIBRE_PAGE_SIZE_MAX)
    s.number("requests_per_second", 0.01, JUDILIBRE_RATE_MAX, whole=False)


def _wayback(s: Settings) -> None:
    for name in ("sites", "targets", "match"):
        s.texts(name)
    for name in ("sites", "targets"):
        values = s.values.get(name, [])
        for site in [values] if isinstance(values, str) else values:
            if not re.match(r"^https?://[^/\s]+", site.strip()):
                s.fail(name, f"« {site} » n'est pas une adresse http(s)")
    for name in ("cdx_url", "replay_url"):
        s.text(name)
    cdx = s.values.get("cdx_url")
    if cdx and not cdx.endswith(WAYBACK_CDX_PATH) and not s.values.get("replay_url"):
        s.fail("replay_url", f"obligatoire quand l'adresse CDX ne finit pas par {WAYBACK_CDX_PATH}")
    s.choice("match_type", ("exact", "prefix", "host", "domain"))
    for name in ("from", "to"):
        value = s.values.get(name)
        if value is not None and str(value).strip() and not WAYBACK_STAMP.match(str(value).strip()):
            s.fail(name, f"« {value} » : écrire AAAAMMJJ (20240901), AAAAMM ou AAAA")
    if s.values.get("requests_per_second") is not None:
        rate = s.values["requests_per_second"]
        if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 < rate <= WAYBACK_RATE_MAX:
            s.fail("requests_per_second", f"doit être un nombre entre 0 et {WAYBACK_RATE_MAX:g}, pas {rate!r}")


# ---------------------------------------------------------------------------- the kinds

KINDS: dict[str, SourceKind] = {
    k.name: k
    for k in (
        SourceKind(
            "feed",
            "flux",
            "1h",
            outlet=True,
            spider="crawler.spiders.feed:FeedSpider",
            probe="crawler.spiders.feed:probe",
        ),
        SourceKind(
            "sitemap",
            "sitemap",
            "4h",
            outlet=True,
            spider="crawler.spiders.sitemap:SitemapSpider",
            probe="crawler.spiders.sitemap:probe",
        ),
        SourceKind(
            "search",
            "recherche",
            "7d",
            outlet=True,
            check_settings=_search,
            spider="crawler.spiders.search:SearchSpider",
            probe="crawler.spiders.search:probe",
        ),
        SourceKind(
            "gdelt",
            "API GDELT",
            "6h",
            check_settings=_gdelt,
            spider="crawler.spiders.gdelt:GdeltSpider",
            probe="crawler.spiders.gdelt:probe",
            probe_url="crawler.spiders.gdelt:probe_url",
        ),
        SourceKind(
            "judilibre",
            "API Judilibre",
            "1d",
            check_settings=_judilibre,
            client="crawler.judilibre:collect",
            probe=None,
        ),
        # A Wayback backfill is heavy and rarely useful twice: never part of a plain `veille crawl`.
        SourceKind(
            "wayback",
            "Wayback Machine",
            "30d",
            check_settings=_wayback,
            on_demand=True,
            client="crawler.wayback:collect",
            probe=None,
        ),
    )
}


def kind_of(name: str) -> SourceKind:
    """The declaration of a kind the configuration accepted."""
    return KINDS[name]
