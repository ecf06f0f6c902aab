"""What every command shares: the configuration, the database, progress output.

Stage CLIs (``crawler/cli.py``, ``nlp/cli.py``, ``reports/timeline/cli.py``) receive an
``App`` as click's context object and never build their own.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from functools import cached_property

import click
import psycopg

from veille.config import Config, load_config


@dataclass
class App:
    config_path: str | None = None
    debug: bool = False
    quiet: bool = False
    _conn: psycopg.Connection | None = field(default=None, repr=False)

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path)

    def db(self) -> psycopg.Connection:
        """The process's connection to an up-to-date database, with the configuration synchronised."""
        if self._conn is None or self._conn.closed:
            from veille.db import open_database, sync_config

            config = self.config  # a bad configuration is reported before any connection is tried
            self._conn = open_database()
            sync_config(self._conn, config)
        return self._conn

    def say(self, message: str) -> None:
        """A line for the user (stdout), unless --quiet."""
        if not self.quiet:
            click.echo(message)

    def progress(self, label: str, total: int | None = None) -> Progress:
        return Progress(label, total, enabled=not self.quiet)


class Progress:
    """A one-line live counter on stderr (a plain line every few seconds when not a terminal)."""

    def __init__(self, label: str, total: int | None, enabled: bool = True):
        self.label, self.total, self.enabled = label, total, enabled
        self.done = 0
        self.detail = ""
        self._tty = sys.stderr.isatty()
        self._last = 0.0
        self._start = time.monotonic()

    def advance(self, n: int = 1, detail: str = "") -> None:
        self.done += n
        if detail:
            self.detail = detail
        now = time.monotonic()
        if self.enabled and now - self._last >= (0.2 if self._tty else 5.0):
            self._last = now
            self._draw()

    def _draw(self, end: str = "") -> None:
        of = f"/{self.total}" if self.total else ""
        rate = self.done / max(time.monotonic() - self._start, 1e-9)
        line = f"{self.label} : {self.done}{of} ({rate:.1f}/s) {self.detail}"[:160]
        if self._tty:
            sys.stderr.write("\r\033[K" + line + end)
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and (self._tty or self.done):
            self._draw("\n" if self._tty else "")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    """Rows under their headers in aligned columns, for the terminal (``veille status``, ``sources list``)."""
    cells = [tuple(str(c) for c in headers)] + [tuple("" if c is None else str(c) for c in r) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(r: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()

    return "\n".join([line(cells[0]), "  ".join("─" * w for w in widths)] + [line(r) for r in cells[1:]])


pass_app = click.make_pass_decorator(App)
