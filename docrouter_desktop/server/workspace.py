"""The workspace endpoints (``/v0/orgs/{organization_id}``): documents, their status, results,
corrections, reprocessing, cancelling, originals, and the workspace's own tokens.

The document list, a document and deleting one are routes both dialects share: they accept
both dialects' parameters and answer the fields of both (see ``document_replies``).

Blocking work (SQLite, file copies) runs in sync endpoints, which FastAPI runs in its thread
pool; the upload reads its body on the event loop and stores it in the pool.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import unquote

import anyio
from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse

from docrouter_desktop.core.display_names import display_name
from docrouter_desktop.core.errors import NotFoundError
from docrouter_desktop.core.fields import field_names
from docrouter_desktop.core.records import DocumentInfo, ResultInfo
from docrouter_desktop.server import schemas
from docrouter_desktop.server.account import created_token, revoke_token, token_item
from docrouter_desktop.server.auth import organization_access, require_organization
from docrouter_desktop.server.document_replies import document_item, find_document, with_content
from docrouter_desktop.server.paging import Page, dual_paging, paging
from docrouter_desktop.server.responses import ERRORS, Responses
from docrouter_desktop.server.upload import read_upload
from docrouter_desktop.server.v0_catalog import processor_for_tags
from docrouter_desktop.server.v0_documents import uploader

router = APIRouter(
    prefix="/v0/orgs/{organization_id}",
    tags=["workspace"],
    dependencies=[Depends(organization_access)],
)

FIELDS_BY_PROCESSOR = {p: field_names(p) for p in ("invoice", "receipt", "text")}

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "processor_type": {
                            "type": "string",
                            "enum": ["auto", "invoice", "receipt", "text"],
                            "default": "auto",
                        },
                        "tags": {
                            "type": "string",
                            "description": "Comma-separated tags",
                            "example": "2024,acme",
                        },
                    },
                }
            }
        },
    }
}


def _library(request: Request):
    return request.app.state.library


def _status(doc: DocumentInfo) -> dict:
    return {
        "document_id": doc.id,
        "status": doc.status,
        "error": doc.error,
        "updated_at": doc.updated_at,
    }


# -- workspace tokens


@router.get("/access_tokens", response_model=schemas.AccessTokenList, responses=ERRORS)
def list_workspace_tokens(
    request: Request, organization_id: str, page: Annotated[Page, Depends(paging)]
):
    """The workspace tokens of this organization (never their secrets), newest first."""
    require_organization(request, organization_id)
    tokens, total = request.app.state.tokens.list(organization_id, page.limit, page.offset)
    return page.reply("access_tokens", [token_item(t) for t in tokens], total)


@router.post(
    "/access_tokens", status_code=201, response_model=schemas.AccessTokenCreated, responses=ERRORS
)
def create_workspace_token(request: Request, organization_id: str, body: schemas.AccessTokenCreate):
    """A new workspace token for this organization; its secret is shown this once. With a
    lifetime (days), it stops working that long after its creation."""
    return created_token(request, body, organization_id)


@router.delete("/access_tokens/{id}", response_model=schemas.MessageReply, responses=ERRORS)
def revoke_workspace_token(request: Request, organization_id: str, id: str):
    """Revoke a workspace token of this organization: it stops working at once."""
    require_organization(request, organization_id)
    return revoke_token(request, id, organization_id)


# -- documents


@router.post(
    "/documents/upload",
    status_code=202,
    response_model=schemas.UploadReply,
    openapi_extra=UPLOAD_BODY,
    responses={
        **ERRORS,
        200: {"model": schemas.UploadReply, "description": "Already there: the same bytes"},
        413: {"model": schemas.ErrorBody, "description": "Over the upload size limit"},
        415: {"model": schemas.ErrorBody, "description": "Not a PDF, image or text file"},
    },
)
async def upload_document(request: Request, organization_id: str):
    """Upload a document; it is queued at once and processed in the background. The same bytes
    uploaded again to this organization answer 200 with the existing document."""
    upload = await read_upload(request, request.app.state.config.max_upload_bytes)
    try:
        outcome, doc = await anyio.to_thread.run_sync(
            _store, request, organization_id, upload, limiter=request.app.state.write_slots
        )
    finally:
        await upload.close()
    body = {
        "document_id": doc.id,
        "document_name": display_name(doc.document_name),
        "processor_type": doc.processor_type,
        # as it was stored: the runner may have claimed it since
        "status": doc.status,
        "duplicate": outcome.duplicate,
    }
    # Engine.add_upload has woken the runner already.
    return JSONResponse(body, status_code=200 if outcome.duplicate else 202)


def _store(request: Request, org: str, upload):
    """Store the upload's file straight from the parsed form (hashed and copied once) and
    answer with the document as stored, without reading it back. Its tags get records (ids)
    where they have none; the tag of the invoice or receipt prompt chooses that processor."""
    require_organization(request, org)
    upload.file.file.seek(0)
    stored = request.app.state.engine.add_upload(
        upload.file.file,
        upload.name,
        org,
        processor_for_tags(upload.tags, upload.processor_type),
        upload.tags,
        uploaded_by=uploader(request),
    )
    request.app.state.tags.ensure(org, stored[1].tags)
    return stored


@router.get("/documents", response_model=schemas.DocumentList, responses=ERRORS)
def list_documents(
    request: Request,
    organization_id: str,
    page: Annotated[Page, Depends(dual_paging(1000))],
    status: Literal["queued", "processing", "completed", "failed", "cancelled"] | None = None,
    processor_type: Literal["auto", "invoice", "receipt", "text"] | None = None,
    q: Annotated[str | None, Query(max_length=500, description="Full-text search")] = None,
    tag_ids: Annotated[
        str | None, Query(max_length=5000, description="Comma-separated tag ids: all of them")
    ] = None,
    name_search: Annotated[
        str | None, Query(max_length=500, description="A part of the name, in any case")
    ] = None,
    metadata_search: Annotated[
        str | None,
        Query(max_length=5000, description="k=v pairs, comma-separated, URL-encoded: all match"),
    ] = None,
):
    """The organization's documents, newest first, optionally filtered."""
    require_organization(request, organization_id)
    tags = request.app.state.tags
    wanted = [t.strip() for t in (tag_ids or "").split(",") if t.strip()]
    try:
        tag_names = tags.names_for(organization_id, wanted)
    except NotFoundError:  # a tag that is not there: no document carries it
        return page.reply("documents", [], 0)
    docs, total = _library(request).documents(
        org_id=organization_id,
        status=status,
        processor_type=processor_type,
        query=q,
        limit=page.limit,
        offset=page.offset,
        tags_all=tag_names,
        name_search=name_search,
        metadata=_metadata_pairs(metadata_search),
    )
    ids = tags.ids_by_name(organization_id)
    return page.reply("documents", [document_item(d, ids) for d in docs], total)


