"""HTTP plumbing shared by every mini-web service.

Each service (an outlet site, Judilibre, Wayback) implements ``handle(Request) ->
Response``; ``ServiceServer`` runs it on its own port and adds what every page
gets: injected failures, ``ETag``/``Last-Modified`` with 304 answers, artificial
delays and the request log.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from samples.miniweb.dates import aware, http_date, parse_http_date

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclass
class Request:
    method: str
    path: str  # raw path as sent (not percent-decoded)
    query: str  # raw query string, "" if none
    headers: dict[str, str]
    service: str

    @property
    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.params.get(name)
        return values[0] if values else default

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    content_type: str | None = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)
    last_modified: datetime | None = None
    conditional: bool = True  # add ETag/Last-Modified and answer 304 when it can
    delay: float = 0.0  # seconds to sleep before answering
    cut_after: int | None = None  # send only this many bytes of the body, then drop the connection

    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


class Service(Protocol):
    name: str

    def handle(self, request: Request) -> Response: ...

    def error_response(self, status: int) -> Response: ...


@dataclass
class RequestRecord:
    method: str
    service: str  # outlet id, "judilibre" or "wayback"
    path: str
    query: str
    headers: dict[str, str]
    status: int
    time: str  # wall-clock ISO time of the request
    duration: float  # seconds spent answering

    @property
    def outlet(self) -> str:
        return self.service

    @property
    def user_agent(self) -> str | None:
        return self.headers.get("user-agent")

    @property
    def if_none_match(self) -> str | None:
        return self.headers.get("if-none-match")

    @property
    def if_modified_since(self) -> str | None:
        return self.headers.get("if-modified-since")

    def to_json(self) -> str:
        data = asdict(self)
        data["outlet"] = self.service
        return json.dumps(data, ensure_ascii=False)


class RequestLog:
    """Thread-safe in-memory log of every request, optionally mirrored to a JSONL file."""

    def __init__(self, jsonl_path: Path | str | None = None):
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._sink = open(jsonl_path, "a", encoding="utf-8", buffering=1) if jsonl_path else None

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
            if self._sink:
                self._sink.write(record.to_json() + "\n")

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def write_jsonl(self, path: Path | str) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            for record in self.records():
                fh.write(record.to_json() + "\n")

    def close(self) -> None:
        if self._sink:
            self._sink.close()
            self._sink = None


class FailureInjector:
    """``fail_next(service, status, n)``: the next n requests to a service answer ``status``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, list[int]] = {}

    def add(self, service: str, status: int, n: int = 1) -> None:
        with self._lock:
            self._pending.setdefault(service, []).extend([status] * n)

    def take(self, service: str) -> int | None:
        with self._lock:
            queue = self._pending.get(service)
            return queue.pop(0) if queue else None

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    candidates = [c.strip() for c in header.split(",")]
    return any(c.removeprefix("W/") == etag for c in candidates)


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """RFC 7232: If-None-Match wins over If-Modified-Since."""
    inm = request.header("if-none-match")
    if inm is not None:
        return _etag_matches(inm, etag)
    ims = request.header("if-modified-since")
    if ims and last_modified is not None:
        since = parse_http_date(ims)
        if since is not None:
            return aware(last_modified).astimezone(UTC).replace(microsecond=0) <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections are dropped after this
    server: ServiceServer

    def do_GET(self) -> None:  # noqa: N802 (stdlib naming)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve(send_body=True)

    def log_message(self, format: str, *args) -> None:  # silence stderr
        pass

    def _serve(self, send_body: bool) -> None:
        started = time.monotonic()
        wall = datetime.now(UTC).isoformat(timespec="milliseconds")
        parts = urlsplit(self.path)
        server = self.server
        request = Request(
            method=self.command,
            path=parts.path or "/",
            query=parts.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            service=server.service.name,
        )
        injected = server.failures.take(server.service.name)
        if injected is not None:
            response = server.service.error_response(injected)
            response.conditional = False
            if injected in (429, 503):
                response.headers.append(("Retry-After", "1"))
        else:
            try:
                response = server.service.handle(request)
            except Exception as exc:  # a bug in a service must not kill the server
                response = Response(500, f"Internal error: {exc!r}", TEXT, conditional=False)
        if response.delay:
            time.sleep(response.delay)
        body = response.body_bytes()
        status = response.status
        headers = list(response.headers)
        if status == 200 and response.conditional:
            etag = etag_for(body)
            headers.append(("ETag", etag))
            if response.last_modified is not None:
                headers.append(("Last-Modified", http_date(response.last_modified)))
            if not_modified(request, etag, response.last_modified):
                status, body = 304, b""
        # Logged before answering, so a client that got its response finds it in the log.
        server.log.add(
            RequestRecord(
                method=self.command,
                service=server.service.name,
                path=request.path,
                query=request.query,
                headers=request.headers,
                status=status,
                time=wall,
                duration=round(time.monotonic() - started, 4),
            )
        )
        try:
            self.send_response(status)
            if response.content_type and status != 304:
                self.send_header("Content-Type", response.content_type)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)) if status != 304 else "0")
            self.end_headers()
            if send_body and status != 304:
                if response.cut_after is not None:  # a connection lost midway
                    self.wfile.write(body[: response.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class ServiceServer(ThreadingHTTPServer):
    """One service on its own port (port 0: the OS picks a free one)."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self, service: Service, log: RequestLog, failures: FailureInjector, host: str = "127.0.0.1", port: int = 0
    ):
        super().__init__((host, port), _Handler)
        self.service = service
        self.log = log
        self.failures = failures
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name=f"miniweb-{self.service.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread:
            self._thread.join(timeout=5)


def json_response(
    data: object, status: int = 200, headers: list[tuple[str, str]] | None = None, conditional: bool = False
) -> Response:
    return Response(
        status,
        json.dumps(data, ensure_ascii=False, indent=None),
        JSON,
        headers=list(headers or []),
        conditional=conditional,
    )


Handler = Callable[[Request], Response]
