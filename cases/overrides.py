"""Manual corrections of the computed cases, read from each dossier's ``cases`` table.

    [dossiers.cases.rename]
    mazan = "Les viols de Mazan"
    [dossiers.cases]
    merge = [["valenciennes", "valenciennes-2016"]]
    split = [{ case = "dunkerque", by_place = "Saint-Pol-sur-Mer" }]
    [dossiers.cases.stage]
    mazan = "closed"

Corrections name cases by slug, and slugs come from the facts (main place), not from
database ids, so a correction keeps applying after every recomputation. They are
applied in a fixed order: split, then merge, then stage, then rename. Documented in
docs/configuration.md (« Corriger les affaires »).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from veille.errors import VeilleError
from veille.vocabulary import STAGES

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FIX = "corrigez le fichier (voir docs/configuration.md, « Corriger les affaires »)"


@dataclass(frozen=True)
class Split:
    """Move out of ``case`` the events that name ``by_place`` or ``by_person``, or dated from ``since``;
    or exactly the events ``events`` (an editor's split in `veille serve`: the reports of the entries
    chosen, found again by ``cases/corrections.py`` at every recomputation)."""

    case: str
    by_place: str | None = None
    by_person: str | None = None
    since: date | None = None
    slug: str | None = None
    name: str | None = None
    events: frozenset[int] | None = None


@dataclass(frozen=True)
class Overrides:
    rename: dict[str, str] = field(default_factory=dict)
    merge: tuple[tuple[str, ...], ...] = ()
    split: tuple[Split, ...] = ()
    stage: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """Changes whenever a correction changes: a changed configuration means cases must be recomputed."""
        data = {
            "rename": self.rename,
            "merge": self.merge,
            "stage": self.stage,
            "split": [
                [
                    s.case,
                    s.by_place,
                    s.by_person,
                    s.since and s.since.isoformat(),
                    s.slug,
                    s.name,
                    sorted(s.events) if s.events is not None else None,
                ]
                for s in self.split
            ],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def __bool__(self) -> bool:
        return bool(self.rename or self.merge or self.split or self.stage)


class _Where:
    def __init__(self, config_path, dossier: str):
        self.path, self.dossier = config_path, dossier

    def fail(self, key: str, problem: str) -> None:
        name = self.path if self.path else "configuration intégrée"
        raise VeilleError(
            f"configuration invalide ({name}) : clé « cases.{key} » du dossier « {self.dossier} » : {problem}", FIX
        )

    def slug(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not SLUG.match(value):
            self.fail(
                key,
                f"{value!r} n'est pas un identifiant d'affaire (lettres minuscules, chiffres, - et _, "
                "tel qu'affiché par « veille cases »)",
            )
        return value

    def text(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"doit être un texte non vide, pas {value!r}")
        return value.strip()


def parse_dossier_overrides(raw: Any, dossier: str, config_path=None) -> Overrides:
    """Validate one dossier's ``cases`` table; every mistake is one French line naming the key."""
    where = _Where(config_path, dossier)
    if not isinstance(raw, dict):
        where.fail("", "doit être une table TOML")
    unknown = set(raw) - {"rename", "merge", "split", "stage"}
    if unknown:
        where.fail(sorted(unknown)[0], "clé inconnue (attendu : merge, rename, split, stage)")
    rename = raw.get("rename", {})
    if not isinstance(rename, dict):
        where.fail("rename", 'doit être une table : identifiant = "Nouveau nom"')
    renamed = {where.slug(f"rename.{k}", k): where.text(f"rename.{k}", v) for k, v in rename.items()}
    stage = raw.get("stage", {})
    if not isinstance(stage, dict):
        where.fail("stage", 'doit être une table : identifiant = "closed"')
    for k, v in stage.items():
        where.slug(f"stage.{k}", k)
        if v not in STAGES:
            where.fail(f"stage.{k}", f"« {v} » n'est pas parmi : {', '.join(STAGES)}")
    merge = raw.get("merge", [])
    if not isinstance(merge, list):
        where.fail("merge", 'doit être une liste de listes d\'identifiants : [["a", "b"]]')
    groups = []
    for i, group in enumerate(merge):
        if not isinstance(group, list) or len(group) < 2:
            where.fail(f"merge[{i}]", "chaque fusion est une liste d'au moins deux identifiants d'affaires")
        groups.append(tuple(where.slug(f"merge[{i}]", s) for s in group))
    split = raw.get("split", [])
    if not isinstance(split, list):
        where.fail("split", 'doit être une liste de tables : [{ case = "…", by_place = "…" }]')
    splits = []
    for i, rule in enumerate(split):
        key = f"split[{i}]"
        if not isinstance(rule, dict):
            where.fail(key, 'doit être une table : { case = "…", by_place = "…" }')
        extra = set(rule) - {"case", "by_place", "by_person", "since", "slug", "name"}
        if extra:
            where.fail(
                f"{key}.{sorted(extra)[0]}", "clé inconnue (attendu : case, by_place, by_person, since, slug, name)"
            )
        if "case" not in rule:
            where.fail(f"{key}.case", "obligatoire : l'affaire à scinder")
        criteria = [k for k in ("by_place", "by_person", "since") if k in rule]
        if len(criteria) != 1:
            where.fail(key, "indiquez exactement un critère : by_place, by_person ou since")
        since = rule.get("since")
        if since is not None:
            if isinstance(since, date):
                pass
            elif isinstance(since, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
                try:
                    since = date.fromisoformat(since)
                except ValueError:
                    where.fail(f"{key}.since", f"« {since} » n'est pas une date")
            else:
                where.fail(f"{key}.since", f"{since!r} : écrire une date AAAA-MM-JJ")
        splits.append(
            Split(
                case=where.slug(f"{key}.case", rule["case"]),
                by_place=where.text(f"{key}.by_place", rule["by_place"]) if "by_place" in rule else None,
                by_person=where.text(f"{key}.by_person", rule["by_person"]) if "by_person" in rule else None,
                since=since,
                slug=where.slug(f"{key}.slug", rule["slug"]) if "slug" in rule else None,
                name=where.text(f"{key}.name", rule["name"]) if "name" in rule else None,
            )
        )
    return Overrides(rename=renamed, merge=tuple(groups), split=tuple(splits), stage=dict(stage))


def overrides_from_config(config) -> Overrides:
    """Every dossier's corrections, in the order of the configuration (cases are shared by dossiers)."""
    rename: dict[str, str] = {}
    stage: dict[str, str] = {}
    merge: list[tuple[str, ...]] = []
    split: list[Split] = []
    for slug, dossier in config.dossiers.items():
        if not dossier.cases:
            continue
        o = parse_dossier_overrides(dossier.cases, slug, config.path)
        rename.update(o.rename)
        stage.update(o.stage)
        merge.extend(o.merge)
        split.extend(o.split)
    return Overrides(rename=rename, merge=tuple(merge), split=tuple(split), stage=stage)
