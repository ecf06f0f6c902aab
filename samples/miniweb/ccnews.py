"""A small CC-NEWS mirror: Common Crawl's layout, ``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz``
and the gzipped WARC files it lists, served with ``Range`` support.

Months 2024-02 and 2024-03. Each WARC file mixes pages in English, German, Spanish and French
off the subject (written here, on invented sites) with a few pages of the mini-web's own
outlets (their article pages as the outlet serves them, under the outlet's address), each
response followed by its request record, as Common Crawl writes them. One file of 2024-03 is
truncated in the middle of a record, as a download cut short would leave it.

``cut_next(n)``: the next file request sends only ``n`` bytes of its body, then drops the
connection (a client must resume with ``Range``).
"""

from __future__ import annotations

import gzip
import io
import random
import re
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from samples.miniweb.transport import TEXT, Request, Response

if TYPE_CHECKING:
    from samples.miniweb.site import OutletSite

MONTHS = ("2024-02", "2024-03")
FILES_PER_MONTH = {"2024-02": 2, "2024-03": 3}
TRUNCATED = ("2024-03", 2)  # the month and index of the file cut short
ARCHIVED_OUTLETS = ("lequotidien", "echodunord", "courrierprovence")
WARC = "application/octet-stream"

# Paragraphs written for this mirror: everyday news, in four languages, on nothing veille follows.
OTHER_TEXTS = {
    "en": [
        "The city council approved the new budget on Tuesday after a long debate about public transport.",
        "Local farmers say the dry spring has cut their harvest, and they are asking for support from the region.",
        "The museum will reopen its east wing next month, with an exhibition of maps from the nineteenth century.",
        "Fans queued for hours outside the stadium before the match, which ended in a draw that pleased nobody.",
        "A new bridge over the river is expected to shorten the commute for thousands of workers in the valley.",
    ],
    "de": [
        "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen, nachdem lange über den Nahverkehr gestritten wurde.",
        "Die Bauern der Region klagen über den trockenen Frühling und fordern Unterstützung vom Land.",
        "Das Museum öffnet im nächsten Monat seinen Ostflügel wieder, mit einer Ausstellung alter Landkarten.",
        "Vor dem Stadion warteten die Fans stundenlang, doch das Spiel endete mit einem enttäuschenden Unentschieden.",
    ],
    "es": [
        "El ayuntamiento aprobó el martes el nuevo presupuesto después de un largo debate sobre el transporte público.",
        "Los agricultores de la comarca dicen que la primavera seca ha reducido la cosecha y piden ayudas.",
        "El museo reabrirá el mes que viene su ala este con una exposición de mapas del siglo diecinueve.",
        "Los aficionados esperaron durante horas frente al estadio antes de un partido que terminó en empate.",
    ],
    "fr": [
        "Le conseil municipal a adopté mardi le nouveau budget, après un long débat sur les transports en commun.",
        "Les agriculteurs de la vallée disent que le printemps sec a réduit la récolte et ils demandent une aide à la région.",
        "Le musée rouvrira le mois prochain son aile est, avec une exposition de cartes anciennes dans les salles du premier étage.",
        "Des supporters ont attendu pendant des heures devant le stade, pour un match nul qui n'a contenté personne.",
        "Un nouveau pont sur la rivière doit raccourcir le trajet de milliers de salariés qui travaillent dans la zone d'activité.",
    ],
}
# Pages that name the subject's word, but not in French or not about it: the pre-filter or the
# subject filter must leave them out.
DECOYS = [
    ("en", "Coco the parrot celebrates her fortieth birthday at the zoo, and the keepers say she is in fine health."),
    ("fr", "La noix de coco est à la mode : les chefs de la ville la mettent dans les desserts et dans les plats."),
]
SITES = {
    "en": "dailyherald.example",
    "de": "stadtbote.example",
    "es": "diariodelvalle.example",
    "fr": "lavoixdubourg.example",
}


def warc_name(month: str, index: int) -> str:
    year, mon = month.split("-")
    return f"crawl-data/CC-NEWS/{year}/{mon}/CC-NEWS-{year}{mon}01{index:06d}-{index:05d}.warc.gz"


