"""Broken and hostile pages, described by the TOML files of ``samples/miniweb/hostile/``.

Each file has the article keys of FORMAT.md plus:

    outlet = "echodunord"          # where it is served
    behaviour = "latin1_as_utf8"   # see BEHAVIOURS
    body_html = "…"                # optional trusted HTML body (links etc.)
    raw_html = "file.html"         # optional: page served byte for byte

Every hostile page is listed in its outlet's channels (feed, sitemap or search),
so a crawler that follows them meets it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from samples.corpus import article_from_dict

HOSTILE_DIR = Path(__file__).resolve().parent / "hostile"

BEHAVIOURS = {
    "script_title": "title with HTML and <script>, escaped in the page and in JSON-LD",
    "jsonld_raw_script": "JSON-LD headline holds a raw <script>alert(1)</script> (breaks the block)",
    "flaky": "500 on the first request of the URL, 200 afterwards (counter resettable)",
    "slow": "answers after MiniWeb.slow seconds (default 3)",
    "empty": "200 with a 0-byte body",
    "not_found": "listed but answers 404",
    "invalid_html": "served verbatim from raw_html: unclosed tags, stray elements",
    "latin1_as_utf8": "ISO-8859-1 bytes sent with Content-Type charset=utf-8",
    "utf8_as_latin1": "UTF-8 bytes sent with Content-Type charset=iso-8859-1",
    "huge": "≈5 MB page (article followed by a huge comment thread)",
    "redirect_chain": "listed link goes through 3 redirects before the article",
    "redirect_loop": "listed link redirects forever between two URLs",
    "external_links": "page body links to 203.0.113.5 and www.example.com",
    "external_feed_link": "feed item whose link is on another site (no local page)",
    "malformed_feed_item": "RSS item without link, with a bad date and a raw '&'",
}

# Behaviours that have no page of their own on the site.
PAGELESS = {"redirect_loop", "external_feed_link", "malformed_feed_item"}


def load_hostile(root: Path | str = HOSTILE_DIR) -> list[dict]:
    """Raw hostile specs: dicts with ``outlet``, ``behaviour``, ``article`` and extras."""
    root = Path(root)
    specs = []
    for path in sorted(root.glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        behaviour = raw["behaviour"]
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"{path}: unknown behaviour {behaviour!r}")
        raw_html = None
        if raw.get("raw_html"):
            raw_html = (root / raw["raw_html"]).read_bytes()
        specs.append(
            {
                "outlet": raw["outlet"],
                "behaviour": behaviour,
                "article": article_from_dict(raw["outlet"], raw.get("slug", path.stem), raw, path),
                "body_html": raw.get("body_html"),
                "raw_html": raw_html,
                "link": raw.get("link"),
            }
        )
    return specs


def huge_comments(target_bytes: int = 5_000_000) -> str:
    """A ≈target_bytes HTML comment thread (deterministic)."""
    lines = [
        "Je ne comprends pas comment ce site coco.gg a pu rester en ligne si longtemps.",
        "Les enquêteurs ont fait leur travail, il faut maintenant que la justice suive.",
        "Encore un article sur ce sujet, mais il faut en parler pour que ça ne recommence pas.",
        "Qui hébergeait la plateforme ? Personne ne répond jamais à cette question.",
        "Courage aux familles des victimes, et merci à la rédaction pour le suivi.",
    ]
    parts = ['<section id="commentaires" class="comments">\n<h2>Vos réactions</h2>\n']
    size = len(parts[0].encode())
    i = 0
    while size < target_bytes:
        chunk = (
            f'<div class="comment" id="c{i}"><p class="who">Lecteur{i % 977}</p>'
            f"<p>{lines[i % len(lines)]} (réaction n° {i})</p></div>\n"
        )
        parts.append(chunk)
        size += len(chunk.encode())
        i += 1
    parts.append("</section>\n")
    return "".join(parts)
