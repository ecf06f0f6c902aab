"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds.

A broken item (no link, an impossible date) is skipped or repaired and reported;
the good items around it are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from crawler.listings.model import Listed, Listing
from crawler.listings.xmltext import child_text, children, local, parse_when, parse_xml


def _rss_item(item, base: str) -> Listed | None:
    link = child_text(item, "link")
    if not link:
        guid = next((g for g in children(item, "guid")), None)
        permalink = guid is not None and (guid.get("isPermaLink", "true").lower() == "true")
        text = (guid.text or "").strip() if guid is not None else ""
        link = text if permalink and text.startswith(("http://", "https://")) else None
    if not link:
        link = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    if not link:
        return None
    authors = tuple(
        a for a in (("".join(c.itertext()).strip()) for c in item if local(c) in ("creator", "author")) if a
    )
    return Listed(
        url=urljoin(base, link.strip()),
        title=child_text(item, "title"),
        published=parse_when(child_text(item, "pubdate", "date", "published")),
        modified=parse_when(child_text(item, "updated", "modified")),
        authors=authors,
        keywords=tuple(t for t in ("".join(c.itertext()).strip() for c in children(item, "category")) if t),
    )


def _atom_entry(entry, base: str) -> Listed | None:
    href = None
    for link in children(entry, "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            href = link.get("href")
            break
    if not href:
        return None
    authors = tuple(n for n in (child_text(a, "name") for a in children(entry, "author")) if n)
    published = parse_when(child_text(entry, "published", "issued"))
    updated = parse_when(child_text(entry, "updated", "modified"))
    return Listed(
        url=urljoin(base, href.strip()),
        title=child_text(entry, "title"),
        published=published or updated,
        modified=updated if updated != published else None,
        authors=authors,
        keywords=tuple(c.get("term") for c in children(entry, "category") if c.get("term")),
    )


def parse_feed(body: bytes, url: str) -> Listing:
    root, problems = parse_xml(body)
    if root is None:
        return Listing("unknown", problems=problems or ["flux illisible"])
    kind = local(root)
    read: Callable[[Any, str], Listed | None]
    if kind == "feed":
        entries, read, listing = children(root, "entry"), _atom_entry, Listing("atom")
    elif kind in ("rss", "rdf"):
        channel = next(iter(children(root, "channel")), root)
        entries = children(channel, "item") or children(root, "item")
        read, listing = _rss_item, Listing("rss")
    else:
        return Listing("unknown", problems=problems + [f"ce n'est pas un flux RSS ou Atom (<{kind}>)"])
    listing.problems = problems
    for entry in entries:
        found = read(entry, url)
        if found is None:
            title = child_text(entry, "title") or "sans titre"
            listing.problems.append(f"élément sans lien ignoré : « {title[:60]} »")
        else:
            if found.published is None and child_text(entry, "pubdate", "published", "date"):
                listing.problems.append(f"date illisible pour {found.url}")
            listing.items.append(found)
    return listing
