"""``DocRouterClient``: the DocRouter REST API v0 over httpx, as a context manager.

Replies are read tolerantly (unknown fields are ignored, optional ones may be missing).
Every call has a timeout; connection errors, 5xx and 429 are retried with exponential backoff
and jitter (honouring ``Retry-After``), bounded in count and in total time. A call that could
create something twice is retried only when the request never reached the server, except
uploads, which the server's duplicate rule makes idempotent by content.
"""

from __future__ import annotations

import mimetypes
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from docrouter_desktop import __version__
from docrouter_desktop.client._exceptions import (
    APIError,
    NetworkError,
    RateLimited,
    RequestTimeout,
    error_for,
)

_ORG_PATH = re.compile(r"^/v0/orgs/([^/]+)")


class TokenAuth(httpx.Auth):
    """Bearer auth that picks a workspace token for ``/v0/orgs/{org}`` when one is known,
    else the account token."""

    def __init__(self, account_token: str | None, org_tokens: dict[str, str] | None = None):
        self._account = account_token
        self._orgs = dict(org_tokens or {})

    def __repr__(self) -> str:  # never show a secret
        return (
            f"TokenAuth(account={'set' if self._account else 'unset'}, orgs={sorted(self._orgs)})"
        )

    def token_for(self, path: str) -> str | None:
        m = _ORG_PATH.match(path)
        if m and m.group(1) in self._orgs:
            return self._orgs[m.group(1)]
        return self._account

    def auth_flow(self, request: httpx.Request):
        token = self.token_for(request.url.path)
        if token:
            request.headers["Authorization"] = f"Bearer {token}"
        yield request


