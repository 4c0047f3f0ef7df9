"""The remote runner: sends the queued jobs of one remote workspace, follows them there, and
brings each result home into the library.

Remote work goes through the same persisted job queue as local work, with the target
``remote:NAME:ORG``, so it is claimed exactly once and survives a restart: the remote document
id is stored as soon as the upload is answered, and a resumed job follows that document
instead of sending it again (on a DocRouter server, which keeps every upload, a job also asks
the workspace for its document before sending). The client's retry policy rides out short
faults; a server that stops answering is waited for up to ``offline_timeout``; a refused token
or a vanished workspace fails the affected documents with a message that says what to do.
Local work is never held up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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
from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.core.remote import corrections
from docrouter_desktop.core.remote.messages import refused_token
from docrouter_desktop.core.remote.registry import RemoteInfo, client_for, note_dialect
from docrouter_desktop.core.remote.workspaces import (
    Outgoing,
    RemoteWorkspace,
    Sent,
    SetupError,
    open_workspace,
)
from docrouter_desktop.core.secrets import RemoteTokenStore
from docrouter_desktop.core.states import EventKind
from docrouter_desktop.core.storage.models import RemoteDocument, utcnow

log = logging.getLogger(__name__)

_TRANSIENT = (NetworkError, ServerError, RateLimited)


@dataclass
class _Pending:
    claim: jobs.ClaimedJob
    sent: Sent | None = None
    since: float = field(default_factory=time.monotonic)


class RemoteRunner:
    """Processes the queued remote jobs of one remote workspace until none is left."""

    def __init__(
        self,
        library,
        remote: RemoteInfo,
        org: str,
        store: RemoteTokenStore,
        on_event: Callable[[JobEvent], None] | None = None,
        only_documents: set[str] | None = None,
        offline_timeout: float = 300.0,
        poll_max: float = 5.0,
        document_timeout: float = 3600.0,
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
        self.document_timeout = document_timeout
        self.owner = jobs.owner_id()
        self.target = remote.target(org)
        self._client_factory = client_factory or (lambda: client_for(remote, store))

    def run_until_idle(self) -> None:
        try:
            client = self._client_factory()
        except DocRouterError as exc:
            self._fail_queued(str(exc))
            return
        with client:
            try:
                workspace = open_workspace(client, self.remote, self.org)
            except _TRANSIENT as exc:
                self._fail_queued(f"The server does not answer: {exc.message}")
                return
            except Unauthorized as exc:
                self._fail_queued(self._token_message(exc))
                return
            if self.remote.dialect is not workspace.dialect:
                self.remote = note_dialect(self.library, self.remote.name, workspace.dialect)
            self._loop(workspace)
            corrections.push_pending(self.library, workspace, self.remote, self.org)

    def _loop(self, workspace: RemoteWorkspace) -> None:
        pending: dict[int, _Pending] = {}
        waiting: list[jobs.ClaimedJob] = []  # claimed, not sent yet: the server was away
        delay = 0.3
        last_ok = time.monotonic()
        while True:
            still: list[jobs.ClaimedJob] = []
            renewed = time.monotonic()
            claimed = waiting + list(iter(self._claim, None))
            for claim in claimed:
                if time.monotonic() - renewed > jobs.LEASE_SECONDS / 3:
                    self._renew([*pending, *(c.job_id for c in claimed)])
                    renewed = time.monotonic()
                try:
                    p = self._start(workspace, claim)
                except _TRANSIENT as exc:
                    if time.monotonic() - last_ok > self.offline_timeout:
                        self._fail(claim, f"Could not send the document: {exc.message}")
                    else:
                        still.append(claim)
                    continue
                except Unauthorized as exc:
                    self._fail_all(claimed, pending, self._token_message(exc))
                    return
                last_ok = time.monotonic()
                if p is not None:
                    pending[claim.job_id] = p
            waiting = [c for c in still if c not in pending]
            if not pending and not waiting:
                return
            time.sleep(delay)
            try:
                self._poll(workspace, pending)
                last_ok = time.monotonic()
                delay = min(delay * 1.5, self.poll_max)
            except _TRANSIENT as exc:
                if time.monotonic() - last_ok > self.offline_timeout:
                    for p in list(pending.values()) + [_Pending(c) for c in waiting]:
                        self._fail(p.claim, f"The server stopped answering: {exc.message}")
                    return
                log.warning("remote %s: %s; waiting", self.remote.name, exc.message)
                delay = min(delay * 2, 30.0)
            except Unauthorized as exc:
                self._fail_all(waiting, pending, self._token_message(exc))
                return
            self._renew([*pending, *(c.job_id for c in waiting)])

    # -- steps

    def _renew(self, job_ids: list[int]) -> None:
        with self.library.db.write() as s:
            jobs.renew(s, self.owner, job_ids)

    def _claim(self) -> jobs.ClaimedJob | None:
        with self.library.db.write() as s:
            return jobs.claim(s, self.owner, self.only_documents, self.target)

    def _outgoing(self, claim: jobs.ClaimedJob) -> Outgoing:
        return Outgoing(
            claim.document_id,
            claim.document_name,
            claim.sha256,
            self.library.blobs.path_for(claim.sha256),
            claim.processor_type,
            claim.content_type,
        )

    def _start(self, workspace: RemoteWorkspace, claim: jobs.ClaimedJob) -> _Pending | None:
        """Send the claimed document (or take up where a run before left it); None when it
        failed for good."""
        self._emit(EventKind.STARTED, claim)
        resumed = self._resumed(workspace, claim)
        if resumed is not None:
            return _Pending(claim, resumed)
        out = self._outgoing(claim)
        if not out.path.exists():
            self._fail(
                claim,
                "The stored original of this document is missing from the library, so it "
                "cannot be sent. Add the file again.",
            )
            return None
        try:
            workspace.prompt_for(claim.processor_type)  # made ready once, before any upload
        except SetupError as exc:
            self._fail(claim, exc.message)
            return None
        try:
            sent = workspace.find_sent(out) or workspace.send(out)
        except ServerError as exc:
            if workspace.reachable():  # it answers other calls: this file is the problem
                self._fail(claim, f"The server did not take this file: {exc.message}")
                return None
            raise
        except (NetworkError, RateLimited, Unauthorized):
            raise
        except SetupError as exc:
            self._fail(claim, exc.message)
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
        except DocRouterError as exc:
            self._fail(claim, f"The document could not be sent: {exc.message}")
            return None
        self._record(claim.document_id, sent, workspace, status="uploaded")
        return _Pending(claim, sent)

    def _resumed(self, workspace: RemoteWorkspace, claim: jobs.ClaimedJob) -> Sent | None:
        """The document a run before sent for this job and left unfinished, if any."""
        with self.library.db.read() as s:
            rec = s.get(RemoteDocument, claim.document_id)
            if (
                rec is None
                or not rec.remote_document_id
                or (rec.remote_name, rec.remote_org) != (self.remote.name, self.org)
                or rec.status not in ("uploaded", "processing")
                or (rec.dialect or workspace.dialect) != workspace.dialect
            ):
                return None
            remote_id = rec.remote_document_id
        return Sent(remote_id, workspace.prompt_for(claim.processor_type))

    def _poll(self, workspace: RemoteWorkspace, pending: dict[int, _Pending]) -> None:
        for job_id, p in list(pending.items()):
            with self.library.db.read() as s:
                if not jobs.still_ours(s, self.owner, job_id):
                    pending.pop(job_id)  # cancelled by the user
                    self._emit(EventKind.CANCELLED, p.claim)
                    continue
            assert p.sent is not None
            try:
                st = workspace.state(p.sent)
            except NotFound as exc:
                pending.pop(job_id)
                self._fail(
                    p.claim,
                    f"The document is no longer on {self.remote.url} ({exc.message}); the "
                    "workspace may have been deleted. The local copy is kept: retry to send it "
                    "again.",
                    forget_remote=True,
                )
                continue
            if st.kind == "completed":
                try:
                    result = workspace.result(p.sent)
                except NotFound as exc:
                    pending.pop(job_id)
                    self._fail(p.claim, f"The server has no result for it: {exc.message}")
                    continue
                self._complete(p.claim, result)
                pending.pop(job_id)
            elif st.kind == "failed":
                pending.pop(job_id)
                self._fail(
                    p.claim,
                    f"The DocRouter server could not process it: {st.detail}",
                    forget_remote=True,
                )
            elif time.monotonic() - p.since > self.document_timeout:
                pending.pop(job_id)
                self._fail(
                    p.claim,
                    f"The server was still at '{st.detail}' after "
                    f"{self.document_timeout / 60:.0f} minutes; retry later.",
                )

    # -- outcomes

    def _complete(self, claim: jobs.ClaimedJob, result: dict) -> None:
        pages = result.get("pages") or []
        data = {
            "processor_type": result.get("processor_type") or claim.processor_type,
            "fields": result.get("fields") or {},
            "field_details": result.get("field_details") or {},
            "pages": pages,
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
        self._emit(EventKind.COMPLETED if stored else EventKind.CANCELLED, claim, pages=len(pages))

    def _fail(self, claim: jobs.ClaimedJob, message: str, forget_remote: bool = False) -> None:
        with self.library.db.write() as s:
            stored = jobs.fail(s, self.owner, claim.job_id, message)
            rec = s.get(RemoteDocument, claim.document_id)
            if rec is not None:
                rec.status, rec.error, rec.finished_at = "failed", message, utcnow()
                if forget_remote:
                    rec.remote_document_id = None
        self._emit(EventKind.FAILED if stored else EventKind.CANCELLED, claim, error=message)

    def _fail_all(
        self, claims: list[jobs.ClaimedJob], pending: dict[int, _Pending], message: str
    ) -> None:
        done = set()
        for claim in [*claims, *(p.claim for p in pending.values())]:
            if claim.job_id in done:
                continue
            done.add(claim.job_id)
            with self.library.db.read() as s:
                ours = jobs.still_ours(s, self.owner, claim.job_id)
            if ours:  # not finished already in this run
                self._fail(claim, message)
        self._fail_queued(message)

    def _fail_queued(self, message: str) -> None:
        """Fail every job still queued for this workspace (of this run's documents)."""
        while claim := self._claim():
            self._emit(EventKind.STARTED, claim)
            self._fail(claim, message)

    def _record(
        self, document_id: str, sent: Sent, workspace: RemoteWorkspace, status: str
    ) -> None:
        with self.library.db.write() as s:
            rec = s.get(RemoteDocument, document_id)
            if rec is None:
                rec = RemoteDocument(document_id=document_id)
                s.add(rec)
            rec.remote_name = self.remote.name
            rec.base_url = self.remote.url
            rec.remote_org = self.org
            rec.remote_document_id = sent.remote_id
            rec.dialect = str(workspace.dialect)
            rec.prompt_revid = sent.prompt.prompt_revid if sent.prompt else None
            rec.prompt_id = sent.prompt.prompt_id if sent.prompt else None
            rec.uploaded_at = utcnow()
            rec.finished_at = None
            rec.status = status
            rec.error = None
            rec.correction_status = None
            rec.correction_error = None

    def _token_message(self, exc: Unauthorized) -> str:
        return refused_token(self.remote, exc, self.org)

    def _emit(
        self, kind: EventKind, claim: jobs.ClaimedJob, error: str | None = None, pages=None
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
            "dialect": rec.dialect,
            "prompt_revid": rec.prompt_revid,
            "correction_status": rec.correction_status,
            "correction_error": rec.correction_error,
            "corrected_at": rec.corrected_at,
        }
