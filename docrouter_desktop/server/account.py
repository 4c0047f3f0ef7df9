"""The account endpoints (``/v0/account``): profile, organizations and account tokens, and
the one public route, DocRouter's lookup of a token's organization."""

from __future__ import annotations

import getpass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from docrouter_desktop.core.api_tokens import SECRET_PREVIEW, ParentTokenGone, TokenInfo
from docrouter_desktop.core.display_names import display_name
from docrouter_desktop.core.errors import NotFoundError, UsageError
from docrouter_desktop.server import schemas, v0_schemas
from docrouter_desktop.server.auth import account_token
from docrouter_desktop.server.paging import Page, dual_paging, paging
from docrouter_desktop.server.responses import ERRORS

router = APIRouter(prefix="/v0/account", tags=["account"], dependencies=[Depends(account_token)])
public_router = APIRouter(prefix="/v0/account", tags=["account"])
USER_ID = "local"  # the one user of a local library


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
def list_organizations(request: Request, page: Annotated[Page, Depends(dual_paging(100))]):
    """The organizations (workspaces) of the account, oldest first, with document counts."""
    library = request.app.state.library
    orgs = library.organizations()
    chosen = orgs[page.offset : page.offset + page.limit]
    default = library.default_org_id()
    return page.reply("organizations", [_org(o, default) for o in chosen], len(orgs))


@router.post(
    "/organizations", status_code=201, response_model=schemas.Organization, responses=ERRORS
)
def create_organization(request: Request, body: schemas.OrganizationCreate):
    """A new, empty organization."""
    name = body.name.strip()
    if not name:
        raise HTTPException(422, "An organization needs a name.")
    library = request.app.state.library
    return _org(library.create_organization(name), library.default_org_id())


@router.delete(
    "/organizations/{id}",
    response_model=schemas.StatusReply,
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
    return {"status": "success", "message": "Organization deleted successfully"}


@router.get("/access_tokens", response_model=schemas.AccessTokenList, responses=ERRORS)
def list_account_tokens(request: Request, page: Annotated[Page, Depends(paging)]):
    """The account tokens (never their secrets), newest first."""
    tokens, total = request.app.state.tokens.list(None, page.limit, page.offset)
    return page.reply("access_tokens", [token_item(t) for t in tokens], total)


@router.post(
    "/access_tokens", status_code=201, response_model=schemas.AccessTokenCreated, responses=ERRORS
)
def create_account_token(request: Request, body: schemas.AccessTokenCreate):
    """A new account token; its secret is in this reply and nowhere else, ever. With a
    lifetime (days), it stops working that long after its creation."""
    return created_token(request, body, None)


@router.delete("/access_tokens/{id}", response_model=schemas.MessageReply, responses=ERRORS)
def revoke_account_token(request: Request, id: str):
    """Revoke an account token: it stops working at once."""
    return revoke_token(request, id, None)


@public_router.get(
    "/token/organization",
    response_model=v0_schemas.TokenOrganization,
    responses={401: ERRORS[401], 422: ERRORS[422], 429: ERRORS[429]},
)
def token_organization(
    request: Request, token: Annotated[str, Query(max_length=300, description="A token")]
):
    """The organization a token belongs to (nulls for an account token); no token needed."""
    info = request.app.state.tokens.authenticate(token.strip())
    if info is None:
        raise HTTPException(401, "Invalid token")
    if info.organization_id is None:
        return {"organization_id": None, "organization_name": None, "organization_type": None}
    library = request.app.state.library
    org = library.organization(info.organization_id)
    return {
        "organization_id": info.organization_id,
        "organization_name": display_name(org.name) if org else None,
        "organization_type": _org_type(info.organization_id, library.default_org_id())
        if org
        else None,
    }


def token_item(t: TokenInfo) -> dict:
    """A token in a list, of both dialects: never any part of its secret."""
    return t.api_dict() | {
        "name": display_name(t.name),
        "user_id": USER_ID,
        "organization_id": t.organization_id,
        "lifetime": t.lifetime,
        "expires_at": t.expires_at,
        "token": SECRET_PREVIEW,
    }


def created_token(request: Request, body: schemas.AccessTokenCreate, org_id: str | None) -> dict:
    parent = _account_caller(request)
    try:
        info, secret = request.app.state.tokens.create(
            body.name, org_id, body.lifetime or 0, created_by=parent
        )
    except ParentTokenGone as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    except UsageError as exc:
        raise HTTPException(422, str(exc)) from None
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from None
    return {
        "id": info.id,
        "name": display_name(info.name),
        "created_at": info.created_at,
        "token": secret,
        "user_id": USER_ID,
        "organization_id": info.organization_id,
        "lifetime": info.lifetime,
        "expires_at": info.expires_at,
    }


def _account_caller(request: Request) -> str | None:
    """The id of the account token making this request: only the account mints and revokes
    tokens (a workspace token could otherwise mint more of itself, or revoke the owner's)."""
    token = request.scope.get("state", {}).get("token")
    if token is not None and not token.is_account_token:
        raise HTTPException(
            403, "Only the account token can create or revoke tokens; a workspace token cannot."
        )
    return token.id if token is not None else None


def revoke_token(request: Request, token_id: str, org_id: str | None) -> dict:
    _account_caller(request)
    try:
        request.app.state.tokens.revoke(token_id, org_id)
    except NotFoundError:
        raise HTTPException(404, f"No token '{token_id}'.") from None
    return {"message": "Token deleted successfully"}


def _org_type(org_id: str, default_org: str) -> str:
    return "individual" if org_id == default_org else "team"


def _org(o, default_org: str) -> dict:
    return {
        "id": o.id,
        "name": display_name(o.name),
        "created_at": o.created_at,
        "document_count": o.document_count,
        "members": [{"user_id": USER_ID, "role": "admin"}],
        "type": _org_type(o.id, default_org),
        "updated_at": o.created_at,
    }


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"
