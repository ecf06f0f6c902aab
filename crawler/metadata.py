"""What a page says about itself in markup: JSON-LD, OpenGraph and other meta tags,
``<link rel=canonical>``, ``<html lang>``, TDMRep's meta tag, and its visible byline.

These win over guesses from the text: an outlet's own ``datePublished`` is exact
to the second, while a date found in the text may be any date the article quotes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from lxml import html as lxml_html

from crawler.names import clean_authors, strip_site_name

PARIS = ZoneInfo("Europe/Paris")
ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "socialmediaposting",
}
_DATEISH = re.compile(r"date|time|byline|publi|signature|meta|info|auteur|author|updated|dateline|credit", re.I)
_COMMENTISH = re.compile(r"comment|reaction|forum|reply|respon", re.I)


@dataclass
class PageMeta:
    title: str | None = None
    headline: str | None = None  # JSON-LD headline: sometimes an SEO variant of the title
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    site_name: str | None = None
    site_names: list[str] = field(default_factory=list)  # every name the page gives its outlet
    wires: list[str] = field(default_factory=list)  # agencies of « avec AFP »
    lang: str | None = None
    section: str | None = None
    keywords: list[str] = field(default_factory=list)
    canonical: str | None = None
    free: bool | None = None  # schema.org isAccessibleForFree
    tdm_reservation: bool | None = None
    tdm_policy: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # field -> jsonld | opengraph | meta


def parse_iso(value) -> datetime | None:
    """An ISO 8601 date as outlets write it; naive times are Paris time."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", value.strip()) else value.strip()
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=PARIS)


def _names(value) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"\s*[,;]\s*", value) if v.strip()]
    if isinstance(value, dict):
        name = value.get("name")
        return _names(name) if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _types(obj: dict) -> set[str]:
    t = obj.get("@type", [])
    return {x.lower() for x in ([t] if isinstance(t, str) else t if isinstance(t, list) else []) if isinstance(x, str)}


def _walk(data):
    if isinstance(data, list):
        for x in data:
            yield from _walk(x)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in data:
                yield from _walk(data[key])


def _jsonld(tree, meta: PageMeta) -> None:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue  # a broken block (a raw « </script> » in a headline) is ignored, not trusted
        for obj in _walk(data):
            types = _types(obj)
            if "website" in types or "organization" in types or "newsmediaorganization" in types:
                if isinstance(obj.get("name"), str) and obj["name"].strip():
                    meta.site_names.append(obj["name"].strip())
                    if not meta.site_name:
                        meta.site_name = obj["name"].strip()
                        meta.sources["site_name"] = "jsonld"
            if not types & ARTICLE_TYPES:
                continue
            headline = obj.get("headline") or obj.get("name")
            if isinstance(headline, str) and headline.strip():
                meta.headline = meta.headline or headline.strip()
            _set(meta, "description", obj.get("description"), "jsonld")
            _set(meta, "published", parse_iso(obj.get("datePublished")), "jsonld")
            _set(meta, "modified", parse_iso(obj.get("dateModified")), "jsonld")
            if not meta.authors and _names(obj.get("author")):
                meta.authors = _names(obj.get("author"))
                meta.sources["authors"] = "jsonld"
            publisher = obj.get("publisher")
            if isinstance(publisher, dict):
                _set(meta, "site_name", publisher.get("name"), "jsonld")
                if isinstance(publisher.get("name"), str):
                    meta.site_names.append(publisher["name"].strip())
            lang = obj.get("inLanguage")
            _set(meta, "lang", lang if isinstance(lang, str) else None, "jsonld")
            section = obj.get("articleSection")
            _set(meta, "section", section[0] if isinstance(section, list) and section else section, "jsonld")
            keywords = obj.get("keywords")
            if keywords and not meta.keywords:
                meta.keywords = [
                    k.strip()
                    for k in (keywords.split(",") if isinstance(keywords, str) else keywords)
                    if isinstance(k, str) and k.strip()
                ]
            if meta.free is None and isinstance(obj.get("isAccessibleForFree"), (bool, str)):
                meta.free = str(obj["isAccessibleForFree"]).lower() not in ("false", "0")


def _set(meta: PageMeta, name: str, value, source: str) -> None:
    if isinstance(value, str):
        value = value.strip() or None
    if value is not None and getattr(meta, name) is None:
        setattr(meta, name, value)
        meta.sources[name] = source


