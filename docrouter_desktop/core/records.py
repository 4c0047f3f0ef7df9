"""Plain data objects that leave the core: what the CLI, the window and the server see.

No ORM object crosses a service boundary; these are built inside a session and are safe to
hand to any thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OrganizationInfo:
    id: str
    name: str
    created_at: str
    document_count: int = 0


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    organization_id: str
    document_name: str
    source_path: str | None
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
    fields: dict[str, Any] = field(default_factory=dict)  # a summary for lists, may be empty
    metadata: dict[str, str] = field(default_factory=dict)  # the uploader's key/value pairs
    uploaded_by: str | None = None  # the API token's name, for uploads through the API

    def api_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document_name": self.document_name,
            "sha256": self.sha256,
            "size": self.size,
            "content_type": self.content_type,
            "pages": self.pages,
            "processor_type": self.processor_type,
            "status": self.status,
            "error": self.error,
            "tags": list(self.tags),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class ResultInfo:
    document_id: str
    processor_type: str
    fields: dict[str, Any]
    field_details: dict[str, Any]
    pages: list[dict[str, Any]]
    warnings: list[str]
    routing: str | None
    text: str
    engine_version: str
    updated_at: str
    verified: bool = False  # a person checked it (DocRouter's ``is_verified``)

    def api_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "processor_type": self.processor_type,
            "fields": self.fields,
            "field_details": self.field_details,
            "pages": self.pages,
            "warnings": self.warnings,
            "routing": self.routing,
            "text": self.text,
        }


@dataclass(frozen=True)
class IngestOutcome:
    """What became of one file the user gave."""

    file: str  # the path as the user gave it
    document_id: str | None
    status: str  # queued | completed | failed | processing | cancelled
    duplicate: bool = False
    error: str | None = None
    pages: int | None = None


@dataclass(frozen=True)
class VendorInfo:
    """A vendor of the memory: what recognises it (VAT IDs, IBANs) and what it brings."""

    id: str
    organization_id: str
    name: str
    vat_ids: list[str]
    ibans: list[str]
    address: str | None
    currency: str | None
    account: str | None
    category: str | None
    times_right: int
    times_wrong: int
    confidence: float  # what a recognition of it is reported at now
    created_at: str
    updated_at: str

    def api_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "vat_ids": list(self.vat_ids),
            "ibans": list(self.ibans),
            "address": self.address,
            "currency": self.currency,
            "account": self.account,
            "category": self.category,
            "times_right": self.times_right,
            "times_wrong": self.times_wrong,
            "confidence": self.confidence,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
