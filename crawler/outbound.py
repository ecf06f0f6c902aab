"""Every HTTP request veille makes leaves under one address rule; this module owns the
rule and the one urllib client of the API sources and ``veille sources check``.

**The rule** (``address_refusal``), applied after DNS resolution to every address a
host resolves to, and again on every redirect:

* public (globally routable) addresses are allowed;
* loopback, private (RFC 1918, IPv6 ULA), link-local, shared CGNAT (100.64.0.0/10),
  documentation and benchmarking ranges are refused unless the source says
  ``allow_private = true`` (the local mini-web, a server on the operator's network);
* multicast, unspecified (0.0.0.0, ``::``, which reach the local machine on Linux),
  broadcast and the reserved 240.0.0.0/4 are refused even then: no web server lives
  there, and a redirect to them is a way around the rule, never a site.

IPv4 addresses carried in IPv6 (``::ffff:10.0.0.1``, NAT64 ``64:ff9b::…``, 6to4) are
judged as the IPv4 address they carry.

The Scrapy crawl applies the same rule in ``crawler.middlewares.guard`` (it resolves
through the reactor, without blocking). Here, ``fetch`` resolves and checks before
each request and each redirect hop; ``PoliteClient`` adds pacing and retries for the
rate-limited APIs (Judilibre, the Wayback Machine), a few hundred sequential requests
where Scrapy's concurrency buys nothing.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from veille.errors import VeilleError

# Statuses that mean « later »: 429 Too Many Requests (PISTE quota), 423 Locked
# (Judilibre while its index is being rebuilt), 503 (maintenance).
WAIT_STATUSES = frozenset({429, 423, 503})
# Statuses worth one more try after a pause: the server stumbled.
RETRY_STATUSES = frozenset({500, 502, 504})

PRIVATE = "privée ou locale"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_FIX = "allow_private = true pour l'autoriser"


# --------------------------------------------------------------------------- the rule


def address_refusal(address: str, allow_private: bool = False) -> str | None:
    """None when veille may connect to ``address``; else what the address is, in French."""
    ip = ipaddress.ip_address(address.split("%")[0].strip("[]"))
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip.sixtofour:
            ip = ip.sixtofour
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.is_multicast:
        return "multidiffusion"
    if ip.is_unspecified:
        return "non spécifiée"
    if isinstance(ip, ipaddress.IPv4Address) and ip.is_reserved:
        return "réservée ou diffusion"
    if ip.is_global or allow_private:
        return None
    return PRIVATE


def refusal(host: str, addresses: list[str], allow_private: bool = False) -> str | None:
    """The French line saying why ``host`` (resolved to ``addresses``) is refused, or None."""
    for address in sorted(addresses):
        what = address_refusal(address, allow_private)
        if what == PRIVATE:
            return f"adresse privée ou locale refusée ({host} → {address}) : {_FIX}"
        if what:
            return f"adresse {what} refusée ({host} → {address}) : aucun site n'est servi là"
    return None


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------- errors


class HttpError(Exception):
    """A final HTTP failure (after retries), with the answer the server gave; ``status`` None:
    no answer, ``reason`` says why in French."""

    def __init__(
        self, status: int | None, url: str, body: bytes = b"", reason: str = "", headers: dict[str, str] | None = None
    ):
        super().__init__(f"HTTP {status} {url}" if status else f"{reason} {url}")
        self.status, self.url, self.body, self.reason = status, url, body, reason
        self.headers = headers or {}

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None


class AddressRefused(HttpError):
    """The request (or one of its redirects) would reach an address the rule refuses."""

    def __init__(self, url: str, reason: str):
        super().__init__(None, url, reason=reason)


def guard_url(url: str, allow_private: bool) -> None:
    """Resolve ``url``'s host and apply the rule; raises ``AddressRefused`` or, when the
    name does not resolve, ``HttpError`` (no status)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise AddressRefused(url, f"adresse non prise en charge ({parts.scheme or 'sans schéma'})")
    if is_ip_literal(host):
        addresses = [host]
    else:
        try:
            infos = socket.getaddrinfo(
                host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError) as exc:
            raise HttpError(
                None, url, reason=f"nom de domaine introuvable ({host}) : {getattr(exc, 'strerror', None) or exc}"
            ) from None
        addresses = sorted({str(info[4][0]) for info in infos})
    why = refusal(host, addresses, allow_private)
    if why:
        raise AddressRefused(url, why)


# --------------------------------------------------------------------------- the client


@dataclass
class Reply:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        try:
            guard_url(newurl, self.allow_private)
        except AddressRefused:
            fp.close()  # urllib closes the redirect's answer only when it follows it
            raise
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def describe(exc: BaseException, timeout: float) -> str:
    """Why a request got no answer, in French."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return f"délai dépassé ({timeout:g} s)"
    if isinstance(reason, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(reason, socket.gaierror):
        return f"nom de domaine introuvable : {reason.strerror or reason}"
    return f"{type(reason).__name__} : {reason}"[:200]


# Headers a redirect may carry to another host: nothing that identifies veille's account
# (Judilibre's KeyId, Authorization, cookies, any API key) goes with it.
CARRIED_ACROSS_HOSTS = {"user-agent", "accept", "accept-language", "accept-encoding"}


class _OneHostCredentials(_GuardedRedirects):
    """The rule on every hop, and credentials kept to the host they were given for."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        before, after = ((urlsplit(u).hostname or "").lower() for u in (req.full_url, newurl))
        if new is not None and after != before:
            for name in list(new.headers):
                if name.lower() not in CARRIED_ACROSS_HOSTS:
                    del new.headers[name]
            for name in list(new.unredirected_hdrs):
                if name.lower() not in CARRIED_ACROSS_HOSTS:
                    del new.unredirected_hdrs[name]
        return new


