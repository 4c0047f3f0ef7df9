"""The vendor memory over the API, read-only: the organization's vendors with what recognises
them (VAT IDs, IBANs), their booking account and category, and how often recognising them was
right. Editing and merging stay in the window and on the command line."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel

from docrouter_desktop.core.errors import NotFoundError
from docrouter_desktop.server.auth import organization_access, require_organization
from docrouter_desktop.server.paging import MAX_OFFSET
from docrouter_desktop.server.responses import ERRORS

router = APIRouter(prefix="/v0/orgs/{organization_id}", dependencies=[Depends(organization_access)])


class VendorReply(BaseModel):
    id: str
    name: str
    vat_ids: list[str]
    ibans: list[str]
    address: str | None
    currency: str | None
    account: str | None
    category: str | None
    times_right: int
    times_wrong: int
    confidence: float
    created_at: str
    updated_at: str


class VendorList(BaseModel):
    vendors: list[VendorReply]
    total_count: int
    skip: int


@router.get("/vendors", response_model=VendorList, responses=ERRORS, tags=["vendors"])
def list_vendors(
    request: Request,
    organization_id: str,
    skip: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    name_search: Annotated[str | None, Query(max_length=500)] = None,
):
    """The organization's vendors by name."""
    require_organization(request, organization_id)
    vendors = request.app.state.library.vendors(organization_id, name_search)
    page = vendors[skip : skip + limit]
    return {"vendors": [v.api_dict() for v in page], "total_count": len(vendors), "skip": skip}


@router.get("/vendors/{vendor_id}", response_model=VendorReply, responses=ERRORS, tags=["vendors"])
def get_vendor(request: Request, organization_id: str, vendor_id: str):
    """One vendor."""
    require_organization(request, organization_id)
    try:
        return request.app.state.library.vendor(vendor_id, organization_id).api_dict()
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from None
