"""The DocRouter client: a Python SDK for the DocRouter REST API v0, in both of its dialects
(see docs/client.md)."""

from docrouter_desktop.client._auth import TokenAuth
from docrouter_desktop.client._client import DONE_STATES, WAITING_STATES, DocRouterClient
from docrouter_desktop.client._dialect import Dialect, dialect_from_openapi, upload_route_in
from docrouter_desktop.client._exceptions import (
    APIError,
    BadRequest,
    Conflict,
    DocRouterError,
    Forbidden,
    NetworkError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RequestTimeout,
    ServerError,
    Unauthorized,
    UnsupportedMediaType,
    ValidationError,
)
from docrouter_desktop.client._http import RetryPolicy, token_rule_hint

__all__ = [
    "DONE_STATES",
    "WAITING_STATES",
    "APIError",
    "BadRequest",
    "Conflict",
    "Dialect",
    "DocRouterClient",
    "DocRouterError",
    "Forbidden",
    "NetworkError",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "RequestTimeout",
    "RetryPolicy",
    "ServerError",
    "TokenAuth",
    "Unauthorized",
    "UnsupportedMediaType",
    "ValidationError",
    "dialect_from_openapi",
    "token_rule_hint",
    "upload_route_in",
]