class DocRouterClient:
    """A client for one DocRouter server.

    >>> with DocRouterClient("http://127.0.0.1:8765", token) as dr:
    ...     for org in dr.organizations():
    ...         print(org["id"], org["name"])
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        org_tokens: dict[str, str] | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        retry_deadline: float = 60.0,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        verify: bool | str = True,
    ):
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.retry_deadline = retry_deadline
        self.backoff = backoff
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=TokenAuth(token, org_tokens),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={
                "User-Agent": f"docrouter-desktop/{__version__}",
                "Accept": "application/json",
            },
            transport=transport,
            verify=verify,
        )

    def __repr__(self) -> str:
        return f"DocRouterClient({self.base_url!r})"

    def __enter__(self) -> DocRouterClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- transport

    def _request(
        self, method: str, path: str, *, idempotent: bool = True, **kwargs
    ) -> httpx.Response:
        start = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                if "files_factory" in kwargs:
                    kw = dict(kwargs)
                    kw["files"] = kw.pop("files_factory")()
                else:
                    kw = kwargs
                try:
                    response = self._http.request(method, path, **kw)
                finally:
                    for value in (kw.get("files") or {}).values():
                        value[1].close()  # each upload attempt opens the file afresh
            except httpx.TimeoutException as exc:
                error: Exception = RequestTimeout(
                    f"{self.base_url} did not answer in time ({type(exc).__name__})."
                )
                retryable = idempotent or isinstance(exc, httpx.ConnectTimeout)
            except httpx.TransportError as exc:
                error = NetworkError(_network_message(self.base_url, exc))
                retryable = idempotent or isinstance(exc, httpx.ConnectError)
            else:
                if response.status_code < 400:
                    return response
                error = _api_error(response)
                retryable = response.status_code == 429 or (
                    response.status_code >= 500 and idempotent
                )
            elapsed = time.monotonic() - start
            if not retryable or attempt > self.retries:
                raise error
            delay = self._delay(attempt, error)
            if elapsed + delay > self.retry_deadline:
                raise error
            time.sleep(delay)

    def _delay(self, attempt: int, error: Exception) -> float:
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.retry_deadline)
        cap = self.backoff * (2 ** (attempt - 1))
        return random.uniform(cap / 2, cap)  # exponential backoff with jitter

    def _json(self, method: str, path: str, **kwargs) -> Any:
        response = self._request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise APIError(
                f"{self.base_url} answered {path} with something that is not JSON.",
                response.status_code,
            ) from None

    def _pages(
        self, path: str, key: str, params: dict | None = None, page_size: int = 100
    ) -> Iterator[dict]:
        offset = 0
        while True:
            q = {k: v for k, v in (params or {}).items() if v is not None}
            q.update(limit=page_size, offset=offset)
            data = self._json("GET", path, params=q) or {}
            items = data.get(key) or []
            yield from items
            offset += len(items)
            total = data.get("total_count")
            if not items or (total is not None and offset >= total):
                return

    # -- account

    def profile(self) -> dict:
        return self._json("GET", "/v0/account/profile")

    def organizations(self) -> list[dict]:
        return list(self._pages("/v0/account/organizations", "organizations"))

    def create_organization(self, name: str) -> dict:
        return self._json(
            "POST", "/v0/account/organizations", json={"name": name}, idempotent=False
        )

    def delete_organization(self, org: str) -> None:
        self._json("DELETE", f"/v0/account/organizations/{org}")

    def access_tokens(self, org: str | None = None) -> list[dict]:
        return list(self._pages(_tokens_path(org), "access_tokens"))

    def create_access_token(self, name: str, org: str | None = None) -> dict:
        """Create a token; the reply's ``token`` is the secret, shown only this once."""
        return self._json("POST", _tokens_path(org), json={"name": name}, idempotent=False)

    def delete_access_token(self, token_id: str, org: str | None = None) -> None:
        self._json("DELETE", f"{_tokens_path(org)}/{token_id}")

    # -- documents

    def upload(
        self,
        org: str,
        path: str | Path,
        processor_type: str = "auto",
        tags: list[str] | None = None,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> dict:
        """Upload a file. Uploading the same bytes again returns the existing document with
        ``duplicate: true``, so a retried upload never makes a second document."""
        path = Path(path)
        name = filename or path.name
        content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        data = {"processor_type": processor_type}
        if tags:
            data["tags"] = ",".join(tags)

        def files():
            return {"file": (name, path.open("rb"), content_type)}

        return self._json(
            "POST", f"/v0/orgs/{org}/documents/upload", data=data, files_factory=files
        )

    def documents(
        self,
        org: str,
        status: str | None = None,
        processor_type: str | None = None,
        q: str | None = None,
    ) -> Iterator[dict]:
        """Every document of the organization, newest first, fetched page by page."""
        params = {"status": status, "processor_type": processor_type, "q": q}
        return self._pages(f"/v0/orgs/{org}/documents", "documents", params)

    def document_count(self, org: str, status: str | None = None) -> int:
        params = {"limit": 1, "offset": 0, **({"status": status} if status else {})}
        data = self._json("GET", f"/v0/orgs/{org}/documents", params=params) or {}
        return int(data.get("total_count") or 0)

    def document(self, org: str, document_id: str) -> dict:
        return self._json("GET", f"/v0/orgs/{org}/documents/{document_id}")

    def status(self, org: str, document_id: str) -> dict:
        return self._json("GET", f"/v0/orgs/{org}/documents/{document_id}/status")

    def results(self, org: str, document_id: str) -> dict:
        return self._json("GET", f"/v0/orgs/{org}/documents/{document_id}/results")

    def file(self, org: str, document_id: str) -> bytes:
        return self._request("GET", f"/v0/orgs/{org}/documents/{document_id}/file").content

    def correct(self, org: str, document_id: str, fields: dict) -> dict:
        return self._json(
            "PATCH", f"/v0/orgs/{org}/documents/{document_id}/results", json={"fields": fields}
        )

    def reprocess(
        self,
        org: str,
        document_id: str,
        processor_type: str | None = None,
        discard_corrections: bool = False,
    ) -> dict:
        body: dict[str, Any] = {}
        if processor_type:
            body["processor_type"] = processor_type
        if discard_corrections:
            body["discard_corrections"] = True
        return self._json("POST", f"/v0/orgs/{org}/documents/{document_id}/process", json=body)

    def cancel(self, org: str, document_id: str) -> dict:
        return self._json("POST", f"/v0/orgs/{org}/documents/{document_id}/cancel")

    def delete(self, org: str, document_id: str) -> None:
        self._json("DELETE", f"/v0/orgs/{org}/documents/{document_id}")

    def wait(
        self,
        org: str,
        document_id: str,
        timeout: float = 600.0,
        first_delay: float = 0.5,
        max_delay: float = 10.0,
    ) -> dict:
        """Poll the status with growing pauses until the document is finished."""
        deadline = time.monotonic() + timeout
        delay = first_delay
        while True:
            st = self.status(org, document_id)
            if st.get("status") in ("completed", "failed", "cancelled"):
                return st
            if time.monotonic() + delay > deadline:
                raise RequestTimeout(
                    f"Document {document_id} was still {st.get('status')} after {timeout:.0f} s."
                )
            time.sleep(delay)
            delay = min(delay * 1.6, max_delay)


def _tokens_path(org: str | None) -> str:
    return f"/v0/orgs/{org}/access_tokens" if org else "/v0/account/access_tokens"


def _api_error(response: httpx.Response) -> APIError:
    detail = None
    body = None
    try:
        body = response.json()
        if isinstance(body, dict):
            d = body.get("detail")
            detail = d if isinstance(d, str) else (str(d) if d is not None else None)
    except ValueError:
        text = response.text.strip()
        detail = text[:300] if text else None
    status = response.status_code
    cls = error_for(status)
    reason = response.reason_phrase or "error"
    message = f"{status} {reason}" + (f": {detail}" if detail else "")
    if cls is RateLimited:
        retry_after = _retry_after(response.headers.get("Retry-After"))
        return RateLimited(message, status, detail, body, retry_after=retry_after)
    return cls(message, status, detail, body)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _network_message(base_url: str, exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"The TLS certificate of {base_url} was not accepted ({text}). Check the URL, or the server's certificate."
    if isinstance(exc, httpx.ConnectError):
        if (
            "Name or service not known" in text
            or "nodename nor servname" in text
            or "getaddrinfo" in text
        ):
            return f"The server name in {base_url} could not be found. Check the URL."
        if "refused" in text.lower():
            return f"Nothing answers at {base_url} (connection refused). Is the server running, and is the port right?"
        return f"Could not connect to {base_url}: {text}"
    return f"The connection to {base_url} failed: {text}"
