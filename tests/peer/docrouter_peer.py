"""The real open-source DocRouter server as a test peer: started from ../shared/peers
(its ``start.sh``), with a fresh user and workspace for each test, made the way DocRouter's
own web frontend signs users in."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

SHARED = Path(os.environ.get("DOCROUTER_SHARED") or Path(__file__).resolve().parents[3] / "shared")
PEER_DIR = SHARED / "peers" / "docrouter-server"
PEER_VENV = Path(
    os.environ.get("DOCROUTER_PEER_VENV")
    or Path.home() / ".cache" / "docrouter-desktop" / "docrouter-peer-venv"
)


@dataclass
class PeerUser:
    email: str
    user_id: str
    org_id: str
    account_token: str
    org_token: str
    session_jwt: str


class Peer:
    """A running real DocRouter server on loopback."""

    def __init__(self, outdir: Path, answers: Path):
        self.outdir = outdir
        self.answers = answers
        data = json.loads((outdir / "peer.json").read_text())
        self.url: str = data["base_url"]
        self.secret = data["nextauth_secret"].encode()
        self.log = outdir / "server.log"

    # -- what the stubbed language model answers, by document name (re-read on every call)

    def set_answers(self, answers: dict[str, dict]) -> None:
        tmp = self.answers.with_suffix(".tmp")
        tmp.write_text(json.dumps(answers))
        tmp.replace(self.answers)

    # -- users

    def _signed(self, path: str, body: dict) -> dict:
        raw = json.dumps(body).encode()
        sig = hmac.new(self.secret, raw, hashlib.sha256).hexdigest()
        r = httpx.post(
            self.url + path,
            content=raw,
            headers={"X-Request-Signature": sig, "Content-Type": "application/json"},
            timeout=30,
        )
        r.raise_for_status()
        return r.json()

    def new_user(self, name: str | None = None) -> PeerUser:
        """A new user with its own workspace (OCR set to the local PyMuPDF mode), an account
        token and an organization token."""
        local = name or f"u{uuid.uuid4().hex[:10]}"
        email = f"{local}@peer.test"
        s = self._signed(
            "/v0/account/auth/oauth",
            {
                "email": email,
                "name": local.title(),
                "email_verified": True,
                "provider": "github",
                "provider_account_id": f"peer-{local}",
                "account": {"type": "oauth"},
            },
        )
        uid = s["user_id"]
        jwt = self._signed(
            "/v0/account/auth/token", {"id": uid, "name": local.title(), "email": email}
        )["token"]
        with httpx.Client(base_url=self.url, timeout=30) as c:
            jh = {"Authorization": f"Bearer {jwt}"}
            acc = c.post(
                "/v0/account/access_tokens",
                headers=jh,
                json={"name": f"{local}-account", "lifetime": 0},
            ).json()["token"]
            ah = {"Authorization": f"Bearer {acc}"}
            orgs = c.get("/v0/account/organizations", headers=ah, params={"user_id": uid}).json()[
                "organizations"
            ]
            org = orgs[0]["id"]
            org_token = c.post(
                f"/v0/orgs/{org}/access_tokens",
                headers=jh,
                json={"name": f"{local}-org", "lifetime": 0},
            ).json()["token"]
            r = c.put(
                f"/v0/account/organizations/{org}",
                headers=ah,
                json={"ocr_config": {"mode": "pymupdf"}},
            )
            r.raise_for_status()
        return PeerUser(email, uid, org, acc, org_token, jwt)

    def org_client(self, user: PeerUser) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {user.org_token}"},
            timeout=60,
        )

    def documents(self, user: PeerUser) -> list[dict]:
        """Every document of the user's workspace, straight from the server."""
        out, skip = [], 0
        with self.org_client(user) as c:
            while True:
                page = c.get(
                    f"/v0/orgs/{user.org_id}/documents", params={"skip": skip, "limit": 100}
                ).json()
                out += page["documents"]
                skip += len(page["documents"])
                if not page["documents"] or skip >= page["total_count"]:
                    return out


def start_peer(outdir: Path) -> Peer:
    """Start the peer (building its environment the first time: a few minutes)."""
    outdir.mkdir(parents=True, exist_ok=True)
    answers = outdir / "answers.json"
    answers.write_text("{}")
    env = {**os.environ, "VENV": str(PEER_VENV), "STUB_LLM_ANSWERS": str(answers)}
    p = subprocess.run(
        [str(PEER_DIR / "start.sh"), "0", str(outdir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if p.returncode != 0:
        raise RuntimeError(f"the DocRouter peer did not start:\n{p.stdout}\n{p.stderr}")
    return Peer(outdir, answers)


def stop_peer(peer: Peer) -> None:
    subprocess.run([str(PEER_DIR / "stop.sh"), str(peer.outdir)], capture_output=True, timeout=60)
