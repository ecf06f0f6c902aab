"""The sample court decisions: Judilibre shape and correct zone offsets."""

from __future__ import annotations

import re

from samples.corpus import load_decisions

DECISIONS = load_decisions()


def test_decisions_set():
    assert len(DECISIONS) >= 6
    assert {d.jurisdiction for d in DECISIONS} == {"cc", "ca"}
    assert sum(d.chamber == "cr" for d in DECISIONS if d.jurisdiction == "cc") >= 5
    assert sum(d.ecli is None for d in DECISIONS) == 1
    assert sum("zones" not in d.data for d in DECISIONS) == 1
    assert any(not re.search(r"coco", d.text, re.I) for d in DECISIONS)


def test_numbers_and_ecli():
    for d in DECISIONS:
        if d.jurisdiction == "cc":
            assert re.fullmatch(r"\d{2}-\d{2}\.\d{3}", d.number)
            assert d.ecli is None or re.fullmatch(r"ECLI:FR:CCASS:\d{4}:CR\d{5}", d.ecli)
            assert "LA COUR DE CASSATION, CHAMBRE CRIMINELLE, a rendu l'arrêt suivant :" in d.text
        assert d.number in d.data["numbers"]


def test_zone_offsets():
    starts = {
        "expose": ("Faits et procédure", "EXPOSÉ"),
        "dispositif": ("PAR CES MOTIFS",),
        "motivations": ("Réponse de la Cour", "MOTIFS"),
        "introduction": ("N° ", "COUR D'APPEL"),
        "moyens": ("Enoncé du moyen", "Sur le", "Au soutien"),
        "annexes": ("Ainsi fait",),
    }
    for d in DECISIONS:
        zones = d.data.get("zones")
        if zones is None:
            continue
        fragments = sorted((f["start"], f["end"], name) for name, frags in zones.items() for f in frags)
        previous_end = 0
        for start, end, name in fragments:
            assert previous_end <= start < end <= len(d.text), (d.id, name)
            assert d.text[start:end].startswith(starts[name]), (d.id, name, d.text[start : start + 30])
            assert d.text[start:end] == d.text[start:end].strip()
            previous_end = end
        assert zones["dispositif"] and zones["motivations"]
    assert any(
        z != sorted(z, key=lambda f: f["start"]) for d in DECISIONS for z in (d.data.get("zones") or {}).values()
    ), "one decision lists fragments out of order"
