"""The pattern files' form notation: what a written form matches, and the mistakes it refuses."""

from __future__ import annotations

import pytest

from nlp.forms import compile_forms
from nlp.patterns import load


def test_a_group_without_a_bar_is_optional_and_a_group_with_one_offers_choices():
    regex = compile_forms(["(a|avait) (déjà )été victime(s)"])
    assert regex.search("Pascal avait déjà été victime du même procédé.")
    assert regex.search("Il a été victimes")  # the optional « s »
    assert regex.search("Il a  été victime")  # any run of spaces
    assert not regex.search("Il aura été victime")
    assert not regex.search("Il avait été victimes2")  # whole words only


@pytest.mark.parametrize("form", ["(la |les )?victime", "viols*", "[Cc]oco", "mis\\s+en examen"])
def test_a_regex_habit_in_a_form_is_refused_with_its_reason(form):
    # Matched literally, « (la )?victime » would never fire, and nothing would say so.
    with pytest.raises(ValueError, match="la notation n'a ni « \\? »"):
        compile_forms([form])


@pytest.mark.parametrize("name", ["events.jsonl", "charges.jsonl"])
def test_every_form_of_the_pattern_files_compiles(name):
    for row in load(name):
        for key in ("phrases", "needs", "unless", "forms"):
            if row.get(key):
                assert compile_forms(row[key]).pattern, (name, row)


def test_a_form_ending_in_an_elision_runs_into_the_next_word():
    regex = compile_forms(["victime(s) d(e|u|es|')"])
    assert regex.search("les victimes d'un guet-apens")
    assert regex.search("la victime d’une agression")
    assert not regex.search("les victimes dures")
