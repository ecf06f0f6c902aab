"""GDELT's DOC 2.0 API, as a discovery document: article lists that only propose URLs.

The API (``…/api/v2/doc/doc``) searches the world's online news of the last three
months. With ``mode=artlist&format=json`` it answers ``{"articles": [{"url", "title",
"seendate": "20240625T120000Z", "domain", "language", "sourcecountry", …}]}``, at most
``maxrecords`` (250) of them, newest first with ``sort=datedesc``; a refused query
(bad syntax, too many requests) comes back as a line of plain text instead. Dates are
when GDELT saw the article, not when it was published: they are not kept (the page says
when it was published).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

from crawler.listings.model import Listed, Listing

MAX_RECORDS = 250  # the API's ceiling per request
LANGUAGES = {"French": "fr", "English": "en", "Spanish": "es"}


def gdelt_query(phrases: list[str], language: str = "french") -> str:
    """The API's query for any of ``phrases`` in articles of ``language`` (sourcelang)."""
    quoted = [
        f'"{p.strip()}"' if " " in p.strip() or "." in p.strip() else p.strip()
        for p in dict.fromkeys(phrases)
        if p.strip()
    ]
    terms = quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"
    return f"{terms} sourcelang:{language}"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def api_url(base: str, query: str, start: datetime, end: datetime, max_records: int = MAX_RECORDS) -> str:
    params = {
        "query": query,
        "mode": "artlist",
        "format": "json",
        "sort": "datedesc",
        "maxrecords": str(max_records),
        "startdatetime": stamp(start),
        "enddatetime": stamp(end),
    }
    return f"{base}?{urlencode(params)}"


def parse_gdelt(body: bytes, url: str) -> Listing:
    """The proposed articles; kind ``unknown`` with GDELT's own message when it refused the query."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return Listing("gdelt")  # nothing found: the API answers an empty body
    try:
        data = json.loads(text, strict=False)  # titles may hold raw control characters
    except ValueError:
        return Listing("unknown", problems=[f"l'API GDELT a répondu : {' '.join(text.split())[:200]}"])
    articles = data.get("articles", []) if isinstance(data, dict) else None
    if not isinstance(articles, list):
        return Listing("unknown", problems=["réponse JSON de l'API GDELT sans liste « articles »"])
    listing = Listing("gdelt")
    for entry in articles:
        link = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            listing.problems.append(f"article sans adresse http(s) ignoré : {str(entry)[:80]}")
            continue
        title = entry.get("title")
        listing.items.append(
            Listed(
                link.strip(),
                title=" ".join(title.split()) or None if isinstance(title, str) else None,
                lang=LANGUAGES.get(entry.get("language")),
            )
        )
    return listing
