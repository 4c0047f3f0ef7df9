"""Faults of the machine a library lives on, told apart and put in one line for the user.

A full disk, a read-only folder, a database another program holds locked, a damaged database
file, an original gone from ``originals/``: each reaches the code as an ``OSError`` or a
``sqlite3``/SQLAlchemy error. ``library_fault`` turns one into the project's own exception
(``core.errors``) whose message says what went wrong and what to do; anything else is a bug
and is left to show as it is.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from docrouter_desktop.core.errors import (
    AppError,
    LibraryDamagedError,
    LibraryError,
    LibraryFullError,
    LibraryLockedError,
    LibraryReadOnlyError,
    OriginalMissingError,
)

DB_NAME = "library.sqlite3"
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
LOW_SPACE = 1 << 20  # a disk with less free than this is taken as full after a write error


def library_fault(exc: BaseException, library_dir: Path) -> AppError | None:
    """The project's exception for ``exc`` (or one of its causes) when it comes from the
    library's environment; None when it does not (a bug, to be shown as it is)."""
    for cause in _chain(exc):
        if isinstance(cause, AppError):
            return cause
        if isinstance(cause, sqlite3.Error):
            return sqlite_fault(cause, library_dir)
        if isinstance(cause, OSError):
            fault = os_fault(cause, library_dir)
            if fault is not None:
                return fault
    return None


def sqlite_fault(exc: sqlite3.Error, library_dir: Path) -> LibraryError:
    """A SQLite error on the library database, as a message about the library."""
    root = Path(library_dir)
    text = str(exc)
    low = text.lower()
    name = getattr(exc, "sqlite_errorname", "") or ""
    if "locked" in low or name.startswith("SQLITE_BUSY"):
        return locked_error(root)
    if (
        "malformed" in low
        or "not a database" in low
        or name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
    ):
        return damaged_error(root, text)
    if "full" in low or name.startswith("SQLITE_FULL"):
        return full_error(root, text)
    if "readonly" in low or "read-only" in low or name.startswith("SQLITE_READONLY"):
        return read_only_error(root, text)
    if "unable to open" in low or name.startswith("SQLITE_CANTOPEN"):
        if not is_writable(root):
            return read_only_error(root, "its folder cannot be written")
        return LibraryError(
            f"The library database {root / DB_NAME} cannot be opened ({text}). Check that the "
            "folder exists and may be written, or choose another library with --library."
        )
    if "disk i/o" in low or name.startswith("SQLITE_IOERR"):
        return io_error(root, text)
    return LibraryError(
        f"The library database {root / DB_NAME} cannot be used ({text}). "
        "Run `docrouter-desktop library check` to see what is wrong with it."
    )


def os_fault(exc: OSError, library_dir: Path) -> AppError | None:
    """A failed file operation as a message, when it is a fault of the disk or the folder;
    None for one that is not (a missing file the code should have handled is a bug)."""
    root = Path(library_dir)
    where = Path(exc.filename) if exc.filename else None
    in_library = where is None or _is_within(where, root)
    detail = exc.strerror or str(exc)
    if exc.errno == errno.EFBIG and in_library:
        return LibraryFullError(
            f"A file of the library at {root} has reached the largest size allowed here "
            f"({detail}): the disk is full or a file size limit (ulimit -f) is set. Free some "
            "space or raise the limit, then run the command again."
        )
    if exc.errno in FULL_ERRNOS:
        if in_library:
            return full_error(root, detail)
        return AppError(f"Cannot write {where}: the disk holding it is full ({detail}).")
    if exc.errno in READ_ONLY_ERRNOS:
        if in_library:
            return read_only_error(root, detail)
        return AppError(f"Cannot use {where}: {detail}. Check its permissions.")
    if exc.errno == errno.EIO:
        if in_library:
            return io_error(root, detail)
        return AppError(f"Cannot use {where}: a disk error ({detail}).")
    if exc.errno == errno.ENOENT and where is not None and _is_within(where, root / "originals"):
        return missing_original_error(where)
    return None


def full_error(root: Path, detail: str) -> LibraryFullError:
    return LibraryFullError(
        f"The disk holding the library at {root} is full ({detail}). Free some space on it, "
        "then run the command again; nothing already in the library is lost."
    )


def read_only_error(root: Path, detail: str) -> LibraryReadOnlyError:
    return LibraryReadOnlyError(
        f"The library at {root} is read-only ({detail}). Choose a writable library with "
        "--library or fix the folder's permissions."
    )


def locked_error(root: Path) -> LibraryLockedError:
    from docrouter_desktop.core.storage.database import busy_timeout_ms

    seconds = busy_timeout_ms() / 1000
    return LibraryLockedError(
        f"The library at {root} is locked: another program (a batch, `serve` or the window) "
        f"has held its database for over {seconds:g} s. Wait for it to finish or stop it, then "
        "run the command again."
    )


def damaged_error(root: Path, detail: str) -> LibraryDamagedError:
    return LibraryDamagedError(
        f"The library database {root / DB_NAME} is damaged ({detail}). Run "
        "`docrouter-desktop library repair` to save what can be saved (the damaged file is "
        "kept beside it)."
    )


def io_error(root: Path, detail: str) -> LibraryError:
    """SQLite says only "disk I/O error": the disk's state tells a full or read-only disk
    apart from a failing one."""
    if free_bytes(root) < LOW_SPACE:
        return full_error(root, detail)
    if not is_writable(root):
        return read_only_error(root, detail)
    return LibraryError(
        f"Reading or writing the library at {root} failed with a disk error ({detail}). Check "
        "the disk, then run `docrouter-desktop library check`."
    )


def missing_original_error(path: Path) -> OriginalMissingError:
    return OriginalMissingError(
        f"A document's original is missing from the library ({path}): it was deleted or moved "
        "outside the app. Add the file again, or restore the library from a backup."
    )


def is_writable(folder: Path) -> bool:
    """Whether files can be made in ``folder``: a read-only mount says no even to root."""
    folder = Path(folder)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        if hasattr(os, "statvfs") and os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def free_bytes(folder: Path) -> int:
    folder = Path(folder)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return LOW_SPACE  # unknown: not taken as full


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (SQLAlchemy's ``orig``) and its causes, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen or len(seen) > 20:
            continue
        seen.add(id(e))
        yield e
        orig = getattr(e, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None, e.__cause__, e.__context__]


def _is_within(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(folder))
    except ValueError:
        return False
    return True
