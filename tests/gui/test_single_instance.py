"""A second start on the same library hands its files to the running window."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests import factories


def _names(db) -> set[str]:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return {r[0] for r in conn.execute("SELECT document_name FROM documents")}
    except sqlite3.OperationalError:
        return set()


def test_second_launch_adds_its_file_to_the_running_window(tmp_path, inbox):
    lib = tmp_path / "lib"
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    base = [sys.executable, "-m", "docrouter_desktop", "--library", str(lib), "gui"]
    first = subprocess.Popen(base, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pdf = factories.invoice_pdf(inbox / "handed.pdf", number="HAND-1")
        deadline = time.monotonic() + 60
        while not (lib / ".window.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        second = subprocess.run(
            base + [str(pdf)], env=env, capture_output=True, text=True, timeout=120
        )
        assert second.returncode == 0, second.stderr
        assert "Handed 1 file(s) to the running window" in second.stdout
        while "handed.pdf" not in _names(lib / "library.sqlite3") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "handed.pdf" in _names(lib / "library.sqlite3")
        assert first.poll() is None  # the first window is still the one running
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)
    # Killed or closed, the window leaves no stale lock: a new start becomes the window.
    again = subprocess.Popen(base, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    assert again.poll() is None
    again.send_signal(signal.SIGTERM)
    again.wait(timeout=60)
