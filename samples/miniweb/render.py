"""HTML rendering of outlet pages with each outlet's Jinja2 template family."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from samples.corpus import Article
from samples.miniweb import dates

if TYPE_CHECKING:
    from samples.miniweb.site import Entry, OutletSite

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

SECTION_LABELS = {
    "faits-divers": "Faits divers",
    "justice": "Justice",
    "societe": "Société",
    "pixels": "Pixels",
    "politique": "Politique",
    "lille": "Lille",
    "valenciennes": "Valenciennes",
    "dunkerque": "Dunkerque",
    "vaucluse": "Vaucluse",
    "avignon": "Avignon",
    "carpentras": "Carpentras",
    "police-justice": "Police-Justice",
    "tech": "Tech",
    "faits-divers-justice": "Faits divers - Justice",
    "infos-locales": "Infos locales",
    "enquetes": "Enquêtes",
    "numerique": "Numérique",
    "penal": "Pénal",
    "procedure": "Procédure",
    "mineurs": "Mineurs",
    "communiques": "Communiqués",
    "actions": "Nos actions",
    "plaidoyer": "Plaidoyer",
    "international": "International",
}

# Reader comments for Le Décodeur (pseudonym, text); picked per article, deterministically.
COMMENTS = [
    ("Marcel59", "Comment un site pareil a pu rester ouvert aussi longtemps ? Tout le monde savait."),
    ("LaurenceB", "Merci pour cet article très complet, enfin un vrai travail d'enquête."),
    ("jpdu13", "Les plateformes doivent être tenues responsables, point."),
    ("Anonyme_42", "Il faudrait surtout parler des moyens de la police numérique, qui sont ridicules."),
    ("Clémence R.", "Article glaçant. Pensées pour les victimes et leurs familles."),
    ("vieux_lecteur", "On nous refait le coup de l'hébergeur à l'étranger à chaque fois…"),
    ("Sandrine", "Mes enfants sont ados, cet article me fait froid dans le dos."),
    ("Tonio", "Fermé en 2024 seulement ? On se moque de qui ?"),
]


def section_label(section: str) -> str:
    return SECTION_LABELS.get(section, section.replace("-", " ").capitalize())


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        {
            "fr_numeric": dates.fr_numeric,
            "fr_long": dates.fr_long,
            "fr_short": dates.fr_short,
            "rfc3339": dates.rfc3339,
            "paris": dates.paris,
            "section_label": section_label,
            "fr_day": lambda d: dates.fr_long(d, with_time=False),
            "fr_weekday": lambda d: dates.fr_long(d, with_time=True, weekday=True),
        }
    )
    return env


ENV = _environment()


@dataclass
class Block:
    heading: bool
    text: str


@dataclass
class ArticleView:
    """What an article template sees."""

    title: str
    summary: str
    blocks: list[Block]
    authors: tuple[str, ...]
    published: datetime
    modified: datetime | None
    section: str
    url: str
    path: str
    lang: str
    kind: str
    amp_url: str | None = None
    paywalled: bool = False  # text cut after 2 paragraphs
    remaining_pct: int = 0
    body_html: Markup | None = None  # hostile pages: trusted HTML body
    related: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, str]] = field(default_factory=list)
    jsonld: Markup | None = None
    number: int = 0  # CMS-style numeric id


def _blocks(article: Article) -> list[Block]:
    out = []
    for para in article.paragraphs:
        if para.startswith("## "):
            out.append(Block(True, para[3:].strip()))
        else:
            out.append(Block(False, para))
    return out


def jsonld_for(site: OutletSite, entry: Entry, raw: bool = False) -> Markup:
    """JSON-LD ``NewsArticle`` in the outlet's dialect; ``raw`` leaves ``</script>`` unescaped."""
    a = entry.article
    url = site.url(entry.path)
    persons = [{"@type": "Person", "name": n} for n in a.authors]
    publisher = {
        "@type": "Organization",
        "name": site.outlet.name,
        "logo": {"@type": "ImageObject", "url": site.url("/static/logo.png")},
    }
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.summary,
        "datePublished": dates.rfc3339(a.published),
        "dateModified": dates.rfc3339(a.last_modified),
        "author": persons or {"@type": "Organization", "name": site.outlet.name},
        "publisher": publisher,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": section_label(a.section),
        "inLanguage": a.lang,
    }
    oid = site.outlet.id
    if oid == "lequotidien" and a.paywall:
        article["isAccessibleForFree"] = False
        article["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".article-reserve",
        }
    if oid == "courrierprovence":
        del article["@context"]
        article["author"] = persons[0] if len(persons) == 1 else (persons or article["author"])
        data: Any = {
            "@context": "https://schema.org",
            "@graph": [{"@type": "WebSite", "name": site.outlet.name, "url": site.url("/")}, article],
        }
    elif oid == "pretoire":
        article["author"] = ", ".join(a.authors) or "La rédaction"
        article["datePublished"] = dates.aware(a.published).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if not a.modified:
            del article["dateModified"]
        data = article
    elif oid == "ledecodeur":
        article["@type"] = ["NewsArticle", "ReportageNewsArticle"] if a.kind == "article" else "NewsArticle"
        data = article
    else:
        data = article
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if not raw:
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def article_view(site: OutletSite, entry: Entry, amp: bool = False) -> ArticleView:
    a = entry.article
    blocks = _blocks(a)
    paywalled = bool(a.paywall and site.outlet.id == "lequotidien")
    remaining = 0
    if paywalled:
        shown, rest = blocks[:2], blocks[2:]
        total = sum(len(b.text) for b in blocks) or 1
        remaining = max(1, round(100 * sum(len(b.text) for b in rest) / total))
        blocks = shown
    seed = zlib.crc32(a.slug.encode())
    comments = []
    if site.outlet.id == "ledecodeur" and a.kind == "article":
        for i in range(2 + seed % 3):
            who, text = COMMENTS[(seed + 3 * i) % len(COMMENTS)]
            comments.append(
                {
                    "author": who,
                    "text": text,
                    "when": dates.fr_relative(a.published, site.clock.now()) if i == 0 else f"{i + 1} réponses",
                }
            )
    view = ArticleView(
        title=a.title,
        summary=a.summary,
        blocks=blocks,
        authors=a.authors,
        published=dates.aware(a.published),
        modified=dates.aware(a.modified) if a.modified else None,
        section=a.section,
        url=site.url(entry.path),
        path=entry.path,
        lang=a.lang,
        kind=a.kind,
        amp_url=site.url("/amp" + entry.path) if site.outlet.id == "lequotidien" else None,
        paywalled=paywalled,
        remaining_pct=remaining,
        body_html=Markup(entry.body_html) if entry.body_html else None,
        related=site.related(entry),
        comments=comments,
        number=entry.number,
    )
    if site.outlet.metadata == "jsonld":
        view.jsonld = jsonld_for(site, entry, raw=entry.behaviour == "jsonld_raw_script")
    return view


def render(site: OutletSite, template: str, **context: Any) -> str:
    tpl = ENV.get_template(f"{site.outlet.template}/{template}")
    now = site.clock.now()
    return tpl.render(
        site=site,
        outlet=site.outlet,
        now=now,
        year=dates.paris(now).year,
        relative=lambda d: dates.fr_relative(d, now),
        **context,
    )


def render_article(site: OutletSite, entry: Entry, amp: bool = False, charset: str = "utf-8") -> str:
    view = article_view(site, entry, amp=amp)
    return render(site, "amp.html" if amp else "article.html", article=view, charset=charset)
