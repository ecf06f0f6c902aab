"""Discovery channels: RSS 2.0, Atom 1.0, sitemap index, news and yearly sitemaps."""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from samples.miniweb import dates
from samples.miniweb.urls import feed_link

if TYPE_CHECKING:
    from samples.miniweb.entries import Entry
    from samples.miniweb.site import OutletSite

NEWS_SITEMAP_SIZE = 50
KEYWORDS = [
    "Coco",
    "coco.gg",
    "Mazan",
    "Pelicot",
    "Valenciennes",
    "Grande-Synthe",
    "Dunkerque",
    "Avignon",
    "Carpentras",
    "justice",
    "procès",
    "pédocriminalité",
    "tchat",
]


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def entry_link(site: OutletSite, entry: Entry) -> str:
    """Absolute URL a channel gives for an entry."""
    link = entry.link or ""
    return link if link.startswith(("http://", "https://")) else site.url(link)


def uses_amp_link(site: OutletSite, entry: Entry) -> bool:
    """Le Quotidien's feed points one item in four at the AMP copy."""
    return (
        site.outlet.id == "lequotidien"
        and not entry.hostile
        and entry.path is not None
        and zlib.crc32(entry.slug.encode()) % 4 == 0
    )


# --------------------------------------------------------------------------- RSS


def _rss_item(site: OutletSite, entry: Entry) -> str:
    a = entry.article
    if entry.behaviour == "malformed_feed_item":
        # No <link>, an impossible date and a raw ampersand: not well-formed XML,
        # but a lenient parser recovers every other item.
        return (
            "    <item>\n"
            f"      <title>{a.title}</title>\n"
            f"      <description>{a.summary}</description>\n"
            "      <pubDate>32/13/2024 25h61</pubDate>\n"
            f'      <guid isPermaLink="false">ledecodeur-brouillon-{entry.number}</guid>\n'
            "    </item>\n"
        )
    if uses_amp_link(site, entry):
        link = site.url("/amp" + (entry.path or ""))
    else:
        link = feed_link(site.outlet.id, entry_link(site, entry))
    if site.outlet.id == "ledecodeur":
        guid = f'<guid isPermaLink="false">{_x(site.url("/"))}?p={entry.number}</guid>'
    else:
        guid = f'<guid isPermaLink="true">{_x(entry_link(site, entry))}</guid>'
    creators = "".join(f"      <dc:creator>{_x(n)}</dc:creator>\n" for n in a.authors)
    return (
        "    <item>\n"
        f"      <title>{_x(a.title)}</title>\n"
        f"      <link>{_x(link)}</link>\n"
        f"      {guid}\n"
        f"      <pubDate>{dates.rfc822(a.published)}</pubDate>\n"
        f"{creators}"
        f"      <category>{_x(a.section)}</category>\n"
        f"      <description>{_x(a.summary)}</description>\n"
        "    </item>\n"
    )


def rss(site: OutletSite) -> str:
    entries = site.listed_entries()
    last = max((e.article.last_modified for e in entries), default=site.clock.now())
    items = "".join(_rss_item(site, e) for e in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "  <channel>\n"
        f"    <title>{_x(site.outlet.name)} - Toute l'actualité</title>\n"
        f"    <link>{_x(site.url('/'))}</link>\n"
        f'    <atom:link href="{_x(site.url("/rss.xml"))}" rel="self" type="application/rss+xml"/>\n'
        f"    <description>Les derniers articles de {_x(site.outlet.name)}</description>\n"
        "    <language>fr-FR</language>\n"
        f"    <lastBuildDate>{dates.rfc822(last)}</lastBuildDate>\n"
        f"{items}"
        "  </channel>\n"
        "</rss>\n"
    )


# --------------------------------------------------------------------------- Atom


