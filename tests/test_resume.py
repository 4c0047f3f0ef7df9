"""Killing a batch half-way loses nothing: the next run finishes the rest, each document once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import run_cli


def _completed(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(
                "SELECT count(*) FROM documents WHERE status='completed'"
            ).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_sigkill_half_way_then_rerun_completes_each_document_once(tmp_path, inbox):
    n = 100
    for i in range(n):
        factories.invoice_pdf(
            inbox / f"doc{i:03d}.pdf", number=f"K-{i}", total=10.0 + i, tax=1.0, extra_pages=12
        )
    lib = tmp_path / "lib"
    db = lib / "library.sqlite3"
    cmd = [
        sys.executable,
        "-m",
        "docrouter_desktop",
        "--library",
        str(lib),
        "batch",
        str(inbox),
        "--workers",
        "2",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _completed(db) < 20 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, (
        "the batch finished before it could be killed; make the documents larger"
    )
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_at_kill = _completed(db)
    assert 0 < done_at_kill < n

    out = tmp_path / "out.json"
    code, _o, err = run_cli(
        "batch", str(inbox), "--workers", "2", "--export", str(out), library=lib
    )
    assert code == 0, err
    rows = json.loads(out.read_text())
    assert len(rows) == n and all(r["status"] == "completed" for r in rows)
    assert sorted(r["fields"]["invoice_number"] for r in rows) == sorted(f"K-{i}" for i in range(n))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == n
        assert conn.execute("SELECT count(*) FROM results").fetchone()[0] == n
        per_doc = conn.execute(
            "SELECT document_id, count(*) FROM jobs WHERE status='completed' GROUP BY document_id"
        ).fetchall()
        assert len(per_doc) == n and all(c == 1 for _d, c in per_doc)
        assert (
            conn.execute(
                "SELECT count(*) FROM jobs WHERE status IN ('queued','processing')"
            ).fetchone()[0]
            == 0
        )


def test_two_batches_on_one_library_process_each_document_once(tmp_path, inbox):
    for i in range(12):
        factories.invoice_pdf(inbox / f"d{i}.pdf", number=f"T-{i}", extra_pages=3)
    lib = tmp_path / "lib"
    run_cli("config", "set", "workers", "1", library=lib)  # creates the library first
    cmd = [sys.executable, "-m", "docrouter_desktop", "--library", str(lib), "batch", str(inbox)]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    with sqlite3.connect(lib / "library.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 12
        per_doc = conn.execute(
            "SELECT document_id, count(*) FROM jobs WHERE status='completed' GROUP BY document_id"
        ).fetchall()
        assert len(per_doc) == 12 and all(c == 1 for _d, c in per_doc)
