"""Remote processing: sending documents to a DocRouter server's workspace and bringing the
results home into the same library.

Remote work goes through the same persisted job queue as local work, with the target
``remote:NAME:ORG``, so it is claimed exactly once and survives a restart: the remote
document id is stored as soon as the upload is answered, and a resumed job polls that
document instead of uploading again. Transient faults (connection lost, 5xx, 429) are waited
out up to ``offline_timeout``; a refused token or a vanished workspace fails the affected
documents with a message that says what to do. Local work is never held up.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docrouter_desktop.client import (
    APIError,
    DocRouterClient,
    DocRouterError,
    Forbidden,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)
from docrouter_desktop.core import jobs
from docrouter_desktop.core.errors import UsageError
from docrouter_desktop.core.runner import JobEvent
from docrouter_desktop.core.secrets import TokenStore
from docrouter_desktop.core.storage.models import RemoteDocument, Setting, utcnow

log = logging.getLogger(__name__)

REMOTES_KEY = "remotes"


@dataclass(frozen=True)
class RemoteInfo:
    name: str
    url: str
    org_tokens: tuple[str, ...] = ()  # workspaces with a stored workspace token

    def target(self, org: str) -> str:
        return f"remote:{self.name}:{org}"


# --- the registry of remotes (names and URLs only; tokens live in the keyring) -------------


def remotes(library) -> dict[str, RemoteInfo]:
    with library.db.read() as s:
        row = s.get(Setting, REMOTES_KEY)
        data = dict(row.value) if row and row.value else {}
    return {
        name: RemoteInfo(name, v["url"], tuple(v.get("org_tokens", ()))) for name, v in data.items()
    }


def _save(library, data: dict[str, RemoteInfo]) -> None:
    value = {n: {"url": r.url, "org_tokens": list(r.org_tokens)} for n, r in data.items()}
    with library.db.write() as s:
        row = s.get(Setting, REMOTES_KEY)
        if row is None:
            s.add(Setting(key=REMOTES_KEY, value=value))
        else:
            row.value = value


def add_remote(library, name: str, url: str) -> RemoteInfo:
    if not name or not all(c.isalnum() or c in "-_." for c in name):
        raise UsageError("A remote's name may hold letters, digits, '-', '_' and '.'.")
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"'{url}' is not a URL: it must start with https:// (or http://).")
    data = remotes(library)
    data[name] = RemoteInfo(name, url.rstrip("/"), data[name].org_tokens if name in data else ())
    _save(library, data)
    return data[name]


def get_remote(library, name: str) -> RemoteInfo:
    data = remotes(library)
    if name not in data:
        raise UsageError(
            f"No remote '{name}'. Add it with: docrouter-desktop remote add {name} --url URL"
        )
    return data[name]


def remove_remote(library, name: str, store: TokenStore) -> None:
    data = remotes(library)
    remote = data.pop(name, None)
    if remote is None:
        raise UsageError(f"No remote '{name}'.")
    for org in remote.org_tokens:
        store.delete_token(name, org)
    store.delete_token(name)
    _save(library, data)


def note_org_token(library, name: str, org: str, present: bool) -> None:
    data = remotes(library)
    r = data[name]
    orgs = set(r.org_tokens)
    (orgs.add if present else orgs.discard)(org)
    data[name] = RemoteInfo(r.name, r.url, tuple(sorted(orgs)))
    _save(library, data)


def client_for(remote: RemoteInfo, store: TokenStore, **kwargs) -> DocRouterClient:
    account = store.get_token(remote.name)
    org_tokens = {o: t for o in remote.org_tokens if (t := store.get_token(remote.name, o))}
    if not account and not org_tokens:
        raise UsageError(
            f"No token is stored for the remote '{remote.name}'. Set one with: "
            f"docrouter-desktop token set --remote {remote.name} [--org ID]"
        )
    return DocRouterClient(remote.url, account, org_tokens=org_tokens, **kwargs)


# --- processing ----------------------------------------------------------------------------


@dataclass
class _Pending:
    claim: jobs.ClaimedJob
    remote_id: str | None = None


class RemoteRunner:
    """Processes the queued remote jobs of one remote workspace until none is left."""

    def __init__(
        self,
        library,
        remote: RemoteInfo,
        org: str,
        store: TokenStore,
        on_event: Callable[[JobEvent], None] | None = None,
        only_documents: set[str] | None = None,
        offline_timeout: float = 300.0,
        poll_max: float = 5.0,
        client_factory: Callable[[], DocRouterClient] | None = None,
    ):
        self.library = library
        self.remote = remote
        self.org = org
        self.store = store
        self.on_event = on_event or (lambda e: None)
        self.only_documents = only_documents
        self.offline_timeout = offline_timeout
        self.poll_max = poll_max
        self.owner = jobs.owner_id()
        self.target = remote.target(org)
        self._client_factory = client_factory or (lambda: client_for(remote, store))

    def run_until_idle(self) -> None:
        with self._client_factory() as client:
            pending: dict[int, _Pending] = {}
            delay = 0.3
            last_ok = time.monotonic()
            while True:
                while claim := self._claim():
                    pending[claim.job_id] = self._start(client, claim)
                pending = {k: p for k, p in pending.items() if p is not None}
                if not pending:
                    return
                time.sleep(delay)
                try:
                    self._poll(client, pending)
                    last_ok = time.monotonic()
                    delay = min(delay * 1.5, self.poll_max)
                except (NetworkError, ServerError, RateLimited) as exc:
                    if time.monotonic() - last_ok > self.offline_timeout:
                        for p in list(pending.values()):
                            self._fail(p.claim, f"The server stopped answering: {exc.message}")
                        return
                    log.warning("remote %s: %s; waiting", self.remote.name, exc.message)
                    delay = min(delay * 2, 30.0)
                except Unauthorized as exc:
                    for p in list(pending.values()):
                        self._fail(p.claim, self._token_message(exc))
                    return
                with self.library.db.write() as s:
                    jobs.renew(s, self.owner, list(pending))

    # -- steps

    def _claim(self) -> jobs.ClaimedJob | None:
        with self.library.db.write() as s:
            return jobs.claim(s, self.owner, self.only_documents, self.target)

    def _start(self, client: DocRouterClient, claim: jobs.ClaimedJob) -> _Pending | None:
        self._emit("started", claim)
        with self.library.db.read() as s:
            rec = s.get(RemoteDocument, claim.document_id)
            if (
                rec is not None
                and rec.remote_document_id
                and (rec.remote_name, rec.remote_org) == (self.remote.name, self.org)
                and rec.status in ("uploaded", "processing")
            ):
                return _Pending(claim, rec.remote_document_id)  # resumed: never upload twice
        path = self.library.blobs.path_for(claim.sha256)
        started = time.monotonic()
        while True:
            try:
                reply = client.upload(
                    self.org,
                    path,
                    claim.processor_type,
                    filename=claim.document_name,
                    content_type=claim.content_type,
                )
                break
            except (NetworkError, ServerError, RateLimited) as exc:
                if time.monotonic() - started > self.offline_timeout:
                    self._fail(claim, f"Could not send the document: {exc.message}")
                    return None
                time.sleep(2.0)
            except Unauthorized as exc:
                self._fail(claim, self._token_message(exc))
                return None
            except (Forbidden, NotFound) as exc:
                self._fail(
                    claim,
                    f"The workspace '{self.org}' on {self.remote.url} cannot be used with this "
                    f"token ({exc.message}). Check the organization id, or store a token for it.",
                )
                return None
            except APIError as exc:
                self._fail(claim, f"The server did not accept the document: {exc.message}")
                return None
        remote_id = str(reply.get("document_id") or reply.get("id") or "")
        if not remote_id:
            self._fail(claim, "The server's answer to the upload carried no document id.")
            return None
        self._record(claim.document_id, remote_id=remote_id, status="uploaded")
        return _Pending(claim, remote_id)

    def _poll(self, client: DocRouterClient, pending: dict[int, _Pending]) -> None:
        for job_id, p in list(pending.items()):
            with self.library.db.read() as s:
                if not jobs.still_ours(s, self.owner, job_id):
                    pending.pop(job_id)  # cancelled by the user
                    self._emit("cancelled", p.claim)
                    continue
            try:
                st = client.status(self.org, p.remote_id)
            except NotFound as exc:
                pending.pop(job_id)
                self._fail(
                    p.claim,
                    f"The document is no longer on {self.remote.url} ({exc.message}); the "
                    "workspace may have been deleted. The local copy is kept: retry to send it again.",
                    forget_remote=True,
                )
                continue
            status = st.get("status")
            if status == "completed":
                result = client.results(self.org, p.remote_id)
                self._complete(p.claim, result)
                pending.pop(job_id)
            elif status in ("failed", "cancelled"):
                pending.pop(job_id)
                reason = st.get("error") or status
                self._fail(p.claim, f"The DocRouter server could not process it: {reason}")

    # -- outcomes

    def _complete(self, claim: jobs.ClaimedJob, result: dict) -> None:
        data = {
            "processor_type": result.get("processor_type") or claim.processor_type,
            "fields": result.get("fields") or {},
            "field_details": result.get("field_details") or {},
            "pages": result.get("pages") or [],
            "warnings": list(result.get("warnings") or []),
            "routing": result.get("routing"),
            "text": result.get("text") or "",
        }
        with self.library.db.write() as s:
            stored = jobs.complete(s, self.owner, claim.job_id, data)
            if stored:
                rec = s.get(RemoteDocument, claim.document_id)
                if rec is not None:
                    rec.status, rec.finished_at, rec.error = "completed", utcnow(), None
        self._emit("completed" if stored else "cancelled", claim, pages=len(data["pages"]))

    def _fail(self, claim: jobs.ClaimedJob, message: str, forget_remote: bool = False) -> None:
        with self.library.db.write() as s:
            stored = jobs.fail(s, self.owner, claim.job_id, message)
            rec = s.get(RemoteDocument, claim.document_id)
            if rec is not None:
                rec.status, rec.error, rec.finished_at = "failed", message, utcnow()
                if forget_remote:
                    rec.remote_document_id = None
        self._emit("failed" if stored else "cancelled", claim, error=message)

    def _record(self, document_id: str, remote_id: str, status: str) -> None:
        with self.library.db.write() as s:
            rec = s.get(RemoteDocument, document_id)
            if rec is None:
                rec = RemoteDocument(document_id=document_id)
                s.add(rec)
            rec.remote_name = self.remote.name
            rec.base_url = self.remote.url
            rec.remote_org = self.org
            rec.remote_document_id = remote_id
            rec.uploaded_at = utcnow()
            rec.finished_at = None
            rec.status = status
            rec.error = None

    def _token_message(self, exc: DocRouterError) -> str:
        return (
            f"The server {self.remote.url} refused the token ({exc.message}): it may have been "
            f"revoked. Store a new one with: docrouter-desktop token set --remote {self.remote.name}"
        )

    def _emit(
        self, kind: str, claim: jobs.ClaimedJob, error: str | None = None, pages=None
    ) -> None:
        try:
            self.on_event(
                JobEvent(
                    kind,
                    claim.document_id,
                    claim.document_name,
                    pages,
                    pages or 0,
                    error,
                    claim.processor_type,
                )
            )
        except Exception:
            log.exception("event listener failed")


def remote_record(library, document_id: str) -> dict | None:
    """What left the machine for one document: server, workspace, when, and the outcome."""
    with library.db.read() as s:
        rec = s.get(RemoteDocument, document_id)
        if rec is None:
            return None
        return {
            "remote": rec.remote_name,
            "url": rec.base_url,
            "organization": rec.remote_org,
            "remote_document_id": rec.remote_document_id,
            "uploaded_at": rec.uploaded_at,
            "finished_at": rec.finished_at,
            "status": rec.status,
            "error": rec.error,
        }


# --- routing rules: when a document goes to a remote after local processing ----------------

RULES_KEY = "remote_rules"
KEY_FIELDS = ("vendor", "date", "total", "invoice_number")


@dataclass(frozen=True)
class RoutingRule:
    """``low_confidence``: send a document whose key fields came out below ``threshold`` to
    ``remote``/``org``. ``never``: documents from ``folder`` never leave the machine."""

    kind: str
    remote: str | None = None
    org: str | None = None
    threshold: float = 0.6
    folder: str | None = None

    def describe(self) -> str:
        if self.kind == "never":
            return f"never send documents from {self.folder}"
        return f"send to {self.remote} (workspace {self.org}) when confidence is below {self.threshold:.2f}"


def rules(library) -> list[RoutingRule]:
    # Plain SQL: every batch reads the rules when it ends.
    with library.db.read() as s:
        row = (
            s.connection()
            .exec_driver_sql("SELECT value FROM settings WHERE key = ?", (RULES_KEY,))
            .first()
        )
    value = json.loads(row[0]) if row and isinstance(row[0], str) else None
    return [RoutingRule(**r) for r in (value or [])]


def save_rules(library, new_rules: list[RoutingRule]) -> None:
    value = [r.__dict__ for r in new_rules]
    with library.db.write() as s:
        row = s.get(Setting, RULES_KEY)
        if row is None:
            s.add(Setting(key=RULES_KEY, value=value))
        else:
            row.value = value


def add_rule(library, rule: RoutingRule) -> None:
    if rule.kind == "low_confidence":
        get_remote(library, rule.remote or "")
        if not rule.org:
            raise UsageError("A low-confidence rule needs the remote workspace (--org).")
    elif rule.kind == "never":
        if not rule.folder:
            raise UsageError("A 'never' rule needs --folder.")
        rule = RoutingRule("never", folder=str(Path(rule.folder).expanduser().resolve()))
    else:
        raise UsageError(f"Unknown rule kind '{rule.kind}'.")
    save_rules(library, [*rules(library), rule])


def never_remote(rule_list: list[RoutingRule], source_path: str | None) -> bool:
    if not source_path:
        return False
    src = Path(source_path).expanduser().resolve()
    return any(r.kind == "never" and src.is_relative_to(r.folder) for r in rule_list)


def escalations(library, document_ids: list[str]) -> dict[RoutingRule, list[str]]:
    """Which locally completed documents the rules send to a remote, by rule."""
    rule_list = rules(library)
    low = [r for r in rule_list if r.kind == "low_confidence"]
    if not low or not document_ids:
        return {}
    docs = {d.id: d for d in library.documents(ids=document_ids)[0]}
    results = library.results(document_ids)
    out: dict[RoutingRule, list[str]] = {}
    for doc_id in document_ids:
        d, r = docs.get(doc_id), results.get(doc_id)
        if (
            d is None
            or r is None
            or d.status != "completed"
            or never_remote(rule_list, d.source_path)
        ):
            continue
        if r.processor_type == "text" or any(
            (det or {}).get("source") in ("user", "embedded") for det in r.field_details.values()
        ):
            continue
        confs = [
            (r.field_details.get(f) or {}).get("confidence", 0.0)
            if r.fields.get(f) is not None
            else 0.0
            for f in KEY_FIELDS
            if f in r.fields
        ]
        lowest = min(confs) if confs else 0.0
        for rule in low:
            if lowest < rule.threshold:
                out.setdefault(rule, []).append(doc_id)
                break
    return out
