"""Fixtures for the tests against the real DocRouter server (the ``peer`` and ``peer_user``
fixtures live in tests/conftest.py, for the window's tests too): the keyring they need."""

from __future__ import annotations

import os

import pytest

from docrouter_desktop.core.secrets import KeyringUnavailable, TokenStore


@pytest.fixture(autouse=True)
def _keyring():
    try:
        TokenStore.check()
    except KeyringUnavailable:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Secret Service in this session (scripts/test starts one)")
