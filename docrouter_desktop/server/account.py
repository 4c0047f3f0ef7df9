"""The account endpoints (``/v0/account``): profile, organizations and account tokens."""

from __future__ import annotations

import getpass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from docrouter_desktop.core.errors import NotFoundError, UsageError
from docrouter_desktop.server import schemas
from docrouter_desktop.server.auth import account_token
from docrouter_desktop.server.paging import Page, paging
from docrouter_desktop.server.responses import ERRORS

router = APIRouter(prefix="/v0/account", tags=["account"], dependencies=[Depends(account_token)])


@router.get("/profile", response_model=schemas.Profile, responses=ERRORS)
def get_profile(request: Request):
    """The local account: its user, and how many organizations (workspaces) it has."""
    orgs = request.app.state.library.organizations()
    user = _user_name()
    return {
        "id": "local",
        "name": user,
        "email": f"{user}@localhost",
        "created_at": orgs[0].created_at,
        "organization_count": len(orgs),
    }


@router.get("/organizations", response_model=schemas.OrganizationList, responses=ERRORS)
def list_organizations(request: Request, page: Annotated[Page, Depends(paging)]):
    """The organizations (workspaces) of the account, oldest first, with document counts."""
    orgs = request.app.state.library.organizations()
    chosen = orgs[page.offset : page.offset + page.limit]
    return page.reply("organizations", [_org(o) for o in chosen], len(orgs))


@router.post(
    "/organizations", status_code=201, response_model=schemas.Organization, responses=ERRORS
)
def create_organization(request: Request, body: schemas.OrganizationCreate):
    """A new, empty organization."""
    name = body.name.strip()
    if not name:
        raise HTTPException(422, "An organization needs a name.")
    return _org(request.app.state.library.create_organization(name))


@router.delete(
    "/organizations/{id}",
    status_code=204,
    response_class=Response,
    responses={**ERRORS, 409: {"model": schemas.ErrorBody}},
)
def delete_organization(request: Request, id: str):
    """Delete an organization with its documents and tokens (not the default one: 409)."""
    try:
        request.app.state.library.delete_organization(id)
    except NotFoundError:
        raise HTTPException(404, f"No organization '{id}'.") from None
    except UsageError as exc:
        raise HTTPException(409, str(exc)) from None
    return Response(status_code=204)


@router.get("/access_tokens", response_model=schemas.AccessTokenList, responses=ERRORS)
def list_account_tokens(request: Request, page: Annotated[Page, Depends(paging)]):
    """The account tokens (never their secrets), newest first."""
    tokens, total = request.app.state.tokens.list(None, page.limit, page.offset)
    return page.reply("access_tokens", [t.api_dict() for t in tokens], total)


@router.post(
    "/access_tokens", status_code=201, response_model=schemas.AccessTokenCreated, responses=ERRORS
)
def create_account_token(request: Request, body: schemas.AccessTokenCreate):
    """A new account token; its secret is in this reply and nowhere else, ever."""
    return created_token(request, body.name, None)


@router.delete("/access_tokens/{id}", status_code=204, response_class=Response, responses=ERRORS)
def revoke_account_token(request: Request, id: str):
    """Revoke an account token: it stops working at once."""
    return revoke_token(request, id, None)


def created_token(request: Request, name: str, org_id: str | None) -> dict:
    try:
        info, secret = request.app.state.tokens.create(name, org_id)
    except UsageError as exc:
        raise HTTPException(422, str(exc)) from None
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from None
    return {"id": info.id, "name": info.name, "created_at": info.created_at, "token": secret}


def revoke_token(request: Request, token_id: str, org_id: str | None) -> Response:
    try:
        request.app.state.tokens.revoke(token_id, org_id)
    except NotFoundError:
        raise HTTPException(404, f"No token '{token_id}'.") from None
    return Response(status_code=204)


def _org(o) -> dict:
    return {
        "id": o.id,
        "name": o.name,
        "created_at": o.created_at,
        "document_count": o.document_count,
    }


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"
