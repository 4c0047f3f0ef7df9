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


def _pids_under(pid: int) -> list[int]:
    """The worker processes of a command: the children of its forkserver."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    servers = [
        c
        for c, p in parents.items()
        if p == pid and b"forkserver" in Path(f"/proc/{c}/cmdline").read_bytes()
    ]
    return sorted(c for c, p in parents.items() if p in servers)


def test_a_slow_copy_with_long_pauses_makes_one_document(tmp_path):
    watched = tmp_path / "watched"
    watched.mkdir()
    lib = tmp_path / "lib"
    cmd = [sys.executable, "-m", "docrouter_desktop", "--library", str(lib), "watch", str(watched)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        data = factories.invoice_pdf(tmp_path / "src.pdf", number="SLOW-2").read_bytes()
        third = len(data) // 3
        with open(watched / "slow.pdf", "wb") as fh:
            for part in (data[:third], data[third : 2 * third], data[2 * third :]):
                fh.write(part)
                fh.flush()
                time.sleep(2.6)  # longer than the settle time
        st = _wait_for(lib / "library.sqlite3", {"slow.pdf"})
        time.sleep(1.0)
        with sqlite3.connect(lib / "library.sqlite3", timeout=5) as conn:
            rows = conn.execute("SELECT status FROM documents").fetchall()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert st.get("slow.pdf") == "completed", st
    assert rows == [("completed",)], rows  # no extra "damaged" document from a partial read


def test_watch_goes_on_after_a_worker_is_killed(tmp_path):
    import os
    import signal

    watched = tmp_path / "watched"
    watched.mkdir()
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
        "2",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        first = set()
        for i in range(8):
            name = f"r{i}.png"
            factories.text_image(tmp_path / name, [*factories.RECEIPT_LINES, f"RECEIPT NO {i}"])
            shutil.move(str(tmp_path / name), str(watched / name))
            first.add(name)
        deadline = time.monotonic() + 60
        killed = None
        while killed is None and time.monotonic() < deadline:
            statuses = _statuses(lib / "library.sqlite3")
            workers = _pids_under(proc.pid)
            if workers and "processing" in statuses.values():
                killed = workers[0]
                os.kill(killed, signal.SIGKILL)
            time.sleep(0.05)
        assert killed, "no worker was seen processing"
        st = _wait_for(lib / "library.sqlite3", first)
        # Files that arrive after the death are read too: the watch did not stop.
        factories.text_image(tmp_path / "late.png", [*factories.RECEIPT_LINES, "RECEIPT NO 99"])
        shutil.move(str(tmp_path / "late.png"), str(watched / "late.png"))
        late = _wait_for(lib / "library.sqlite3", first | {"late.png"})
        assert proc.poll() is None, "the watch command ended"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert {st[n] for n in first} == {"completed"}, st
    assert late.get("late.png") == "completed", late
    with sqlite3.connect(lib / "library.sqlite3") as conn:
        done = conn.execute("SELECT COUNT(*) FROM jobs WHERE status = 'completed'").fetchone()[0]
    assert done == 9  # each document once
