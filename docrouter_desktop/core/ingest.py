"""Finding the files a user means: walking folders, skipping hidden, system and partial files."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docrouter_desktop.core.display_names import display_name

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


def readable_name(name: str) -> str:
    """A file name as text that can be stored and shown: bytes that are not UTF-8 (kept by
    Python as lone surrogates) become U+FFFD, and direction controls are dropped; the file
    itself is opened by its real path."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return display_name(name)


def not_a_file_error(mode: int) -> str | None:
    """Why a path of this ``st_mode`` is not a document (a pipe, a device...), or None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "This is a folder, not a file."
    kind = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    return f"Skipped: this is {kind}, not a file with a document in it."


@dataclass(frozen=True)
class FoundFile:
    path: Path
    given_as: str  # how the user would recognise it: the path as they typed it, or under it


def walk(paths: list[str], recursive: bool = False) -> Iterator[FoundFile | tuple[str, str]]:
    """Yield files under the given paths in a stable order; a path that cannot be used
    yields ``(path, error message)`` instead."""
    for given in paths:
        p = Path(given)
        shown = readable_name(given)
        try:
            mode = p.stat().st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            yield (shown, f"Cannot open it: {exc.strerror}.")
            continue
        if mode is not None and stat.S_ISDIR(mode):
            yield from _walk_dir(p, shown, recursive)
        elif mode is not None:
            problem = not_a_file_error(mode)
            yield (shown, problem) if problem else FoundFile(p, shown)
        elif p.is_symlink():
            yield (shown, "The link points to a file that does not exist.")
        else:
            yield (shown, "No such file or folder.")


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
        shown = os.path.join(given, readable_name(entry.name))
        try:
            if entry.is_dir(follow_symlinks=False):
                if recursive:
                    yield from _walk_dir(Path(entry.path), shown, recursive)
                continue
            if entry.is_file():
                yield FoundFile(Path(entry.path), shown)
            elif entry.is_symlink() and not os.path.exists(entry.path):
                yield (shown, "The link points to a file that does not exist.")
            elif not entry.is_symlink() or not entry.is_dir():
                problem = not_a_file_error(entry.stat().st_mode)
                if problem:
                    yield (shown, problem)
        except OSError as exc:
            yield (shown, f"Cannot read the file: {exc.strerror}.")
