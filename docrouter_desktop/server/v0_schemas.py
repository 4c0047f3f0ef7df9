"""Request and reply bodies of the routes only DocRouter's own v0 API has (base64 and multipart
uploads, OCR, LLM results, tags, schemas and prompts), shaped so that its SDK parses them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from docrouter_desktop.server.schemas import T0

DOC = "doc_9a8b7c6d5e4f3a2b1c0d9e8f"
TAG = "tag_0f1e2d3c4b5a69788796a5b4"


def _examples(*examples: dict) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


def inline_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema with its ``$defs`` written in place, for a request body that
    a route reads itself (and so does not declare as a parameter)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.rsplit("/", 1)[-1]])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return resolve(schema)


# -- documents


class DocumentUpload(BaseModel):
    name: str = Field(min_length=1, max_length=1000)
    content: str = Field(description="The file as base64, or a data URL 'data:...;base64,...'")
    tag_ids: list[str] = []
    metadata: dict[str, str] | None = {}


class DocumentsUpload(BaseModel):
    model_config = _examples(
        {
            "documents": [
                {
                    "name": "invoice.pdf",
                    "content": "JVBERi0xLjcK...",
                    "tag_ids": [TAG],
                    "metadata": {"supplier": "acme"},
                }
            ]
        }
    )
    documents: list[DocumentUpload] = Field(min_length=1, max_length=100)


class UploadedDocument(BaseModel):
    model_config = _examples(
        {
            "document_name": "invoice.pdf",
            "document_id": DOC,
            "tag_ids": [TAG],
            "metadata": {"supplier": "acme"},
        }
    )
    document_name: str
    document_id: str
    tag_ids: list[str]
    metadata: dict[str, str]


class UploadedDocuments(BaseModel):
    documents: list[UploadedDocument]


class UploadedOne(BaseModel):
    document: UploadedDocument


class DocumentUpdate(BaseModel):
    model_config = _examples(
        {"document_name": "acme-2024-03.pdf", "tag_ids": [TAG], "metadata": {"k": "v"}}
    )
    document_name: str | None = Field(None, min_length=1, max_length=1000)
    tag_ids: list[str] | None = Field(None, description="Replace the document's tags")
    metadata: dict[str, str] | None = Field(None, description="Replace the document's metadata")


# -- OCR


class OcrMetadata(BaseModel):
    model_config = _examples({"n_pages": 1, "ocr_date": T0, "ocr_type": "pdf_text"})
    n_pages: int
    ocr_date: str
    ocr_type: str = Field(description="'tesseract' when a page was scanned, else 'pdf_text'")


class OcrPage(BaseModel):
    index: int = Field(description="0-based")
    text: str
    width: float | None
    height: float | None
    text_source: str | None


class OcrJson(BaseModel):
    ocr_engine: str = "docrouter-desktop"
    pages: list[OcrPage]


# -- LLM


class LLMRunReply(BaseModel):
    model_config = _examples(
        {"status": "success", "result": {"invoice_number": "INV-1001", "total": 120.0}}
    )
    status: str
    result: dict[str, Any]


class LLMResult(BaseModel):
    model_config = _examples(
        {
            "prompt_revid": "invoice",
            "prompt_id": "invoice",
            "prompt_version": 1,
            "document_id": DOC,
            "llm_result": {"invoice_number": "INV-1001", "total": 120.0},
            "updated_llm_result": {"invoice_number": "INV-1001", "total": 121.0},
            "is_edited": True,
            "is_verified": True,
            "created_at": T0,
            "updated_at": T0,
            "prompt_display_name": "DocRouter Desktop invoice",
        }
    )
    prompt_revid: str
    prompt_id: str
    prompt_version: int
    document_id: str
    llm_result: dict[str, Any] = Field(description="The fields as the engine read them")
    updated_llm_result: dict[str, Any] = Field(description="The fields with corrections")
    is_edited: bool
    is_verified: bool
    created_at: str
    updated_at: str
    prompt_display_name: str | None = None


class UpdateLLMResult(BaseModel):
    model_config = _examples({"updated_llm_result": {"total": 121.0}, "is_verified": True})
    updated_llm_result: dict[str, Any]
    is_verified: bool = False


class LLMDeleted(BaseModel):
    model_config = _examples({"status": "success", "message": "LLM result deleted"})
    status: str
    message: str


# -- tags, schemas, prompts


class TagConfig(BaseModel):
    model_config = _examples({"name": "2024", "color": "#3B82F6", "description": "This year"})
    name: str = Field(min_length=1, max_length=200)
    color: str | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=2000)


class Tag(TagConfig):
    id: str
    created_at: str
    created_by: str


class TagList(BaseModel):
    tags: list[Tag]
    total_count: int
    skip: int


class ResponseFormat(BaseModel):
    type: str = "json_schema"
    json_schema: dict[str, Any]


class Schema(BaseModel):
    schema_revid: str
    schema_id: str
    schema_version: int
    name: str
    response_format: ResponseFormat
    created_at: str
    created_by: str


class SchemaList(BaseModel):
    schemas: list[Schema]
    total_count: int
    skip: int


class Prompt(BaseModel):
    model_config = _examples(
        {
            "prompt_revid": "invoice",
            "prompt_id": "invoice",
            "prompt_version": 1,
            "name": "DocRouter Desktop invoice",
            "content": "Read this invoice ...",
            "schema_id": "invoice",
            "schema_version": 1,
            "tag_ids": [TAG],
            "model": "docrouter-desktop",
            "created_at": T0,
            "created_by": "docrouter-desktop",
        }
    )
    prompt_revid: str
    prompt_id: str
    prompt_version: int
    name: str
    content: str
    schema_id: str | None
    schema_version: int | None
    tag_ids: list[str]
    model: str
    created_at: str
    created_by: str


class PromptList(BaseModel):
    prompts: list[Prompt]
    total_count: int
    skip: int


# -- account


class TokenOrganization(BaseModel):
    model_config = _examples(
        {
            "organization_id": "org_5f2c1e0a9b8d7c6e5f4a3b2c",
            "organization_name": "Personal",
            "organization_type": "individual",
        }
    )
    organization_id: str | None
    organization_name: str | None
    organization_type: str | None