def _metadata_pairs(search: str | None) -> dict[str, str]:
    """``k=v,k2=v2`` as DocRouter reads it: each pair URL-decoded, then split at its first
    '='; the key trimmed, the value as it is."""
    pairs = {}
    for pair in (search or "").split(","):
        decoded = unquote(pair.lstrip())
        if "=" in decoded:
            key, value = decoded.split("=", 1)
            pairs[key.strip()] = value
    return pairs


@router.get(
    "/documents/{document_id}", response_model=schemas.DocumentWithContent, responses=ERRORS
)
def get_document(
    request: Request,
    organization_id: str,
    document_id: str,
    include_content: Annotated[
        bool, Query(description="The original as base64 in content (false: content is null)")
    ] = True,
    file_type: Annotated[
        str, Query(description="original or pdf: only the original is kept, so either")
    ] = "original",
):
    """One document; by default with its original as base64 in ``content``."""
    doc = find_document(request, organization_id, document_id)
    item = document_item(doc, request.app.state.tags.ids_by_name(organization_id))
    if not include_content:
        return item | {"content": None}
    return with_content(request, item, doc)


@router.get(
    "/documents/{document_id}/status", response_model=schemas.DocumentStatus, responses=ERRORS
)
async def get_status(request: Request, organization_id: str, document_id: str):
    """Where the document is: queued, processing, completed, failed or cancelled."""
    # The hot path of polling clients: one light query on the event loop, no response-model
    # round.
    found = await request.app.state.reads.run(_library(request).document_status, document_id)
    if found is None or found.pop("organization_id") != organization_id:
        raise HTTPException(404, f"No document '{document_id}'.")
    return JSONResponse(found)


RESULT_ERRORS: Responses = {
    **ERRORS,
    409: {"model": schemas.NotReady, "description": "Queued, processing or cancelled"},
    422: {"model": schemas.Failed, "description": "Processing failed, or a body is not valid"},
}


def _result_or_reply(request: Request, doc: DocumentInfo):
    result = _library(request).result(doc.id) if doc.status == "completed" else None
    return _reply_for(doc.status, doc.error, result)


