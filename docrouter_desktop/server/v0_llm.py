"""DocRouter's LLM routes, where a prompt revision is one of the local processors: a document's
result as the result of a prompt, running a prompt (synchronously), correcting and verifying a
result, and deleting it.

A document has one stored result. It counts as the result of ``default``, of ``auto`` when the
document's processor is ``auto``, and of the processor that read it (``invoice``, ``receipt``,
``text``). Running another prompt queues the document again with that processor (corrections
kept) and waits, in this worker thread, until the runner has read it.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from docrouter_desktop.core.fields import field_names
from docrouter_desktop.core.records import DocumentInfo, ResultInfo
from docrouter_desktop.server import v0_schemas as v0
from docrouter_desktop.server.auth import organization_access
from docrouter_desktop.server.document_replies import find_document
from docrouter_desktop.server.responses import ERRORS, Responses
from docrouter_desktop.server.schemas import ErrorBody
from docrouter_desktop.server.v0_catalog import built_in_prompt, prompt_processor

router = APIRouter(
    prefix="/v0/orgs/{organization_id}/llm",
    tags=["llm"],
    dependencies=[Depends(organization_access)],
)

DELETED = "Its result was deleted through the API: process it again for a new one."
POLL_EVERY = 0.2  # seconds between looks at a document being read
BUSY = ("queued", "processing")
RUN_ERRORS: Responses = {
    **ERRORS,
    409: {"model": ErrorBody, "description": "Processing was cancelled meanwhile"},
    422: {"model": ErrorBody, "description": "Processing failed: the detail has the error"},
    504: {"model": ErrorBody, "description": "Not read within the server's time limit"},
}
PromptRevid = Annotated[str, Query(description="default, auto, invoice or receipt")]


def counted_prompts(doc: DocumentInfo, result: ResultInfo) -> set[str]:
    """The prompts the document's stored result is the result of."""
    prompts = {"default", result.processor_type}
    if doc.processor_type == "auto":
        prompts.add("auto")
    return prompts


def _counted_result(request: Request, org: str, document_id: str, prompt: str):
    """The document and its result, when that result counts for ``prompt``; else 404."""
    built_in_prompt(prompt)
    doc = find_document(request, org, document_id)
    result = request.app.state.library.result(doc.id) if doc.status == "completed" else None
    if result is None:
        raise HTTPException(
            404,
            f"LLM result not found for document {doc.id} and prompt '{prompt}': "
            f"the document is {doc.status}.",
        )
    if prompt not in counted_prompts(doc, result):
        raise HTTPException(
            404,
            f"No result of prompt '{prompt}' for this document: run it with "
            f"POST /v0/orgs/{org}/llm/run/{doc.id}?prompt_revid={prompt}",
        )
    return doc, result


def _reply(request: Request, doc: DocumentInfo, result: ResultInfo, prompt: str) -> dict:
    read = dict(result.fields)
    edited = False
    for name, detail in result.field_details.items():
        if isinstance(detail, dict) and detail.get("source") == "user":
            edited = True
            read[name] = detail.get("original")
    created_at = request.app.state.library.result_created_at(doc.id) or result.updated_at
    return {
        "prompt_revid": prompt,
        "prompt_id": prompt,
        "prompt_version": 1,
        "document_id": doc.id,
        "llm_result": read,
        "updated_llm_result": dict(result.fields),
        "is_edited": edited,
        "is_verified": result.verified,
        "created_at": created_at,
        "updated_at": result.updated_at,
        "prompt_display_name": built_in_prompt(prompt).name,
    }


@router.get("/result/{document_id}", response_model=v0.LLMResult, responses=ERRORS)
def get_result(
    request: Request,
    organization_id: str,
    document_id: str,
    prompt_revid: Annotated[str | None, Query(description="The prompt revision")] = None,
    prompt_id: Annotated[str | None, Query(description="The prompt (wins over it)")] = None,
):
    """The result of a prompt for a document (either prompt_revid or prompt_id); 404 until the
    document is read, or when its result is another prompt's."""
    prompt = prompt_id or prompt_revid
    if prompt is None:
        raise HTTPException(422, "Either prompt_id or prompt_revid is required")
    doc, result = _counted_result(request, organization_id, document_id, prompt)
    return _reply(request, doc, result, prompt)


