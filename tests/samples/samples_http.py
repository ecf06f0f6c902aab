"""Small HTTP and parsing helpers for the mini-web tests (urllib + lxml)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree, html


@dataclass
class Fetched:
    status: int
    headers: Message
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        import json

        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_plain = urllib.request.build_opener(_NoRedirect)
_follow = urllib.request.build_opener()


def fetch(
    url: str, headers: dict[str, str] | None = None, follow: bool = True, method: str = "GET", timeout: float = 30
) -> Fetched:
    req = urllib.request.Request(url, headers={"User-Agent": "miniweb-tests/1.0", **(headers or {})}, method=method)
    try:
        with (_follow if follow else _plain).open(req, timeout=timeout) as resp:
            return Fetched(resp.status, resp.headers, resp.read(), resp.geturl())
    except urllib.error.HTTPError as err:
        return Fetched(err.code, err.headers, err.read(), url)


def xml_root(body: bytes, recover: bool = True):
    parser = etree.XMLParser(recover=recover, resolve_entities=False)
    return etree.fromstring(body, parser)


def local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def rss_links(body: bytes) -> list[str]:
    root = xml_root(body)
    out = []
    for item in root.iter("item"):
        link = item.findtext("link")
        if link:
            out.append(link.strip())
    return out


def atom_links(body: bytes) -> list[str]:
    root = xml_root(body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    return [link.get("href") for link in root.findall("a:entry/a:link[@rel='alternate']", ns)]


def sitemap_links(index_url: str) -> tuple[list[str], list[str]]:
    """(page URLs, sitemap file URLs) reached from a sitemap index, recursively."""
    pages, files, todo = [], [], [index_url]
    while todo:
        url = todo.pop(0)
        files.append(url)
        root = xml_root(fetch(url).body)
        locs = [el.text.strip() for el in root.iter() if local(el.tag) == "loc" and el.text]
        if local(root.tag) == "sitemapindex":
            todo += locs
        else:
            pages += locs
    return pages, files


def search_links(
    base: str, query: str, result_selector: str, next_selector: str, max_pages: int = 1000
) -> tuple[list[str], int]:
    """Result links over every page, following the next link; (links, pages seen)."""
    url = f"{base}/recherche?{urlencode({'q': query, 'page': 1})}"
    links, pages = [], 0
    while url and pages < max_pages:
        doc = html.fromstring(fetch(url).body)
        pages += 1
        links += [urljoin(url, a.get("href")) for a in doc.cssselect(result_selector)]
        nxt = doc.cssselect(next_selector)
        url = urljoin(url, nxt[0].get("href")) if nxt else None
    return links, pages


def strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
    return urlunsplit(parts._replace(query=urlencode(query)))


def canonical(url: str) -> str:
    """Clean URL of an article link: tracking parameters out, AMP copies resolved."""
    url = strip_tracking(url)
    parts = urlsplit(url)
    if parts.path.startswith("/amp/"):
        doc = html.fromstring(fetch(url).body)
        return doc.xpath("//link[@rel='canonical']/@href")[0]
    return url
