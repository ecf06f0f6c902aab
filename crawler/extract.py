"""From fetched bytes to an article: text, title, authors, dates, site, language.

trafilatura finds the body text and guesses metadata; what the page declares
(JSON-LD, then OpenGraph and meta tags) wins over those guesses; a French byline
(« Publié le 25/04/2024 à 18h32 », « il y a 3 heures » against the fetch time)
comes next, then the dates a feed or sitemap gave, then htmldate's guess.

``extract_page`` is a pure function of its arguments, so the crawler can run it in
worker processes while Scrapy keeps downloading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from crawler import metadata as markup
from crawler.encoding import decode_html, strip_xml_declaration
from crawler.frdates import byline_dates, parse_date
from crawler.language import text_language
from crawler.names import clean_authors, strip_site_name
from crawler.subject import fold

MIN_TEXT_CHARS = 80


class ExtractionError(Exception):
    """A page with nothing to extract; ``kind`` names the failure for the crawl report."""

    def __init__(self, kind: str, reason: str):
        super().__init__(kind, reason)  # both in args: the error crosses process boundaries
        self.kind, self.reason = kind, reason

    def __str__(self) -> str:
        return self.reason


@dataclass
class Extracted:
    title: str | None
    text: str
    description: str | None
    authors: list[str]
    published_at: datetime | None
    modified_at: datetime | None
    lang: str | None
    site_name: str | None
    canonical_link: str | None
    tdm_reservation: bool | None
    metadata: dict = field(default_factory=dict)
    encoding_note: str | None = None
    kind: str = "article"  # or press_release


# Pre-pruning removes only what it can name precisely: consent banners by their markup
# (a class or id word that begins with a consent vendor's name, or with consent, cookie,
# rgpd, gdpr: « rgpd-overlay », id « consent »), and the page's furniture (sharing
# buttons, breadcrumbs, bylines, lists of links, the paywall's « la suite est réservée
# aux abonnés ») when the element holds no article paragraph. Everything else is
# trafilatura's job: class-name substrings (« comment » in « commentary », « paywall »
# on the element that wraps a free article, « sidebar » on a layout column) removed
# whole articles.
_CONSENT = re.compile(
    r"(?:^|[\s_])(?:didomi|tarteaucitron|onetrust|qc-cmp|cmpbox|cmpwrapper|sp_message|"
    r"sd-cmp|axeptio|consent|cookie|rgpd|gdpr)",
    re.I,
)
_FURNITURE_WORDS = {
    "breadcrumb",
    "breadcrumbs",
    "ariane",
    "share",
    "sharing",
    "partage",
    "social",
    "byline",
    "signature",
    "author",
    "authors",
    "auteur",
    "auteurs",
    "date",
    "dates",
    "credits",
    "related",
    "tags",
    "tag",
    "rubrique",
    "surtitre",
    "kicker",
    "newsletter",
    "lire-aussi",
    "a-lire",
    "plus-lus",
    "plus-lu",
    "meta",
    "infos",
    "cat-links",
    "player",
    "duree",
    "pub",
    "cmp",
    "type",
    "contact",
    "apropos",
    "a-propos",
    "about",
    "widget",
    "encart",
    "similaire",
    "paywall",
}
_WORD_SPLIT = re.compile(r"[\s_]+|--")
_ARTICLE_PARAGRAPH = 150  # characters: a <p> this long is article text, never furniture


def _marks(attrs: str) -> list[str]:
    """Class and id tokens, and their dash-separated words (« share-buttons » → « share »,
    « lieu-date » → « date »): whole words, never a substring (« commentary » is no « comment »)."""
    tokens = []
    for token in _WORD_SPLIT.split(attrs.lower()):
        if token:
            tokens.append(token)
            if "-" in token:
                tokens += token.split("-")
    return tokens


def remove_comments(tree) -> None:
    """HTML comments out of the tree, their tail text kept: left in, they split a
    paragraph's text and trafilatura dropped the pieces."""
    for comment in tree.xpath("//comment()"):
        parent = comment.getparent()
        if parent is not None:
            _remove_keeping_tail(comment, parent)


def prune_boilerplate(tree) -> None:
    """Remove the title, consent banners, and the page furniture that holds no article
    paragraph (bylines, dates, sharing, breadcrumbs, lists of links) before text
    extraction: they are metadata (read before) or noise, not the article."""
    remove_comments(tree)
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    size: dict = {}
    linked: dict = {}
    links: dict = {}
    prose: dict = {}  # does the element hold an article paragraph?
    for el in reversed(elements):  # descendants before their ancestors: one pass, no re-reading
        total, in_links, n_links, holds = len(el.text or ""), 0, 0, False
        for child in el:
            if isinstance(child.tag, str):
                total += size[child]
                in_links += linked[child]
                n_links += links[child]
                holds = holds or prose[child]
            total += len(child.tail or "")
        if el.tag == "a":
            in_links, n_links = total, n_links + 1
        if el.tag == "p" and total - in_links >= _ARTICLE_PARAGRAPH:
            holds = True
        size[el], linked[el], links[el], prose[el] = total, in_links, n_links, holds
    doomed = []
    for el in elements:
        tag, length = el.tag, size[el]
        if tag in ("html", "body", "head"):
            continue
        css, ident = el.get("class"), el.get("id")
        attrs = f"{css or ''} {ident or ''}" if css or ident else ""
        if attrs and _CONSENT.search(attrs) and (not prose[el] or length < 2000):
            doomed.append(el)  # a banner may say more than a paragraph; it is never a whole article
            continue
        if prose[el]:
            continue  # never an element that holds article text, whatever its name
        if tag == "h1" and length < 400:  # an unclosed <h1> holds the page: keep that one
            doomed.append(el)
        elif tag in ("aside", "nav") and length < 3000:
            doomed.append(el)
        elif (
            tag in ("div", "ul", "ol", "section")
            and links[el] >= 2
            and 0 < length <= 2000
            and linked[el] >= 0.7 * length
        ):
            doomed.append(el)  # « À lire aussi », « Autres infos »: a block of links
        elif attrs and length < 1200 and not _FURNITURE_WORDS.isdisjoint(_marks(attrs)):
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            _remove_keeping_tail(el, parent)


