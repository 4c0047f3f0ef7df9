"""DocRouter's tags, schemas and prompts over the local library: tags as records of the
organization, and the local engine's built-in processors as read-only schemas and prompts.

The prompts are ``default`` (a document's own processor), ``auto``, ``invoice`` and ``receipt``;
a prompt's revision id is its id, at version 1. A document uploaded with the tag of the
invoice or receipt prompt (``core.prompts.PROMPTS[...].tag``) is read by that processor, as a
DocRouter server runs a prompt on the documents carrying one of its tags.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from docrouter_desktop.core.display_names import display_name
from docrouter_desktop.core.prompts import NAME_PREFIX, PROMPTS
from docrouter_desktop.core.records import DocumentInfo
from docrouter_desktop.core.tags import TagConflictError, TagInfo
from docrouter_desktop.server import v0_schemas as v0
from docrouter_desktop.server.auth import organization_access, require_organization
from docrouter_desktop.server.paging import MAX_OFFSET
from docrouter_desktop.server.responses import BAD_REQUEST, ERRORS, Responses
from docrouter_desktop.server.schemas import ErrorBody, MessageReply

router = APIRouter(prefix="/v0/orgs/{organization_id}", dependencies=[Depends(organization_access)])

MODEL = "docrouter-desktop"
REFUSED = (
    "This local DocRouter runs its built-in processors only (prompts default, auto, invoice, "
    "receipt); custom schemas and prompts need a DocRouter server."
)
Skip = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=100)]
NameSearch = Annotated[str | None, Query(max_length=500, description="A part of the name")]


@dataclass(frozen=True)
class BuiltInPrompt:
    id: str
    name: str
    content: str
    schema_id: str | None  # the schema it fills (None: the processor decides)
    tag: str | None  # the tag that makes it run on upload


BUILT_IN: dict[str, BuiltInPrompt] = {
    "default": BuiltInPrompt(
        "default",
        "Default",
        "Reads each document with the processor it was uploaded with (auto, invoice, receipt "
        "or text).",
        None,
        None,
    ),
    "auto": BuiltInPrompt(
        "auto",
        f"{NAME_PREFIX} auto",
        "Tells invoices, receipts and other documents apart and reads each with its processor.",
        None,
        None,
    ),
    **{
        p.processor: BuiltInPrompt(p.processor, p.name, p.content, p.processor, p.tag)
        for p in PROMPTS.values()
    },
}


def processor_for_tags(tags: Iterable[str], default: str) -> str:
    """The processor a document with these tag names is read with: that of the first
    built-in prompt whose tag it carries, else ``default``."""
    names = set(tags)
    for p in PROMPTS.values():
        if p.tag in names:
            return p.processor
    return default


def built_in_prompt(prompt_id: str) -> BuiltInPrompt:
    """A built-in prompt, or 404 naming those there are."""
    found = BUILT_IN.get(prompt_id)
    if found is None:
        raise HTTPException(
            404, f"No prompt '{prompt_id}': this local DocRouter has {', '.join(BUILT_IN)}."
        )
    return found


def prompt_processor(prompt_id: str, doc: DocumentInfo) -> str:
    """The processor that runs a built-in prompt on this document."""
    return doc.processor_type if prompt_id == "default" else prompt_id


def _created_at(request: Request, org: str) -> str:
    """The built-in schemas and prompts exist as long as the organization does."""
    info = request.app.state.library.organization(org)
    if info is None:
        raise HTTPException(404, f"No organization '{org}'.")
    return info.created_at


def _page(items: list, skip: int, limit: int, name_search: str | None) -> tuple[list, int]:
    if name_search:
        items = [i for i in items if name_search.lower() in i["name"].lower()]
    return items[skip : skip + limit], len(items)


# -- tags


def _tags(request: Request):
    return request.app.state.tags


def _tag_reply(t: TagInfo) -> dict:
    return {
        "id": t.id,
        "name": display_name(t.name),
        "color": t.color,
        "description": t.description,
        "created_at": t.created_at,
        "created_by": t.created_by,
    }


TAG_ERRORS: Responses = {**ERRORS, **BAD_REQUEST}


@router.post("/tags", response_model=v0.Tag, responses=TAG_ERRORS, tags=["tags"])
def create_tag(request: Request, organization_id: str, body: v0.TagConfig):
    """A new tag; a name the organization already has is 400."""
    require_organization(request, organization_id)
    try:
        tag = _tags(request).create(organization_id, body.name, body.color, body.description)
    except TagConflictError as exc:
        raise HTTPException(400, str(exc)) from None
    return _tag_reply(tag)


@router.get("/tags", response_model=v0.TagList, responses=ERRORS, tags=["tags"])
def list_tags(
    request: Request,
    organization_id: str,
    skip: Skip = 0,
    limit: Limit = 10,
    name_search: NameSearch = None,
):
    """The organization's tags, oldest first."""
    require_organization(request, organization_id)
    tags, total = _tags(request).list(organization_id, limit, skip, name_search)
    return {"tags": [_tag_reply(t) for t in tags], "total_count": total, "skip": skip}


@router.get("/tags/{tag_id}", response_model=v0.Tag, responses=ERRORS, tags=["tags"])
def get_tag(request: Request, organization_id: str, tag_id: str):
    """One tag."""
    return _tag_reply(_tags(request).get(organization_id, tag_id))


@router.put("/tags/{tag_id}", response_model=v0.Tag, responses=TAG_ERRORS, tags=["tags"])
def update_tag(request: Request, organization_id: str, tag_id: str, body: v0.TagConfig):
    """Rename a tag (its documents follow), change its description and, when given, colour."""
    try:
        tag = _tags(request).update(
            organization_id, tag_id, body.name, body.color, body.description
        )
    except TagConflictError as exc:
        raise HTTPException(400, str(exc)) from None
    return _tag_reply(tag)


