"""An outlet's own search-results pages: result links and the next page, found with
the CSS selectors of the source's settings."""

from __future__ import annotations

from urllib.parse import urljoin

from parsel import Selector

from crawler.listings.model import Listed, Listing

DEFAULT_RESULT_SELECTOR = "a.result"
DEFAULT_NEXT_SELECTOR = "a[rel=next]"


def parse_search(
    body: bytes, url: str, result_selector: str | None = None, next_selector: str | None = None, encoding: str = "utf-8"
) -> Listing:
    from crawler.encoding import decode_html

    text = decode_html(body, f"text/html; charset={encoding}").text
    sel = Selector(text=text or "<html></html>", type="html")
    listing = Listing("search")
    seen = set()
    for a in sel.css(result_selector or DEFAULT_RESULT_SELECTOR):
        href = a.attrib.get("href")
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        absolute = urljoin(url, href.strip())
        if absolute not in seen:
            seen.add(absolute)
            title = " ".join("".join(a.css("::text").getall()).split()) or None
            listing.items.append(Listed(absolute, title=title))
    nxt = sel.css(next_selector or DEFAULT_NEXT_SELECTOR)
    if nxt and nxt[0].attrib.get("href"):
        listing.next_url = urljoin(url, nxt[0].attrib["href"].strip())
    return listing
