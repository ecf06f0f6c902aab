"""``veille import ccnews``: a backfill from Common Crawl's news archive, CC-NEWS.

CC-NEWS publishes, for each month, a listing ``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz`` (one
WARC file path a line, relative to the archive's base address) and the WARC files themselves,
about a gigabyte each. Each file is one unit of work: a job of ``veille worker`` when
``[workers] enabled = true`` (so a year's files spread over many machines), else imported here,
one after the other.

One file's import:

1. its bytes come over HTTP through the outbound guard into a spool file, resumed with a
   ``Range`` request where a connection broke and retried with a doubling pause;
2. each record is read as ``veille import warc`` reads it (``crawler.warc.import_file``), and a
   cheap test on the raw bytes (``Prefilter``) drops what cannot matter before any costly work:
   a page that contains none of the words the dossiers' subject filter needs, or that is not
   French;
3. what passes goes through the crawl's own stages: extraction, subject filter,
   de-duplication and storage (``crawler.captures.store_capture``).

``archive_files`` records each file's state: a new run lists the months again and only does the
files not done. A damaged or truncated file keeps the pages read before the damage, is recorded
``failed`` with the offset and the reason, and is tried again by the next run.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psycopg
from psycopg.types.json import Jsonb

from crawler.captures import Capture, autocommit
from veille.errors import VeilleError

DEFAULT_BASE_URL = "https://data.commoncrawl.org/"
LISTING = "crawl-data/CC-NEWS/{year:04d}/{month:02d}/warc.paths.gz"
COLLECTION = "ccnews"


# --------------------------------------------------------------------------- months and listings


def months(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` (YYYY-MM), in order; one French error if either is not one."""

    def parse(text: str, option: str) -> date:
        m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise VeilleError(f"mois illisible pour {option} : « {text} »", "écrivez-le AAAA-MM, par exemple 2024-03")
        return date(int(m.group(1)), int(m.group(2)), 1)

    first, last = parse(start, "--from"), parse(end, "--to")
    if last < first:
        raise VeilleError(f"--to ({end}) est avant --from ({start})", "donnez une période dans l'ordre")
    out = []
    day = first
    while day <= last:
        out.append(f"{day:%Y-%m}")
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def listing_url(base_url: str, month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return urljoin(_base(base_url), LISTING.format(year=year, month=mon))


def _base(base_url: str) -> str:
    return base_url if base_url.endswith("/") else base_url + "/"


def list_files(base_url: str, month: str, config, allow_private: bool = False) -> list[str]:
    """The addresses of the month's WARC files, from its ``warc.paths.gz``."""
    from crawler.outbound import HttpError, fetch

    url = listing_url(base_url, month)
    try:
        reply = fetch(url, _headers(config), config.crawl.timeout, allow_private)
    except HttpError as exc:
        status = f"HTTP {exc.status}" if exc.status else (exc.reason or "pas de réponse")
        raise VeilleError(
            f"liste des fichiers CC-NEWS de {month} illisible ({url}) : {status}",
            "vérifiez --base-url et que ce mois est publié",
        ) from None
    try:
        text = gzip.decompress(reply.body).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):
        raise VeilleError(
            f"liste des fichiers CC-NEWS de {month} corrompue ({url}) : ce n'est pas un fichier texte compressé",
            "vérifiez --base-url (il doit désigner la racine de l'archive)",
        ) from None
    return [urljoin(_base(base_url), line.strip()) for line in text.splitlines() if line.strip()]


def _headers(config) -> dict[str, str]:
    return {"User-Agent": config.crawl.user_agent}


def register_files(conn: psycopg.Connection, urls: list[str], month: str) -> list[str]:
    """Record the month's files (once); those not done yet, in listing order."""
    with conn.transaction():
        conn.cursor().executemany(
            "INSERT INTO archive_files (url, collection, period) VALUES (%s, %s, %s) ON CONFLICT (url) DO NOTHING",
            [(u, COLLECTION, month) for u in urls],
        )
    done = {
        r["url"]
        for r in conn.execute(
            "SELECT url FROM archive_files WHERE url = ANY(%s) AND status = 'done'", (urls,)
        ).fetchall()
    }
    return [u for u in urls if u not in done]


# --------------------------------------------------------------------------- the pre-filter

# Short words of French that other languages written in Latin letters seldom use, and their
# counterparts in the languages CC-NEWS holds most of.
_FRENCH = re.compile(rb"(?<![a-z])(?:les|des|une|est|dans|pour|avec|sont|qui|sur|pas|aux|du|au|cette|mais)(?![a-z])")
_OTHERS = re.compile(
    rb"(?<![a-z])(?:the|and|of|with|that|is|was|der|die|und|das|nicht|ist|el|los|las|por|con|del|il|della|che|di|het|een|van)(?![a-z])"
)


