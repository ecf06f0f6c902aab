"""Files and folders veille writes that others must not read: the data directory, drafts and
password files. Modes are set on what veille creates, never on folders it did not create."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, data: bytes | str) -> None:
    """Write ``path`` readable and writable by its owner only (0600), a file left by an earlier run
    included (it keeps its mode through ``O_CREAT``)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.chmod(path, 0o600)


def touch_private(path: Path) -> None:
    """Create ``path`` empty and 0600 if it is missing (a log that a library opens later); an existing
    file is left as it is."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def make_dirs(path: Path, mode: int, owner: tuple[int, int] | None = None) -> list[Path]:
    """Create ``path`` and its missing parents with ``mode`` (whatever the umask), given to ``owner``
    (uid, gid) when one is named; the folders made, outermost first. Folders that already exist keep
    their mode and owner."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=mode)
        except FileExistsError:
            continue  # made by another process meanwhile: its mode is that process's
        if owner is not None:
            os.chown(folder, *owner)
        os.chmod(folder, mode)
    return list(reversed(missing))
