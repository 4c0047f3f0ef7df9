"""``DocRouterClient``: the DocRouter REST API v0 over httpx, as a context manager, in both of
its dialects (see ``_dialect``): the open-source DocRouter server's and the desktop one.

Replies are read tolerantly (unknown fields are ignored, optional ones may be missing). Every
call goes through one retry policy (``_http.RetryPolicy``).
"""

from __future__ import annotations

import base64
import mimetypes
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from docrouter_desktop import __version__
from docrouter_desktop.client._auth import TokenAuth
from docrouter_desktop.client._dialect import Dialect, dialect_from_openapi
from docrouter_desktop.client._exceptions import APIError, NotFound, RequestTimeout
from docrouter_desktop.client._http import Http, RetryPolicy

JSON = dict[str, Any]

# DocRouter's document states, and which of them are final.
WAITING_STATES = ("uploaded", "ocr_processing", "ocr_completed", "llm_processing")
DONE_STATES = ("llm_completed", "llm_failed", "ocr_failed")


class DocRouterClient:
    """A client for one DocRouter server.

    >>> with DocRouterClient("http://127.0.0.1:8765", token) as dr:
    ...     for org in dr.organizations():
    ...         print(org["id"], org["name"])
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        org_tokens: dict[str, str] | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        retry_deadline: float = 60.0,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        verify: bool | str = True,
        api_key_header: bool = False,
        dialect: Dialect | str | None = None,
    ) -> None:
        self.auth = TokenAuth(
            token, org_tokens, header="X-Api-Key" if api_key_header else "Authorization"
        )
        self.policy = RetryPolicy(retries=retries, deadline=retry_deadline, backoff=backoff)
        self._http = Http(
            base_url,
            self.auth,
            timeout=timeout,
            policy=self.policy,
            transport=transport,
            verify=verify,
            user_agent=f"docrouter-desktop/{__version__}",
        )
        self.base_url = self._http.base_url
        self.dialect: Dialect | None = Dialect(dialect) if dialect else None
        self._openapi: JSON | None = None

    def __repr__(self) -> str:
        return f"DocRouterClient({self.base_url!r})"

    def __enter__(self) -> DocRouterClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- the server

    def openapi(self) -> JSON:
        """The server's OpenAPI document (fetched once)."""
        if self._openapi is None:
            data = self._http.call("GET", "/openapi.json")
            if not isinstance(data, dict):
                raise APIError(f"{self.base_url}/openapi.json is not an OpenAPI document.", 200)
            self._openapi = data
        return self._openapi

    def detect_dialect(self) -> Dialect:
        """Which dialect the server speaks, from its ``/openapi.json`` (remembered on the
        client). A server without one, or one that lists neither dialect's routes, is taken
        for a DocRouter server."""
        if self.dialect is None:
            try:
                self.dialect = dialect_from_openapi(self.openapi()) or Dialect.DOCROUTER
            except NotFound:
                self.dialect = Dialect.DOCROUTER
        return self.dialect

    # -- account

    def profile(self) -> JSON:
        """The account (desktop dialect only)."""
        return self._http.obj("GET", "/v0/account/profile")

    def organizations(self, name_search: str | None = None) -> list[JSON]:
        return list(
            self._http.pages(
                "/v0/account/organizations", "organizations", {"name_search": name_search}
            )
        )

    def create_organization(self, name: str) -> JSON:
        return self._http.obj(
            "POST", "/v0/account/organizations", json={"name": name}, idempotent=False
        )

    def delete_organization(self, org: str) -> None:
        self._http.call("DELETE", f"/v0/account/organizations/{org}")

    def access_tokens(self, org: str | None = None) -> list[JSON]:
        """The tokens of the account (``org`` None) or of a workspace, never their secrets."""
        return list(self._http.pages(_tokens_path(org), "access_tokens"))

    def create_access_token(self, name: str, org: str | None = None, lifetime: int = 0) -> JSON:
        """Create a token; the reply's ``token`` is the secret, shown only this once.
        ``lifetime`` in days, 0 for one that never expires."""
        return self._http.obj(
            "POST",
            _tokens_path(org),
            json={"name": name, "lifetime": lifetime},
            idempotent=False,
        )

    def delete_access_token(self, token_id: str, org: str | None = None) -> None:
        self._http.call("DELETE", f"{_tokens_path(org)}/{token_id}")

    # -- documents, both dialects

    def delete(self, org: str, document_id: str) -> None:
        self._http.call("DELETE", f"/v0/orgs/{org}/documents/{document_id}")

    def file(self, org: str, document_id: str, file_type: str | None = None) -> bytes:
        """The stored file (DocRouter: ``file_type`` ``original`` or its ``pdf`` rendering)."""
        params = {"file_type": file_type} if file_type else None
        path = f"/v0/orgs/{org}/documents/{document_id}/file"
        return self._http.request("GET", path, params=params).content

    # -- documents, DocRouter dialect

    def upload_json(
        self,
        org: str,
        path: str | Path,
        name: str | None = None,
        tag_ids: list[str] | None = None,
        metadata: dict[str, str] | None = None,
        reconcile: Callable[[], JSON | None] | None = None,
    ) -> JSON:
        """Upload one file as JSON (base64); the reply's ``document_id`` is the new document.
        DocRouter keeps every upload, so a retry after an unknown outcome first asks
        ``reconcile`` whether the document arrived (see ``find_by_metadata``)."""
        path = Path(path)
        body = {
            "documents": [
                {
                    "name": name or path.name,
                    "content": base64.b64encode(path.read_bytes()).decode("ascii"),
                    "tag_ids": list(tag_ids or []),
                    "metadata": dict(metadata or {}),
                }
            ]
        }
        data = self._http.call(
            "POST", f"/v0/orgs/{org}/documents", json=body, idempotent=False, reconcile=reconcile
        )
        if isinstance(data, dict) and "documents" in data:
            docs = data.get("documents") or []
            return docs[0] if docs else {}
        return data if isinstance(data, dict) else {}

    def upload_multipart(
        self,
        org: str,
        path: str | Path,
        name: str | None = None,
        tag_ids: list[str] | None = None,
        metadata: dict[str, str] | None = None,
        reconcile: Callable[[], JSON | None] | None = None,
        content_type: str | None = None,
    ) -> JSON:
        """Upload one file as multipart form data, streamed from disk."""
        import json as jsonlib

        path = Path(path)
        shown = name or path.name
        ctype = content_type or mimetypes.guess_type(shown)[0] or "application/octet-stream"

        def files() -> dict[str, Any]:
            return {"file": (shown, path.open("rb"), ctype)}

        form = {
            "name": shown,
            "tag_ids": jsonlib.dumps(list(tag_ids or [])),
            "metadata": jsonlib.dumps(dict(metadata or {})),
        }
        data = self._http.call(
            "POST",
            f"/v0/orgs/{org}/documents/multipart",
            data=form,
            files_factory=files,
            idempotent=False,
            reconcile=reconcile,
        )
        if isinstance(data, dict) and isinstance(data.get("document"), dict):
            return dict(data["document"])
        return data if isinstance(data, dict) else {}

    def list_documents(
        self,
        org: str,
        tag_ids: list[str] | None = None,
        name_search: str | None = None,
        metadata_search: dict[str, str] | None = None,
    ) -> Iterator[JSON]:
        """Every document of the workspace that matches, fetched page by page."""
        params = {
            "tag_ids": ",".join(tag_ids) if tag_ids else None,
            "name_search": name_search,
            "metadata_search": _metadata_query(metadata_search),
        }
        return self._http.pages(f"/v0/orgs/{org}/documents", "documents", params)

    def find_by_metadata(self, org: str, metadata: dict[str, str]) -> list[JSON]:
        """The documents (one page) whose metadata holds every one of these pairs."""
        data = self._http.call(
            "GET",
            f"/v0/orgs/{org}/documents",
            params={"metadata_search": _metadata_query(metadata), "limit": 10, "skip": 0},
        )
        return list((data or {}).get("documents") or [])

    def get_document(self, org: str, document_id: str, include_content: bool = False) -> JSON:
        """One document with its ``state``; its file (base64) only with ``include_content``."""
        return self._http.obj(
            "GET",
            f"/v0/orgs/{org}/documents/{document_id}",
            params={"include_content": "true" if include_content else "false"},
        )

    def update_document(
        self,
        org: str,
        document_id: str,
        document_name: str | None = None,
        tag_ids: list[str] | None = None,
        metadata: dict[str, str] | None = None,
    ) -> JSON:
        body: JSON = {}
        if document_name is not None:
            body["document_name"] = document_name
        if tag_ids is not None:
            body["tag_ids"] = tag_ids
        if metadata is not None:
            body["metadata"] = metadata
        return self._http.obj("PUT", f"/v0/orgs/{org}/documents/{document_id}", json=body)

    def wait_state(
        self,
        org: str,
        document_id: str,
        timeout: float = 600.0,
        first_delay: float = 0.5,
        max_delay: float = 10.0,
    ) -> JSON:
        """Poll the document's ``state`` with growing pauses until it is final."""
        deadline = time.monotonic() + timeout
        delay = first_delay
        while True:
            doc = self.get_document(org, document_id)
            if doc.get("state") in DONE_STATES:
                return doc
            if time.monotonic() + delay > deadline:
                raise RequestTimeout(
                    f"Document {document_id} was still {doc.get('state')} after {timeout:.0f} s."
                )
            time.sleep(delay)
            delay = min(delay * 1.6, max_delay)

    # -- OCR and LLM, DocRouter dialect

    def ocr_text(self, org: str, document_id: str, page_num: int | None = None) -> str:
        params = {"page_num": page_num} if page_num is not None else None
        path = f"/v0/orgs/{org}/ocr/download/text/{document_id}"
        response = self._http.request("GET", path, params=params)
        text = response.text
        if response.headers.get("content-type", "").startswith("application/json"):
            try:
                decoded = response.json()
                text = decoded if isinstance(decoded, str) else text
            except ValueError:
                pass
        return text

    def ocr_metadata(self, org: str, document_id: str) -> JSON:
        return self._http.obj("GET", f"/v0/orgs/{org}/ocr/download/metadata/{document_id}")

    def run_llm(
        self,
        org: str,
        document_id: str,
        prompt_revid: str = "default",
        force: bool = False,
        timeout: float = 300.0,
    ) -> JSON:
        """Run a prompt on the document and wait for it (a language model may take minutes:
        ``timeout``); the answer is the reply's ``result``."""
        return self._http.obj(
            "POST",
            f"/v0/orgs/{org}/llm/run/{document_id}",
            params={"prompt_revid": prompt_revid, "force": "true" if force else "false"},
            timeout=httpx.Timeout(timeout, connect=10.0),
        )

    def llm_result(
        self,
        org: str,
        document_id: str,
        prompt_revid: str | None = None,
        prompt_id: str | None = None,
    ) -> JSON:
        """A prompt's stored answer: by revision, or the latest revision's by ``prompt_id``."""
        params = {"prompt_revid": prompt_revid} if prompt_revid else {"prompt_id": prompt_id}
        return self._http.obj("GET", f"/v0/orgs/{org}/llm/result/{document_id}", params=params)

    def update_llm_result(
        self,
        org: str,
        document_id: str,
        prompt_revid: str,
        updated_llm_result: JSON,
        is_verified: bool = True,
    ) -> JSON:
        return self._http.obj(
            "PUT",
            f"/v0/orgs/{org}/llm/result/{document_id}",
            params={"prompt_revid": prompt_revid},
            json={"updated_llm_result": updated_llm_result, "is_verified": is_verified},
        )

    def delete_llm_result(self, org: str, document_id: str, prompt_revid: str) -> None:
        self._http.call(
            "DELETE",
            f"/v0/orgs/{org}/llm/result/{document_id}",
            params={"prompt_revid": prompt_revid},
        )

    # -- tags, schemas and prompts, DocRouter dialect

    def tags(self, org: str, name_search: str | None = None) -> list[JSON]:
        return list(self._http.pages(f"/v0/orgs/{org}/tags", "tags", {"name_search": name_search}))

    def create_tag(
        self,
        org: str,
        name: str,
        color: str | None = None,
        description: str | None = None,
        reconcile: Callable[[], JSON | None] | None = None,
    ) -> JSON:
        body = {"name": name, "color": color, "description": description}
        return self._http.obj(
            "POST", f"/v0/orgs/{org}/tags", json=body, idempotent=False, reconcile=reconcile
        )

    def delete_tag(self, org: str, tag_id: str) -> None:
        self._http.call("DELETE", f"/v0/orgs/{org}/tags/{tag_id}")

    def schemas(self, org: str, name_search: str | None = None) -> list[JSON]:
        return self._revisions(org, "schemas", "schema_revid", name_search)

    def schema(self, org: str, schema_revid: str) -> JSON:
        return self._http.obj("GET", f"/v0/orgs/{org}/schemas/{schema_revid}")

    def create_schema(
        self,
        org: str,
        name: str,
        response_format: JSON,
        reconcile: Callable[[], JSON | None] | None = None,
    ) -> JSON:
        """A new schema, or a new version of the schema of that name."""
        return self._http.obj(
            "POST",
            f"/v0/orgs/{org}/schemas",
            json={"name": name, "response_format": response_format},
            idempotent=False,
            reconcile=reconcile,
        )

    def prompts(self, org: str, name_search: str | None = None) -> list[JSON]:
        return self._revisions(org, "prompts", "prompt_revid", name_search)

    def _revisions(self, org: str, kind: str, id_key: str, name_search: str | None) -> list[JSON]:
        """The latest revision of each schema or prompt of the workspace."""
        params = {"name_search": name_search}
        return list(self._http.pages(f"/v0/orgs/{org}/{kind}", kind, params, id_key=id_key))

    def prompt(self, org: str, prompt_revid: str) -> JSON:
        return self._http.obj("GET", f"/v0/orgs/{org}/prompts/{prompt_revid}")

    def create_prompt(
        self, org: str, config: JSON, reconcile: Callable[[], JSON | None] | None = None
    ) -> JSON:
        """A new prompt (``name``, ``content``, ``schema_id``, ``schema_version``,
        ``tag_ids``, optionally ``model``), or a new version of the prompt of that name."""
        return self._http.obj(
            "POST", f"/v0/orgs/{org}/prompts", json=config, idempotent=False, reconcile=reconcile
        )

    def update_prompt(self, org: str, prompt_id: str, config: JSON) -> JSON:
        """A new version of the prompt."""
        return self._http.obj("PUT", f"/v0/orgs/{org}/prompts/{prompt_id}", json=config)

    # -- documents, desktop dialect

    def upload(
        self,
        org: str,
        path: str | Path,
        processor_type: str = "auto",
        tags: list[str] | None = None,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> JSON:
        """Upload a file to ``documents/upload``. Uploading the same bytes again returns the
        existing document with ``duplicate: true``, so a retried upload never makes a second
        document."""
        path = Path(path)
        name = filename or path.name
        ctype = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        data = {"processor_type": processor_type}
        if tags:
            data["tags"] = ",".join(tags)

        def files() -> dict[str, Any]:
            return {"file": (name, path.open("rb"), ctype)}

        return self._http.obj(
            "POST", f"/v0/orgs/{org}/documents/upload", data=data, files_factory=files
        )

    def documents(
        self,
        org: str,
        status: str | None = None,
        processor_type: str | None = None,
        q: str | None = None,
    ) -> Iterator[JSON]:
        """Every document of the organization, newest first, fetched page by page."""
        params = {"status": status, "processor_type": processor_type, "q": q}
        return self._http.pages(f"/v0/orgs/{org}/documents", "documents", params)

    def document_count(self, org: str, status: str | None = None) -> int:
        params: JSON = {"limit": 1, "offset": 0, "skip": 0}
        if status:
            params["status"] = status
        data = self._http.call("GET", f"/v0/orgs/{org}/documents", params=params) or {}
        return int(data.get("total_count") or 0)

    def document(self, org: str, document_id: str) -> JSON:
        return self._http.obj(
            "GET",
            f"/v0/orgs/{org}/documents/{document_id}",
            params={"include_content": "false"},
        )

    def status(self, org: str, document_id: str) -> JSON:
        return self._http.obj("GET", f"/v0/orgs/{org}/documents/{document_id}/status")

    def results(self, org: str, document_id: str) -> JSON:
        return self._http.obj("GET", f"/v0/orgs/{org}/documents/{document_id}/results")

    def correct(self, org: str, document_id: str, fields: JSON) -> JSON:
        return self._http.obj(
            "PATCH", f"/v0/orgs/{org}/documents/{document_id}/results", json={"fields": fields}
        )

    def reprocess(
        self,
        org: str,
        document_id: str,
        processor_type: str | None = None,
        discard_corrections: bool = False,
    ) -> JSON:
        body: JSON = {}
        if processor_type:
            body["processor_type"] = processor_type
        if discard_corrections:
            body["discard_corrections"] = True
        return self._http.obj("POST", f"/v0/orgs/{org}/documents/{document_id}/process", json=body)

    def cancel(self, org: str, document_id: str) -> JSON:
        return self._http.obj("POST", f"/v0/orgs/{org}/documents/{document_id}/cancel")

    def wait(
        self,
        org: str,
        document_id: str,
        timeout: float = 600.0,
        first_delay: float = 0.5,
        max_delay: float = 10.0,
    ) -> JSON:
        """Poll the status with growing pauses until the document is finished."""
        deadline = time.monotonic() + timeout
        delay = first_delay
        while True:
            st = self.status(org, document_id)
            if st.get("status") in ("completed", "failed", "cancelled"):
                return st
            if time.monotonic() + delay > deadline:
                raise RequestTimeout(
                    f"Document {document_id} was still {st.get('status')} after {timeout:.0f} s."
                )
            time.sleep(delay)
            delay = min(delay * 1.6, max_delay)


def _tokens_path(org: str | None) -> str:
    return f"/v0/orgs/{org}/access_tokens" if org else "/v0/account/access_tokens"


def _metadata_query(metadata: dict[str, str] | None) -> str | None:
    """``k=v,k2=v2``, each key and value URL-encoded, as DocRouter's ``metadata_search``."""
    if not metadata:
        return None
    return ",".join(
        f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in metadata.items()
    )
