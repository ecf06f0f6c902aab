"""veille_normaliser: the model reads plain apostrophes and spaces, every offset still indexes the text as given."""

from __future__ import annotations

from nlp.normaliser import ORIGINAL, original_text
from tests.nlp.helpers import analyse, blank_pipeline

TYPOGRAPHIC = (
    "L\u2019avocate de la cour d\u2019assises du Gard a parl\u00e9\u202f: le procès s\u2019ouvre le 2\u00a0septembre."
)


def test_curly_apostrophes_and_special_spaces_are_made_plain_one_for_one():
    doc = blank_pipeline()(TYPOGRAPHIC)
    assert "\u2019" not in doc.text and "\u00a0" not in doc.text and "\u202f" not in doc.text
    assert doc.text == "L'avocate de la cour d'assises du Gard a parlé : le procès s'ouvre le 2 septembre."
    assert len(doc.text) == len(TYPOGRAPHIC)


def test_the_original_text_is_kept():
    doc = blank_pipeline()(TYPOGRAPHIC)
    assert original_text(doc) == TYPOGRAPHIC
    assert doc.user_data[ORIGINAL] == TYPOGRAPHIC


def test_a_plain_text_is_left_alone():
    text = "Le procès s'ouvre le 2 septembre."
    doc = blank_pipeline()(text)
    assert doc.text == text
    assert ORIGINAL not in doc.user_data
    assert original_text(doc) == text


def test_offsets_in_the_output_index_the_text_as_given():
    result = analyse(TYPOGRAPHIC)
    court = next(e for e in result["entities"] if e["label"] == "ORG")
    # The quoted words are the original ones (curly apostrophe), the name is the plain one.
    assert court["text"] == "cour d\u2019assises du Gard"
    assert TYPOGRAPHIC[court["start"] : court["end"]] == court["text"]
    assert court["canonical"] == "cour d'assises du Gard"
    (when,) = result["dates"]
    # « 2 septembre » with a no-break space is still read as a date.
    assert when["text"] == "le 2\u00a0septembre"
    assert TYPOGRAPHIC[when["start"] : when["end"]] == when["text"]


def test_a_line_break_starts_a_sentence_and_a_domain_never_does():
    text = "Repères\nLe tchat était à l'adresse coco.fr puis il a fermé."
    doc = blank_pipeline()(text)
    after_break = next(t for t in doc if t.text == "Le")
    domain = next(t for t in doc if t.text == "coco.fr")
    assert after_break.is_sent_start is True
    assert domain.is_sent_start is False
    (site,) = [e for e in analyse(text, sentences=False)["entities"] if e["text"] == "coco.fr"]
    assert text[site["sentence_start"] : site["sentence_end"]] == "Le tchat était à l'adresse coco.fr puis il a fermé."
