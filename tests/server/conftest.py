"""A real API server on a loopback port over a real library, and clients for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.core.library import Library
from docrouter_desktop.server.app import ServerConfig
from docrouter_desktop.server.serve import ServerThread


@dataclass
class Api:
    url: str
    library: Library
    account_token: str
    org_id: str  # the default organization

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def account(self) -> httpx.Client:
        return self.client(self.account_token)


def _start(root: Path, config: ServerConfig):
    library = Library(root)
    _info, secret = ApiTokenService(library).create("tests")
    server = ServerThread(library, config=config).start()
    return server, Api(server.url, library, secret, library.default_org_id())


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """A server that processes what is uploaded (one worker process)."""
    server, api = _start(tmp_path_factory.mktemp("api") / "library", ServerConfig(workers=1))
    yield api
    server.stop()
    api.library.close()


@pytest.fixture(scope="module")
def idle_api(tmp_path_factory):
    """A server without a job runner: uploads stay queued, so queued states can be tested;
    a small upload limit (256 KiB) and a tight rate limit for one dedicated token."""
    config = ServerConfig(run_jobs=False, max_upload_bytes=256 * 1024, rate_limit=1000)
    server, api = _start(tmp_path_factory.mktemp("idle") / "library", config)
    yield api
    server.stop()
    api.library.close()


@pytest.fixture
def client(api):
    with api.account() as c:
        yield c


@pytest.fixture
def idle_client(idle_api):
    with idle_api.account() as c:
        yield c
