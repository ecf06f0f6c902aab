"""Deterministic French filler articles for benchmarks (``MiniWeb(filler=N)``).

Half of them (``on_subject`` ratio) mention coco.gg; the others are ordinary local
news. Lengths vary between 300 and 900 words. Same seed, same articles.
"""
from __future__ import annotations

import random
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Sequence

from samples.corpus import Article, Outlet
from samples.miniweb.dates import PARIS

CITIES = ["Lille", "Valenciennes", "Dunkerque", "Roubaix", "Tourcoing", "Avignon", "Carpentras",
          "Orange", "Cavaillon", "Paris", "Lyon", "Marseille", "Douai", "Arras", "Calais"]
FIRST = ["Claire", "Julien", "Sophie", "Karim", "Martine", "Thomas", "Inès", "Nicolas", "Camille",
         "Pierre", "Léa", "Mehdi", "Anne", "François", "Hélène"]
LAST = ["Martin", "Lefebvre", "Roux", "Benali", "Garnier", "Dubois", "Morel", "Fontaine",
        "Laurent", "Mercier", "Girard", "Bonnet", "Lambert", "Faure", "Rousseau"]

ON_TITLES = [
    "{city} : un homme interpellé après des échanges sur le site Coco",
    "Site Coco : une nouvelle enquête ouverte à {city}",
    "Le tchat coco.gg cité dans un dossier jugé à {city}",
    "{city} : un rendez-vous fixé sur Coco tourne au guet-apens",
    "Après la fermeture de coco.gg, les enquêteurs de {city} toujours mobilisés",
]
OFF_TITLES = [
    "{city} : le conseil municipal vote le budget {year}",
    "{city} : les travaux du centre-ville prolongés jusqu'à l'été",
    "{city} : le marché de Noël ouvre ses portes",
    "Football : {city} s'impose à domicile",
    "{city} : un nouveau festival de musique annoncé",
    "{city} : la médiathèque rénovée rouvre au public",
]
ON_SENTENCES = [
    "Selon le parquet, les faits ont commencé par des échanges sur le site de tchat coco.gg.",
    "Les enquêteurs ont retrouvé de nombreux messages échangés sur la plateforme Coco.",
    "Le site coco.gg, fermé en 2024, est cité dans des centaines de procédures judiciaires.",
    "L'avocat de la défense a contesté la lecture faite des conversations retrouvées par les policiers.",
    "Une source proche de l'enquête évoque un mode opératoire déjà observé dans d'autres dossiers.",
    "Le suspect a été placé en garde à vue au commissariat de {city}, a-t-on appris de source policière.",
    "Les associations de protection de l'enfance dénoncent depuis des années l'absence de modération du site.",
    "Le procès devrait se tenir devant le tribunal correctionnel de {city} dans les prochains mois.",
    "Le parquet a ouvert une information judiciaire et un juge d'instruction a été désigné.",
    "Plusieurs victimes présumées ont déposé plainte après avoir été contactées sur le tchat.",
]
OFF_SENTENCES = [
    "Les élus de {city} ont débattu pendant plus de trois heures avant de passer au vote.",
    "Le chantier, lancé au printemps, a pris du retard en raison des intempéries.",
    "Les commerçants du centre-ville se disent soulagés de voir le projet avancer.",
    "La fréquentation est en hausse par rapport à l'an dernier, selon les organisateurs.",
    "Le maire de {city} a salué une décision « attendue par les habitants ».",
    "Les riverains sont invités à une réunion publique le mois prochain.",
    "Le budget de l'opération s'élève à plusieurs millions d'euros, financés en partie par la région.",
    "Les bénévoles de l'association locale se sont mobilisés dès les premières heures.",
    "La circulation sera perturbée dans plusieurs rues du quartier pendant la durée des travaux.",
    "Les supporters ont salué la performance de l'équipe, encore invaincue à domicile.",
]
FILLER_START = datetime(2021, 1, 1, 6, 0, tzinfo=PARIS)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _paragraphs(rng: random.Random, pool: Sequence[str], city: str, words: int) -> str:
    paras, count = [], 0
    while count < words:
        sentences = [rng.choice(pool).format(city=city) for _ in range(rng.randint(3, 6))]
        para = " ".join(sentences)
        paras.append(para)
        count += len(para.split())
    return "\n\n".join(paras)


def generate(n: int, outlets: Sequence[Outlet], seed: int = 1, on_subject: float = 0.5,
             end: datetime | None = None) -> list[Article]:
    """n filler articles spread round-robin-ish over ``outlets``."""
    rng = random.Random(seed)
    end = end or datetime(2025, 12, 1, tzinfo=PARIS)
    span = int((end - FILLER_START).total_seconds())
    articles = []
    for i in range(n):
        outlet = outlets[rng.randrange(len(outlets))]
        on = rng.random() < on_subject
        city = rng.choice(CITIES)
        published = FILLER_START + timedelta(seconds=rng.randrange(span))
        published = published.replace(second=0, microsecond=0)
        title = rng.choice(ON_TITLES if on else OFF_TITLES).format(city=city, year=published.year)
        words = rng.randint(300, 900)
        body = _paragraphs(rng, ON_SENTENCES if on else OFF_SENTENCES, city, words)
        summary = (f"À {city}, une affaire liée au site coco.gg mobilise les enquêteurs."
                   if on else f"Actualité locale à {city}.")
        section = rng.choice(outlet.sections) if outlet.sections else "actualite"
        authors = (f"{rng.choice(FIRST)} {rng.choice(LAST)}",) if rng.random() < 0.8 else ()
        articles.append(Article(
            outlet=outlet.id, slug=f"{slugify(title)[:60].rstrip('-')}-f{i}", title=title,
            published=published, summary=summary, body=body, authors=authors, section=section,
            kind="press_release" if outlet.type == "association" else "article",
            topic="coco" if on else "offtopic", filler=True,
        ))
    return articles
