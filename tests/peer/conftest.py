"""Tests against the real DocRouter server (``peer`` and ``peer_user`` live in
tests/conftest.py, for the window's tests too); each needs the keyring."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _keyring(keyring_store):
    return keyring_store
