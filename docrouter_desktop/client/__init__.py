"""The DocRouter client: a Python SDK for the DocRouter REST API v0 (see docs/client.md)."""

from docrouter_desktop.client._client import DocRouterClient, TokenAuth
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

__all__ = [
    "APIError",
    "BadRequest",
    "Conflict",
    "DocRouterClient",
    "DocRouterError",
    "Forbidden",
    "NetworkError",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "RequestTimeout",
    "ServerError",
    "TokenAuth",
    "Unauthorized",
    "UnsupportedMediaType",
    "ValidationError",
]
