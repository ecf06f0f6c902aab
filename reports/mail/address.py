"""Email addresses of subscribers: checked once, when they are added.

An address is stored with its domain lower-cased in Unicode (« élodie@école.fr »,
readable in listings) and sent with the domain in its IDNA ASCII form
(``xn--cole-9oa.fr``), which every SMTP server accepts. The local part must be
plain ASCII: internationalised local parts need SMTPUTF8, which many servers lack,
and a digest that silently bounces is worse than a clear refusal at the door.
"""

from __future__ import annotations

import re

import idna

from veille.errors import VeilleError

# RFC 5322 dot-atom: the unquoted local parts people actually use.
LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
FIX = "écrivez une adresse de la forme nom@domaine.fr"


def _refuse(address: str, problem: str) -> VeilleError:
    return VeilleError(f"adresse électronique invalide : « {address} » : {problem}", FIX)


def ascii_domain(domain: str, address: str = "") -> str:
    """The IDNA (punycode) form of ``domain``; a French error when it cannot be one."""
    try:
        encoded = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise _refuse(address or domain, f"nom de domaine incorrect ({exc})") from None
    labels = encoded.split(".")
    if len(labels) < 2:
        raise _refuse(address or domain, "le domaine doit contenir un point (exemple.fr)")
    if len(encoded) > 253 or not all(LABEL.match(label) for label in labels):
        raise _refuse(address or domain, "nom de domaine incorrect")
    if labels[-1].isdigit():
        raise _refuse(address or domain, "une adresse IP n'est pas acceptée comme domaine")
    return encoded


def normalise_email(address: str) -> str:
    """The address as stored: checked, trimmed, domain lower-cased in Unicode."""
    text = address.strip()
    if not text:
        raise VeilleError("adresse électronique vide", FIX)
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise _refuse(text, "elle contient une espace ou un caractère de contrôle")
    if text.count("@") != 1:
        raise _refuse(text, "il faut exactement un « @ »")
    local, domain = text.split("@")
    if not local:
        raise _refuse(text, "rien avant le « @ »")
    if not domain:
        raise _refuse(text, "rien après le « @ »")
    if not local.isascii():
        raise _refuse(
            text,
            "la partie avant le « @ » doit s'écrire sans accents (les accents ne sont acceptés que dans le domaine)",
        )
    if len(local) > 64 or not LOCAL_PART.match(local):
        raise _refuse(text, "caractère interdit ou point mal placé avant le « @ »")
    encoded = ascii_domain(domain, text)
    return f"{local}@{idna.decode(encoded)}"


def ascii_email(address: str) -> str:
    """The stored address with an ASCII domain, for SMTP envelopes and headers."""
    local, domain = address.rsplit("@", 1)
    return f"{local}@{ascii_domain(domain, address)}"


def check_display_name(name: str | None) -> str | None:
    """A subscriber's name: one line, no control characters, not absurdly long."""
    if name is None:
        return None
    name = " ".join(name.split())
    if not name:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise VeilleError("nom invalide : il contient un caractère de contrôle", "donnez un nom sur une ligne")
    if len(name) > 100:
        raise VeilleError(f"nom trop long ({len(name)} caractères)", "100 caractères au plus")
    return name
