"""Tokens in the real OS keyring (Secret Service in a private D-Bus session during tests)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from docrouter_desktop.core.secrets import KeyringUnavailable, RemoteTokenStore

SECRET = "tok_" + "Zq9" * 12


def _keyring_or_skip() -> None:
    try:
        RemoteTokenStore.check()
    except KeyringUnavailable:
        if os.environ.get("CI"):
            raise  # CI starts gnome-keyring: a missing keyring there is a failure
        pytest.skip("no Secret Service in this session (scripts/test starts one)")


def test_tokens_round_trip_through_the_secret_service():
    _keyring_or_skip()
    store = RemoteTokenStore()
    assert "SecretService" in store.check() or "keyring" in store.check().lower()
    store.set_token("unit-remote", SECRET)
    store.set_token("unit-remote", SECRET + "ws", org="org1")
    assert store.get_token("unit-remote") == SECRET
    assert store.get_token("unit-remote", "org1") == SECRET + "ws"
    assert store.delete_token("unit-remote") and store.delete_token("unit-remote", "org1")
    assert store.get_token("unit-remote") is None


def test_token_set_keeps_the_secret_out_of_the_library_folder(tmp_path):
    _keyring_or_skip()
    lib = tmp_path / "lib"
    run = [sys.executable, "-m", "docrouter_desktop", "--library", str(lib), "--log-level", "DEBUG"]
    subprocess.run(
        run + ["remote", "add", "box", "--url", "http://127.0.0.1:9"],
        check=True,
        capture_output=True,
    )
    p = subprocess.run(
        run + ["token", "set", "--remote", "box"],
        input=SECRET + "\n",
        text=True,
        capture_output=True,
    )
    assert p.returncode == 0, p.stderr
    assert SECRET not in p.stdout + p.stderr
    for path in lib.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    assert RemoteTokenStore().get_token("box") == SECRET
    RemoteTokenStore().delete_token("box")


def test_a_bare_session_is_explained_and_never_falls_back_to_a_file(tmp_path):
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    lib = tmp_path / "lib"
    run = [sys.executable, "-m", "docrouter_desktop", "--library", str(lib)]
    subprocess.run(
        run + ["remote", "add", "box", "--url", "http://127.0.0.1:9"],
        check=True,
        capture_output=True,
        env=env,
    )
    p = subprocess.run(
        run + ["token", "set", "--remote", "box"],
        input=SECRET + "\n",
        text=True,
        capture_output=True,
        env=env,
    )
    assert p.returncode != 0
    assert "No system keyring" in p.stderr and "gnome-keyring" in p.stderr
    for path in lib.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes()


def test_session_only_store_keeps_tokens_in_memory():
    store = RemoteTokenStore(session_only=True)
    store.set_token("r", SECRET)
    assert store.get_token("r") == SECRET
    assert RemoteTokenStore(session_only=True).get_token("r") is None
