"""Fake Judilibre API (Cour de cassation open data, as exposed through PISTE).

Base path ``/cassation/judilibre/v1.0``; every call needs the ``KeyId`` header.
Endpoints: /search, /decision, /export, /scan, /transactionalhistory, /healthcheck,
with the response shapes of the real API. Decisions come from
``samples/corpus/decisions/*.json``.
"""

from __future__ import annotations

import base64
import copy
import html
import json
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from samples.corpus import Decision
from samples.miniweb.dates import FrozenClock
from samples.miniweb.transport import Request, Response, json_response

BASE_PATH = "/cassation/judilibre/v1.0"
DECISION_PAGE = "/decision/"  # a decision's public page, as the court's site has one (no key)
MAX_PAGE_SIZE = 50
MAX_BATCH_SIZE = 1000
MAX_RESULT_WINDOW = 10_000
ZONE_FIELDS = ("introduction", "expose", "moyens", "motivations", "dispositif", "annexes")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ERROR_MESSAGES = {423: "Locked", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


class ApiError(Exception):
    def __init__(self, status: int, msg: str, param: str | None = None, value: Any = None, location: str = "query"):
        super().__init__(msg)
        self.status, self.msg, self.param, self.value, self.location = status, msg, param, value, location


def fold(text: str) -> str:
    """Lowercase and strip accents, one output character per input character."""
    out = []
    for c in text:
        base = unicodedata.normalize("NFKD", c)[0] if c.isalpha() else c
        out.append(base.lower() if len(base.lower()) == 1 else c)
    return "".join(out)


@dataclass
class Transaction:
    seq: int
    id: str
    action: str  # created | updated | deleted
    date: str  # ISO datetime

    def public(self) -> dict[str, str]:
        return {"id": self.id, "action": self.action, "date": self.date}


class _Params:
    """Query parameters; ``name[]`` and ``name`` are the same list."""

    def __init__(self, request: Request):
        self.raw = request.params

    def list(self, name: str) -> list[str]:
        return self.raw.get(f"{name}[]", []) + self.raw.get(name, [])

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.list(name)
        return values[0] if values else default

    def int(self, name: str, default: int, maximum: int | None = None) -> int:
        value = self.get(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ApiError(400, "Invalid value", name, value) from None
        if number < 0 or (maximum is not None and number > maximum):
            raise ApiError(400, "Invalid value", name, value)
        return number

    def date(self, name: str) -> str | None:
        value = self.get(name)
        if value and not DATE_RE.match(value[:10]):
            raise ApiError(400, "Invalid value", name, value)
        return value[:10] if value else None

    def echo(self) -> dict[str, Any]:
        return {k.removesuffix("[]"): (v if k.endswith("[]") else v[0]) for k, v in self.raw.items()}


class JudilibreService:
    name = "judilibre"

    def __init__(self, decisions: list[Decision], clock: FrozenClock, key: str | None):
        self.clock = clock
        self.key = key
        self.base_url = ""
        self._source = [copy.deepcopy(d.data) for d in decisions]
        self._lock = threading.Lock()
        self.reset()

    # ------------------------------------------------------------------ state

    def reset(self) -> None:
        """Back to the decisions as loaded: no updates, no deletions."""
        with self._lock:
            self.decisions: dict[str, dict[str, Any]] = {d["id"]: copy.deepcopy(d) for d in self._source}
            self.transactions: list[Transaction] = []
            for d in sorted(self._source, key=lambda d: (d.get("update_date") or d["decision_date"], d["id"])):
                created = d.get("update_datetime") or f"{d['decision_date']}T00:00:00.000Z"
                self._log(d["id"], "created", created)

    def _log(self, decision_id: str, action: str, when: str) -> None:
        self.transactions.append(Transaction(len(self.transactions) + 1, decision_id, action, when))

    def mark(self, decision_id: str, state: str) -> None:
        """Mark a decision ``updated`` (new update_date) or ``to_be_deleted``."""
        stamp = self.clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        with self._lock:
            decision = self.decisions[decision_id]
            if state == "updated":
                decision["update_date"] = stamp[:10]
                decision["update_datetime"] = stamp
                self._log(decision_id, "updated", stamp)
            elif state in ("to_be_deleted", "deleted"):
                decision["to_be_deleted"] = True
                self._log(decision_id, "deleted", stamp)
            else:
                raise ValueError(state)

    def _live(self) -> list[dict[str, Any]]:
        return [d for d in self.decisions.values() if not d.get("to_be_deleted")]

    # ------------------------------------------------------------------ HTTP

    def error_response(self, status: int, route: str = "GET /") -> Response:
        body = {"route": route, "errors": [{"msg": ERROR_MESSAGES.get(status, "Error")}]}
        return json_response(body, status)

    def handle(self, request: Request) -> Response:
        if request.path.startswith(DECISION_PAGE):
            return self._page(request.path[len(DECISION_PAGE) :])
        route = f"{request.method} {request.path.removeprefix(BASE_PATH) or '/'}"
        if not request.path.startswith(BASE_PATH + "/"):
            return json_response({"route": route, "errors": [{"msg": "Not found"}]}, 404)
        key = request.header("keyid")
        if not key:
            return json_response(
                {
                    "route": route,
                    "errors": [{"msg": "Unauthorized: missing KeyId header", "param": "KeyId", "location": "headers"}],
                },
                401,
            )
        if self.key is not None and key != self.key:
            return json_response(
                {
                    "route": route,
                    "errors": [{"msg": "Forbidden: invalid KeyId", "param": "KeyId", "location": "headers"}],
                },
                403,
            )
        endpoint = request.path[len(BASE_PATH) :]
        handlers = {
            "/search": self._search,
            "/decision": self._decision,
            "/export": self._export,
            "/scan": self._scan,
            "/transactionalhistory": self._history,
            "/healthcheck": lambda p: {"status": "disponible"},
        }
        if endpoint not in handlers:
            return json_response({"route": route, "errors": [{"msg": "Not found"}]}, 404)
        started = time.monotonic()
        try:
            with self._lock:
                body = handlers[endpoint](_Params(request))
        except ApiError as err:
            error = {"msg": err.msg, "location": err.location}
            if err.param:
                error.update(param=err.param, value=err.value)
            return json_response({"route": route, "errors": [error]}, err.status)
        if isinstance(body, dict) and "took" in body:
            body["took"] = max(1, int((time.monotonic() - started) * 1000))
        return json_response(body)

    def _page(self, decision_id: str) -> Response:
        """The decision as a reader opens it from the timeline: title, date and text, in HTML."""
        with self._lock:
            d = self.decisions.get(decision_id)
        if d is None or d.get("to_be_deleted"):
            return Response(404, "<!DOCTYPE html><title>Décision introuvable</title><p>Décision introuvable.</p>")
        title = f"Décision n° {d.get('number') or decision_id} du {d.get('decision_date', '')}"
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in str(d.get("text", "")).split("\n") if p.strip())
        return Response(
            200,
            f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body><p>Décision fictive du corpus d’exemple de veille (faux Judilibre).</p>"
            f"<h1>{html.escape(title)}</h1>{paragraphs}</body></html>",
        )

    # ------------------------------------------------------------------ filters

    def _filtered(self, p: _Params, date_field: str = "decision_date") -> list[dict[str, Any]]:
        jurisdictions = p.list("jurisdiction") or ["cc"]
        chambers = p.list("chamber")
        start, end = p.date("date_start"), p.date("date_end")
        out = []
        for d in self._live():
            if d["jurisdiction"] not in jurisdictions:
                continue
            if chambers and d.get("chamber") not in chambers:
                continue
            value = (d.get(date_field) or d["decision_date"])[:10]
            if (start and value < start) or (end and value > end):
                continue
            out.append(d)
        return out

    @staticmethod
    def _field_texts(d: dict[str, Any], fields: list[str]) -> dict[str, str]:
        text = d["text"]
        zones = d.get("zones") or {}
        if not fields:
            return {"text": text, "summary": d.get("summary") or "", "themes": " ".join(d.get("themes") or [])}
        out = {}
        for f in fields:
            if f in ZONE_FIELDS:
                frags = sorted(zones.get(f, []), key=lambda z: z["start"])
                out[f] = "\n".join(text[z["start"] : z["end"]] for z in frags)
            elif f in ("summary", "sommaire"):
                out[f] = d.get("summary") or ""
            elif f in ("themes", "titrage"):
                out[f] = " ".join(d.get("themes") or [])
            elif f == "visa":
                out[f] = " ".join(v["title"] for v in d.get("visa") or [])
            else:
                out[f] = text
        return out

    @staticmethod
    def _score(texts: dict[str, str], query: str, operator: str) -> tuple[float, dict[str, list[str]]]:
        if not query.strip():
            return 1.0, {}
        q = fold(query)
        terms = [q.strip()] if operator == "exact" else [t for t in re.split(r"[\s,;]+", q) if t]
        score, highlights, seen = 0.0, {}, set()
        for field, text in texts.items():
            folded = fold(text)
            snippets = []
            for term in terms:
                hits = [m.start() for m in re.finditer(re.escape(term), folded)]
                if hits:
                    seen.add(term)
                    score += len(hits)
                    pos = hits[0]
                    a, b = max(0, pos - 60), min(len(text), pos + len(term) + 60)
                    snippets.append(
                        text[a:pos] + "<em>" + text[pos : pos + len(term)] + "</em>" + text[pos + len(term) : b]
                    )
            if snippets:
                highlights[field] = snippets
        if operator in ("and", "exact") and len(seen) < len(set(terms)):
            return 0.0, {}
        return score, highlights

    @staticmethod
    def _summary_item(d: dict[str, Any], score: float, highlights: dict[str, list[str]]) -> dict[str, Any]:
        return {
            "id": d["id"],
            "jurisdiction": d["jurisdiction"],
            "chamber": d.get("chamber"),
            "number": d.get("number"),
            "numbers": d.get("numbers", []),
            "ecli": d.get("ecli"),
            "formation": d.get("formation"),
            "location": d.get("location"),
            "publication": d.get("publication", []),
            "decision_date": d["decision_date"],
            "type": d.get("type"),
            "solution": d.get("solution"),
            "solution_alt": None,
            "summary": d.get("summary") or "",
            "themes": d.get("themes", []),
            "highlights": highlights,
            "files": d.get("files", []),
            "titlesAndSummaries": [],
            "score": round(score, 4),
        }

    @staticmethod
    def _full(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k not in ("to_be_deleted",)}

    @staticmethod
    def _qs(p: _Params, **changes: Any) -> str:
        pairs = []
        for key, values in p.raw.items():
            name = key.removesuffix("[]")
            if name in changes:
                continue
            pairs += [(key, v) for v in values]
        pairs += [(k, str(v)) for k, v in changes.items()]
        return urlencode(pairs)

    # ------------------------------------------------------------------ endpoints

    def _search(self, p: _Params) -> dict[str, Any]:
        page_size = p.int("page_size", 10)
        if page_size > MAX_PAGE_SIZE or page_size < 1:
            raise ApiError(400, "Invalid value", "page_size", p.get("page_size"))
        page = p.int("page", 0)
        if page * page_size >= MAX_RESULT_WINDOW:
            raise ApiError(
                416,
                f"Result window is too large, page * page_size must be less than {MAX_RESULT_WINDOW}",
                "page",
                p.get("page"),
            )
        query = p.get("query", "") or ""
        operator = p.get("operator", "or") or "or"
        fields = p.list("field")
        scored = []
        for d in self._filtered(p):
            score, highlights = self._score(self._field_texts(d, fields), query, operator)
            if score > 0:
                scored.append((score, highlights, d))
        sort, order = p.get("sort", "score"), p.get("order", "desc")
        if sort == "date":
            scored.sort(key=lambda s: (s[2]["decision_date"], s[2]["id"]), reverse=order != "asc")
        else:
            scored.sort(key=lambda s: (s[0], s[2]["decision_date"]), reverse=order != "asc")
        total = len(scored)
        window = scored[page * page_size : (page + 1) * page_size]
        return {
            "page": page,
            "page_size": page_size,
            "query": p.echo(),
            "total": total,
            "previous_page": self._qs(p, page=page - 1) if page > 0 else None,
            "next_page": self._qs(p, page=page + 1) if (page + 1) * page_size < total else None,
            "took": 0,
            "max_score": max((s[0] for s in scored), default=0),
            "relaxed": False,
            "results": [self._summary_item(d, s, h) for s, h, d in window],
        }

    def _decision(self, p: _Params) -> dict[str, Any]:
        decision_id = p.get("id")
        if not decision_id:
            raise ApiError(400, "Decision id is required", "id", None)
        d = self.decisions.get(decision_id)
        if d is None or d.get("to_be_deleted"):
            raise ApiError(404, "Decision not found", "id", decision_id)
        return self._full(d)

    @staticmethod
    def _date_field(p: _Params) -> str:
        date_type = p.get("date_type", "creation")
        if date_type not in ("creation", "update"):
            raise ApiError(400, "Invalid value", "date_type", date_type)
        return "decision_date" if date_type == "creation" else "update_date"

    @staticmethod
    def _sort_key(d: dict[str, Any], field: str) -> list[str]:
        return [d.get(field) or d["decision_date"], d["id"]]

    def _export_rows(self, p: _Params) -> list[dict[str, Any]]:
        field = self._date_field(p)
        rows = self._filtered(p, field)
        rows.sort(key=lambda d: self._sort_key(d, field), reverse=p.get("order", "asc") == "desc")
        return rows

    def _export(self, p: _Params) -> dict[str, Any]:
        batch_size = p.int("batch_size", 10)
        if batch_size > MAX_BATCH_SIZE or batch_size < 1:
            raise ApiError(400, "Invalid value", "batch_size", p.get("batch_size"))
        batch = p.int("batch", 0)
        if batch * batch_size >= MAX_RESULT_WINDOW:
            raise ApiError(416, "Result window is too large", "batch", p.get("batch"))
        rows = self._export_rows(p)
        total = len(rows)
        return {
            "batch": batch,
            "batch_size": batch_size,
            "query": p.echo(),
            "total": total,
            "previous_batch": self._qs(p, batch=batch - 1) if batch > 0 else None,
            "next_batch": self._qs(p, batch=batch + 1) if (batch + 1) * batch_size < total else None,
            "took": 0,
            "results": [self._full(d) for d in rows[batch * batch_size : (batch + 1) * batch_size]],
        }

    def _scan(self, p: _Params) -> dict[str, Any]:
        batch_size = p.int("batch_size", 10)
        if batch_size > MAX_BATCH_SIZE or batch_size < 1:
            raise ApiError(400, "Invalid value", "batch_size", p.get("batch_size"))
        rows = self._export_rows(p)
        start = 0
        cursor = p.get("search_after")  # the published spec calls it differently
        if cursor:
            try:
                after = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
            except ValueError:
                raise ApiError(400, "Invalid value", "search_after", cursor) from None
            field = self._date_field(p)
            keys = [self._sort_key(d, field) for d in rows]
            start = next((i + 1 for i, k in enumerate(keys) if k == after), len(rows))
        window = rows[start : start + batch_size]
        next_batch = None
        if start + batch_size < len(rows) and window:
            last = window[-1]
            key = self._sort_key(last, self._date_field(p))
            token = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
            next_batch = self._qs(p, search_after=token)
        return {
            "batch_size": batch_size,
            "query": p.echo(),
            "total": len(rows),
            "previous_batch": None,
            "next_batch": next_batch,
            "took": 0,
            "results": [self._full(d) for d in window],
        }

    def _history(self, p: _Params) -> dict[str, Any]:
        since = p.get("date")
        if not since or not DATE_RE.match(since[:10]):
            raise ApiError(400, "Invalid value", "date", since)
        page_size = p.int("page_size", 500, maximum=1000)
        rows = [t for t in self.transactions if t.date >= since]
        rows.sort(key=lambda t: (t.date, t.seq))
        total = len(rows)
        from_id = p.get("from_id")
        if from_id:
            seqs = [format(t.seq, "08x") for t in rows]
            rows = rows[seqs.index(from_id) :] if from_id in seqs else []
        window = rows[:page_size]
        next_page = None
        if len(rows) > page_size:
            next_page = self._qs(p, from_id=format(rows[page_size].seq, "08x"))
        return {
            "transactions": [t.public() for t in window],
            "page_size": page_size,
            "next_page": next_page,
            "query": p.echo(),
            "took": 0,
            "total": total,
        }
