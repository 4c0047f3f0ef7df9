"""Finding the files a user means: walking folders, skipping hidden, system and partial files."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SYSTEM_NAMES = {".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r", ".localized"}
PARTIAL_SUFFIXES = (
    ".part",
    ".partial",
    ".crdownload",
    ".download",
    ".tmp",
    ".temp",
    ".swp",
    ".opdownload",
    ".!qb",
    ".filepart",
)


def is_skipped_name(name: str) -> bool:
    """Hidden files, system files, Office lock files and partial downloads."""
    lower = name.lower()
    return (
        name.startswith(".")
        or name.startswith("~$")
        or lower in SYSTEM_NAMES
        or lower.endswith(PARTIAL_SUFFIXES)
        or bool(re.match(r"^\._", name))
    )


@dataclass(frozen=True)
class FoundFile:
    path: Path
    given_as: str  # how the user would recognise it: the path as they typed it, or under it


def walk(paths: list[str], recursive: bool = False) -> Iterator[FoundFile | tuple[str, str]]:
    """Yield files under the given paths in a stable order; a path that cannot be used
    yields ``(path, error message)`` instead."""
    for given in paths:
        p = Path(given)
        if p.is_dir():
            yield from _walk_dir(p, given, recursive)
        elif p.exists():
            yield FoundFile(p, given)
        elif p.is_symlink():
            yield (given, "The link points to a file that does not exist.")
        else:
            yield (given, "No such file or folder.")


def _walk_dir(root: Path, given: str, recursive: bool) -> Iterator[FoundFile | tuple[str, str]]:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except PermissionError:
        yield (given, "Cannot open the folder: permission denied.")
        return
    except OSError as exc:
        yield (given, f"Cannot open the folder: {exc.strerror}.")
        return
    for entry in entries:
        if is_skipped_name(entry.name):
            continue
        shown = os.path.join(given, entry.name)
        try:
            if entry.is_dir(follow_symlinks=False):
                if recursive:
                    yield from _walk_dir(Path(entry.path), shown, recursive)
                continue
            if entry.is_file():
                yield FoundFile(Path(entry.path), shown)
            elif entry.is_symlink():
                yield (shown, "The link points to a file that does not exist.")
        except OSError as exc:
            yield (shown, f"Cannot read the file: {exc.strerror}.")
