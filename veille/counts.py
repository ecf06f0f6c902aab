"""A crawl run's counters: one typed definition, written by the crawler, read by the watch.

The crawl (``crawler.context``) adds to a ``CrawlCounts``; ``runs.counts`` of a
``crawl`` run holds it as JSON (``as_json``: its non-zero fields, plus one
``error_<kind>`` per error kind of ``crawler.failures``, which add up to ``errors``);
``veille.health`` reads it back with ``from_json`` to watch each source, and the
crawl's French summary (``crawler.summary``) reads the same fields. A counter that is
not a field here cannot be written: ``add`` refuses it, so a reader never waits for
a key no writer knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

ERROR_PREFIX = "error_"


@dataclass
class CrawlCounts:
    # Discovery: the source's listings (feeds, sitemaps, search pages, API answers).
    listings_fetched: int = 0  # listings answered, 304 included
    listings_not_modified: int = 0  # …of which answered 304: the same as at the last crawl
    skipped_sitemaps: int = 0  # sitemaps not read again: their index says they did not change
    listing_errors: int = 0  # listings that failed or were refused
    listed: int = 0  # links the listings read in full gave
    # Links not asked.
    too_old: int = 0  # published before --since
    skipped: int = 0  # known, and nothing says they changed
    # Pages asked, by outcome (one outcome per page).
    fetched: int = 0  # page answers, 304 and HTTP errors included
    new: int = 0  # stored for the first time (copies of a dispatch included)
    duplicates: int = 0  # …of which copies of another document (counted at the end)
    updated: int = 0
    unchanged: int = 0
    not_modified: int = 0  # answered 304
    off_subject: int = 0
    withheld: int = 0  # stored without their full text (TDM reservation)
    errors: int = 0  # pages that failed, once each; by kind in error_kinds
    # Pages not asked, by reason.
    robots: int = 0
    offsite: int = 0
    refused: int = 0
    tdm: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        if key not in _COUNTERS:
            raise KeyError(f"not a crawl counter: {key!r} (see veille.counts.CrawlCounts)")
        setattr(self, key, getattr(self, key) + n)

    def error(self, kind: str, n: int = 1) -> None:
        """``n`` pages failed with ``kind`` (an ``ERROR_LABELS`` key)."""
        self.errors += n
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + n

    @property
    def pages_asked(self) -> int:
        """Pages requested that came to an end, failures included: the error rate's base."""
        return self.new + self.updated + self.unchanged + self.not_modified + self.off_subject + self.errors

    @property
    def unchanged_listings(self) -> int:
        """Listings the site said were as last time (304, or a sitemap index's dates)."""
        return self.listings_not_modified + self.skipped_sitemaps

    def __iadd__(self, other: CrawlCounts) -> CrawlCounts:
        for name in _COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, n in other.error_kinds.items():
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + n
        return self

    def as_json(self) -> dict[str, int]:
        out = {name: getattr(self, name) for name in _COUNTERS if getattr(self, name)}
        out.update({ERROR_PREFIX + kind: n for kind, n in sorted(self.error_kinds.items()) if n})
        return out

    @classmethod
    def from_json(cls, data: dict) -> CrawlCounts:
        """The counters of a ``runs.counts`` value; other keys (older runs, the scheduler's own
        rows) are ignored."""
        values: dict[str, Any] = {
            name: int(data[name]) for name in _COUNTERS if isinstance(data.get(name), (int, float))
        }
        counts = cls(**values)
        counts.error_kinds = {
            k[len(ERROR_PREFIX) :]: int(v)
            for k, v in data.items()
            if k.startswith(ERROR_PREFIX) and isinstance(v, (int, float))
        }
        return counts


_COUNTERS = tuple(f.name for f in fields(CrawlCounts) if f.type in ("int", int))