@router.delete("/tags/{tag_id}", response_model=MessageReply, responses=TAG_ERRORS, tags=["tags"])
def delete_tag(request: Request, organization_id: str, tag_id: str):
    """Delete a tag; one that documents carry is 400."""
    try:
        _tags(request).delete(organization_id, tag_id)
    except TagConflictError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"message": "Tag deleted successfully"}


# -- schemas


def _schema_reply(processor: str, created_at: str) -> dict:
    p = PROMPTS[processor]
    return {
        "schema_revid": processor,
        "schema_id": processor,
        "schema_version": 1,
        "name": p.name,
        "response_format": p.response_format(),
        "created_at": created_at,
        "created_by": MODEL,
    }


@router.get("/schemas", response_model=v0.SchemaList, responses=ERRORS, tags=["schemas"])
def list_schemas(
    request: Request,
    organization_id: str,
    skip: Skip = 0,
    limit: Limit = 10,
    name_search: NameSearch = None,
):
    """The built-in schemas: the fields of the invoice and the receipt processors."""
    created_at = _created_at(request, organization_id)
    items = [_schema_reply(p, created_at) for p in PROMPTS]
    chosen, total = _page(items, skip, limit, name_search)
    return {"schemas": chosen, "total_count": total, "skip": skip}


@router.get("/schemas/{schema_revid}", response_model=v0.Schema, responses=ERRORS, tags=["schemas"])
def get_schema(request: Request, organization_id: str, schema_revid: str):
    """One built-in schema, by its revision id or its id (they are the same)."""
    created_at = _created_at(request, organization_id)
    if schema_revid not in PROMPTS:
        raise HTTPException(404, "Schema not found")
    return _schema_reply(schema_revid, created_at)


# -- prompts


def _prompt_reply(p: BuiltInPrompt, created_at: str, tag_ids: dict[str, str]) -> dict:
    return {
        "prompt_revid": p.id,
        "prompt_id": p.id,
        "prompt_version": 1,
        "name": p.name,
        "content": p.content,
        "schema_id": p.schema_id,
        "schema_version": 1 if p.schema_id else None,
        "tag_ids": [tag_ids[p.tag]] if p.tag in tag_ids else [],
        "model": MODEL,
        "created_at": created_at,
        "created_by": MODEL,
    }


@router.get("/prompts", response_model=v0.PromptList, responses=ERRORS, tags=["prompts"])
def list_prompts(
    request: Request,
    organization_id: str,
    skip: Skip = 0,
    limit: Limit = 10,
    name_search: NameSearch = None,
):
    """The built-in prompts: default, auto, invoice and receipt."""
    created_at = _created_at(request, organization_id)
    tag_ids = _tags(request).ids_by_name(organization_id)
    items = [_prompt_reply(p, created_at, tag_ids) for p in BUILT_IN.values()]
    chosen, total = _page(items, skip, limit, name_search)
    return {"prompts": chosen, "total_count": total, "skip": skip}


@router.get("/prompts/{prompt_revid}", response_model=v0.Prompt, responses=ERRORS, tags=["prompts"])
def get_prompt(request: Request, organization_id: str, prompt_revid: str):
    """One built-in prompt, by its revision id (its id)."""
    created_at = _created_at(request, organization_id)
    found = BUILT_IN.get(prompt_revid)
    if found is None:
        raise HTTPException(404, "Prompt not found")
    return _prompt_reply(found, created_at, _tags(request).ids_by_name(organization_id))


# -- what a DocRouter server allows and this one refuses

REFUSAL_ERRORS: Responses = {
    **ERRORS,
    400: {"model": ErrorBody, "description": "Always: " + REFUSED},
}


@router.post(
    "/schemas",
    tags=["schemas"],
    status_code=400,
    response_model=ErrorBody,
    responses=REFUSAL_ERRORS,
)
def create_schema(organization_id: str):
    """Refused: the local engine has its built-in schemas only."""
    raise HTTPException(400, REFUSED)


@router.put(
    "/schemas/{schema_id}",
    tags=["schemas"],
    status_code=400,
    response_model=ErrorBody,
    responses=REFUSAL_ERRORS,
)
def update_schema(organization_id: str, schema_id: str):
    """Refused: the built-in schemas cannot be changed."""
    raise HTTPException(400, REFUSED)


@router.delete(
    "/schemas/{schema_id}",
    tags=["schemas"],
    status_code=400,
    response_model=ErrorBody,
    responses=REFUSAL_ERRORS,
)
def delete_schema(organization_id: str, schema_id: str):
    """Refused: the built-in schemas cannot be deleted."""
    raise HTTPException(400, REFUSED)


@router.post(
    "/prompts",
    tags=["prompts"],
    status_code=400,
    response_model=ErrorBody,
    responses=REFUSAL_ERRORS,
)
def create_prompt(organization_id: str):
    """Refused: the local engine has its built-in prompts only."""
    raise HTTPException(400, REFUSED)


@router.put(
    "/prompts/{prompt_id}",
    tags=["prompts"],
    status_code=400,
    response_model=ErrorBody,
    responses=REFUSAL_ERRORS,
)
def update_prompt(organization_id: str, prompt_id: str):
    """Refused: the built-in prompts cannot be changed."""
    raise HTTPException(400, REFUSED)


@router.delete(
    "/prompts/{prompt_id}",
    tags=["prompts"],
    status_code=400,
    response_model=ErrorBody,
    responses=REFUSAL_ERRORS,
)
def delete_prompt(organization_id: str, prompt_id: str):
    """Refused: the built-in prompts cannot be deleted."""
    raise HTTPException(400, REFUSED)
