"""A small, polite, synchronous HTTP client for the API sources (Judilibre, the
Wayback Machine): one request at a time, a minimum interval between requests,
the configured User-Agent, and retries that honour ``Retry-After``.

These sources are a few hundred sequential requests against rate-limited APIs,
so Scrapy's concurrency buys nothing there; plain ``urllib`` keeps the pacing
explicit and testable.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urlencode, urlsplit

from veille.errors import VeilleError

# Statuses that mean « later »: 429 Too Many Requests (PISTE quota), 423 Locked
# (Judilibre while its index is being rebuilt), 503 (maintenance).
WAIT_STATUSES = frozenset({429, 423, 503})
# Statuses worth one more try after a pause: the server stumbled.
RETRY_STATUSES = frozenset({500, 502, 504})


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


class HttpError(Exception):
    """A final HTTP failure (after retries), with the answer the server gave."""

    def __init__(self, status: int | None, url: str, body: bytes = b"", reason: str = "",
                 headers: dict[str, str] | None = None):
        super().__init__(f"HTTP {status} {url}" if status else f"{reason} {url}")
        self.status, self.url, self.body, self.reason = status, url, body, reason
        self.headers = headers or {}

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass
class PoliteClient:
    """GETs with pacing and retries. ``rate`` is the most requests per second; a 429, 423 or 503
    is waited out (``Retry-After`` when given, else 1, 2, 4 … s) up to ``waits`` times, a 5xx or
    a failed connection retried up to ``retries`` times."""

    user_agent: str
    rate: float = 1.0
    timeout: float = 30.0
    retries: int = 2          # after a 5xx or no answer
    waits: int = 5            # after a 429, 423 or 503
    max_wait: float = 120.0
    headers: dict[str, str] = field(default_factory=dict)
    allow_private: bool = False
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    waited: float = 0.0
    _last: float = field(default=0.0, repr=False)
    _checked_hosts: set = field(default_factory=set, repr=False)

    def get(self, url: str, params: dict | list | None = None) -> Reply:
        if params:
            url = url + ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        self._check_address(url)
        retried = waited = 0
        while True:
            try:
                return self._fetch(url)
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
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent,
                                                       "Accept-Encoding": "identity", **self.headers})
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return Reply(answer.status, answer.geturl(), _lower(answer.headers), answer.read())
        except urllib.error.HTTPError as exc:
            body = exc.read() if exc.fp else b""
            raise HttpError(exc.code, url, body, headers=_lower(exc.headers)) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise HttpError(None, url, reason=f"{reason.__class__.__name__}: {reason}") from None

    def _pace(self) -> None:
        gap = 1.0 / self.rate - (time.monotonic() - self._last)
        if self._last and gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()

    def _pause(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self.max_wait))
        self.waited += seconds
        self.sleep(seconds)

    def _check_address(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        if self.allow_private or host in self._checked_hosts:
            return
        if is_private_host(host):
            raise VeilleError(f"adresse privée ou locale refusée : {host}",
                              "mettez allow_private = true dans la source si elle est voulue (mini-web local)")
        self._checked_hosts.add(host)


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
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def is_private_host(host: str) -> bool:
    """True when the host is, or resolves to, a loopback, private or link-local address."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False  # unresolvable: the request itself will fail with a clear error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified:
            return True
    return False


def _lower(headers) -> dict[str, str]:
    return {k.lower(): v for k, v in (headers.items() if headers else [])}