# What a user reads for each counter any run stores in ``runs.counts`` (``veille status``) and for
# each outcome of one page or decision (progress lines): one table for every stage's words.
COUNT_LABELS = {
    # crawl (CrawlCounts) and imports (WARC, Wayback)
    "listings_fetched": "listes lues",
    "listings_not_modified": "listes inchangées",
    "skipped_sitemaps": "sitemaps inchangés",
    "listing_errors": "listes en erreur",
    "listed": "liens listés",
    "too_old": "trop anciens",
    "skipped": "déjà connus",
    "fetched": "pages récupérées",
    "new": "nouveaux",
    "duplicates": "reprises",
    "updated": "mis à jour",
    "unchanged": "inchangés",
    "not_modified": "inchangés (304)",
    "off_subject": "hors sujet",
    "withheld": "texte réservé (TDM)",
    "errors": "erreurs",
    "robots": "interdits par robots.txt",
    "offsite": "hors du site",
    "refused": "adresses refusées",
    "tdm": "réservés (TDM)",
    "files": "fichiers",
    "records": "enregistrements",
    "bad_records": "enregistrements illisibles",
    "unreadable_files": "fichiers illisibles",
    "pages": "pages HTML",
    "older": "plus anciens que la base",
    "skipped_status": "réponses non 200",
    "skipped_not_html": "contenus non HTML",
    "skipped_revisit": "doublons d'archive",
    "captures": "captures",
    "already_read": "déjà lues",
    "fetch_errors": "captures en erreur",
    "sites_unread": "sites illisibles dans l'archive",
    "requests": "requêtes",
    # Judilibre
    "found": "décisions trouvées",
    "no_dossier": "sans dossier",
    "deleted": "retirées",
    "key_refused": "clé refusée",
    "search_truncated": "recherches tronquées",
    "skipped_source": "source ignorée",
    # nlp
    "documents": "documents",
    "analysed": "analysés",
    "not_french": "non français",
    "events": "événements",
    "mentions": "mentions",
    "charges": "chefs d'accusation",
    "dates": "dates",
    # cases and timeline
    "cases": "affaires",
    "new_cases": "nouvelles affaires",
    "stage_changes": "changements d'étape",
    "happenings": "entrées",
    "new_happenings": "nouvelles entrées",
    "entries": "entrées",
    # digests
    "subscribers": "abonnés",
    "written": "écrits",
    "sent": "envoyés",
    "quiet": "semaines calmes",
    "already_sent": "déjà envoyés",
    "failed_before": "déjà refusés",
    "in_doubt_before": "déjà incertains",
    "resent": "renvoyés",
    "in_doubt": "issue incertaine",
    "failed": "refusés",
    "retries": "nouvelles tentatives",
    "deferred": "reportés",
}
OUTCOME_LABELS = {
    "stored": "nouveau",
    "new": "nouvelle",
    "duplicate": "reprise d'une dépêche",
    "updated": "mis à jour",
    "unchanged": "inchangé",
    "not_modified": "inchangé (304)",
    "off_subject": "hors sujet",
    "robots": "interdit par robots.txt",
    "offsite": "hors du site",
    "refused": "adresse refusée",
    "tdm": "réservé (TDM)",
    "too_old": "trop ancien",
    "skipped": "déjà connu",
    "error": "erreur",
    "older": "plus ancien que la base",
    "withheld": "texte réservé (TDM)",
    "fetched": "récupéré",
}


def count_label(key: str) -> str:
    """The French words for a counter; an unknown key with spaces for its underscores."""
    return COUNT_LABELS.get(key, key.replace("_", " "))


def outcome_label(outcome: str) -> str:
    """« nouveau », « hors sujet »…: one page's (or decision's) outcome, as a progress line shows it."""
    return OUTCOME_LABELS.get(outcome, outcome.replace("_", " "))


def counts_text(counts: dict) -> str:
    """« 75 nouveaux, 3 erreurs, 131 liens listés » from a ``runs.counts`` value: its numbers only, and
    not the errors by kind (``error_<kind>``, which add up to ``errors``: ``crawl_urls`` has the detail)."""
    return ", ".join(
        f"{v} {count_label(k)}"
        for k, v in counts.items()
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v and not k.startswith(ERROR_PREFIX)
    )
