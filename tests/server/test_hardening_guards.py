"""The outer layers against a hostile local client, beyond the plain cases: a server bound to
every address still refuses a rebound name, the access log cannot be fed made-up lines and
logs what it refuses, and thousands of client connections cost every request nothing."""

from __future__ import annotations

import logging
import socket
import time

import httpx
import pytest

from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.core.library import Library
from docrouter_desktop.server.app import ServerConfig
from docrouter_desktop.server.guards import loggable
from docrouter_desktop.server.ratelimit import RateLimiter
from docrouter_desktop.server.serve import ServerThread

ACCESS = "docrouter_desktop.server.access"


@pytest.fixture
def everywhere(tmp_path):
    """A server bound to every address (``--host 0.0.0.0``), called on loopback."""
    library = Library(tmp_path / "library")
    _info, secret = ApiTokenService(library).create("everywhere")
    server = ServerThread(library, host="0.0.0.0", config=ServerConfig(run_jobs=False)).start()
    yield f"http://127.0.0.1:{server.port}", secret
    server.stop()
    library.close()


def test_a_server_bound_everywhere_still_refuses_a_rebound_name(everywhere):
    url, secret = everywhere
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}) as c:
        for host in ("localhost:1", "192.168.1.20:8765", "[fe80::1]:8765", socket.gethostname()):
            assert c.get("/v0/account/profile", headers={"Host": host}).status_code == 200, host
        evil = c.get("/v0/account/profile", headers={"Host": "rebind.attacker.example"})
        assert evil.status_code == 421 and "host name" in evil.json()["detail"]


def test_the_access_log_keeps_one_line_per_request_and_logs_refusals(caplog, idle_api):
    with caplog.at_level(logging.INFO, logger=ACCESS):
        with httpx.Client(base_url=idle_api.url) as c:
            c.get("/v0/orgs/x%0AINFO%20GET%20forged%20200/documents")
            c.get("/v0/account/profile", headers={"Host": "evil.example"})
    lines = [r.getMessage() for r in caplog.records if r.name == ACCESS]
    assert len(lines) == 2 and not any("\n" in line for line in lines), lines
    assert lines[0].startswith("GET /v0/orgs/x\\nINFO GET forged 200/documents 401 "), lines
    assert lines[1].startswith("GET /v0/account/profile 421 "), lines


def test_loggable_text_escapes_controls_and_direction_overrides():
    assert loggable("/v0/plain/caf\u00e9") == "/v0/plain/caf\u00e9"
    assert loggable("a\r\nb\x00\u202ec") == "a\\r\\nb\\x00\\u202ec"


def test_many_client_connections_cost_each_request_nothing():
    anonymous = RateLimiter(5, 60.0, max_keys=10_000)
    started = time.perf_counter()
    for port in range(30_000):  # a flood of fresh connections within one window
        anonymous.hit(f"client:127.0.0.1:{port}")
    assert time.perf_counter() - started < 3.0  # swept once in a while, not on every hit
    assert len(anonymous) <= 10_000
    assert [anonymous.hit("client:127.0.0.1:1").allowed for _ in range(6)].count(True) == 5


def test_token_windows_are_swept_only_when_they_ended():
    now = [0.0]
    tokens = RateLimiter(2, 10.0, clock=lambda: now[0])
    assert tokens.hit("token:a").allowed and tokens.hit("token:a").allowed
    for i in range(25_000):  # many live windows: none is dropped, the limit holds
        tokens.hit(f"token:{i}")
    assert not tokens.hit("token:a").allowed
    now[0] = 11.0
    tokens.hit("token:fresh")
    for i in range(25_000):
        tokens.hit(f"token:later{i}")
    assert len(tokens) < 40_000  # the ended windows went
    assert tokens.hit("token:a").allowed  # a new window
