"""Readable pattern files of the NLP components (UTF-8 JSON Lines, loaded with importlib.resources)."""

from __future__ import annotations

import hashlib
import json
from importlib import resources


def pattern_files() -> list[str]:
    return sorted(p.name for p in resources.files(__package__).iterdir() if p.name.endswith(".jsonl"))


def load(name: str) -> list[dict]:
    """The objects of ``nlp/patterns/<name>``, one per non-empty line; a bad line names its number."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"nlp/patterns/{name}, ligne {number} : JSON invalide ({exc.msg})") from None
    return rows


def fingerprint() -> str:
    """Hash of every pattern file: part of the pipeline version, so edited rules re-analyse documents."""
    digest = hashlib.sha256()
    for name in pattern_files():
        digest.update(name.encode())
        digest.update(resources.files(__package__).joinpath(name).read_bytes())
    return digest.hexdigest()[:10]
