"""Fake Judilibre: auth, shapes, pagination, cursors, history, injected errors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import pytest

from samples.corpus import load_decisions
from tests.samples.samples_http import fetch

SUMMARY_KEYS = {
    "id",
    "jurisdiction",
    "chamber",
    "number",
    "numbers",
    "ecli",
    "decision_date",
    "solution",
    "summary",
    "themes",
    "highlights",
}
DECISION_KEYS = {
    "id",
    "source",
    "text",
    "chamber",
    "decision_date",
    "ecli",
    "jurisdiction",
    "number",
    "numbers",
    "publication",
    "solution",
    "summary",
    "themes",
    "type",
    "update_date",
    "visa",
    "timeline",
    "contested",
    "forward",
    "files",
}


@pytest.fixture
def jl(miniweb_log):
    miniweb_log.judilibre.reset()
    yield miniweb_log
    miniweb_log.judilibre.reset()


def call(web, endpoint: str, params=None, key: str | None = "default", query: str | None = None):
    headers = {"KeyId": web.judilibre_key} if key == "default" else ({"KeyId": key} if key else {})
    qs = query if query is not None else urlencode(params or {}, doseq=True)
    return fetch(f"{web.judilibre_url}/{endpoint}" + (f"?{qs}" if qs else ""), headers)


def test_key_required(jl):
    missing = call(jl, "search", {"query": "coco"}, key=None)
    assert missing.status == 401
    body = missing.json()
    assert body["route"] == "GET /search" and body["errors"]
    assert call(jl, "search", {"query": "coco"}, key="mauvaise-cle").status == 403
    assert call(jl, "healthcheck").json() == {"status": "disponible"}


def test_search_shape_and_default_jurisdiction(jl):
    r = call(jl, "search", {"query": "coco", "page_size": 2})
    assert r.status == 200 and r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    for key in ("page", "page_size", "query", "total", "previous_page", "next_page", "took", "max_score", "results"):
        assert key in body
    assert body["page"] == 0 and body["previous_page"] is None
    assert all(SUMMARY_KEYS <= set(item) for item in body["results"])
    assert all(item["jurisdiction"] == "cc" for item in body["results"])
    assert any("<em>" in frag for item in body["results"] for frags in item["highlights"].values() for frag in frags)
    with_ca = call(jl, "search", {"query": "coco", "jurisdiction[]": ["cc", "ca"]}).json()
    assert with_ca["total"] > body["total"]
    assert {i["jurisdiction"] for i in with_ca["results"]} == {"cc", "ca"}


def test_search_pagination_follows_next_page(jl):
    seen, query, pages = [], urlencode({"query": "coco", "page_size": 2}), 0
    while query is not None:
        body = call(jl, "search", query=query).json()
        seen += [i["id"] for i in body["results"]]
        query = body["next_page"]
        pages += 1
    assert len(seen) == len(set(seen)) == body["total"] and pages == -(-body["total"] // 2)
    unrelated = next(d for d in load_decisions() if "stupefiants" in d.path.name)
    assert unrelated.id not in seen


def test_search_limits(jl):
    assert call(jl, "search", {"query": "coco", "page_size": 51}).status == 400
    err = call(jl, "search", {"query": "coco", "page_size": 50, "page": 200})
    assert err.status == 416 and err.json()["errors"]
    assert call(jl, "search", {"query": "coco", "page_size": 50, "page": 199}).status == 200


def test_search_filters(jl):
    body = call(
        jl,
        "search",
        {
            "query": "détention provisoire",
            "operator": "exact",
            "chamber[]": "cr",
            "date_start": "2025-01-01",
            "date_end": "2025-12-31",
            "sort": "date",
            "order": "asc",
        },
    ).json()
    dates = [i["decision_date"] for i in body["results"]]
    assert dates == sorted(dates) and all(d >= "2025-01-01" for d in dates) and dates
    field = call(jl, "search", {"query": "REJETTE", "field[]": "dispositif"}).json()
    assert field["total"] >= 3 and all("dispositif" in i["highlights"] for i in field["results"])


def test_decision_full_shape(jl):
    decisions = load_decisions()
    for d in decisions:
        body = call(jl, "decision", {"id": d.id}).json()
        assert DECISION_KEYS <= set(body)
        assert body["text"] == d.text
    assert call(jl, "decision", {"id": "inconnu"}).status == 404


def test_rate_limit_then_success(jl):
    jl.fail_next("judilibre", 429, 1)
    first = call(jl, "search", {"query": "coco"})
    assert first.status == 429 and first.headers["Retry-After"]
    assert set(first.json()) == {"route", "errors"}
    assert call(jl, "search", {"query": "coco"}).status == 200
    jl.fail_next("judilibre", 423, 1)
    assert call(jl, "healthcheck").status == 423
    jl.fail_next("judilibre", 500, 2)
    assert [call(jl, "healthcheck").status for _ in range(3)] == [500, 500, 200]


def test_export_batches(jl):
    ids, query = [], urlencode({"batch_size": 2, "jurisdiction[]": ["cc", "ca"]}, doseq=True)
    while query is not None:
        body = call(jl, "export", query=query).json()
        assert {"batch", "batch_size", "total", "previous_batch", "next_batch", "took", "results"} <= set(body)
        ids += [d["id"] for d in body["results"]]
        assert all("text" in d for d in body["results"])
        query = body["next_batch"]
    assert len(ids) == len(set(ids)) == len(load_decisions())
    assert call(jl, "export", {"batch_size": 1001}).status == 400
    updated = call(jl, "export", {"date_type": "update", "date_start": "2025-06-15"}).json()
    assert [d["number"] for d in updated["results"]] == ["25-82.789"]


def test_scan_cursor_named_search_after(jl):
    ids, query = [], urlencode({"batch_size": 3, "jurisdiction[]": ["cc", "ca"]}, doseq=True)
    while query is not None:
        body = call(jl, "scan", query=query).json()
        ids += [d["id"] for d in body["results"]]
        query = body["next_batch"]
        if query:
            assert "search_after" in parse_qs(query)
    assert len(ids) == len(set(ids)) == len(load_decisions())
    # The name in the published spec is not understood: the scan starts over.
    first = call(jl, "scan", {"batch_size": 3, "jurisdiction[]": ["cc", "ca"], "searchAfter": "x"}).json()
    assert [d["id"] for d in first["results"]] == ids[:3]


def test_transactional_history_after_update_and_deletion(jl):
    assert call(jl, "transactionalhistory").status == 400
    base = call(jl, "transactionalhistory", {"date": "2000-01-01"}).json()
    assert {"transactions", "page_size", "next_page", "query", "took", "total"} <= set(base)
    assert base["total"] == len(load_decisions())
    assert {t["action"] for t in base["transactions"]} == {"created"}
    victim, changed = load_decisions()[0], load_decisions()[1]
    jl.mark_decision(victim.id, "to_be_deleted")
    jl.mark_decision(changed.id, "updated")
    since = jl.clock.now().date().isoformat()
    recent, query = [], urlencode({"date": since, "page_size": 1})
    while query is not None:
        body = call(jl, "transactionalhistory", query=query).json()
        recent += body["transactions"]
        query = body["next_page"]
    assert [(t["id"], t["action"]) for t in recent] == [(victim.id, "deleted"), (changed.id, "updated")]
    assert call(jl, "decision", {"id": victim.id}).status == 404
    assert call(jl, "decision", {"id": changed.id}).json()["update_date"] == since
    everything = call(jl, "export", {"batch_size": 100, "jurisdiction[]": ["cc", "ca"]}).json()
    assert victim.id not in {d["id"] for d in everything["results"]}
