"""DocRouter's own document routes: uploads as JSON with base64 content or as multipart with
tag ids and metadata, and renaming, retagging or re-describing a document.

Uploads go through the engine's ``add_upload`` exactly as the seed's upload does: the same checks
(empty: 422, not a PDF, image or text: 415, over the limit: 413), the same bytes in the same
organization answered with the existing document, and the runner told of new work. Bodies are
read on the event loop within their limit; decoding and storing run in worker threads.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from dataclasses import dataclass
from typing import BinaryIO

import anyio
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import ValidationError

from docrouter_desktop.core.display_names import display_name
from docrouter_desktop.core.errors import NotFoundError
from docrouter_desktop.core.filetypes import sniff, unsupported_error
from docrouter_desktop.server import v0_schemas as v0
from docrouter_desktop.server.auth import organization_access, require_organization
from docrouter_desktop.server.document_replies import find_document, uploaded_item
from docrouter_desktop.server.responses import ERRORS, UPLOAD_ERRORS, error_words
from docrouter_desktop.server.schemas import MessageReply
from docrouter_desktop.server.upload import (
    base64_limit,
    clean_name,
    read_body,
    read_file_form,
    too_large,
)
from docrouter_desktop.server.v0_catalog import processor_for_tags

router = APIRouter(
    prefix="/v0/orgs/{organization_id}",
    tags=["documents"],
    dependencies=[Depends(organization_access)],
)

JSON_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": v0.inline_json_schema(v0.DocumentsUpload)}},
    }
}
MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "name": {"type": "string", "description": "The name (default: the file's)"},
                        "tag_ids": {
                            "type": "string",
                            "description": "A JSON array of tag ids",
                            "example": '["tag_0f1e2d3c4b5a69788796a5b4"]',
                        },
                        "metadata": {
                            "type": "string",
                            "description": "A JSON object of string values",
                            "example": '{"supplier": "acme"}',
                        },
                    },
                }
            }
        },
    }
}


@dataclass
class Incoming:
    """One file to store, checked and decoded."""

    name: str
    source: BinaryIO
    tags: list[str]  # names
    metadata: dict[str, str]


def uploader(request: Request) -> str:
    """Who uploads: the name of the request's token."""
    token = request.scope.get("state", {}).get("token")
    return token.name if token is not None else "local"


def tag_names(request: Request, org: str, tag_ids: list[str]) -> list[str]:
    """The names of the organization's tags with these ids; an unknown id is 422."""
    try:
        return request.app.state.tags.names_for(org, tag_ids)
    except NotFoundError as exc:
        raise HTTPException(422, str(exc)) from None


