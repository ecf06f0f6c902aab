"""Turn fetched bytes into text, whatever the page claims its charset is.

Servers and pages lie about their encoding: ISO-8859-1 bytes sent as UTF-8,
UTF-8 bytes declared as ISO-8859-1. Bytes that decode as UTF-8 and hold non-ASCII
characters are UTF-8 (other encodings of French text almost never form valid
UTF-8 sequences); otherwise the declared charset is used if it decodes, and
Windows-1252 (what browsers use for « latin-1 ») as the last resort.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# What browsers do with these labels (WHATWG Encoding Standard).
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "l1": "cp1252",
}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    declared: str | None
    note: str | None = None  # set when the declaration was wrong


def _lookup(label: str | None) -> str | None:
    if not label:
        return None
    label = _ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m:
            return m.group(1).lower()
    meta = _META_CHARSET.search(body[:4096])
    return meta.group(1).decode("ascii", "replace").lower() if meta else None


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    declared = declared_charset(body, content_type)
    if body.startswith(codecs.BOM_UTF8):
        return Decoded(body[3:].decode("utf-8", "replace"), "utf-8", declared)
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(body.decode("utf-16", "replace"), "utf-16", declared)
    wanted = _lookup(declared)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        note = None
        if wanted and wanted != "utf-8" and not body.isascii():
            note = f"déclaré {declared}, mais les octets sont en UTF-8"
        return Decoded(text, "utf-8", declared, note)
    if wanted and wanted not in ("utf-8", "utf-16"):
        try:
            return Decoded(body.decode(wanted), wanted, declared)
        except UnicodeDecodeError:
            pass
    note = f"déclaré {declared or 'sans jeu de caractères'}, décodé en windows-1252" if declared else None
    return Decoded(body.decode("cp1252", "replace"), "cp1252", declared, note)


def strip_xml_declaration(text: str) -> str:
    """lxml refuses text that still carries an ``encoding=`` declaration."""
    return _XML_DECLARATION.sub("", text, count=1)
