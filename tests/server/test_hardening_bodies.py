"""Big JSON bodies against a real ``docrouter-desktop serve``: each is refused with 413 while
it streams, the serving process's memory stays flat, and nothing of it is stored."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.serve_process import ServeProcess, free_port

MIB = 1 << 20


def _memory_mb(pid: int, key: str) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no {key} for process {pid}")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    serve = ServeProcess(tmp_path_factory.mktemp("bodies") / "library", free_port(), workers=0)
    out = serve.cli("api-token", "create", "--name", "bodies")
    secret = next(word for word in out.split() if word.startswith("drd_"))
    serve.start()
    yield serve, secret
    serve.stop()


def _streamed(head: bytes, mib: int, tail: bytes):
    chunk = b"x" * MIB
    yield head
    for _ in range(mib):
        yield chunk
    yield tail


def _status(client: httpx.Client, method: str, path: str, body, **headers) -> int:
    try:
        return client.request(
            method, path, content=body, headers={"content-type": "application/json", **headers}
        ).status_code
    except httpx.HTTPError:  # answered and closed while the rest was still on its way
        return 413


def test_big_json_bodies_are_refused_while_they_stream(served):
    serve, secret = served
    pid = serve.proc.pid
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=serve.url, headers=headers, timeout=120) as c:
        org = c.get("/v0/account/organizations").json()["organizations"][0]["id"]
        text = base64.b64encode(b"bodies\n").decode()
        up = c.post(
            f"/v0/orgs/{org}/documents",
            json={"documents": [{"name": "b.txt", "content": text}]},
        )
        doc = up.json()["documents"][0]["document_id"]
        before = _memory_mb(pid, "VmHWM")
        results = f"/v0/orgs/{org}/documents/{doc}/results"
        head, tail = b'{"fields": {"total": "', b'"}}'
        assert _status(c, "PATCH", results, _streamed(head, 100, tail)) == 413
        llm = f"/v0/orgs/{org}/llm/result/{doc}"
        assert _status(c, "PUT", llm, _streamed(head, 100, tail)) == 413
        name = _streamed(b'{"name": "', 50, b'"}')
        assert _status(c, "POST", "/v0/account/organizations", name) == 413
        declared = _streamed(head, 100, tail)  # refused on its Content-Length alone
        length = str(len(head) + 100 * MIB + len(tail))
        assert _status(c, "PATCH", results, declared, **{"content-length": length}) == 413
        grown = _memory_mb(pid, "VmHWM") - before
        assert grown < 50, f"the server's peak memory grew by {grown:.0f} MB"
        orgs = c.get("/v0/account/organizations").json()["organizations"]
        assert len(orgs) == 1 and len(c.get(results).text) < 10_000  # nothing was stored
