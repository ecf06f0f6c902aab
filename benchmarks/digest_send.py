"""Digest delivery speed against smtplib alone, measured in the same run.

    .venv/bin/python benchmarks/digest_send.py [--subscribers 300]

1. Starts an SMTP server on loopback (aiosmtpd, accepting everything) and a fresh,
   migrated database (a temporary database on ``DATABASE_URL``'s server when set,
   else on an embedded PostgreSQL in a temporary folder), loaded with the sample
   corpus as the pipeline would leave it (documents, events, cases grouped by
   ``cases.grouping``), and N subscribers of the Coco dossier.
2. Times ``send_digests`` for the week of the coco.gg closure (2024-W26): the digest
   read once, then for each subscriber a personalised message (text and HTML, CSS
   inlined), stored, and delivered with its exactly-once bookkeeping (three
   committed state changes per message).
3. Times the raw standard library doing the bare job in the same process: for each
   recipient, an ``email.message.EmailMessage`` (same headers, the same text and
   HTML rendered once for everybody) serialised and handed to ``smtplib.sendmail``
   over one connection, with no personalisation and no bookkeeping; and
   ``smtplib.sendmail`` alone re-sending the stored bytes (the network floor).

Prints messages/second, the ratio veille / (email + smtplib), and where veille's
time goes. The difference is what exactly-once costs: per subscriber, rendering
and inlining a personal message, and three committed state changes.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import sys
import tempfile
import time
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Accept:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def admin_url(tmp: Path) -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    # Run as root, the server's own user must cross this folder: veille opens no folder it did not create.
    tmp.chmod(0o755)
    os.environ["VEILLE_DATA_DIR"] = str(tmp / "veille-data")
    from veille.embedded import embedded_server

    return embedded_server().uri("postgres")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=300, help="subscribers to send to (default 300)")
    args = parser.parse_args()

    import psycopg
    from aiosmtpd.controller import Controller
    from psycopg.conninfo import make_conninfo
    from psycopg.rows import dict_row

    from cases.grouping import recompute_cases
    from reports.digest.content import build_digest, render_html, render_text
    from reports.digest.send import send_digests
    from reports.digest.subscribers import add
    from reports.digest.weeks import PARIS, parse_week
    from reports.mail.message import build_message, inline_css, sender_of
    from tests.reports.digest_support import load_sample_corpus, write_config
    from veille.config import load_config
    from veille.db import migrate, sync_config

    week = parse_week("2024-W26")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Accept()
    smtp_server = Controller(handler, hostname="127.0.0.1", port=port)
    smtp_server.start()
    name = f"veille_bench_digest_{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="veille-bench-") as folder:
        tmp = Path(folder)
        admin = admin_url(tmp)
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        try:
            with psycopg.connect(make_conninfo(admin, dbname=name), row_factory=dict_row, autocommit=True) as conn:
                migrate(conn)
                conn.autocommit = True
                config = load_config(write_config(tmp / "veille.toml", port, retries=0))
                sync_config(conn, config)
                load_sample_corpus(conn, group_cases=False)
                recompute_cases(conn, config)  # cases and happenings as the pipeline leaves them
                subscribers = [
                    add(conn, f"abonne{i:05d}@exemple.fr", "coco", f"Abonné n°{i}").subscriber
                    for i in range(args.subscribers)
                ]

                started = time.perf_counter()
                digest = build_digest(conn, config, "coco", week)
                read = time.perf_counter() - started
                started = time.perf_counter()
                for sub in subscribers[:50]:
                    build_message(digest, sub, config)
                build_each = (time.perf_counter() - started) / 50

                started = time.perf_counter()
                counts = send_digests(conn, config, "coco", week)
                veille_seconds = time.perf_counter() - started
                assert counts["sent"] == args.subscribers, counts

                stored = conn.execute("SELECT recipient, message FROM digests ORDER BY id").fetchall()
                started = time.perf_counter()
                sender = sender_of(config).address
                with smtplib.SMTP("127.0.0.1", port) as raw:
                    for row in stored:
                        raw.sendmail(sender, [row["recipient"]], bytes(row["message"]))
                floor_seconds = time.perf_counter() - started

                text, html = render_text(digest), inline_css(render_html(digest))
                started = time.perf_counter()
                with smtplib.SMTP("127.0.0.1", port) as raw:
                    for row in stored:
                        msg = EmailMessage(policy=policy.SMTP)
                        msg["Subject"] = digest.subject
                        msg["From"] = sender_of(config).header()
                        msg["To"] = row["recipient"]
                        msg["Date"] = format_datetime(datetime.now(PARIS))
                        msg["Message-ID"] = make_msgid(domain=sender_of(config).domain)
                        msg.set_content(text, charset="utf-8", cte="quoted-printable")
                        msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
                        raw.sendmail(sender, [row["recipient"]], msg.as_bytes())
                raw_seconds = time.perf_counter() - started
        finally:
            with psycopg.connect(admin, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            smtp_server.stop()

    n = args.subscribers
    veille_rate, raw_rate, floor_rate = n / veille_seconds, n / raw_seconds, n / floor_seconds
    print(f"messages                  : {n} (week {week.code}, {len(stored[0]['message'])} bytes each)")
    print(f"veille send_digests       : {veille_rate:8.1f} messages/s ({veille_seconds:.2f} s)")
    print(f"email + smtplib (raw)     : {raw_rate:8.1f} messages/s ({raw_seconds:.2f} s)")
    print(f"smtplib alone, bytes ready: {floor_rate:8.1f} messages/s ({floor_seconds:.2f} s)")
    print(f"ratio veille / raw        : {veille_rate / raw_rate:.2f}")
    print(f"  reading the week once   : {read * 1000:.0f} ms")
    print(f"  building one message    : {build_each * 1000:.1f} ms (render text + HTML, inline CSS)")
    print(f"  server accepted         : {handler.count}")


if __name__ == "__main__":
    main()
