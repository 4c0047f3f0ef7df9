"""The content-addressed store of originals: every file the user gave, copied by its SHA-256.

A copy lives at ``originals/ab/abcdef…`` and is written through a temporary file and an atomic
rename, so a crash never leaves a half-written original under its final name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


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
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
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
            fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
            with os.fdopen(fd, "wb") as dst:
                dst.write(data)
            os.replace(tmp_name, final)
        return StoredBlob(sha, len(data), final, data[:4096])

    def remove(self, sha256: str) -> None:
        path = self.path_for(sha256)
        if path.exists():
            path.unlink()

    def copy_out(self, sha256: str, dest: Path) -> None:
        shutil.copyfile(self.path_for(sha256), dest)