class Prefilter:
    """A test on a record's raw bytes, before any extraction, in the order of its cost:

    1. a page whose ``<html lang>`` names another language is dropped (a look at its first 4 kB:
       most of CC-NEWS goes there);
    2. a page that contains none of the words the dossiers' subject filter needs
       (``crawler.subject.required_words``) is dropped: the subject filter would drop it;
    3. what is left must look French by its function words (an outlet's English-language page
       often keeps the French template's ``lang``).

    Loose on purpose — whatever it keeps, the real stages judge. What it can lose: a French page
    that declares another language, or spells the dossier's word as an HTML entity."""

    def __init__(self, config):
        from crawler.subject import fold, required_words

        words: set[bytes] = set()
        for dossier in config.dossiers.values():
            for word in required_words(dossier):
                words.add(word.encode("utf-8"))
            for term in (*dossier.terms, *dossier.linked_terms):  # the accented spelling too
                for piece in term.lower().split():
                    if fold(piece) in {w.decode() for w in words}:
                        words.add(piece.encode("utf-8"))
        if not words:
            raise VeilleError("aucun terme de dossier pour filtrer CC-NEWS", "déclarez un dossier et ses terms")
        # Lower case once (ASCII letters: bytes.lower), then a plain substring search per word:
        # both run at memory speed, where a case-blind regular expression crawls.
        self.words = tuple(w.lower() for w in sorted(words, key=len, reverse=True))
        self.counts: Counter = Counter()

    def __call__(self, capture: Capture) -> bool:
        body = capture.body
        declared = declared_language(body)
        if declared is not None and declared != "fr":  # most of CC-NEWS, judged on its first bytes
            self.counts["prefilter_not_french"] += 1
            return False
        lowered = body.lower()
        if not any(word in lowered for word in self.words):
            self.counts["prefilter_no_term"] += 1
            return False
        if not is_french(lowered):  # also when declared French: an outlet's English page keeps its template
            self.counts["prefilter_not_french"] += 1
            return False
        return True


_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.IGNORECASE)


def declared_language(body: bytes) -> str | None:
    """The language a page declares on its ``<html lang=…>`` tag (lower case, no region), looked
    for in its first 4 kB only; None when it declares none there."""
    m = _HTML_LANG.search(body, 0, 4096)
    return m.group(1).lower().decode("ascii") if m else None


def is_french(body: bytes) -> bool:
    """Whether a page's words look French: enough French function words, and not outnumbered
    by another language's."""
    lowered = body.lower()
    french = len(_FRENCH.findall(lowered))
    return french >= 10 and french * 2 >= len(_OTHERS.findall(lowered))


# --------------------------------------------------------------------------- downloading


def spool_dir() -> Path:
    """Where downloads wait, in the data directory: made as private as the rest of it (0700)."""
    from veille.embedded import make_data_dir
    from veille.files import make_dirs

    folder = make_data_dir() / "spool" / COLLECTION
    make_dirs(folder, 0o700)
    return folder


def download(url: str, target: Path, config, allow_private: bool = False, tries: int | None = None, say=None) -> int:
    """Bring ``url`` into ``target``, resuming what a previous try left there (``Range``); the
    size. A broken connection or a 5xx is retried with a pause of 1, 2, 4 … s, ``tries`` times
    in all (default: 1 + ``[crawl] retries``)."""
    from crawler.outbound import HttpError, chunks, stream

    tries = tries if tries is not None else config.crawl.retries + 1
    problem = ""
    for attempt in range(tries):
        if attempt:
            time.sleep(min(2 ** (attempt - 1), 30))
        have = target.stat().st_size if target.exists() else 0
        headers = _headers(config) | ({"Range": f"bytes={have}-"} if have else {})
        try:
            with stream(url, headers, config.crawl.timeout, allow_private) as answer:
                if have and answer.status != 206:  # the server ignored the range: start again
                    have = 0
                expected = answer.headers.get("Content-Length")
                total = have + int(expected) if expected and expected.isdigit() else None
                with target.open("ab" if have else "wb") as out:
                    for chunk in chunks(answer, config.crawl.timeout, url):
                        out.write(chunk)
            size = target.stat().st_size
            if total is not None and size < total:
                problem = f"connexion coupée à {size} octets sur {total}"
                if say:
                    say(f"{_name(url)} : {problem}, reprise…")
                continue
            return size
        except HttpError as exc:
            if exc.status == 416 and have:  # nothing left past what we have: it was complete
                return have
            if exc.status is not None and exc.status < 500:
                raise VeilleError(
                    f"{_name(url)} : HTTP {exc.status} ({url})", "vérifiez --base-url ; le fichier sera retenté"
                ) from None
            problem = f"HTTP {exc.status}" if exc.status else (exc.reason or "pas de réponse")
        except (OSError, TimeoutError, http.client.HTTPException) as exc:  # IncompleteRead: cut midway
            problem = f"connexion coupée ({exc.__class__.__name__})"
        if say:
            say(f"{_name(url)} : {problem}, nouvel essai…")
    raise VeilleError(
        f"{_name(url)} : téléchargement impossible après {tries} essai(s) ({problem})",
        "le fichier sera retenté à la prochaine exécution (ce qui est reçu est gardé)",
    )


