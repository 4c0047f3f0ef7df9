"""Request and reply bodies of the API, as pydantic models with examples for /openapi.json.

Where both dialects share a route (the seed's and DocRouter's own), the reply carries the fields
of both: e.g. a Document has the seed's ``status`` and DocRouter's ``state``. The replies of
the routes only DocRouter has are in ``v0_schemas``.
"""

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


class OrganizationMember(BaseModel):
    user_id: str
    role: Literal["admin", "user"]


class Organization(BaseModel):
    model_config = _examples(
        {
            "id": "org_5f2c1e0a9b8d7c6e5f4a3b2c",
            "name": "Personal",
            "created_at": T0,
            "document_count": 12,
            "members": [{"user_id": "local", "role": "admin"}],
            "type": "individual",
            "updated_at": T0,
        }
    )
    id: str
    name: str
    created_at: str
    document_count: int
    members: list[OrganizationMember] = []
    type: Literal["individual", "team"] = Field(
        "team", description="'individual' for the default organization, 'team' otherwise"
    )
    updated_at: str | None = None


class OrganizationList(BaseModel):
    organizations: list[Organization]
    total_count: int
    skip: int
    limit: int
    offset: int


class StatusReply(BaseModel):
    model_config = _examples({"status": "success", "message": "Organization deleted successfully"})
    status: str
    message: str


class MessageReply(BaseModel):
    model_config = _examples({"message": "Document deleted successfully"})
    message: str


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
            "user_id": "local",
            "organization_id": None,
            "lifetime": 30,
            "expires_at": "2026-12-29T09:30:00.000+00:00",
            "token": "drd_******",
        }
    )
    id: str
    name: str
    created_at: str
    last_used_at: str | None
    user_id: str = "local"
    organization_id: str | None = None
    lifetime: int = Field(0, description="Days it lives from its creation; 0: never expires")
    expires_at: str | None = None
    token: str = Field("drd_******", description="A fixed preview: the secret is never shown again")


class AccessTokenList(BaseModel):
    access_tokens: list[AccessToken]
    total_count: int
    skip: int
    limit: int
    offset: int


class AccessTokenCreate(BaseModel):
    model_config = _examples({"name": "spreadsheet"}, {"name": "ci", "lifetime": 30})
    name: str = Field(min_length=1, max_length=200)
    lifetime: int | None = Field(
        None, ge=0, le=36_500, description="Days until it expires; 0 or absent: never"
    )


class AccessTokenCreated(BaseModel):
    model_config = _examples(
        {
            "id": "tok_1a2b3c4d5e6f7a8b9c0d1e2f",
            "name": "spreadsheet",
            "created_at": T0,
            "token": "drd_q3v8ZkR0c9yLwE2mN5tB7xA1sD4fG6hJ8kL0pO2iU4y",
            "user_id": "local",
            "organization_id": None,
            "lifetime": 0,
            "expires_at": None,
        }
    )
    id: str
    name: str
    created_at: str
    token: str = Field(description="The secret: shown this once, never again.")
    user_id: str = "local"
    organization_id: str | None = None
    lifetime: int = 0
    expires_at: str | None = None


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
            "pdf_id": "doc_9a8b7c6d5e4f3a2b1c0d9e8f",
            "upload_date": T0,
            "uploaded_by": "spreadsheet",
            "state": "llm_completed",
            "tag_ids": ["tag_0f1e2d3c4b5a69788796a5b4", "tag_1a2b3c4d5e6f7a8b9c0d1e2f"],
            "type": "application/pdf",
            "metadata": {"supplier": "acme"},
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
    pdf_id: str = Field(description="DocRouter's id of the PDF: the document's own id here")
    upload_date: str = Field(description="DocRouter's name for created_at")
    uploaded_by: str = Field(description="The API token's name, or 'local' (window, CLI)")
    state: Literal["uploaded", "ocr_processing", "llm_completed", "ocr_failed", "llm_failed"] = (
        Field(description="DocRouter's state for the status")
    )
    tag_ids: list[str] = Field(description="The ids of the organization's tags named in tags")
    type: str | None = Field(description="The content type")
    metadata: dict[str, str] = Field(description="The uploader's key/value pairs")


class DocumentWithContent(Document):
    content: str | None = Field(
        None, description="The original, base64; null when include_content=false"
    )


class DocumentList(BaseModel):
    documents: list[Document]
    total_count: int
    skip: int
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