def atom(site: OutletSite) -> str:
    entries = site.page_entries()
    last = max((e.article.last_modified for e in entries), default=site.clock.now())
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">\n',
        f"  <title>{_x(site.outlet.name)}</title>\n",
        f'  <link rel="self" href="{_x(site.url("/atom.xml"))}"/>\n',
        f'  <link rel="alternate" type="text/html" href="{_x(site.url("/"))}"/>\n',
        f"  <id>{_x(site.url('/'))}</id>\n  <updated>{dates.rfc3339(last)}</updated>\n",
    ]
    for e in entries:
        a = e.article
        authors = (
            "".join(f"    <author><name>{_x(n)}</name></author>\n" for n in a.authors)
            or f"    <author><name>{_x(site.outlet.name)}</name></author>\n"
        )
        link = entry_link(site, e)
        parts.append(
            "  <entry>\n"
            f'    <title type="text">{_x(a.title)}</title>\n'
            f'    <link rel="alternate" type="text/html" href="{_x(link)}"/>\n'
            f"    <id>tag:{site.outlet.id}.example,{dates.paris(a.published):%Y-%m-%d}:{_x(a.slug)}</id>\n"
            f"    <published>{dates.rfc3339(a.published)}</published>\n"
            f"    <updated>{dates.rfc3339(a.last_modified)}</updated>\n"
            f"{authors}"
            f'    <category term="{_x(a.section)}"/>\n'
            f'    <summary type="text">{_x(a.summary)}</summary>\n'
            "  </entry>\n"
        )
    parts.append("</feed>\n")
    return "".join(parts)


# --------------------------------------------------------------------------- sitemaps

SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
YEARLY_RE = re.compile(r"^/sitemap-(\d{4})(?:-(\d+))?\.xml$")


def yearly_files(site: OutletSite) -> dict[str, list[Entry]]:
    """``/sitemap-<year>[-<n>].xml`` → entries (oldest first), ≤ page size per file."""
    by_year: dict[int, list[Entry]] = {}
    for e in reversed(site.page_entries()):
        by_year.setdefault(dates.paris(e.article.published).year, []).append(e)
    files: dict[str, list[Entry]] = {}
    size = site.settings.sitemap_page_size
    for year in sorted(by_year):
        chunk = by_year[year]
        for i in range(0, len(chunk), size):
            n = i // size + 1
            name = f"/sitemap-{year}.xml" if n == 1 else f"/sitemap-{year}-{n}.xml"
            files[name] = chunk[i : i + size]
    return files


def sitemap_index(site: OutletSite) -> str:
    rows = [
        f"  <sitemap>\n    <loc>{_x(site.url('/sitemap-news.xml'))}</loc>\n"
        f"    <lastmod>{dates.rfc3339(site.last_modified())}</lastmod>\n  </sitemap>\n"
    ]
    for name, entries in yearly_files(site).items():
        last = max(e.article.last_modified for e in entries)
        rows.append(
            f"  <sitemap>\n    <loc>{_x(site.url(name))}</loc>\n"
            f"    <lastmod>{dates.rfc3339(last)}</lastmod>\n  </sitemap>\n"
        )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {SITEMAP_NS}>\n{"".join(rows)}</sitemapindex>\n'


def keywords(text: str, section: str) -> str:
    found = [k for k in KEYWORDS if k.lower() in text.lower()]
    return ", ".join([section.replace("-", " ")] + found)


def sitemap_news(site: OutletSite) -> str:
    rows = []
    for e in site.page_entries()[:NEWS_SITEMAP_SIZE]:
        a = e.article
        rows.append(
            "  <url>\n"
            f"    <loc>{_x(entry_link(site, e))}</loc>\n"
            "    <news:news>\n"
            "      <news:publication>\n"
            f"        <news:name>{_x(site.outlet.name)}</news:name>\n"
            f"        <news:language>{_x(a.lang)}</news:language>\n"
            "      </news:publication>\n"
            f"      <news:publication_date>{dates.rfc3339(a.published)}</news:publication_date>\n"
            f"      <news:title>{_x(a.title)}</news:title>\n"
            f"      <news:keywords>{_x(keywords(a.title + ' ' + a.summary, a.section))}</news:keywords>\n"
            "    </news:news>\n"
            "  </url>\n"
        )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SITEMAP_NS} {NEWS_NS}>\n{"".join(rows)}</urlset>\n'


def sitemap_yearly(site: OutletSite, entries: list[Entry]) -> str:
    rows = [
        f"  <url>\n    <loc>{_x(entry_link(site, e))}</loc>\n"
        f"    <lastmod>{dates.rfc3339(e.article.last_modified)}</lastmod>\n"
        "    <changefreq>monthly</changefreq>\n  </url>\n"
        for e in entries
    ]
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {SITEMAP_NS}>\n{"".join(rows)}</urlset>\n'
