"""Whether replybot can write where it is told to, found without writing anything: the
start-up checks (bot/preflight.py) and `replybot doctor` (bot/doctor.py) give the same
reasons. `os.access` also sees a read-only file system."""

from __future__ import annotations

import os
from pathlib import Path


def unwritable(directory: Path, *, create: bool) -> str | None:
    """Why files cannot be written in `directory`, or None. With `create`, a missing
    folder is fine when it can be made in its nearest existing parent."""
    if directory.exists():
        if not directory.is_dir():
            return f"{directory} is not a folder"
        return None if os.access(directory, os.W_OK | os.X_OK) else f"{directory} is read-only"
    if not create:
        return f"the folder {directory} does not exist"
    parent = nearest_existing(directory)
    if not parent.is_dir():
        return f"{directory} cannot be created: {parent} is not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{directory} cannot be created: {parent} is read-only"
    return None


def unwritable_log(path: Path) -> str | None:
    """Why the evidence log at `path` cannot be written, or created where it is missing, or
    None. SQLite keeps its journal beside the file, so the folder must be writable too."""
    if path.is_dir():
        return f"{path} is a folder, not a file"
    problem = unwritable(path.absolute().parent, create=False)
    if problem is None and path.exists() and not os.access(path, os.W_OK):
        problem = f"{path} is read-only"
    return problem


def nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
