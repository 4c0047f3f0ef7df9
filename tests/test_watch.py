"""Hot folders: files are added once they stop growing, folders moved in are walked, and the
user's files are never moved, renamed or changed."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import factories


def _statuses(db: Path) -> dict[str, str]:
    if not db.exists():
        return {}
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return dict(conn.execute("SELECT document_name, status FROM documents"))
    except sqlite3.OperationalError:
        return {}


def _wait_for(db: Path, names: set[str], timeout: float = 120) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = _statuses(db)
        if names <= set(st) and all(st[n] in ("completed", "failed") for n in names):
            return st
        time.sleep(0.2)
    return _statuses(db)


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_watch_adds_settled_files_and_moved_in_folders(tmp_path, poll):
    watched = tmp_path / "watched"
    watched.mkdir()
    staging = tmp_path / "staging"
    staging.mkdir()
    lib = tmp_path / "lib"
    cmd = [
        sys.executable,
        "-m",
        "docrouter_desktop",
        "--library",
        str(lib),
        "watch",
        str(watched),
        "--workers",
        "1",
    ]
    if poll:
        cmd += ["--poll", "--interval", "0.5"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)  # let the observer start
        # A file written in two halves with a pause: only the whole file may be read.
        src = factories.invoice_pdf(staging / "slow.pdf", number="SLOW-1")
        data = src.read_bytes()
        with open(watched / "slow.pdf", "wb") as fh:
            fh.write(data[: len(data) // 2])
            fh.flush()
            time.sleep(0.6)
            fh.write(data[len(data) // 2 :])
        # A folder moved in with a file inside (no event is sent for the file itself).
        folder = staging / "batch"
        folder.mkdir()
        factories.invoice_pdf(folder / "inside.pdf", number="IN-2")
        shutil.move(str(folder), str(watched / "batch"))
        (watched / ".hidden.pdf").write_bytes(data)
        st = _wait_for(lib / "library.sqlite3", {"slow.pdf", "inside.pdf"})
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert st.get("slow.pdf") == "completed", st
    assert st.get("inside.pdf") == "completed", st
    assert ".hidden.pdf" not in st
    assert (watched / "slow.pdf").read_bytes() == data  # untouched
    assert (watched / "batch" / "inside.pdf").exists()
