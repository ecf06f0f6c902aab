"""The Judilibre endpoints veille uses, over a ``PoliteClient`` that carries the
``KeyId`` header: ``/search``, ``/decision``, ``/export``, ``/scan`` and
``/transactionalhistory``. Paging follows the cursors the API returns
(``next_page``, ``next_batch``) verbatim; failures become one French line naming
the route and the API's own error messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from crawler.outbound import HttpError, PoliteClient

STATUS_MEANINGS = {
    400: "requête refusée",
    401: "clé API absente ou refusée",
    403: "clé API refusée",
    404: "introuvable",
    416: "au-delà des 10 000 premiers résultats",
    423: "base verrouillée (mise à jour en cours)",
    429: "trop de requêtes",
    500: "erreur du serveur",
    503: "service indisponible",
}


class JudilibreError(Exception):
    """An API failure, phrased for users; ``status`` is the HTTP status (None: no answer)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class SearchLimit(JudilibreError):
    """The search went past the 10,000 results the API serves (HTTP 416)."""


def describe_error(exc: HttpError, route: str) -> str:
    """One French line from an API error, using its ``{"route", "errors": [...]}`` body when there is one."""
    if exc.status is None:
        return f"Judilibre injoignable ({route}) : {exc.reason}"
    body = exc.json()
    details = []
    if isinstance(body, dict):
        for err in body.get("errors") or []:
            if isinstance(err, dict):
                msg = str(err.get("msg") or err.get("message") or err.get("error") or "").strip()
                param = err.get("param")
                details.append(f"{msg} (paramètre {param})" if msg and param else msg or json.dumps(err))
            else:
                details.append(str(err))
    meaning = STATUS_MEANINGS.get(exc.status, "erreur")
    text = f"{meaning} — " + "; ".join(details) if details else meaning
    return f"Judilibre : {route} a répondu {exc.status} ({text})"


def query_items(following: str) -> list[tuple[str, str]]:
    """Parameters of a ``next_page``/``next_batch`` value: a query string, possibly after a path or URL."""
    query = following.split("?", 1)[1] if "?" in following else following
    return parse_qsl(query, keep_blank_values=True)


class JudilibreApi:
    def __init__(self, base_url: str, client: PoliteClient):
        self.base_url, self.client = base_url.rstrip("/"), client

    def _get(self, route: str, params) -> dict:
        try:
            answer = self.client.get(self.base_url + route, params)
        except HttpError as exc:
            cls = SearchLimit if exc.status == 416 else JudilibreError
            raise cls(describe_error(exc, f"GET {route}"), exc.status) from None
        try:
            body = answer.json()
        except (ValueError, UnicodeDecodeError):
            raise JudilibreError(f"Judilibre : GET {route} a répondu autre chose que du JSON", answer.status) from None
        if not isinstance(body, dict):
            raise JudilibreError(f"Judilibre : GET {route} a répondu un JSON inattendu", answer.status)
        return body

    def _pages(self, route: str, params: list, cursor_key: str) -> Iterator[dict]:
        while True:
            page = self._get(route, params)
            yield page
            following = page.get(cursor_key)
            if not following:
                return
            params = query_items(following)

    def search(self, params: list) -> Iterator[dict]:
        """Summaries of ``/search`` results, every page. Raises ``SearchLimit`` at the 10,000-result wall."""
        for page in self._pages("/search", params, "next_page"):
            results = page.get("results") or []
            yield from results
            if not results:
                return

    def decision(self, decision_id: str) -> dict:
        return self._get("/decision", [("id", decision_id)])

    def batches(self, route: str, params: list) -> Iterator[list[dict]]:
        """Batches of ``/export`` or ``/scan``. ``next_batch`` is followed verbatim: for ``/scan`` the
        cursor's parameter name is not the one the published specification gives."""
        for page in self._pages(route, params, "next_batch"):
            results = page.get("results") or []
            if not results:
                return
            yield results

    def newest_update(self, filters: list) -> str | None:
        """The latest ``update_date`` the API holds (for these filters): Judilibre's own « now »,
        so that incremental syncs never depend on the two clocks agreeing."""
        page = self._get(
            "/export", [*filters, ("date_type", "update"), ("order", "desc"), ("batch_size", 1), ("batch", 0)]
        )
        results = page.get("results") or []
        if not results:
            return None
        return str(results[0].get("update_date") or results[0].get("decision_date") or "")[:10] or None

    def transactions(self, since: datetime) -> Iterator[dict]:
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        for page in self._pages("/transactionalhistory", [("date", stamp), ("page_size", 500)], "next_page"):
            items = page.get("transactions") or []
            yield from items
            if not items:
                return
