"""Request and reply bodies of the API, as pydantic models with examples for /openapi.json."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ProcessorType = Literal["auto", "invoice", "receipt", "text"]
Status = Literal["queued", "processing", "completed", "failed", "cancelled"]

T0 = "2026-11-29T09:30:00.000+00:00"


def _examples(*examples: dict) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class ErrorBody(BaseModel):
    model_config = _examples({"detail": "No document 'doc_0123'."})
    detail: str


class Profile(BaseModel):
    model_config = _examples(
        {
            "id": "local",
            "name": "alex",
            "email": "alex@localhost",
            "created_at": T0,
            "organization_count": 2,
        }
    )
    id: str
    name: str
    email: str | None
    created_at: str
    organization_count: int


class Organization(BaseModel):
    model_config = _examples(
        {
            "id": "org_5f2c1e0a9b8d7c6e5f4a3b2c",
            "name": "Personal",
            "created_at": T0,
            "document_count": 12,
        }
    )
    id: str
    name: str
    created_at: str
    document_count: int


class OrganizationList(BaseModel):
    organizations: list[Organization]
    total_count: int
    limit: int
    offset: int


class OrganizationCreate(BaseModel):
    model_config = _examples({"name": "Bookkeeping 2024"})
    name: str = Field(min_length=1, max_length=200)


class AccessToken(BaseModel):
    model_config = _examples(
        {
            "id": "tok_1a2b3c4d5e6f7a8b9c0d1e2f",
            "name": "spreadsheet",
            "created_at": T0,
            "last_used_at": None,
        }
    )
    id: str
    name: str
    created_at: str
    last_used_at: str | None


class AccessTokenList(BaseModel):
    access_tokens: list[AccessToken]
    total_count: int
    limit: int
    offset: int


class AccessTokenCreate(BaseModel):
    model_config = _examples({"name": "spreadsheet"})
    name: str = Field(min_length=1, max_length=200)


class AccessTokenCreated(BaseModel):
    model_config = _examples(
        {
            "id": "tok_1a2b3c4d5e6f7a8b9c0d1e2f",
            "name": "spreadsheet",
            "created_at": T0,
            "token": "drd_q3v8ZkR0c9yLwE2mN5tB7xA1sD4fG6hJ8kL0pO2iU4y",
        }
    )
    id: str
    name: str
    created_at: str
    token: str = Field(description="The secret: shown this once, never again.")


class UploadReply(BaseModel):
    model_config = _examples(
        {
            "document_id": "doc_9a8b7c6d5e4f3a2b1c0d9e8f",
            "document_name": "invoice.pdf",
            "processor_type": "invoice",
            "status": "queued",
            "duplicate": False,
        }
    )
    document_id: str
    document_name: str
    processor_type: str
    status: str
    duplicate: bool = False


class Document(BaseModel):
    model_config = _examples(
        {
            "id": "doc_9a8b7c6d5e4f3a2b1c0d9e8f",
            "document_name": "invoice.pdf",
            "sha256": "3f0a" + "0" * 60,
            "size": 20480,
            "content_type": "application/pdf",
            "pages": 1,
            "processor_type": "invoice",
            "status": "completed",
            "error": None,
            "tags": ["2024", "acme"],
            "created_at": T0,
            "updated_at": T0,
        }
    )
    id: str
    document_name: str
    sha256: str
    size: int
    content_type: str
    pages: int | None
    processor_type: str
    status: str
    error: str | None
    tags: list[str]
    created_at: str
    updated_at: str


class DocumentList(BaseModel):
    documents: list[Document]
    total_count: int
    limit: int
    offset: int


class DocumentStatus(BaseModel):
    model_config = _examples(
        {
            "document_id": "doc_9a8b7c6d5e4f3a2b1c0d9e8f",
            "status": "processing",
            "error": None,
            "updated_at": T0,
        }
    )
    document_id: str
    status: str
    error: str | None
    updated_at: str


class Result(BaseModel):
    model_config = _examples(
        {
            "document_id": "doc_9a8b7c6d5e4f3a2b1c0d9e8f",
            "processor_type": "invoice",
            "fields": {
                "vendor": "Acme Widgets Ltd",
                "invoice_number": "INV-1001",
                "date": "2024-03-15",
                "due_date": None,
                "currency": "EUR",
                "total": 120.0,
                "subtotal": 100.0,
                "tax": 20.0,
                "line_items": [
                    {
                        "description": "Consulting services",
                        "quantity": None,
                        "unit_price": None,
                        "amount": 100.0,
                    }
                ],
                "document_type": "invoice",
            },
            "field_details": {
                "total": {
                    "confidence": 0.93,
                    "page": 1,
                    "bbox": [350.2, 190.1, 380.0, 198.4],
                    "source": "text",
                    "rule": "label 'Total' on the same line; subtotal + tax agree",
                }
            },
            "pages": [{"number": 1, "width": 595.0, "height": 842.0, "text_source": "text"}],
            "warnings": [],
            "routing": "invoice: chosen by the uploader",
            "text": "Acme Widgets Ltd\n...",
        }
    )
    document_id: str
    processor_type: str
    fields: dict[str, Any]
    field_details: dict[str, Any]
    pages: list[dict[str, Any]]
    warnings: list[str]
    routing: str | None
    text: str


class NotReady(BaseModel):
    model_config = _examples(
        {"detail": "The document is still being processed.", "status": "processing"}
    )
    detail: str
    status: str


class Failed(BaseModel):
    model_config = _examples(
        {"detail": "Processing failed.", "status": "failed", "error": "The PDF is encrypted."}
    )
    detail: str
    status: str
    error: str | None


class Corrections(BaseModel):
    model_config = _examples({"fields": {"total": 12.5, "vendor": "Acme Widgets Ltd"}})
    fields: dict[str, Any] = Field(min_length=1)


class ProcessRequest(BaseModel):
    model_config = _examples({"processor_type": "receipt"}, {"discard_corrections": True})
    processor_type: ProcessorType | None = None
    discard_corrections: bool = False


class ProcessReply(BaseModel):
    model_config = _examples(
        {
            "document_id": "doc_9a8b7c6d5e4f3a2b1c0d9e8f",
            "processor_type": "receipt",
            "status": "queued",
        }
    )
    document_id: str
    processor_type: str
    status: str
