"""The API's outer layers against a hostile local client: the Host header is checked (DNS
rebinding), one client's tokenless flood never makes the documentation answer 429 for the
others, and every request leaves an access line without the token's secret."""

from __future__ import annotations

import logging

import httpx
import pytest

from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.core.library import Library
from docrouter_desktop.server.app import ServerConfig
from docrouter_desktop.server.guards import host_name
from docrouter_desktop.server.serve import ServerThread


@pytest.fixture
def tight(tmp_path):
    library = Library(tmp_path / "library")
    _info, secret = ApiTokenService(library).create("tight")
    server = ServerThread(library, config=ServerConfig(run_jobs=False, rate_limit=3)).start()
    yield server, secret
    server.stop()
    library.close()


@pytest.fixture
def roomy(tmp_path):
    library = Library(tmp_path / "library")
    _info, secret = ApiTokenService(library).create("roomy")
    server = ServerThread(library, config=ServerConfig(run_jobs=False)).start()
    yield server, secret
    server.stop()
    library.close()


def test_a_foreign_host_header_is_refused(roomy):
    server, secret = roomy
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=server.url, headers=headers) as c:
        assert c.get("/v0/account/profile").status_code == 200
        for name in (f"localhost:{server.port}", f"[::1]:{server.port}", "127.0.0.1"):
            assert c.get("/v0/account/profile", headers={"Host": name}).status_code == 200
        evil = c.get("/v0/account/profile", headers={"Host": "attacker.example:8765"})
        assert evil.status_code == 421 and "host name" in evil.json()["detail"]
        assert c.get("/openapi.json", headers={"Host": "rebind.example"}).status_code == 421


def test_host_names_are_read_without_their_port():
    assert host_name("LocalHost:8765") == "localhost"
    assert host_name("[::1]:80") == "::1"
    assert host_name("::1") == "::1"


def test_a_tokenless_flood_never_starves_the_docs(tight):
    server, _secret = tight
    with httpx.Client(base_url=server.url) as flood:
        codes = [flood.get("/v0/account/profile").status_code for _ in range(6)]
        assert 429 in codes  # the flooding connection is limited...
        assert all(flood.get("/docs").status_code == 200 for _ in range(10))
    with httpx.Client(base_url=server.url) as other:  # ...another client is not
        assert other.get("/openapi.json").status_code == 200
        assert other.get("/v0/account/profile").status_code == 401


def test_every_request_is_logged_without_the_secret(roomy, caplog):
    server, secret = roomy
    with caplog.at_level(logging.INFO, logger="docrouter_desktop.server.access"):
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {secret}"}) as c:
            assert c.get("/v0/account/profile").status_code == 200
            c.get("/v0/orgs/nope/documents")
    lines = [r.getMessage() for r in caplog.records if r.name.endswith("access")]
    assert any(line.startswith("GET /v0/account/profile 200 ") for line in lines), lines
    assert all("token=tok_" in line for line in lines), lines
    assert not any(secret in line for line in lines)