def _meta_tags(tree, meta: PageMeta) -> None:
    tags: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content is not None:
            tags.setdefault(key, []).append(content.strip())

    def first(*keys):
        for k in keys:
            for v in tags.get(k, []):
                if v:
                    return v
        return None

    _set(meta, "title", first("og:title", "twitter:title"), "opengraph")
    _set(meta, "description", first("og:description", "description", "twitter:description"), "opengraph")
    _set(
        meta,
        "published",
        parse_iso(
            first(
                "article:published_time",
                "og:article:published_time",
                "datepublished",
                "date",
                "pubdate",
                "publish-date",
                "dc.date.issued",
                "dcterms.created",
            )
        ),
        "opengraph",
    )
    _set(
        meta,
        "modified",
        parse_iso(first("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")),
        "opengraph",
    )
    _set(meta, "site_name", first("og:site_name", "application-name"), "opengraph")
    meta.site_names += [v for k in ("og:site_name", "application-name", "twitter:site") for v in tags.get(k, []) if v]
    _set(meta, "section", first("article:section"), "opengraph")
    locale = first("og:locale", "language", "content-language")
    _set(meta, "lang", locale, "opengraph")
    if not meta.authors:
        authors = [a for a in tags.get("article:author", []) + tags.get("author", []) if a and "://" not in a]
        if authors:
            meta.authors = list(dict.fromkeys(n for a in authors for n in _names(a)))
            meta.sources["authors"] = "meta"
    if not meta.keywords:
        tags_kw = tags.get("article:tag", []) or (first("news_keywords", "keywords") or "").split(",")
        meta.keywords = [k.strip() for k in tags_kw if k.strip()]
    reservation = first("tdm-reservation")
    if reservation is not None:
        meta.tdm_reservation = reservation.strip() == "1"
        meta.tdm_policy = first("tdm-policy")


def read(tree, url: str | None = None) -> PageMeta:
    """Everything the markup of ``tree`` (an lxml HTML document) declares; ``url``, the
    page's address, tells the outlet's name in its title (lemonde.fr: « | Le Monde »)."""
    meta = PageMeta()
    _jsonld(tree, meta)
    _meta_tags(tree, meta)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            meta.canonical = link.get("href").strip()
            break
    if not meta.lang:
        root_lang = tree.getroottree().getroot().get("lang") or tree.getroottree().getroot().get("xml:lang")
        _set(meta, "lang", root_lang, "html")
    if meta.lang:
        meta.lang = meta.lang.replace("_", "-").split("-")[0].lower()[:3] or None
    if not meta.title and meta.headline:
        _set(meta, "title", meta.headline, "jsonld")
    if not meta.title:
        h1 = [" ".join(h.text_content().split()) for h in tree.iter("h1")]
        h1 = [h for h in h1 if 0 < len(h) < 250]  # an unclosed <h1> swallows the page
        text = h1[0] if h1 else " ".join((tree.findtext(".//title") or "").split())[:250]
        _set(meta, "title", text or None, "html")
    meta.site_names = list(dict.fromkeys(n.lstrip("@") for n in meta.site_names if n))
    meta.title = strip_site_name(meta.title, meta.site_names, url)
    meta.authors, meta.wires = clean_authors(meta.authors)
    if not meta.authors:
        meta.authors, wires = byline_authors(tree)
        meta.wires = list(dict.fromkeys(meta.wires + wires))
        if meta.authors:
            meta.sources["authors"] = "byline"
    return meta


_AUTHOR_MARK = re.compile(r"author|auteur|byline|signature", re.I)


def byline_authors(tree) -> tuple[list[str], list[str]]:
    """Names of a visible byline (« Par Marie Dupont et Paul Martin »), comments excluded,
    and the wire agencies it names (« avec AFP »)."""
    for el in tree.iter("span", "p", "div", "a", "address", "footer"):
        if not _AUTHOR_MARK.search(f"{el.get('class', '')} {el.get('id', '')} {el.get('rel', '')}"):
            continue
        if any(_COMMENTISH.search(f"{a.get('class', '')} {a.get('id', '')}") for a in el.iterancestors()):
            continue
        text = " ".join(el.text_content().split())
        if not text or len(text) > 150:
            continue
        names, wires = clean_authors([text])
        if names or wires:
            return names[:6], wires
    return [], []


def byline_text(tree, limit: int = 12) -> str:
    """Visible text of the elements that usually carry the dates (« Publié le … »), comments excluded."""
    pieces: list[str] = []
    for el in tree.iter("time", "p", "span", "div", "small", "footer", "header", "address", "li"):
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag != "time" and not _DATEISH.search(attrs):
            continue
        if any(_COMMENTISH.search(f"{a.get('class', '')} {a.get('id', '')}") for a in el.iterancestors()):
            continue
        if _COMMENTISH.search(attrs):
            continue
        text = " ".join(el.text_content().split())
        if el.tag == "time" and el.get("datetime"):
            text = f"{text} [{el.get('datetime')}]"
        if text and len(text) <= 300:
            pieces.append(text)
        if len(pieces) >= limit:
            break
    return " | ".join(pieces)


def parse_document(text: str):
    """An lxml HTML tree of ``text``; None when there is nothing to parse."""
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def time_stamp(tree) -> datetime | None:
    """The publication time of a ``<time datetime>`` element of the byline (comments excluded)."""
    best = None
    for el in tree.iter("time"):
        value = parse_iso(el.get("datetime"))
        if value is None:
            continue
        if any(_COMMENTISH.search(f"{a.get('class', '')} {a.get('id', '')}") for a in el.iterancestors()):
            continue
        marks = f"{el.get('class', '')} {el.get('itemprop', '')}".lower()
        if "updated" in marks or "modified" in marks:
            continue
        if "publi" in marks or "pub" in marks:
            return value
        best = best or value
    return best