def _read_within(answer, deadline: float, timeout: float, url: str, max_bytes: int | None) -> bytes:
    """The body, cut at the deadline: the socket's timeout only bounds each read, and a server
    trickling a byte every few seconds would hold the request for ever."""
    chunks, size = [], 0
    while max_bytes is None or size < max_bytes:
        if time.monotonic() > deadline:
            raise HttpError(None, url, reason=f"délai dépassé ({timeout:g} s, réponse trop lente)")
        chunk = answer.read1(65536 if max_bytes is None else min(65536, max_bytes - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


# A streamed answer comes in pieces of this size, each within the timeout (``chunks``).
PIECE = 1 << 16


def chunks(answer, timeout: float, url: str) -> Iterator[bytes]:
    """A streamed answer's bytes as they arrive, each ``PIECE`` of them within ``timeout``: as in
    ``_read_within``, a server trickling a byte every few seconds would pass every socket timeout
    and hold the download of a large file for ever. What came before the cut has been yielded."""
    deadline, got = time.monotonic() + timeout, 0
    while chunk := answer.read1(PIECE):
        yield chunk
        got += len(chunk)
        if got >= PIECE:
            deadline, got = time.monotonic() + timeout, got % PIECE
        elif time.monotonic() > deadline:
            raise HttpError(None, url, reason=f"délai dépassé ({timeout:g} s, réponse trop lente)")


def fetch(
    url: str, headers: dict[str, str], timeout: float, allow_private: bool, max_bytes: int | None = None
) -> Reply:
    """One GET under the rule (checked before the request and on every redirect), the whole
    answer within ``timeout``. An HTTP error status raises ``HttpError`` with the answer; no
    answer raises it without status."""
    guard_url(url, allow_private)
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(_OneHostCredentials(allow_private))
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as answer:
            body = _read_within(answer, deadline, timeout, url, max_bytes)
            return Reply(answer.status, answer.geturl(), _lower(answer.headers), body)
    except urllib.error.HTTPError as exc:
        body = exc.read() if exc.fp else b""
        raise HttpError(exc.code, url, body, headers=_lower(exc.headers)) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise HttpError(None, url, reason=describe(exc, timeout)) from None


@contextlib.contextmanager
def stream(url: str, headers: dict[str, str], timeout: float, allow_private: bool) -> Iterator:
    """One GET under the rule, its answer left open to be read piece by piece (a large archive
    file, with ``chunks``): an HTTP error status raises ``HttpError``, so does no answer.
    ``timeout`` bounds the connection and each piece."""
    guard_url(url, allow_private)
    opener = urllib.request.build_opener(_OneHostCredentials(allow_private))
    try:
        answer = opener.open(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as exc:
        body = exc.read() if exc.fp else b""
        raise HttpError(exc.code, url, body, headers=_lower(exc.headers)) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise HttpError(None, url, reason=describe(exc, timeout)) from None
    with answer:
        yield answer


@dataclass
class PoliteClient:
    """GETs with pacing and retries. ``rate`` is the most requests per second; a 429, 423 or 503
    is waited out (``Retry-After`` when given, else 1, 2, 4 … s) up to ``waits`` times, a 5xx or
    a failed connection retried up to ``retries`` times. A configured address the rule refuses
    stops the command (``VeilleError``); a redirect to one fails that request only."""

    user_agent: str
    rate: float = 1.0
    timeout: float = 30.0
    retries: int = 2  # after a 5xx or no answer
    waits: int = 5  # after a 429, 423 or 503
    max_wait: float = 120.0
    headers: dict[str, str] = field(default_factory=dict)
    allow_private: bool = False
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    waited: float = 0.0
    _last: float = field(default=0.0, repr=False)

    def get(self, url: str, params: dict | list | None = None) -> Reply:
        if params:
            url = url + ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        retried = waited = 0
        while True:
            try:
                return self._fetch(url)
            except AddressRefused as exc:
                if exc.url == url:
                    raise VeilleError(
                        exc.reason, "mettez allow_private = true dans la source si elle est voulue (mini-web local)"
                    ) from None
                raise  # a redirect: this request fails, asking again would not change it
            except HttpError as exc:
                # « Later » answers are the API pacing us, not failing: they have their own budget.
                if exc.status in WAIT_STATUSES and waited < self.waits:
                    waited += 1
                    delay = retry_after(exc)
                    self._pause(delay if delay is not None else min(2.0 ** (waited - 1), self.max_wait))
                elif (exc.status in RETRY_STATUSES or exc.status is None) and retried < self.retries:
                    retried += 1
                    self._pause(min(2.0 ** (retried - 1), self.max_wait))
                else:
                    raise

    def _fetch(self, url: str) -> Reply:
        self._pace()
        self.requests += 1
        return fetch(
            url,
            {"User-Agent": self.user_agent, "Accept-Encoding": "identity", **self.headers},
            self.timeout,
            self.allow_private,
        )

    def _pace(self) -> None:
        gap = 1.0 / self.rate - (time.monotonic() - self._last)
        if self._last and gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()

    def _pause(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self.max_wait))
        self.waited += seconds
        self.sleep(seconds)


def retry_after(exc: HttpError) -> float | None:
    """Seconds asked by ``Retry-After`` (a number or an HTTP date), if any."""
    value = exc.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _lower(headers) -> dict[str, str]:
    return {k.lower(): v for k, v in (headers.items() if headers else [])}
