"""Lenient XML for feeds and sitemaps as servers really send them."""

from __future__ import annotations

import gzip
import io
import re
import struct
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from crawler.metadata import parse_iso

_BARE_AMPERSAND = re.compile(rb"&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]{1,31};)")
MAX_XML_BYTES = 50_000_000


def parse_xml(body: bytes) -> tuple[etree._Element | None, list[str]]:
    """The root element, recovering from what a lenient reader can; and the repairs made."""
    problems = []
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.GzipFile(fileobj=io.BytesIO(body)).read(MAX_XML_BYTES)
        except (OSError, EOFError, zlib.error, struct.error) as exc:
            return None, [f"fichier gzip illisible ({exc or type(exc).__name__})"[:200]]
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    fixed = _BARE_AMPERSAND.sub(b"&amp;", body)
    if fixed != body:
        problems.append("« & » non échappé réparé")
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(fixed, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return None, ["XML illisible"]  # what was repaired on the way no longer matters
    if parser.error_log:
        problems.append(f"XML mal formé ({len(parser.error_log)} erreur(s) contournée(s))")
    return root, problems


def local(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def children(el, name: str) -> list:
    return [c for c in el if local(c) == name]


def child_text(el, *names: str) -> str | None:
    for name in names:
        for c in el:
            if local(c) == name:
                text = "".join(c.itertext()).strip()
                if text:
                    return text
    return None


def parse_when(value: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps); None for « 32/13/2024 25h61 »."""
    if not value:
        return None
    dt = parse_iso(value)
    if dt is not None:
        return dt
    try:
        dt = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
