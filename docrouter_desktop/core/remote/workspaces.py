"""A remote workspace as the remote runner sees it, in either dialect: send a document, read
its state, bring its result home, send a correction back.

``DocRouterWorkspace`` speaks the open-source DocRouter's API: the file goes up as JSON
(base64) or, when large, as multipart, with the tag of the app's prompt and metadata naming
the local document; DocRouter keeps every upload, so before sending (and after a failure whose
outcome is unknown) the workspace is asked for a document with that metadata first, and a
document is never sent twice. ``DesktopWorkspace`` speaks the desktop dialect, whose server
keeps one document per content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from docrouter_desktop.client import (
    DONE_STATES,
    APIError,
    Dialect,
    DocRouterClient,
    DocRouterError,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)
from docrouter_desktop.core.errors import UsageError
from docrouter_desktop.core.fields import field_names
from docrouter_desktop.core.records import ResultInfo
from docrouter_desktop.core.remote.answers import PromptRef, answer_of, read_answer
from docrouter_desktop.core.remote.prompt_setup import prepare_prompt
from docrouter_desktop.core.remote.registry import RemoteInfo

JSON_UPLOAD_LIMIT = 8 << 20  # larger files go up as multipart, streamed from disk
META_SHA256 = "docrouter_desktop_sha256"
META_ID = "docrouter_desktop_id"


@dataclass(frozen=True)
class Outgoing:
    """A local document on its way to a remote workspace."""

    document_id: str
    name: str
    sha256: str
    path: Path
    processor_type: str
    content_type: str
    size: int = 0


@dataclass(frozen=True)
class Sent:
    remote_id: str
    prompt: PromptRef | None = None


@dataclass(frozen=True)
class RemoteState:
    kind: Literal["waiting", "completed", "failed"]
    detail: str | None = None


class SetupError(DocRouterError):
    """The workspace could not be made ready: the app's prompt is missing and cannot be made."""


class RemoteWorkspace(Protocol):
    dialect: Dialect

    def prompt_for(self, processor: str) -> PromptRef | None: ...
    def find_sent(self, out: Outgoing) -> Sent | None: ...
    def send(self, out: Outgoing) -> Sent: ...
    def state(self, sent: Sent) -> RemoteState: ...
    def result(self, sent: Sent) -> dict[str, Any]: ...
    def send_correction(self, sent: Sent, result: ResultInfo) -> None: ...
    def reachable(self) -> bool: ...


def reachable(client: DocRouterClient, org: str) -> bool:
    """Whether the workspace answers a cheap call (a server that is up, as against a call that
    failed for one document)."""
    try:
        client.document_count(org)
        return True
    except DocRouterError:
        return False


def open_workspace(client: DocRouterClient, remote: RemoteInfo, org: str) -> RemoteWorkspace:
    if client.detect_dialect() is Dialect.DESKTOP:
        return DesktopWorkspace(client, remote, org)
    return DocRouterWorkspace(client, remote, org)