def _reply_for(status: str, error: str | None, result: ResultInfo | None):
    """The result, or the reply that says why there is none yet (409) or ever (422)."""
    if status == "failed":
        return JSONResponse(
            {"detail": "Processing failed.", "status": "failed", "error": error}, 422
        )
    if status != "completed" or result is None:
        words = {
            "queued": "The document is queued; poll its status.",
            "processing": "The document is being processed; poll its status.",
            "cancelled": "Processing was cancelled; process the document again.",
        }.get(status, "The document has no result yet.")
        return JSONResponse({"detail": words, "status": status}, 409)
    return result


@router.get(
    "/documents/{document_id}/results", response_model=schemas.Result, responses=RESULT_ERRORS
)
def get_results(request: Request, organization_id: str, document_id: str):
    """The extracted fields, with where and how each was found."""
    # Read by every client once its document is done: the document's state and its result
    # in one plain SELECT.
    found = _library(request).status_and_result(document_id)
    if found is None or found[0] != organization_id:
        raise HTTPException(404, f"No document '{document_id}'.")
    reply = _reply_for(*found[1:])
    return reply if isinstance(reply, JSONResponse) else reply.api_dict()


@router.patch(
    "/documents/{document_id}/results", response_model=schemas.Result, responses=RESULT_ERRORS
)
def correct_results(
    request: Request, organization_id: str, document_id: str, body: schemas.Corrections
):
    """Correct fields: each keeps its original value in field_details and gets source 'user'."""
    doc = find_document(request, organization_id, document_id)
    found = _result_or_reply(request, doc)
    if isinstance(found, JSONResponse):
        return found
    allowed = FIELDS_BY_PROCESSOR.get(found.processor_type, [])
    unknown = sorted(set(body.fields) - set(allowed))
    if unknown:
        raise HTTPException(
            422,
            f"Unknown field(s) for a {found.processor_type} result: {', '.join(unknown)}"
            + (f" (fields: {', '.join(allowed)})" if allowed else " (it has no fields)"),
        )
    return _library(request).correct_fields(doc.id, body.fields).api_dict()


@router.post(
    "/documents/{document_id}/process",
    status_code=202,
    response_model=schemas.ProcessReply,
    responses={**ERRORS, 409: {"model": schemas.ErrorBody}},
)
def process_again(
    request: Request,
    organization_id: str,
    document_id: str,
    body: Annotated[schemas.ProcessRequest | None, Body()] = None,
):
    """Queue the document again (another processor, or a newer engine); a user's corrections
    are kept unless discard_corrections is true."""
    doc = find_document(request, organization_id, document_id)
    body = body or schemas.ProcessRequest()
    engine = request.app.state.engine
    if not engine.reprocess([doc.id], body.processor_type, body.discard_corrections):
        info = _library(request).document(doc.id)
        raise HTTPException(409, f"The document cannot be processed: {info.error}")
    # What this request did: queued it (the runner, already woken, may have started it since).
    info = _library(request).document(doc.id)
    return {"document_id": info.id, "processor_type": info.processor_type, "status": "queued"}


@router.post(
    "/documents/{document_id}/cancel", response_model=schemas.DocumentStatus, responses=ERRORS
)
def cancel_document(request: Request, organization_id: str, document_id: str):
    """Stop processing a queued or running document; a finished one is left as it is."""
    doc = find_document(request, organization_id, document_id)
    request.app.state.engine.cancel([doc.id])
    return _status(find_document(request, organization_id, document_id))


@router.delete("/documents/{document_id}", response_model=schemas.MessageReply, responses=ERRORS)
def delete_document(request: Request, organization_id: str, document_id: str):
    """Delete the document, its result and (when no other document shares it) its original."""
    doc = find_document(request, organization_id, document_id)
    request.app.state.engine.delete([doc.id])
    return {"message": "Document deleted successfully"}


@router.get(
    "/documents/{document_id}/file",
    response_class=FileResponse,
    responses={
        **ERRORS,
        200: {
            "description": "The original bytes, with their content type",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
    },
)
def download_file(request: Request, organization_id: str, document_id: str):
    """The original file, as uploaded."""
    doc = find_document(request, organization_id, document_id)
    path = _library(request).blobs.path_for(doc.sha256)
    if not path.exists():
        raise HTTPException(404, "The stored original is missing.")
    return FileResponse(path, media_type=doc.content_type, filename=display_name(doc.document_name))
