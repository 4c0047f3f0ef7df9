"""A document as both dialects show it: found by its id within an organization, its merged reply
(the seed's fields and DocRouter's), and its original as base64 streamed in that reply."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse

from docrouter_desktop.core.display_names import display_name
from docrouter_desktop.core.errors import NotFoundError
from docrouter_desktop.core.records import DocumentInfo

# DocRouter's document state for each of the library's statuses.
STATES = {
    "queued": "uploaded",
    "processing": "ocr_processing",
    "completed": "llm_completed",
    "failed": "ocr_failed",
    "cancelled": "llm_failed",
}
CONTENT_CHUNK = 3 * 256 * 1024  # a multiple of 3: each chunk's base64 joins the next one's


def find_document(request: Request, org: str, document_id: str) -> DocumentInfo:
    """A document of this organization by its exact id; any other is 404, never 403."""
    try:
        doc = request.app.state.library.document(document_id, org)
    except NotFoundError:
        doc = None
    if doc is None or doc.id != document_id or doc.organization_id != org:
        raise HTTPException(404, f"No document '{document_id}'.")
    return doc


def document_item(doc: DocumentInfo, tag_ids: dict[str, str]) -> dict:
    """The Document of both dialects; ``tag_ids`` maps the organization's tag names to ids."""
    item = doc.api_dict()
    item.update(
        document_name=display_name(doc.document_name),
        tags=[display_name(t) for t in doc.tags],
        pdf_id=doc.id,
        upload_date=doc.created_at,
        uploaded_by=display_name(doc.uploaded_by or "local"),
        state=STATES.get(doc.status, doc.status),
        tag_ids=[tag_ids[t] for t in doc.tags if t in tag_ids],
        type=doc.content_type,
        metadata=dict(doc.metadata or {}),
    )
    return item


def uploaded_item(doc: DocumentInfo, tag_ids: dict[str, str]) -> dict:
    """What DocRouter answers for one uploaded document."""
    return {
        "document_name": display_name(doc.document_name),
        "document_id": doc.id,
        "tag_ids": [tag_ids[t] for t in doc.tags if t in tag_ids],
        "metadata": dict(doc.metadata or {}),
    }


def with_content(request: Request, item: dict, doc: DocumentInfo) -> StreamingResponse:
    """The item with the original as base64 in ``content``, streamed from the file a chunk
    at a time: a 50 MiB original never sits in memory, let alone as one JSON string."""
    path = request.app.state.library.blobs.path_for(doc.sha256)
    try:
        source = open(path, "rb")  # closed by the stream below
    except FileNotFoundError:
        raise HTTPException(404, "The stored original is missing.") from None
    head = json.dumps(item)[:-1].encode() + b', "content": "'
    tail = b'"}'
    size = path.stat().st_size

    def body() -> Iterator[bytes]:
        with source:
            yield head
            while chunk := source.read(CONTENT_CHUNK):
                yield base64.b64encode(chunk)
            yield tail

    length = len(head) + 4 * ((size + 2) // 3) + len(tail)
    return StreamingResponse(
        body(), media_type="application/json", headers={"content-length": str(length)}
    )