def _decoded(content: str, where: str) -> bytes:
    """The bytes of a base64 string or of a ``data:...;base64,...`` URL, or 422."""
    if content.startswith("data:"):
        header, comma, content = content.partition(",")
        if not comma or not header.endswith(";base64"):
            raise HTTPException(422, f"{where}: a data URL needs ';base64,' before the content.")
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        pass
    try:  # base64 wrapped over several lines
        return base64.b64decode("".join(content.split()), validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(422, f"{where}: the content is not valid base64.") from None


def _checked(data: bytes, limit: int, where: str) -> bytes:
    if len(data) > limit:
        raise too_large(limit)
    if not data:
        raise HTTPException(422, f"{where}: the file is empty (0 bytes): there is nothing to read.")
    problem = unsupported_error(sniff(data[:4096]))
    if problem:
        raise HTTPException(415, f"{where}: {problem}")
    return data


def _decode_upload(request: Request, org: str, body: bytes, limit: int) -> list[Incoming]:
    require_organization(request, org)
    try:
        upload = v0.DocumentsUpload.model_validate_json(body)
    except ValidationError as exc:
        raise HTTPException(422, error_words(exc.errors())) from None
    out = []
    for i, d in enumerate(upload.documents):
        where = f"documents[{i}] ({display_name(d.name)})"
        data = _checked(_decoded(d.content, where), limit, where)
        d.content = ""  # the decoded bytes are all that is kept
        names = tag_names(request, org, d.tag_ids)
        out.append(Incoming(clean_name(d.name), io.BytesIO(data), names, dict(d.metadata or {})))
    return out


def _store(request: Request, org: str, incoming: list[Incoming], who: str):
    library, engine = request.app.state.library, request.app.state.engine
    default = library.settings().default_processor
    stored = []
    for item in incoming:
        item.source.seek(0)
        stored.append(
            engine.add_upload(
                item.source,
                item.name,
                org,
                processor_for_tags(item.tags, default),
                item.tags,
                metadata=item.metadata,
                uploaded_by=who,
            )
        )
    tag_ids = request.app.state.tags.ids_by_name(org)
    return [uploaded_item(doc, tag_ids) for _o, doc in stored]


@router.post(
    "/documents",
    response_model=v0.UploadedDocuments,
    openapi_extra=JSON_UPLOAD_BODY,
    responses=UPLOAD_ERRORS,
)
async def upload_documents(request: Request, organization_id: str):
    """Upload documents as base64 (or data URLs) with tag ids and metadata; each is queued at
    once. The same bytes uploaded again to this organization answer the existing document.
    A document carrying the tag of the invoice or receipt prompt is read by that processor,
    any other by the default processor setting."""
    limit = request.app.state.config.max_upload_bytes
    body = await read_body(request, base64_limit(limit), limit)
    incoming = await anyio.to_thread.run_sync(_decode_upload, request, organization_id, body, limit)
    del body
    documents = await anyio.to_thread.run_sync(
        _store,
        request,
        organization_id,
        incoming,
        uploader(request),
        limiter=request.app.state.write_slots,
    )
    return {"documents": documents}


def _json_field(text: str | None, kind: type, what: str):
    """A form field holding a JSON array of strings (``kind`` list) or a JSON object of
    string values (``kind`` dict); absent or blank: an empty one."""
    if text is None or not text.strip():
        return kind()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HTTPException(422, f"Invalid {what} JSON: {exc.msg}") from None
    if kind is list:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        shape = "a JSON array of strings"
    else:
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        shape = "a JSON object of string values"
    if not ok:
        raise HTTPException(422, f"{what} must be {shape}")
    return value


@router.post(
    "/documents/multipart",
    response_model=v0.UploadedOne,
    openapi_extra=MULTIPART_BODY,
    responses=UPLOAD_ERRORS,
)
async def upload_multipart(request: Request, organization_id: str):
    """Upload one document as multipart/form-data (no base64), with tag ids and metadata as
    JSON strings; otherwise as the JSON upload."""
    parsed = await read_file_form(request, request.app.state.config.max_upload_bytes)
    try:
        name = clean_name(parsed.text("name") or parsed.file.filename)
        tag_ids = _json_field(parsed.text("tag_ids"), list, "tag_ids")
        metadata = _json_field(parsed.text("metadata"), dict, "metadata")

        def store():
            require_organization(request, organization_id)
            names = tag_names(request, organization_id, tag_ids)
            item = Incoming(name, parsed.file.file, names, metadata)
            return _store(request, organization_id, [item], uploader(request))[0]

        document = await anyio.to_thread.run_sync(store, limiter=request.app.state.write_slots)
    finally:
        await parsed.close()
    return {"document": document}


@router.put("/documents/{document_id}", response_model=MessageReply, responses=ERRORS)
def update_document(
    request: Request, organization_id: str, document_id: str, body: v0.DocumentUpdate
):
    """Rename a document, replace its tags (by id) or its metadata."""
    doc = find_document(request, organization_id, document_id)
    if body.document_name is None and body.tag_ids is None and body.metadata is None:
        return {"message": "No updates provided"}
    names = tag_names(request, organization_id, body.tag_ids) if body.tag_ids is not None else None
    request.app.state.library.update_document(
        doc.id, name=body.document_name, tags=names, metadata=body.metadata
    )
    return {"message": "Document updated successfully"}
