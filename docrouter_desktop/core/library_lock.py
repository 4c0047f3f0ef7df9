"""The lock that says a library database is in use: every process that opens it holds it
shared, and ``library repair``, which puts a new database file in the old one's place, holds
it alone. The OS releases it when its holder dies, so it is never left stale.

POSIX only (``flock``); on Windows it is not taken and ``repair`` trusts the user.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO


def lock_path(db_path: Path) -> Path:
    return Path(db_path).with_name(f".{Path(db_path).name}.lock")


class InUseLock:
    """``acquire_shared`` for a process using the database, ``acquire_exclusive`` for one
    that must be alone with it; both never wait and say whether they got it."""

    def __init__(self, db_path: Path):
        self.path = lock_path(db_path)
        self._file: IO[bytes] | None = None

    def acquire_shared(self) -> bool:
        return self._acquire(exclusive=False)

    def acquire_exclusive(self) -> bool:
        return self._acquire(exclusive=True)

    def _acquire(self, exclusive: bool) -> bool:
        if sys.platform == "win32":
            return True
        import fcntl

        try:
            f = open(self.path, "ab")
        except OSError:
            return True  # a read-only folder: nobody can write, so nobody can repair either
        try:
            fcntl.flock(f.fileno(), (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        self.release()
        self._file = f
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the lock
            self._file = None

    def __enter__(self) -> InUseLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()
