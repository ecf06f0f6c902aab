"""Titles without the outlet's name, bylines as lists of people, the text's language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import extract_page
from crawler.language import text_language
from crawler.names import clean_authors, strip_site_name
from samples.miniweb.render import render_article
from samples.miniweb.server import MiniWeb

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
FETCHED = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "title,names,url,expected",
    [
        ("Procès de Mazan : le verdict | Le Monde", ["Le Monde"], None, "Procès de Mazan : le verdict"),
        ("Fermeture de coco.gg - Le Courrier de Provence", ["Le Courrier de Provence"], None, "Fermeture de coco.gg"),
        ("Le Monde.fr - Mazan : le verdict", ["Le Monde"], None, "Mazan : le verdict"),
        (
            "Guet-apens à Grande-Synthe – La Voix du Nord",
            [],
            "https://www.lavoixdunord.fr/12/article",
            "Guet-apens à Grande-Synthe",
        ),
        ("Mazan : le verdict - LeMonde.fr", [], "https://www.lemonde.fr/societe/article/x.html", "Mazan : le verdict"),
        ("20 Minutes - Le tchat fermé | 20minutes.fr", ["20 Minutes"], None, "Le tchat fermé"),
        # a hyphen inside a word, or a segment that is not the outlet's name, stays
        ("Grande-Synthe : un guet-apens mortel", ["La Voix du Nord"], None, "Grande-Synthe : un guet-apens mortel"),
        ("Valenciennes : onze hommes jugés", ["Le Monde"], None, "Valenciennes : onze hommes jugés"),
    ],
)
def test_the_outlets_name_is_not_part_of_the_title(title, names, url, expected):
    assert strip_site_name(title, names, url) == expected


@pytest.mark.parametrize(
    "raw,authors,wires",
    [
        (
            ["Par Claire Vasseur et Julien Marchetti, le 27/06/2024 à 08h15 (claire.vasseur@gazette.example)"],
            ["Claire Vasseur", "Julien Marchetti"],
            [],
        ),
        (["Le Figaro et AFP"], ["Le Figaro"], ["AFP"]),
        (["Le Quotidien avec AFN"], ["Le Quotidien"], ["AFN"]),
        (["Marie Dupont (avec AFP)"], ["Marie Dupont"], ["AFP"]),
        (["By John Smith and Jane Doe"], ["John Smith", "Jane Doe"], []),
        (["Anne-Sophie Martin, Paul de La Tour ; Jean Bon"], ["Anne-Sophie Martin", "Paul de La Tour", "Jean Bon"], []),
        (["Élodie Caron | Mardi 12 juin 2024 à 17h40"], ["Élodie Caron"], []),
        (["Publié le 3 mai 2024 à 10h05"], [], []),
        (["Agence France-Presse"], [], ["AFP"]),
    ],
)
def test_bylines_become_people_without_dates_addresses_or_agencies(raw, authors, wires):
    assert clean_authors(raw) == (authors, wires)


def test_a_saved_page_gives_its_clean_title_and_its_two_authors():
    page = extract_page(
        (PAGES / "tribune.html").read_bytes(),
        "https://www.gazette-littoral.example/opinions/tchats-anonymes",
        "text/html",
        FETCHED,
    )
    assert page.title == "Tchats anonymes : la loi doit protéger les mineurs"
    assert page.authors == ["Claire Vasseur", "Julien Marchetti"]
    assert page.site_name == "La Gazette du Littoral"


def test_a_wire_agency_is_kept_apart_from_the_authors():
    web = MiniWeb()
    site = web.sites["lequotidien"]
    site.base_url = "https://www.lequotidien.example"
    entry = next(e for e in site.entries if e.article.slug == "la-justice-fait-fermer-coco-gg")
    page = extract_page(render_article(site, entry).encode(), site.url(entry.path), "text/html", FETCHED)
    assert page.authors == ["Le Quotidien"] and page.metadata["wire"] == "AFN"


SPANISH = (
    "Medio centenar de hombres serán juzgados en Aviñón por haber violado a una mujer a la que su marido "
    "drogaba durante casi diez años. El marido reclutaba a los participantes en un sitio de chat sin "
    "registro, según la investigación, y filmaba las agresiones. El juicio debe durar cuatro meses y "
    "la víctima ha pedido que las audiencias sean públicas."
)
FRENCH = (
    "Une cinquantaine d'hommes seront jugés à Avignon pour avoir violé une femme que son mari droguait "
    "depuis près de dix ans. Le mari recrutait les participants sur un site de discussion sans "
    "inscription, selon l'enquête, et filmait les agressions. Le procès doit durer quatre mois."
)


def test_the_text_overrules_a_declaration_it_contradicts():
    assert text_language(SPANISH, "fr") == "es"
    assert text_language(FRENCH, "en") == "fr"
    assert text_language(FRENCH, None) == "fr"
    assert text_language("Coco fermé.", "fr") == "fr"  # too short to contradict anything


def test_the_sample_spanish_article_is_not_stored_as_french():
    web = MiniWeb()
    site = web.sites["infocontinu"]
    site.base_url = "https://www.infocontinu.example"
    entry = next(e for e in site.entries if e.article.lang == "es")
    page = extract_page(render_article(site, entry).encode(), site.url(entry.path), "text/html", FETCHED)
    assert page.lang == "es" and page.metadata["declared_lang"] == "fr"
