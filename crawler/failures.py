"""Every way a URL can fail or be refused, named and explained in French.

``error_kind`` values are stable (they are counted in ``runs.counts`` as
``error_<kind>`` and stored in ``crawl_urls.error_kind``); transient ones are
retried with backoff during a crawl and fetched again at the next crawl.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import IgnoreRequest

ERROR_LABELS = {
    "http_404": "page introuvable (404)",
    "http_410": "page supprimée (410)",
    "http_403": "accès refusé (403)",
    "http_401": "authentification demandée (401)",
    "http_429": "trop de requêtes (429)",
    "http_4xx": "requête refusée (4xx)",
    "http_5xx": "erreur du serveur (5xx)",
    "http_other": "réponse HTTP inattendue",
    "timeout": "délai dépassé",
    "dns": "nom de domaine introuvable",
    "connection": "connexion impossible",
    "tls": "erreur TLS",
    "redirect_loop": "boucle de redirections",
    "too_large": "page trop volumineuse",
    "empty": "page vide",
    "no_text": "aucun texte extrait",
    "parse": "page illisible",
    "not_html": "contenu non HTML",
    "listing": "liste de liens illisible (flux, sitemap, recherche)",
    "internal": "erreur interne du collecteur",
}
TRANSIENT = {"http_5xx", "http_429", "timeout", "dns", "connection", "tls", "internal"}


@dataclass(frozen=True)
class Failure:
    kind: str  # an ERROR_LABELS key
    reason: str  # French, for crawl_urls.reason and the report
    status: int | None = None

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT


class Refused(IgnoreRequest):
    """A request the crawler chose not to make: ``outcome`` is robots, offsite, refused or tdm."""

    def __init__(self, outcome: str, reason: str):
        super().__init__(reason)
        self.outcome, self.reason = outcome, reason


def http_failure(status: int, retries: int = 0) -> Failure:
    if status in (401, 403, 404, 410, 429):
        kind = f"http_{status}"
    elif 400 <= status < 500:
        kind = "http_4xx"
    elif status >= 500:
        kind = "http_5xx"
    else:
        kind = "http_other"
    reason = ERROR_LABELS[kind].replace("(4xx)", f"({status})").replace("(5xx)", f"({status})")
    if kind == "http_other":
        reason = f"réponse HTTP inattendue ({status})"
    if retries:
        reason += f", après {retries + 1} essais"
    return Failure(kind, reason, status)


def _undecodable(exc: BaseException) -> bool:
    """A body its Content-Encoding (gzip, deflate, br, zstd) does not decode: Scrapy's decompression
    raises the codec's own error."""
    import gzip
    import struct
    import zlib

    errors: list[type[BaseException]] = [gzip.BadGzipFile, zlib.error, EOFError, struct.error]
    try:
        import brotli  # Scrapy's dependency for « br »

        errors.append(brotli.error)
    except ImportError:
        pass
    try:
        from backports import zstd  # Scrapy's for « zstd » before Python 3.14

        errors.append(zstd.ZstdError)
    except ImportError:
        pass
    return isinstance(exc, tuple(errors))


def exception_failure(exc: BaseException, timeout: float | None = None, url: str | None = None) -> Failure:
    """Name a download exception (Twisted's, Scrapy's or ours)."""
    from urllib.parse import urlsplit

    name = type(exc).__name__
    text = str(exc)
    host = (urlsplit(url).hostname or "") if url else ""
    if isinstance(exc, IgnoreRequest) and "redirect" in text.lower():
        return Failure("redirect_loop", "boucle de redirections (trop de redirections successives)")
    if "Timeout" in name or "TimedOut" in name:
        return Failure("timeout", f"délai dépassé ({timeout:g} s)" if timeout else "délai dépassé")
    if name in ("DNSLookupError", "gaierror") or "DNS" in name:
        return Failure("dns", f"nom de domaine introuvable ({host or 'DNS'})")
    if "SSL" in name or "TLS" in name or "Certificate" in name:
        return Failure("tls", f"erreur TLS : {text}"[:300])
    if "maxsize" in text.lower() or "Cancelled" in name and "size" in text.lower():
        return Failure("too_large", "page trop volumineuse, téléchargement abandonné")
    if _undecodable(exc):
        return Failure("parse", f"réponse compressée illisible (Content-Encoding) : {text or name}"[:300])
    if name in (
        "ConnectionRefusedError",
        "ConnectError",
        "ConnectionLost",
        "ResponseNeverReceived",
        "ResponseFailed",
        "ConnectionDone",
        "TCPTimedOutError",
        "NoRouteError",
        "ConnectionResetError",
    ):
        return Failure("connection", f"connexion impossible{' à ' + host if host else ''} ({name})")
    return Failure("internal", f"{name} : {text}"[:300])
