"""Writing the timeline's files: each under a temporary name, renamed over the old one at the end.

A published directory never holds half a file: the page and every export are written to
``<name>.tmp`` (:func:`temporary`), and :func:`publish` gives them their names once all are complete
(:func:`discard` drops them after a failure).

Each file is replaced atomically (``os.replace``), the set of files is not: between the first and
the last rename (microseconds) a reader may find a new export beside the previous page. Making the
set atomic would mean publishing a directory and swapping a symbolic link to it, which changes what
``--out`` is for the web servers and scripts that read it; a timeline's files do not refer to one
another's content, so each being whole is what matters.
"""

from __future__ import annotations

import os
from pathlib import Path


def temporary(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def publish(out_dir: Path, names: list[str]) -> None:
    """Give the finished temporary files their final names, in the order given, each atomically: a
    reader sees the old file or the new one, never a missing or partial one."""
    for name in names:
        os.replace(temporary(out_dir / name), out_dir / name)


def discard(out_dir: Path, names: list[str]) -> None:
    for name in names:
        temporary(out_dir / name).unlink(missing_ok=True)