class DocRouterWorkspace:
    dialect = Dialect.DOCROUTER

    def __init__(self, client: DocRouterClient, remote: RemoteInfo, org: str) -> None:
        self.client = client
        self.remote = remote
        self.org = org
        self._prompts: dict[str, PromptRef] = {}

    def prompt_for(self, processor: str) -> PromptRef:
        return self.prompt(processor)

    def prompt(self, processor: str) -> PromptRef:
        """The prompt for a processor, found or made in the workspace the first time."""
        key = processor if processor in ("invoice", "receipt") else "invoice"
        if key not in self._prompts:
            choice = self.remote.prompt_choice(self.org, processor) or self.remote.prompt_choice(
                self.org, key
            )
            try:
                self._prompts[key] = prepare_prompt(self.client, self.org, key, choice)
            except (NetworkError, ServerError, RateLimited, Unauthorized):
                raise
            except (APIError, UsageError) as exc:
                words = exc.message if isinstance(exc, APIError) else str(exc)
                raise SetupError(
                    f"The app's {key} prompt could not be found or made in the workspace "
                    f"{self.org}: {words}"
                ) from None
        return self._prompts[key]

    def _metadata(self, out: Outgoing) -> dict[str, str]:
        return {META_SHA256: out.sha256, META_ID: out.document_id}

    def find_sent(self, out: Outgoing) -> Sent | None:
        """A document sent earlier for this local document that is not a failure."""
        for doc in self.client.find_by_metadata(self.org, self._metadata(out)):
            if doc.get("state") not in ("ocr_failed", "llm_failed") and doc.get("id"):
                return Sent(str(doc["id"]), self.prompt(out.processor_type))
        return None

    def send(self, out: Outgoing) -> Sent:
        prompt = self.prompt(out.processor_type)
        tags = [prompt.tag_id] if prompt.tag_id else []

        def reconcile() -> dict[str, Any] | None:
            found = self.find_sent(out)
            return {"document_id": found.remote_id} if found else None

        upload = (
            self.client.upload_multipart
            if (out.size or out.path.stat().st_size) > JSON_UPLOAD_LIMIT
            else self.client.upload_json
        )
        reply = upload(
            self.org,
            out.path,
            name=out.name,
            tag_ids=tags,
            metadata=self._metadata(out),
            reconcile=reconcile,
        )
        remote_id = str(reply.get("document_id") or reply.get("id") or "")
        if not remote_id:
            raise DocRouterError("The server's answer to the upload carried no document id.")
        return Sent(remote_id, prompt)

    def state(self, sent: Sent) -> RemoteState:
        doc = self.client.get_document(self.org, sent.remote_id)
        state = str(doc.get("state") or "")
        if state == "llm_completed":
            return RemoteState("completed")
        if state in DONE_STATES:
            what = "read its text" if state == "ocr_failed" else "run the prompt on it"
            return RemoteState("failed", f"the server could not {what} ({state})")
        return RemoteState("waiting", state)

    def result(self, sent: Sent) -> dict[str, Any]:
        prompt = sent.prompt or self.prompt("invoice")
        try:
            stored = self.client.llm_result(
                self.org, sent.remote_id, prompt_id=prompt.prompt_id or prompt.prompt_revid
            )
            answer = stored.get("updated_llm_result") or stored.get("llm_result") or {}
        except NotFound:  # the tag did not run the prompt: ask for it
            ran = self.client.run_llm(self.org, sent.remote_id, prompt.prompt_revid)
            answer = ran.get("result") or {}
        text = self._text(sent.remote_id)
        pages = self._pages(sent.remote_id, text)
        names = field_names(prompt.processor)
        read = read_answer(answer, names, prompt, text, self.remote.name)
        return {
            "processor_type": prompt.processor,
            "fields": read.fields,
            "field_details": read.field_details,
            "pages": [{"number": i + 1, "text_source": "remote"} for i in range(pages)],
            "warnings": read.warnings,
            "routing": (
                f"{prompt.processor}: read by the prompt '{prompt.name}' on {self.remote.name} "
                f"({self.remote.url}), workspace {self.org}"
            ),
            "text": text,
        }

    def _text(self, remote_id: str) -> str:
        try:
            return self.client.ocr_text(self.org, remote_id)
        except NotFound:
            return ""

    def _pages(self, remote_id: str, text: str) -> int:
        try:
            n = self.client.ocr_metadata(self.org, remote_id).get("n_pages")
            if isinstance(n, int) and n > 0:
                return n
        except DocRouterError:
            pass
        return text.count("\f") + 1 if text else 0

    def send_correction(self, sent: Sent, result: ResultInfo) -> None:
        prompt = sent.prompt or self.prompt(result.processor_type)
        names = field_names(prompt.processor)
        try:
            stored = self.client.llm_result(
                self.org, sent.remote_id, prompt_revid=prompt.prompt_revid
            )
            base = stored.get("updated_llm_result") or stored.get("llm_result") or {}
        except NotFound:
            base = {}
        answer = answer_of(result.fields, names, prompt, base)
        self.client.update_llm_result(
            self.org, sent.remote_id, prompt.prompt_revid, answer, is_verified=True
        )

    def reachable(self) -> bool:
        return reachable(self.client, self.org)


class DesktopWorkspace:
    dialect = Dialect.DESKTOP

    def __init__(self, client: DocRouterClient, remote: RemoteInfo, org: str) -> None:
        self.client = client
        self.remote = remote
        self.org = org

    def prompt_for(self, processor: str) -> PromptRef | None:
        return None  # the server reads with its processors, not prompts

    def find_sent(self, out: Outgoing) -> Sent | None:
        return None  # the server keeps one document per content: an upload finds it

    def send(self, out: Outgoing) -> Sent:
        reply = self.client.upload(
            self.org,
            out.path,
            out.processor_type,
            filename=out.name,
            content_type=out.content_type,
        )
        remote_id = str(reply.get("document_id") or reply.get("id") or "")
        if not remote_id:
            raise DocRouterError("The server's answer to the upload carried no document id.")
        if reply.get("duplicate") and reply.get("status") in ("failed", "cancelled"):
            # Sent before and it failed there: have it read again.
            self.client.reprocess(self.org, remote_id, out.processor_type)
        return Sent(remote_id)

    def state(self, sent: Sent) -> RemoteState:
        st = self.client.status(self.org, sent.remote_id)
        status = st.get("status")
        if status == "completed":
            return RemoteState("completed")
        if status in ("failed", "cancelled"):
            return RemoteState("failed", str(st.get("error") or status))
        return RemoteState("waiting", str(status))

    def result(self, sent: Sent) -> dict[str, Any]:
        result = self.client.results(self.org, sent.remote_id)
        details = {
            k: {**v, "remote": self.remote.name} if isinstance(v, dict) else v
            for k, v in (result.get("field_details") or {}).items()
        }
        return {
            "processor_type": result.get("processor_type") or "auto",
            "fields": result.get("fields") or {},
            "field_details": details,
            "pages": result.get("pages") or [],
            "warnings": list(result.get("warnings") or []),
            "routing": result.get("routing"),
            "text": result.get("text") or "",
        }

    def send_correction(self, sent: Sent, result: ResultInfo) -> None:
        corrected = {
            name: result.fields.get(name)
            for name, detail in result.field_details.items()
            if (detail or {}).get("source") == "user"
        }
        if corrected:
            self.client.correct(self.org, sent.remote_id, corrected)

    def reachable(self) -> bool:
        return reachable(self.client, self.org)
