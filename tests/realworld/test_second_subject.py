"""A second subject by configuration alone, on real French press (``shared/realworld/fr-press-gold``
beside the checkout, read at run time, never copied here).

The real articles are archived in a WARC made here (one page per article, as a newsroom would
serve it), imported once, analysed once. A TOML file that declares a second dossier — the Lola
murder case, next to Coco — is all it takes for that case to get its own timeline from the same
documents: its entries come only from articles about it, its affaire is one case from the crime
to the verdict, and the Coco timeline does not carry it.
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT.parent / "shared" / "realworld" / "fr-press-gold"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not GOLD.is_dir(), reason=f"articles réels absents : {GOLD} introuvable"),
]

CONFIG = """
[crawl]
user_agent = "veille-test/1.0 (+https://example.org; contact: test@example.org)"
contact = "test@example.org"

[[dossiers]]
slug = "coco"
title = "Le site Coco"
terms = ["coco.gg", "coco.fr", "site Coco", "tchat Coco", "chat Coco", "Coco.gg", "Cocoland"]
context_terms = ["tchat", "site de rencontre", "plateforme"]
exclude_terms = ["Coco Chanel", "noix de coco"]

[[dossiers]]
slug = "lola"
title = "Le meurtre de Lola"
terms = ["Dahbia Benkired", "meurtre de Lola", "affaire Lola"]
"""


def _page(title: str, body: str, published: str, outlet: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in body.split("\n") if p.strip())
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta property="og:site_name" content="{html.escape(outlet)}">'
        f'<meta property="article:published_time" content="{published}T09:00:00+01:00"></head>'
        f"<body><article><h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The real articles as one WARC; returns it and each URL's gold case labels (joined)."""
    path = tmp_path_factory.mktemp("real") / "presse.warc.gz"
    cases = {}
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for gold_file in sorted((GOLD / "gold").glob("*.json")):
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            text = (GOLD / "docs" / gold["doc"]).read_text(encoding="utf-8")
            if text.startswith(" date "):  # the set's metadata stamp, not text
                text = text.split("\n", 1)[1]
            title, _, body = text.strip().partition("\n")
            page = _page(title, body, gold["published"], gold["outlet"])
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            # With its length given, warcio does not copy the payload into a file it never closes.
            writer.write_record(
                writer.create_warc_record(
                    gold["url"], "response", payload=io.BytesIO(page), length=len(page), http_headers=http
                )
            )
            cases[gold["url"]] = {e["case"] for e in gold["events"]}
    return path, cases


@pytest.fixture(scope="module")
def timelines(archive, tmp_path_factory, pg_admin_url, template_db):
    import psycopg
    from psycopg.conninfo import make_conninfo

    from tests.conftest import run_veille

    name = "veille_second_subject"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    url = make_conninfo(pg_admin_url, dbname=name)
    out = tmp_path_factory.mktemp("timelines")
    config = out / "veille.toml"
    config.write_text(CONFIG, encoding="utf-8")
    env = {"DATABASE_URL": url}
    steps = [
        ("import", "warc", str(archive[0])),
        ("nlp", "run"),
        ("timeline", "--dossier", "lola", "--out", str(out / "lola")),
        ("timeline", "--dossier", "coco", "--out", str(out / "coco")),
    ]
    for step in steps:
        result = run_veille("--config", str(config), *step, env=env)
        assert result.returncode == 0, (step, result.stdout, result.stderr)
    yield {slug: json.loads((out / slug / "events.json").read_text(encoding="utf-8")) for slug in ("lola", "coco")}
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_second_dossier_has_its_own_timeline_from_its_articles_only(timelines, archive):
    _, cases = archive
    entries = timelines["lola"]["happenings"]
    assert len(entries) >= 4
    urls = {s["url"] for e in entries for s in e["sources"]}
    assert urls and all("lola" in cases[u] for u in urls), urls


def test_its_affaire_is_one_case_from_the_crime_to_the_verdict(timelines):
    entries = timelines["lola"]["happenings"]
    by_kind = {e["kind"]: e for e in entries}
    judgment = by_kind.get("verdict") or by_kind.get("sentence")  # one judgment: verdict and penalties, one entry
    assert "crime" in by_kind and judgment, [(e["date"], e["kind"]) for e in entries]
    assert by_kind["crime"]["date"] == "2022-10-14"
    assert judgment["date"] == "2025-10-24"
    assert len({(e["case"] or {}).get("slug") for e in entries if e["kind"] in ("crime", "verdict", "sentence")}) == 1
    for e in entries:  # what a journalist reads: a headline, never a generic « Événement », and a whole sentence
        assert e["summary"] and not e["summary"].startswith(("Événement", "Autre"))
        quote = e["sources"][0]["evidence"]
        assert quote[:1].isupper() or quote[:1] in '«"“0123456789', quote


def test_the_first_dossier_does_not_carry_the_second(timelines, archive):
    _, cases = archive
    urls = {s["url"] for e in timelines["coco"]["happenings"] for s in e["sources"]}
    assert urls and not any(cases[u] == {"lola"} for u in urls)