def _name(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1] or url


# --------------------------------------------------------------------------- one file


class DamagedFile(Exception):
    """An archive file with records that cannot be read (truncated, corrupt)."""


def import_remote_file(
    conn: psycopg.Connection,
    config,
    url: str,
    period: str,
    *,
    allow_private: bool = False,
    say: Callable[[str], None] | None = None,
    progress=None,
) -> dict:
    """Import one CC-NEWS WARC file as one run; its counts. Records the file's state in
    ``archive_files``; a damaged file raises ``DamagedFile`` after keeping what it could read."""
    from crawler.warc import import_file
    from veille.db import sync_config
    from veille.runs import recorded_run

    say = say or (lambda line: None)
    name = _name(url)
    with autocommit(conn):
        conn.execute(
            """INSERT INTO archive_files (url, collection, period, status, attempts) VALUES (%s, %s, %s, 'running', 1)
               ON CONFLICT (url) DO UPDATE SET status = 'running', attempts = archive_files.attempts + 1,
                                               error = NULL""",
            (url, COLLECTION, period),
        )
        target = spool_dir() / f"{hashlib.sha1(url.encode()).hexdigest()[:16]}-{name}"
        seen: Counter = Counter()
        try:
            with recorded_run(conn, "import", {"kind": "ccnews", "file": url, "period": period}) as run:
                seen = run.counts
                conn.execute("UPDATE archive_files SET run_id = %s WHERE url = %s", (run.id, url))
                sync_config(conn, config)
                size = download(url, target, config, allow_private, say=say)
                keep = Prefilter(config)
                outcome = import_file(conn, config, target, run, say, progress=progress, archive=url, keep=keep)
                run.counts.update(keep.counts)
                run.counts["bytes"] = size
                if outcome.first_bad is not None:
                    raise DamagedFile(
                        f"{name} : fichier tronqué ou corrompu, {run.counts['bad_records']} enregistrement(s) "
                        f"illisible(s) à partir de l'octet {outcome.first_bad.offset} ({outcome.first_bad.problem}) ; "
                        f"{outcome.readable} enregistrement(s) lu(s) avant, gardés"
                    )
                counts = dict(run.counts)
        except Exception as exc:
            error = str(exc) if isinstance(exc, DamagedFile | VeilleError) else f"{exc.__class__.__name__}: {exc}"
            conn.execute(
                "UPDATE archive_files SET status = 'failed', error = %s, finished_at = now(), counts = %s WHERE url = %s",
                (error[:2000], Jsonb(dict(seen)), url),
            )
            if isinstance(exc, DamagedFile):
                target.unlink(missing_ok=True)  # read to its end: another try downloads it again
            raise
        conn.execute(
            "UPDATE archive_files SET status = 'done', error = NULL, finished_at = now(), bytes = %s, counts = %s "
            "WHERE url = %s",
            (size, Jsonb(counts), url),
        )
        target.unlink(missing_ok=True)
    return counts


def summary(counts: Counter) -> str:
    c = counts
    return (
        f"Import CC-NEWS terminé : {c['files']} fichier(s), {c['records']} enregistrement(s), "
        f"{c['prefiltered']} écarté(s) par le pré-filtre, {c['pages']} page(s) examinée(s) : "
        f"{c['new']} nouveau(x) document(s), {c['updated']} mis à jour, {c['unchanged']} inchangé(s), "
        f"{c['off_subject']} hors sujet"
        + (f" ; {c['failed_files']} fichier(s) en échec (détail ci-dessus)" if c["failed_files"] else "")
        + "."
    )
