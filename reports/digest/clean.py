"""Making scraped strings fit for an email: one line, bounded, minors unnamed, safe links.

HTML escaping is the templates' job (autoescape) and minors' names are replaced by the
reports' shared ``Redactor`` (``reports/minors.py``); this module adds what neither
does: a title spread over ten lines with control characters, a ``javascript:`` link, a
link whose address spells a minor's name (publishers put names in URL slugs).
"""

from __future__ import annotations

import re
import unicodedata

from reports.minors import Redactor

MAX_LENGTH = 240


def _words(text: str) -> list[str]:
    """Lower-case words without accents: « Kévin Durand » and /kevin-durand-16-ans match."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", plain)


class Cleaner:
    def __init__(self, redactor: Redactor | None = None):
        self.redactor = redactor or Redactor(())
        self._minor_words = [w for w in (_words(n) for n in self.redactor.names) if w]

    def text(self, value: str | None, fallback: str = "", limit: int = MAX_LENGTH) -> str:
        if not value:
            return fallback
        value = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cf") or c in "\t\n")
        value = self.redactor.text(" ".join(value.split()))
        if len(value) > limit:
            cut = value[: limit - 1]
            # End on a whole word when one ends reasonably near the limit.
            cut = cut[: cut.rfind(" ")] if cut.rfind(" ") > limit * 0.6 else cut
            value = cut.rstrip(" ,;:") + "…"
        return value or fallback

    def url(self, value: str | None) -> str | None:
        """A safe link, or None when the address itself names a minor."""
        url = safe_url(value)
        if url and self._minor_words:
            words = _words(url)
            joined = set(words)
            for name in self._minor_words:
                n = len(name)
                if "".join(name) in joined or any(words[i : i + n] == name for i in range(len(words) - n + 1)):
                    return None
        return url


def safe_url(url: str | None, local: bool = False) -> str | None:
    """The link if it is a plain http(s) address, else None (the item is shown without a link).
    ``local``: a ``file:///`` address is kept too (the timeline of a digest written to disk, as
    the demo's are)."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://[^\s/?#]+", url, re.IGNORECASE) and not (local and url.startswith("file:///")):
        return None
    if any(c.isspace() or ord(c) < 32 or c in '<>"' for c in url):
        return None
    return url
