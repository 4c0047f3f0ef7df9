"""The content-addressed store of originals: every file the user gave, copied by its SHA-256.

A copy lives at ``originals/ab/abcdef…`` and is written through a temporary file and an atomic
rename, so a crash never leaves a half-written original under its final name. The temporary
file is named after the process writing it (``.incoming-PID@HOST-…``); one left by a process
that was killed is removed the next time the library is opened, once its writer is gone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

CHUNK = 1 << 20
TEMP_PREFIX = ".incoming-"
# A temporary file whose writer cannot be asked (another machine sharing the folder, or an
# older version's name) is left alone until it has not been written for this long.
STALE_AFTER = 24 * 3600.0
_OWNED_TEMP = re.compile(r"\.incoming-(\d+)@([A-Za-z0-9.]*)-")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "", socket.gethostname())[:64]


def _temp_prefix() -> str:
    return f"{TEMP_PREFIX}{os.getpid()}@{_host()}-"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, but is another user's
    return True


def stale_temp(path: Path, now: float | None = None) -> bool:
    """Whether a temporary file of the store was left by an interrupted copy: its writer (a
    process of this machine) is dead, or it has not been written for ``STALE_AFTER`` (a pid
    taken again by a new process, a writer on another machine)."""
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except OSError:
        return False
    m = _OWNED_TEMP.match(path.name)
    if m and m.group(2) == _host() and sys.platform != "win32" and not _pid_alive(int(m.group(1))):
        return True
    return age > STALE_AFTER


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path
    head: bytes  # the first bytes, for sniffing the type


class BlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.remove_stale_temps()

    def remove_stale_temps(self) -> int:
        """Remove what interrupted copies left behind; returns how many files went."""
        removed = 0
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return 0
        for entry in entries:
            if not entry.name.startswith(TEMP_PREFIX) or not stale_temp(Path(entry.path)):
                continue
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError as exc:  # a read-only library: nothing to do about it now
                log.info("cannot remove the stale %s: %s", entry.path, exc.strerror)
        if removed:
            log.info("removed %d temporary files of interrupted copies from %s", removed, self.root)
        return removed

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def add_file(self, source: Path) -> StoredBlob:
        """Copy ``source`` in (reading it once); the source itself is never touched."""
        with open(source, "rb") as src:
            return self.add_stream(src)

    def add_stream(self, src: BinaryIO) -> StoredBlob:
        """Copy a binary file object in from where it stands, reading it once."""
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=_temp_prefix())
        try:
            with os.fdopen(fd, "wb") as dst:
                while chunk := src.read(CHUNK):
                    if not head:
                        head = chunk[:4096]
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.exists():
                os.unlink(tmp_name)
            else:
                final.parent.mkdir(exist_ok=True)
                os.replace(tmp_name, final)
            return StoredBlob(sha, size, final, head)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def add_bytes(self, data: bytes) -> StoredBlob:
        sha = hashlib.sha256(data).hexdigest()
        final = self.path_for(sha)
        if not final.exists():
            final.parent.mkdir(exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=_temp_prefix())
            try:
                with os.fdopen(fd, "wb") as dst:
                    dst.write(data)
                os.replace(tmp_name, final)
            except BaseException:
                if os.path.exists(tmp_name):
                    os.unlink(tmp_name)
                raise
        return StoredBlob(sha, len(data), final, data[:4096])

    def remove(self, sha256: str) -> None:
        path = self.path_for(sha256)
        if path.exists():
            path.unlink()

    def copy_out(self, sha256: str, dest: Path) -> None:
        shutil.copyfile(self.path_for(sha256), dest)