@router.put("/result/{document_id}", response_model=v0.LLMResult, responses=ERRORS)
def update_result(
    request: Request,
    organization_id: str,
    document_id: str,
    prompt_revid: PromptRevid,
    body: v0.UpdateLLMResult,
):
    """Correct a result and mark it verified (or not): each changed field keeps the value the
    engine read as its original and gets source 'user', as PATCH .../results does."""
    doc, result = _counted_result(request, organization_id, document_id, prompt_revid)
    allowed = field_names(result.processor_type)
    unknown = sorted(set(body.updated_llm_result) - set(allowed))
    if unknown:
        raise HTTPException(
            422,
            f"Unknown field(s) for a {result.processor_type} result: {', '.join(unknown)}"
            + (f" (fields: {', '.join(allowed)})" if allowed else " (it has no fields)"),
        )
    missing = object()
    changed = {
        k: v for k, v in body.updated_llm_result.items() if result.fields.get(k, missing) != v
    }
    library = request.app.state.library
    if changed:
        library.correct_fields(doc.id, changed)
    result = library.set_verified(doc.id, body.is_verified)
    return _reply(request, doc, result, prompt_revid)


@router.delete("/result/{document_id}", response_model=v0.LLMDeleted, responses=ERRORS)
def delete_result(
    request: Request, organization_id: str, document_id: str, prompt_revid: PromptRevid
):
    """Delete a result: the document is left cancelled until it is processed again."""
    doc, _result = _counted_result(request, organization_id, document_id, prompt_revid)
    request.app.state.library.delete_result(doc.id, DELETED)
    return {"status": "success", "message": "LLM result deleted"}


@router.post("/run/{document_id}", response_model=v0.LLMRunReply, responses=RUN_ERRORS)
def run_prompt(
    request: Request,
    organization_id: str,
    document_id: str,
    prompt_revid: PromptRevid = "default",
    force: Annotated[bool, Query(description="Read it again even if it has a result")] = False,
):
    """Run a prompt on a document and answer its fields: at once when the stored result is
    that prompt's (unless force), otherwise once the document is read again with the prompt's
    processor (up to the server's time limit; corrections are kept)."""
    built_in_prompt(prompt_revid)
    library = request.app.state.library
    deadline = time.monotonic() + request.app.state.config.llm_run_timeout
    doc = find_document(request, organization_id, document_id)
    fresh = False  # read after this call began
    if doc.status in BUSY:
        doc, fresh = _wait(request, doc, prompt_revid, deadline), True
    result = library.result(doc.id) if doc.status == "completed" else None
    if result is not None and prompt_revid in counted_prompts(doc, result):
        if fresh or not force:
            return {"status": "success", "result": result.fields}
    if not request.app.state.engine.reprocess([doc.id], prompt_processor(prompt_revid, doc)):
        raise HTTPException(
            422, f"The document cannot be processed: {library.document(doc.id).error}"
        )
    queued = library.document(doc.id)
    doc = _wait(request, queued, prompt_revid, deadline)
    result = library.result(doc.id)
    if result is None:
        raise HTTPException(404, "The document's result is gone.")
    return {"status": "success", "result": result.fields}


def _wait(request: Request, doc: DocumentInfo, prompt: str, deadline: float) -> DocumentInfo:
    """The document once it is neither queued nor processing: completed, else 422 (failed)
    or 409 (cancelled); 504 past the deadline."""
    library = request.app.state.library
    status = doc.status
    while status in BUSY:
        if time.monotonic() >= deadline:
            limit = request.app.state.config.llm_run_timeout
            raise HTTPException(
                504,
                f"The document is still {status} after {limit:g} s; ask for its result later: "
                f"GET /v0/orgs/{doc.organization_id}/llm/result/{doc.id}?prompt_revid={prompt}",
            )
        time.sleep(POLL_EVERY)
        found = library.document_status(doc.id)
        if found is None:
            raise HTTPException(404, f"No document '{doc.id}'.")
        status = found["status"]
    doc = library.document(doc.id)
    if doc.status == "failed":
        raise HTTPException(422, f"Processing failed: {doc.error}")
    if doc.status == "cancelled":
        raise HTTPException(409, f"Processing was cancelled: {doc.error}")
    return doc