def _page(lang: str, title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def _other_pages(
    rng: random.Random, n: int, when: datetime
) -> list[tuple[str, list[tuple[str, str]], bytes, datetime]]:
    pages = []
    for i in range(n):
        lang = rng.choice(list(OTHER_TEXTS))
        paragraphs = rng.sample(OTHER_TEXTS[lang], k=min(3, len(OTHER_TEXTS[lang])))
        title = paragraphs[0].split(",")[0][:70]
        url = f"https://www.{SITES[lang]}/{when:%Y/%m/%d}/article-{rng.randrange(10**8)}-{i}.html"
        pages.append((url, [("Content-Type", "text/html; charset=utf-8")], _page(lang, title, paragraphs * 2), when))
    return pages


def write_warc(out, responses) -> None:
    """``responses``: (url, headers, body, date); each a response record and its request record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True)
    for url, headers, body, when in responses:
        date = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        http = StatusAndHeaders("200 OK", [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": date},
        )
        writer.write_record(record)
        line = f"GET {urlsplit(url).path} HTTP/1.1\r\nHost: {urlsplit(url).netloc}\r\n\r\n".encode()
        request = writer.create_warc_record(
            url, "request", payload=io.BytesIO(line), length=len(line), warc_headers_dict={"WARC-Date": date}
        )
        writer.write_record(request)


class CcNewsService:
    name = "ccnews"

    def __init__(self, sites: dict[str, OutletSite], seed: int = 19):
        self.sites = sites
        self.seed = seed
        self.base_url = ""
        self.files: dict[str, bytes] = {}  # path (no leading /) -> bytes
        self.on_subject: dict[str, list[str]] = {}  # WARC path -> outlet page URLs in it
        self._cut: list[int] = []
        self._lock = threading.Lock()

    def cut_next(self, n_bytes: int) -> None:
        with self._lock:
            self._cut.append(n_bytes)

    def ensure_built(self) -> None:
        """Build the files on first use: most mini-web sessions never ask for them."""
        with self._lock:
            if not self.files:
                self.build()

    def outlet_pages(self) -> list[tuple[str, list[tuple[str, str]], bytes, datetime]]:
        pages = []
        for oid in ARCHIVED_OUTLETS:
            site = self.sites[oid]
            for entry in site.entries:
                if not entry.path or entry.hostile:
                    continue
                answer = site.handle(Request("GET", entry.path, "", {}, oid))
                if answer.status != 200:
                    continue
                headers = [("Content-Type", answer.content_type or "text/html"), *answer.headers]
                pages.append((site.url(entry.path), headers, answer.body_bytes(), entry.article.published))
        return pages

    def build(self) -> None:
        """Once the outlets know their base URLs (``ensure_built``)."""
        rng = random.Random(self.seed)
        outlet_pages = self.outlet_pages()
        rng.shuffle(outlet_pages)
        self.files.clear()
        self.on_subject.clear()
        per_file = max(1, len(outlet_pages) // sum(FILES_PER_MONTH.values()))
        taken = 0
        for month in MONTHS:
            names = []
            start = datetime.fromisoformat(f"{month}-01T06:00:00+00:00")
            for index in range(FILES_PER_MONTH[month]):
                name = warc_name(month, index)
                names.append(name)
                mine = outlet_pages[taken : taken + per_file]
                taken += per_file
                when = start + timedelta(days=index)
                records = _other_pages(rng, 40, when)
                for lang, text in DECOYS:
                    url = f"https://www.{SITES[lang]}/{when:%Y/%m/%d}/coco-{rng.randrange(10**6)}.html"
                    records.append(
                        (url, [("Content-Type", "text/html; charset=utf-8")], _page(lang, text[:60], [text] * 4), when)
                    )
                records += mine
                rng.shuffle(records)
                if (month, index) == TRUNCATED:
                    # The outlet pages first, the cut in the middle of the last one's record.
                    records = [r for r in records if r not in mine] + mine
                out = io.BytesIO()
                write_warc(out, records)
                data = out.getvalue()
                if (month, index) == TRUNCATED:
                    data = data[: len(data) - _last_member_size(data) // 2 - 200]
                self.files[name] = data
                self.on_subject[name] = [r[0] for r in mine]
            listing = gzip.compress(("\n".join(names) + "\n").encode(), mtime=0)
            year, mon = month.split("-")
            self.files[f"crawl-data/CC-NEWS/{year}/{mon}/warc.paths.gz"] = listing

    def file_url(self, path: str) -> str:
        return f"{self.base_url}/{path}"

    def error_response(self, status: int) -> Response:
        return Response(status, f"Error {status}\n", TEXT, conditional=False)

    def handle(self, request: Request) -> Response:
        self.ensure_built()
        data = self.files.get(request.path.lstrip("/"))
        if data is None:
            return self.error_response(404)
        headers = [("Accept-Ranges", "bytes")]
        status, start = 200, 0
        ranged = re.fullmatch(r"bytes=(\d+)-", request.header("range") or "")
        if ranged:
            start = int(ranged.group(1))
            if start >= len(data):
                return Response(416, b"", None, [("Content-Range", f"bytes */{len(data)}")], conditional=False)
            status = 206
            headers.append(("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}"))
        body = data[start:]
        with self._lock:
            cut = self._cut.pop(0) if self._cut and request.path.endswith(".warc.gz") else None
        return Response(status, body, WARC, headers, conditional=False, cut_after=cut)


def _last_member_size(data: bytes) -> int:
    """Size of the last gzip member of a WARC.gz (its last request record is tiny, so take the
    response before it: the last two members)."""
    starts = [m.start() for m in re.finditer(b"\x1f\x8b\x08", data)]
    return len(data) - starts[-2] if len(starts) >= 2 else len(data)
