"""Canonical URLs: one key for every way of linking to an article."""

import pytest

from crawler.urls import canonical_url, fetch_url, page_canonical, same_site, site_of


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.lemonde.fr/societe/article/2024/06/25/coco_123.html",
        "https://www.lemonde.fr/societe/article/2024/06/25/coco_123.html?utm_source=rss&utm_medium=flux",
        "https://www.lemonde.fr/societe/article/2024/06/25/coco_123.html?xtor=RSS-3208&fbclid=abc",
        "https://www.lemonde.fr/societe/article/2024/06/25/coco_123.html#commentaires",
        "https://WWW.LEMONDE.FR:443/societe/article/2024/06/25/coco_123.html",
        "https://www.lemonde.fr/amp/societe/article/2024/06/25/coco_123.html",
        "https://m.lemonde.fr/societe/article/2024/06/25/coco_123.html",
        "https://amp.lemonde.fr/societe/article/2024/06/25/coco_123.html?amp=1",
        "https://www.lemonde.fr/societe/article/2024/06/25/coco_123.html/",
    ],
)
def test_variants_share_one_canonical_url(variant):
    assert canonical_url(variant) == "https://www.lemonde.fr/societe/article/2024/06/25/coco_123.html"


def test_meaningful_query_parameters_are_kept_in_a_stable_order():
    assert canonical_url("https://ex.fr/a?p=2&id=7&utm_campaign=x") == "https://ex.fr/a?id=7&p=2"


def test_fetch_url_keeps_the_path_as_written_but_drops_tracking_and_amp():
    assert (
        fetch_url("http://127.0.0.1:8003/2024/06/25/slug/?utm_source=rss") == "http://127.0.0.1:8003/2024/06/25/slug/"
    )
    assert fetch_url("http://127.0.0.1:8001/amp/societe/x.html") == "http://127.0.0.1:8001/societe/x.html"


def test_rel_canonical_is_followed_only_on_the_same_site():
    page = "https://www.lequotidien.fr/amp/societe/x.html"
    assert page_canonical(page, "/societe/x.html?utm_source=a") == "https://www.lequotidien.fr/societe/x.html"
    assert page_canonical(page, "https://agence.example.com/depeche/1") == "https://www.lequotidien.fr/societe/x.html"


def test_sites_are_registrable_domains_or_host_and_port():
    assert same_site("https://feeds.leparisien.fr/rss", "https://www.leparisien.fr/article")
    assert site_of("https://www.justice.gouv.fr/x") == "justice.gouv.fr"
    assert not same_site("http://127.0.0.1:8001/", "http://127.0.0.1:8002/")
