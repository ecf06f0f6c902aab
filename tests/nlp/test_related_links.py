"""Lists of other articles (« À lire aussi ») are not the story: no entity, charge or event is read there."""

from __future__ import annotations

from nlp.text import related_blocks
from tests.nlp.helpers import analyse

STORY = (
    "Un homme a été interpellé lundi à Douai pour extorsion.\n"
    "À lire aussi : Viol à Cambrai, Paul Martin mis en examen\n"
    "Le parquet a ouvert une enquête.\n"
    "A lire aussi\n"
    "Faits divers\n"
    "Meurtre à Arras : un suspect arrêté\n"
    "Justice\n"
    "Le tribunal de Lens juge un braqueur\n"
    "L'homme sera jugé en décembre par le tribunal correctionnel."
)
ENTS = [("Douai", "LOC"), ("Cambrai", "LOC"), ("Paul Martin", "PER"), ("Arras", "LOC"), ("Lens", "LOC")]


def test_the_related_lines_are_found_and_the_story_after_them_is_not():
    blocks = [STORY[a:b] for a, b in related_blocks(STORY)]
    assert blocks == [
        "À lire aussi : Viol à Cambrai, Paul Martin mis en examen",
        "A lire aussi\nFaits divers\nMeurtre à Arras : un suspect arrêté\nJustice\nLe tribunal de Lens juge un braqueur",
    ]


def test_no_entity_or_charge_is_read_in_another_articles_headline():
    result = analyse(STORY, ents=ENTS)
    assert [e["text"] for e in result["entities"] if e["label"] in ("LOC", "PER")] == ["Douai"]
    assert [c["charge"] for c in result["charges"]] == ["extorsion"]


def test_a_story_without_related_links_is_read_whole():
    text = "Il a lu aussi le dossier. Voir la suite du procès à Lille."
    assert related_blocks(text) == []
