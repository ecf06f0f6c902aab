"""Discovery documents — feeds, sitemaps, search-results pages — parsed into the
links they list, with whatever dates and titles they give. Pure functions of
(bytes, URL): the spiders fetch, these read."""

from crawler.listings.model import Listed, Listing

__all__ = ["Listed", "Listing"]
