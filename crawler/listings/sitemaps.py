"""Sitemaps: indexes, URL sets and Google News sitemaps (``news:publication_date``,
``news:title``, ``news:keywords``), gzipped or not, and plain-text URL lists."""

from __future__ import annotations

from urllib.parse import urljoin

from crawler.listings.model import Listed, Listing
from crawler.listings.xmltext import child_text, children, local, parse_when, parse_xml


def _news(url_el) -> dict:
    news = next(iter(children(url_el, "news")), None)
    if news is None:
        return {}
    keywords = child_text(news, "keywords") or ""
    publication = next(iter(children(news, "publication")), None)
    return {
        "published": parse_when(child_text(news, "publication_date")),
        "title": child_text(news, "title"),
        "keywords": tuple(k.strip() for k in keywords.split(",") if k.strip()),
        "lang": child_text(publication, "language") if publication is not None else None,
    }


def parse_sitemap(body: bytes, url: str) -> Listing:
    if body.lstrip()[:1] not in (b"<", b"\x1f") and b"http" in body[:200]:
        lines = body.decode("utf-8", "replace").split()
        return Listing("urlset", items=[Listed(u) for u in lines if u.startswith(("http://", "https://"))])
    root, problems = parse_xml(body)
    if root is None:
        return Listing("unknown", problems=problems or ["sitemap illisible"])
    kind = local(root)
    if kind == "sitemapindex":
        listing = Listing("sitemap_index", problems=problems)
        for sm in children(root, "sitemap"):
            loc = child_text(sm, "loc")
            if loc:
                listing.children.append(Listed(urljoin(url, loc), modified=parse_when(child_text(sm, "lastmod"))))
        return listing
    if kind != "urlset":
        return Listing("unknown", problems=problems + [f"ce n'est pas un sitemap (<{kind}>)"])
    listing = Listing("urlset", problems=problems)
    for el in children(root, "url"):
        loc = child_text(el, "loc")
        if not loc:
            listing.problems.append("entrée sans <loc> ignorée")
            continue
        news = _news(el)
        listing.items.append(
            Listed(
                urljoin(url, loc),
                title=news.get("title"),
                published=news.get("published"),
                modified=parse_when(child_text(el, "lastmod")),
                keywords=news.get("keywords", ()),
                lang=news.get("lang"),
            )
        )
    return listing
