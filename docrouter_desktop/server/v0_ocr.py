"""DocRouter's OCR downloads over a document's stored result: its text (whole or one page), how
many pages it has and how they were read, and the pages as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse

from docrouter_desktop.core.records import ResultInfo
from docrouter_desktop.server import v0_schemas as v0
from docrouter_desktop.server.auth import organization_access
from docrouter_desktop.server.document_replies import find_document
from docrouter_desktop.server.responses import ERRORS

router = APIRouter(
    prefix="/v0/orgs/{organization_id}/ocr/download",
    tags=["ocr"],
    dependencies=[Depends(organization_access)],
)

ENGINE = "docrouter-desktop"
PAGE_BREAK = "\f"  # between pages in a result's text


def _read(request: Request, org: str, document_id: str, missing: str) -> ResultInfo:
    """The result of a completed document of this organization, or 404 with ``missing``."""
    doc = find_document(request, org, document_id)
    result = request.app.state.library.result(doc.id) if doc.status == "completed" else None
    if result is None:
        raise HTTPException(404, missing)
    return result


@router.get(
    "/text/{document_id}",
    response_class=PlainTextResponse,
    responses={**ERRORS, 200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def download_text(
    request: Request,
    organization_id: str,
    document_id: str,
    page_num: Annotated[int | None, Query(ge=1, description="One page (1-based)")] = None,
):
    """The document's text (pages separated by form feeds), or one page of it; 404 until the
    document is read."""
    result = _read(request, organization_id, document_id, "OCR text not found")
    if page_num is None:
        return PlainTextResponse(result.text)
    pages = result.text.split(PAGE_BREAK)
    if page_num > len(pages):
        raise HTTPException(404, "OCR text not found")
    return PlainTextResponse(pages[page_num - 1])


@router.get("/metadata/{document_id}", response_model=v0.OcrMetadata, responses=ERRORS)
def download_metadata(request: Request, organization_id: str, document_id: str):
    """How many pages the document has, when it was read, and how: ``tesseract`` when a page
    was scanned, ``pdf_text`` when every page had a text layer."""
    result = _read(request, organization_id, document_id, "OCR metadata not found")
    scanned = any(p.get("text_source") == "ocr" for p in result.pages)
    return {
        "n_pages": len(result.pages),
        "ocr_date": request.app.state.library.read_at(result.document_id) or result.updated_at,
        "ocr_type": "tesseract" if scanned else "pdf_text",
    }


@router.get("/json/{document_id}", response_model=v0.OcrJson, responses=ERRORS)
def download_json(request: Request, organization_id: str, document_id: str):
    """The pages: each one's text, size (in its own units) and where its text came from."""
    result = _read(request, organization_id, document_id, "OCR data not found")
    texts = result.text.split(PAGE_BREAK)
    pages = []
    for index, page in enumerate(result.pages):
        pages.append(
            {
                "index": index,
                "text": texts[index] if index < len(texts) else "",
                "width": page.get("width"),
                "height": page.get("height"),
                "text_source": page.get("text_source"),
            }
        )
    return {"ocr_engine": ENGINE, "pages": pages}
