"""Shared fixtures: a fresh library folder per test, and generated documents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docrouter_desktop.core.library import Library
from tests import factories

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.fixture
def library_dir(tmp_path: Path, monkeypatch) -> Path:
    d = tmp_path / "library"
    monkeypatch.setenv("DOCROUTER_DESKTOP_HOME", str(d))
    return d


@pytest.fixture
def library(library_dir: Path):
    lib = Library(library_dir)
    yield lib
    lib.close()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    d = tmp_path / "inbox"
    d.mkdir()
    return d


@pytest.fixture
def invoice(inbox: Path) -> Path:
    return factories.invoice_pdf(inbox / "invoice.pdf")


@pytest.fixture
def keyring_store():
    """The real Secret Service keyring (scripts/test runs one in a private D-Bus session);
    outside CI a session without one skips the test."""
    from docrouter_desktop.core.secrets import KeyringUnavailable, RemoteTokenStore

    try:
        RemoteTokenStore.check()
    except KeyringUnavailable:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Secret Service in this session (scripts/test starts one)")
    return RemoteTokenStore()


def cli(library: Path, *args: str, input: str | None = None, check: bool = True):
    """The real command line over a library, in a subprocess; asserts success when ``check``."""
    import subprocess
    import sys

    p = subprocess.run(
        [sys.executable, "-m", "docrouter_desktop", "--library", str(library), *args],
        capture_output=True,
        text=True,
        input=input,
        timeout=900,
    )
    if check:
        assert p.returncode == 0, p.stdout + p.stderr
    return p


def run_cli(*args: str, library: Path | None = None) -> tuple[int, str, str]:
    """Run the real command line in a subprocess; returns (exit code, stdout, stderr)."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "docrouter_desktop"]
    if library is not None:
        cmd += ["--library", str(library)]
    proc = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="session")
def peer(tmp_path_factory):
    """The real DocRouter server (../shared/peers), started once for the session."""
    from tests.peer.docrouter_peer import PEER_DIR, start_peer, stop_peer

    if not (PEER_DIR / "start.sh").exists():
        pytest.skip(
            f"The real DocRouter server is not on this machine ({PEER_DIR} is missing): the "
            "tests against it are skipped. Set DOCROUTER_SHARED to the folder holding peers/."
        )
    p = start_peer(tmp_path_factory.mktemp("docrouter-peer"))
    yield p
    stop_peer(p)


@pytest.fixture
def peer_user(peer):
    """A new user of the real DocRouter server, with its own workspace and tokens."""
    peer.set_answers({})
    return peer.new_user()
