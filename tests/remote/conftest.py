"""A real ``docrouter-desktop serve`` on a loopback port, with its own library and tokens."""

from __future__ import annotations

import pytest

from tests.serve_process import ServeProcess, free_port

__all__ = ["ServeProcess", "free_port"]


@pytest.fixture
def server(tmp_path):
    srv = ServeProcess(tmp_path / "server-library", free_port())
    srv.account_token = srv.cli("api-token", "create", "--name", "tests").strip().splitlines()[-1]
    srv.start()
    yield srv
    srv.stop()
