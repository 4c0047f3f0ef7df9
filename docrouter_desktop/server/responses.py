"""The error replies every endpoint may give, for /openapi.json, and the handlers that make
every error body ``{"detail": "<words>"}`` (the framework's own 404, 405 and 422 included)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from docrouter_desktop.core.errors import LibraryError, NotFoundError, UsageError
from docrouter_desktop.server.schemas import ErrorBody

log = logging.getLogger(__name__)

# What FastAPI's ``responses=`` takes: status code -> the reply's model and description.
Responses = dict[int | str, dict[str, Any]]

ERRORS: Responses = {
    401: {"model": ErrorBody, "description": "Missing, malformed, unknown or revoked token"},
    403: {"model": ErrorBody, "description": "The token's scope does not reach this"},
    404: {"model": ErrorBody, "description": "No such organization, document or token"},
    422: {"model": ErrorBody, "description": "A parameter or the body is not valid"},
    429: {"model": ErrorBody, "description": "Over the token's rate limit; see Retry-After"},
}
UPLOAD_ERRORS: Responses = {
    **ERRORS,
    413: {"model": ErrorBody, "description": "Over the upload size limit"},
    415: {"model": ErrorBody, "description": "Not a PDF, image or text file"},
}
BAD_REQUEST: Responses = {400: {"model": ErrorBody, "description": "Refused: the detail says why"}}


def error_words(errors) -> str:
    """A validation error list in words: ``field: what is wrong; ...``."""
    parts = []
    for e in errors:
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else e.get("msg", "invalid"))
    return "; ".join(parts) or "The request is not valid."


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": error_words(exc.errors())}, 422)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError):
        return JSONResponse({"detail": str(exc)}, 404)

    @app.exception_handler(UsageError)
    async def usage(request: Request, exc: UsageError):
        return JSONResponse({"detail": str(exc)}, 422)

    @app.exception_handler(LibraryError)
    async def library(request: Request, exc: LibraryError):
        log.error("library error: %s", exc)
        return JSONResponse({"detail": str(exc)}, 503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Internal error; the server log has the details."}, 500)