def _remove_keeping_tail(el, parent) -> None:
    tail = el.tail
    previous = el.getprevious()
    parent.remove(el)
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _repair_unclosed_title(text: str, tree):
    """An unclosed <title> swallows the whole page (as in a browser): close it at the line's end."""
    title = tree.find(".//title")
    if title is None or len(title.text or "") < 500:
        return tree
    repaired = re.sub(r"(<title[^>]*>[^<\n]*)", r"\1</title>", text, count=1, flags=re.I)
    fixed = markup.parse_document(repaired)
    return fixed if fixed is not None else tree


def document_kind(tree) -> str:
    """press_release when the page labels itself « Communiqué de presse »."""
    for n, el in enumerate(tree.iter("p", "span", "div", "strong", "b", "h2", "h3", "header")):
        if n > 400:
            break
        text = el.text
        if not text or "ommuniq" not in text.lower():  # the usual element: no folding needed
            continue
        own = fold(" ".join(text.split())).rstrip(" :.")
        if own in ("communique de presse", "communique"):
            return "press_release"
    return "article"


def _trafilatura(tree, url: str) -> dict:
    import trafilatura

    # Metadata comes from the markup (crawler/metadata.py): trafilatura only finds the text.
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
    )
    if doc is None:
        return {}
    return doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)


def _htmldate(html_text: str, url: str) -> datetime | None:
    """htmldate's guess, the last resort: a date only, read as midnight in Paris."""
    from htmldate import find_date

    try:
        found = find_date(html_text, url=url, extensive_search=True, original_date=True)
    except Exception:  # noqa: BLE001 - a guess that fails is no date, not a failed page
        return None
    return markup.parse_iso(found) if found else None


def _clean_text(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _with_standfirst(text: str, description: str | None, visible: str) -> str:
    """Outlets print their standfirst above the body, where extraction often leaves it out."""
    if not description or len(description) < 40:
        return text
    probe = " ".join(description.split())[:80]
    if probe in text or probe not in visible:
        return text
    return f"{' '.join(description.split())}\n{text}"


def extract_page(
    body: bytes, url: str, content_type: str | None, fetched_at: datetime, hints: dict | None = None
) -> Extracted:
    """Extract an article from a page. ``hints`` are what a feed or sitemap said about it
    (``published``, ``modified`` as datetimes, ``title``, ``keywords``)."""
    hints = hints or {}
    if not body or not body.strip():
        raise ExtractionError("empty", "page vide (0 octet)" if not body else "page vide")
    decoded = decode_html(body, content_type)
    html_text = strip_xml_declaration(decoded.text)
    tree = markup.parse_document(html_text)
    if tree is None:
        raise ExtractionError("parse", "page illisible (HTML impossible à analyser)")
    tree = _repair_unclosed_title(html_text, tree)
    meta = markup.read(tree, url)
    kind = document_kind(tree)
    byline = markup.byline_text(tree)
    stamped = markup.time_stamp(tree)
    visible = " ".join(tree.text_content().split()) if len(body) < 3_000_000 else ""
    prune_boilerplate(tree)
    found = _trafilatura(tree, url)
    text = _clean_text(found.get("text") or "")
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractionError("no_text", "aucun texte d'article extrait de la page")
    text = _with_standfirst(text, meta.description, visible)

    published, modified, date_source = meta.published, meta.modified, meta.sources.get("published")
    line_published, line_modified = byline_dates(byline, fetched_at) if byline else (None, None)
    if published is None and stamped is not None:
        published, date_source = stamped, "time"
    if published is None and line_published is not None:
        published, date_source = line_published, "byline"
    if published is None and byline:
        first_date = parse_date(byline, fetched_at)
        if first_date is not None:
            published, date_source = first_date, "byline"
    if published is None and hints.get("published"):
        published, date_source = hints["published"], "listing"
    if published is None:
        published = _htmldate(html_text, url)
        date_source = "htmldate" if published else None
    if modified is None:
        modified = line_modified
    if modified is not None and published is not None and modified <= published:
        modified = None

    title = strip_site_name(meta.title or found.get("title") or hints.get("title"), meta.site_names, url)
    authors, wires = meta.authors, meta.wires
    if not authors and not wires:
        authors, wires = clean_authors((found.get("author") or "").split(";"))
    lang = text_language(text, meta.lang)
    details = {
        "date_source": date_source,
        "title_source": meta.sources.get("title", "trafilatura"),
        "section": meta.section or hints.get("section"),
        "keywords": meta.keywords or hints.get("keywords") or [],
        "description": meta.description,
        "paywall": meta.free is False or None,
        "encoding": decoded.encoding,
        "wire": wires[0] if len(wires) == 1 else wires,
        "declared_lang": meta.lang if meta.lang != lang else None,
    }
    return Extracted(
        title=" ".join(title.split()) or None if title else None,
        text=text,
        description=meta.description,
        authors=list(dict.fromkeys(authors)),
        published_at=published,
        modified_at=modified,
        lang=lang,
        site_name=meta.site_name,
        canonical_link=meta.canonical,
        tdm_reservation=meta.tdm_reservation,
        metadata={k: v for k, v in details.items() if v not in (None, [], "")},
        encoding_note=decoded.note,
        kind=kind,
    )
