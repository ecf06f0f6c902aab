"""CC-NEWS import speed against warcio alone iterating the same file, in the same run.

    .venv/bin/python benchmarks/ccnews_import.py [--records 20000] [--on-subject 100] [--rounds 3]

1. Writes one gzipped WARC of ``--records`` response records shaped like CC-NEWS's: news pages
   of about 100 kB (navigation, inline scripts and data, teasers and a footer around the
   article), 5 % in French and the rest in English, German and Spanish, on everyday subjects,
   and ``--on-subject`` pages of the mini-web's outlets about the dossier (0.5 % of the records
   by default: the dossier's share of CC-NEWS is far smaller).
2. Serves it from the mini-web's CC-NEWS mirror (loopback HTTP) and times
   ``crawler.ccnews.import_remote_file`` on it into a fresh database each round: the download
   into the spool file, every record read, the byte pre-filter, and extraction, subject filter,
   de-duplication and storage of what passes.
3. Times warcio alone on the same file, alternated with 2: ``ArchiveIterator`` over every record,
   reading each response's payload (what any reader of the file must do to see the pages).

Prints records per second of both and their ratio (target: ≥ 0.5), and the cost per record and
per stored document that ``docs/operations.md`` sizes a backfill with.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARES = {"fr": 0.05, "en": 0.55, "de": 0.2, "es": 0.2}  # CC-NEWS is mostly not French


def news_page(rng: random.Random, lang: str) -> bytes:
    """A page shaped like a news site's: about 100 kB of navigation, inline scripts and tracking
    data, teasers and a footer around the article's paragraphs (real pages weigh 100–500 kB)."""
    from samples.miniweb.ccnews import OTHER_TEXTS

    def token(n: int) -> str:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))

    nav = "".join(
        f'<li><a href="/{token(8)}/{token(12)}.html" class="nav-{token(4)}">{token(7)}</a></li>' for _ in range(250)
    )
    data = ",".join(f'"{token(6)}":{rng.randrange(10**9)}' for _ in range(1500))
    teasers = "".join(
        f'<div class="teaser"><a href="/{token(10)}.html"><img src="/img/{token(16)}.jpg" alt="">'
        f"<h3>{rng.choice(OTHER_TEXTS[lang])[:70]}</h3></a></div>"
        for _ in range(60)
    )
    article = "".join(f"<p>{rng.choice(OTHER_TEXTS[lang])}</p>" for _ in range(12))
    title = rng.choice(OTHER_TEXTS[lang])[:60]
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<script>window.__DATA__={{{data}}};</script></head><body><header><nav><ul>{nav}</ul></nav></header>"
        f"<main><article><h1>{title}</h1>{article}</article><aside>{teasers}</aside></main>"
        f"<footer><ul>{nav[: len(nav) // 2]}</ul></footer></body></html>"
    ).encode()


def filler_records(n: int, rng: random.Random):
    from samples.miniweb.ccnews import SITES

    pool = {lang: [news_page(rng, lang) for _ in range(40)] for lang in SHARES}
    langs, weights = list(SHARES), list(SHARES.values())
    start = datetime.fromisoformat("2024-03-01T06:00:00+00:00")
    for i in range(n):
        lang = rng.choices(langs, weights)[0]
        url = f"https://www.{SITES[lang]}/2024/03/{i:06d}.html"
        yield url, [("Content-Type", "text/html; charset=utf-8")], rng.choice(pool[lang]), start + timedelta(seconds=i)


def build_warc(web, path: Path, records: int, on_subject: int, seed: int = 7) -> int:

    rng = random.Random(seed)
    web.ccnews.ensure_built()
    pages = web.ccnews.outlet_pages()
    chosen = [pages[i % len(pages)] for i in range(on_subject)]
    # Copies of an outlet page under other addresses, as syndicated stories are.
    chosen = [(u if i < len(pages) else f"{u}?copie={i}", h, b, d) for i, (u, h, b, d) in enumerate(chosen)]
    items = list(filler_records(records - len(chosen), rng)) + chosen
    rng.shuffle(items)
    with path.open("wb") as out:
        write_warc_responses(out, items)
    return len(items)


def write_warc_responses(out, items) -> None:
    """Response records only, as CC-NEWS files hold (``samples.miniweb.ccnews.write_warc`` adds
    the request records a crawl's WARC has)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True)
    for url, headers, body, when in items:
        http = StatusAndHeaders("200 OK", [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")},
            )
        )


def warcio_alone(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                record.content_stream().read()
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--on-subject", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from benchmarks.scratch import scratch_database
    from crawler.ccnews import import_remote_file
    from samples.miniweb import MiniWeb
    from veille.config import load_config
    from veille.db import open_database

    with tempfile.TemporaryDirectory(prefix="veille-bench-") as folder, MiniWeb(hostile=False, slow=0) as web:
        tmp = Path(folder)
        warc = tmp / "CC-NEWS-bench.warc.gz"
        total = build_warc(web, warc, args.records, args.on_subject)
        name = "crawl-data/CC-NEWS/2024/03/CC-NEWS-bench.warc.gz"
        web.ccnews.files[name] = warc.read_bytes()
        print(f"archive : {total} enregistrements, {warc.stat().st_size / 1e6:.1f} Mo compressés", flush=True)
        config = load_config(web.write_config(tmp / "veille.toml", judilibre=False, wayback=False))
        veille, raw, counts = [], [], {}
        for i in range(args.rounds):
            url, drop = scratch_database(tmp, f"ccnews{i}")
            try:
                conn = open_database(url)
                started = time.perf_counter()
                counts = import_remote_file(conn, config, web.ccnews.file_url(name), "2024-03", allow_private=True)
                veille.append(time.perf_counter() - started)
                conn.close()
            finally:
                drop()
            started = time.perf_counter()
            n = warcio_alone(warc)
            raw.append(time.perf_counter() - started)
            print(
                f"  tour {i + 1} : veille {veille[-1]:.2f} s ({counts.get('records')} enregistrements, "
                f"{counts.get('prefiltered')} écartés par le pré-filtre, {counts.get('pages')} examinés, "
                f"{counts.get('new')} nouveaux documents) ; warcio seul {raw[-1]:.2f} s ({n})",
                flush=True,
            )
    rates = [total / s for s in veille]
    raw_rates = [total / s for s in raw]
    ratios = [a / b for a, b in zip(rates, raw_rates)]
    print(f"veille import ccnews : {', '.join(f'{r:.0f}' for r in rates)} enregistrements/s")
    print(f"warcio seul          : {', '.join(f'{r:.0f}' for r in raw_rates)} enregistrements/s")
    print(f"rapport              : {', '.join(f'{r:.2f}' for r in ratios)} (médiane {statistics.median(ratios):.2f})")
    best = min(veille)
    pages = counts.get("pages", 0) or 1
    print(
        f"coût : {best / total * 1e6:.0f} µs par enregistrement en tout, dont warcio {min(raw) / total * 1e6:.0f} µs ; "
        f"{args.on_subject} pages examinées ({pages}) — voir docs/operations.md pour le dimensionnement"
    )


if __name__ == "__main__":
    main()
