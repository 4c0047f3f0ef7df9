"""The two dialects of the DocRouter REST API v0, and how to tell which one a server speaks.

- ``docrouter``: the open-source DocRouter server's own API (analytiq-hub/doc-router):
  documents uploaded as JSON (base64) or multipart with ``tag_ids`` and ``metadata``, a
  document ``state``, OCR downloads, ``llm/run`` and ``llm/result`` per prompt revision, tags,
  schemas and prompts, ``skip``/``limit`` paging, an organization's own token on its paths.
- ``desktop``: the dialect of DocRouter's early product page, which DocRouter Desktop's own
  server also serves: ``documents/upload`` with a ``processor_type``, ``/status``,
  ``/results`` with boxes and confidences, ``limit``/``offset`` paging.

A server's ``/openapi.json`` tells them apart; ``docrouter-desktop serve`` offers both, and
the desktop dialect is preferred there because its results carry where each value was found.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Dialect(StrEnum):
    DOCROUTER = "docrouter"
    DESKTOP = "desktop"

    @property
    def description(self) -> str:
        if self is Dialect.DOCROUTER:
            return "DocRouter v0 (documents, tags, prompts, llm/run and llm/result)"
        return "DocRouter Desktop v0 (documents/upload, status, results with boxes)"


_DESKTOP_ROUTES = (
    "/v0/orgs/{organization_id}/documents/upload",
    "/v0/orgs/{organization_id}/documents/{document_id}/results",
)
_DOCROUTER_ROUTES = (
    "/v0/orgs/{organization_id}/documents/multipart",
    "/v0/orgs/{organization_id}/llm/result/{document_id}",
)


def _has(paths: dict[str, Any], route: str) -> bool:
    # A server behind a path prefix lists its routes with or without it.
    return any(p == route or p.endswith(route) for p in paths)


def dialect_from_openapi(spec: Any) -> Dialect | None:
    """The dialect an OpenAPI document describes, or None when it is neither."""
    paths = spec.get("paths") if isinstance(spec, dict) else None
    if not isinstance(paths, dict):
        return None
    if all(_has(paths, r) for r in _DESKTOP_ROUTES):
        return Dialect.DESKTOP
    if all(_has(paths, r) for r in _DOCROUTER_ROUTES):
        return Dialect.DOCROUTER
    return None


def upload_route_in(spec: Any, dialect: Dialect) -> bool:
    """Whether the OpenAPI document lists the upload route a batch needs in that dialect."""
    paths = spec.get("paths") if isinstance(spec, dict) else None
    if not isinstance(paths, dict):
        return False
    route = (
        "/v0/orgs/{organization_id}/documents/upload"
        if dialect is Dialect.DESKTOP
        else "/v0/orgs/{organization_id}/documents"
    )
    for p, ops in paths.items():
        if (p == route or p.endswith(route)) and isinstance(ops, dict) and "post" in ops:
            return True
    return False
