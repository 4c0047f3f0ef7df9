"""Errors raised by the DocRouter client, each carrying the server's own words (``detail``).

DocRouterError
 ├── NetworkError            the server could not be reached (DNS, refused, TLS, reset)
 │    └── RequestTimeout     no answer in time
 └── APIError                the server answered with an error status
      ├── BadRequest         400
      ├── Unauthorized       401: missing, wrong or revoked token
      ├── Forbidden          403: the token may not do this (wrong scope or organization)
      ├── NotFound           404
      ├── Conflict           409: e.g. results asked for before processing finished
      ├── PayloadTooLarge    413
      ├── UnsupportedMediaType 415
      ├── ValidationError    422
      ├── RateLimited        429 (``retry_after`` seconds)
      └── ServerError        5xx

No message ever contains a token.
"""

from __future__ import annotations

from typing import Any


class DocRouterError(Exception):
    """Base class of every client error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NetworkError(DocRouterError):
    pass


class RequestTimeout(NetworkError):
    pass


class APIError(DocRouterError):
    status_code: int = 0

    def __init__(
        self, message: str, status_code: int, detail: str | None = None, body: Any = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.detail = detail
        self.body = body


class BadRequest(APIError):
    pass


class Unauthorized(APIError):
    """``token_kind`` says which token the refused request carried (``account``,
    ``workspace`` or ``none``), ``path`` where it went: on a DocRouter server an account token
    on an organization's path is refused (see ``token_rule_hint``)."""

    def __init__(
        self,
        message: str,
        status_code: int,
        detail: str | None = None,
        body: Any = None,
        token_kind: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message, status_code, detail, body)
        self.token_kind = token_kind
        self.path = path


class Forbidden(APIError):
    pass


class NotFound(APIError):
    pass


class Conflict(APIError):
    pass


class PayloadTooLarge(APIError):
    pass


class UnsupportedMediaType(APIError):
    pass


class ValidationError(APIError):
    pass


class RateLimited(APIError):
    def __init__(
        self,
        message: str,
        status_code: int,
        detail: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code, detail, body)
        self.retry_after = retry_after


class ServerError(APIError):
    pass


BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: ValidationError,
    429: RateLimited,
}


def error_for(status: int) -> type[APIError]:
    if status >= 500:
        return ServerError
    return BY_STATUS.get(status, APIError)
