"""Corrections going back: a field corrected here, on a document a remote read, updates the
remote's result (on a DocRouter server, the prompt's answer, marked verified).

A correction is marked ``pending`` when it is made; ``send`` tries at once and records
``sent`` or ``failed`` with the reason, and every later run of that remote workspace sends
what is still pending or failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from docrouter_desktop.client import DocRouterError, Unauthorized
from docrouter_desktop.core.remote.messages import refused_token
from docrouter_desktop.core.remote.registry import RemoteInfo, client_for, get_remote
from docrouter_desktop.core.remote.workspaces import RemoteWorkspace, Sent, open_workspace
from docrouter_desktop.core.secrets import RemoteTokenStore
from docrouter_desktop.core.storage.models import RemoteDocument, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CorrectionOutcome:
    document_id: str
    sent: bool
    message: str


def mark_pending(library, document_id: str) -> bool:
    """Note that a correction waits to go back; False when the document was read here."""
    with library.db.write() as s:
        rec = s.get(RemoteDocument, document_id)
        if rec is None or rec.status != "completed" or not rec.remote_document_id:
            return False
        rec.correction_status, rec.correction_error = "pending", None
        return True


def send(library, store: RemoteTokenStore, document_id: str) -> CorrectionOutcome | None:
    """Send one document's corrections to the remote that read it (None: read here)."""
    with library.db.read() as s:
        rec = s.get(RemoteDocument, document_id)
        if rec is None or rec.status != "completed" or not rec.remote_document_id:
            return None
        name, org = rec.remote_name, rec.remote_org
    try:
        remote = get_remote(library, name)
        with client_for(remote, store, retries=2, retry_deadline=20) as client:
            workspace = open_workspace(client, remote, org)
            return _send_one(library, workspace, remote, document_id)
    except Unauthorized as exc:
        message = refused_token(get_remote(library, name), exc, org)
        _note(library, document_id, "failed", message)
        return CorrectionOutcome(document_id, False, message)
    except Exception as exc:  # the remote or its token is gone: say so on the document
        message = getattr(exc, "message", None) or str(exc)
        _note(library, document_id, "failed", message)
        return CorrectionOutcome(document_id, False, message)


def push_pending(library, workspace: RemoteWorkspace, remote: RemoteInfo, org: str) -> int:
    """Send every correction still waiting for this workspace; how many went."""
    with library.db.read() as s:
        ids = [
            r.document_id
            for r in s.query(RemoteDocument).filter(
                RemoteDocument.remote_name == remote.name,
                RemoteDocument.remote_org == org,
                RemoteDocument.correction_status.in_(("pending", "failed")),
            )
        ]
    return sum(1 for i in ids if _send_one(library, workspace, remote, i).sent)


def _send_one(
    library, workspace: RemoteWorkspace, remote: RemoteInfo, document_id: str
) -> CorrectionOutcome:
    with library.db.read() as s:
        rec = s.get(RemoteDocument, document_id)
        remote_id = rec.remote_document_id if rec else None
        revid, prompt_id = (rec.prompt_revid, rec.prompt_id) if rec else (None, None)
    result = library.result(document_id)
    if not remote_id or result is None:
        return CorrectionOutcome(document_id, False, "There is nothing to send.")
    try:
        prompt = workspace.prompt_for(result.processor_type)
        if prompt is not None and revid and prompt.prompt_revid != revid:
            prompt = replace(prompt, prompt_revid=revid, prompt_id=prompt_id)
        workspace.send_correction(Sent(remote_id, prompt), result)
    except Unauthorized as exc:
        message = refused_token(remote, exc, rec.remote_org if rec else None)
        _note(library, document_id, "failed", message)
        return CorrectionOutcome(document_id, False, message)
    except DocRouterError as exc:
        _note(library, document_id, "failed", exc.message)
        return CorrectionOutcome(document_id, False, exc.message)
    _note(library, document_id, "sent", None)
    return CorrectionOutcome(
        document_id, True, f"The correction is on {remote.name} as the verified result."
    )


def _note(library, document_id: str, status: str, error: str | None) -> None:
    with library.db.write() as s:
        rec = s.get(RemoteDocument, document_id)
        if rec is not None:
            rec.correction_status, rec.correction_error = status, error
            if status == "sent":
                rec.corrected_at = utcnow()
