"""The HTTP layer under the client: one ``httpx.Client``, the one retry policy, errors turned
into the client's own types, and list paging that always ends.

The retry policy: connection errors, 5xx and 429 are retried with exponential backoff and
jitter (honouring ``Retry-After``), bounded in count and in total time. A call that could
create something twice is retried only when the request never reached the server, unless the
caller gives a ``reconcile`` function: after a failure whose outcome is unknown (the server
may have acted on it), the policy asks ``reconcile`` whether the call took effect, and resends
only when it did not.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from docrouter_desktop.client._auth import TokenAuth, is_account_path, org_of
from docrouter_desktop.client._exceptions import (
    APIError,
    NetworkError,
    RateLimited,
    RequestTimeout,
    Unauthorized,
    error_for,
)

log = logging.getLogger(__name__)

MAX_PAGES = 10_000  # a list never takes more requests than this, whatever a server answers


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 4  # retries after the first try
    deadline: float = 60.0  # seconds from the first try after which no retry starts
    backoff: float = 0.5  # the first pause; each next one doubles (with jitter)
    max_delay: float = 30.0

    def delay(self, attempt: int, error: Exception) -> float:
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.deadline)
        cap = min(self.backoff * (2 ** (attempt - 1)), self.max_delay)
        return random.uniform(cap / 2, cap)


FilesFactory = Callable[[], dict[str, Any]]
Reconcile = Callable[[], Any]


class _Reconciled(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class Http:
    """One server: its base URL, its tokens and its retry policy."""

    def __init__(
        self,
        base_url: str,
        auth: TokenAuth,
        *,
        timeout: float,
        policy: RetryPolicy,
        transport: httpx.BaseTransport | None,
        verify: bool | str,
        user_agent: str,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.policy = policy
        self.client = httpx.Client(
            base_url=self.base_url,
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            transport=transport,
            verify=verify,
        )

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool = True,
        reconcile: Reconcile | None = None,
        files_factory: FilesFactory | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One call under the retry policy. With ``reconcile``, a failure whose outcome is
        unknown is checked with it first: a value it returns is raised as ``_Reconciled``
        (see ``call``), ``None`` means the call did not take effect and is sent again."""
        start = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            kw = dict(kwargs)
            if files_factory is not None:
                kw["files"] = files_factory()  # each try opens the file afresh
            try:
                try:
                    response = self.client.request(method, path, **kw)
                finally:
                    for value in (kw.get("files") or {}).values():
                        if isinstance(value, tuple) and hasattr(value[1], "close"):
                            value[1].close()
            except httpx.TimeoutException as exc:
                error: Exception = RequestTimeout(
                    f"{self.base_url} did not answer in time ({type(exc).__name__})."
                )
                never_sent = isinstance(exc, httpx.ConnectTimeout)
            except httpx.TransportError as exc:
                error = NetworkError(_network_message(self.base_url, exc))
                never_sent = isinstance(exc, httpx.ConnectError)
            else:
                if response.status_code < 400:
                    return response
                error = self._api_error(response)
                never_sent = response.status_code == 429
                if not (response.status_code == 429 or response.status_code >= 500):
                    raise error
            retryable = idempotent or never_sent or reconcile is not None
            elapsed = time.monotonic() - start
            if not retryable or attempt > self.policy.retries:
                raise error
            delay = self.policy.delay(attempt, error)
            if elapsed + delay > self.policy.deadline:
                raise error
            log.info("%s %s failed (%s); trying again in %.1f s", method, path, error, delay)
            time.sleep(delay)
            if reconcile is not None and not never_sent:
                found = reconcile()
                if found is not None:
                    raise _Reconciled(found)

    def call(
        self, method: str, path: str, *, reconcile: Reconcile | None = None, **kwargs: Any
    ) -> Any:
        """``request`` and the reply's JSON (None for an empty reply); with ``reconcile``,
        what it found when an unknown outcome turned out to have taken effect."""
        try:
            response = self.request(method, path, reconcile=reconcile, **kwargs)
        except _Reconciled as found:
            return found.value
        return self.decode(response, path)

    def obj(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """``call`` for replies that are a JSON object ({} for an empty reply)."""
        data = self.call(method, path, **kwargs)
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise APIError(f"{self.base_url} answered {path} with something unexpected.", 200)
        return data

    def decode(self, response: httpx.Response, path: str) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise APIError(
                f"{self.base_url} answered {path} with something that is not JSON.",
                response.status_code,
            ) from None

    def pages(
        self,
        path: str,
        key: str,
        params: Mapping[str, Any] | None = None,
        page_size: int = 100,
        max_pages: int = MAX_PAGES,
        id_key: str = "id",
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list, page by page. Sends both ``skip`` (DocRouter) and ``offset``
        (the desktop dialect); stops at an empty or short page, at ``total_count``, at a page
        that repeats an item already seen (a server that ignores paging), or after
        ``max_pages`` requests."""
        seen: set[Any] = set()
        position = 0
        for _ in range(max_pages):
            q = {k: v for k, v in (params or {}).items() if v is not None}
            q.update(limit=page_size, skip=position, offset=position)
            data = self.call("GET", path, params=q) or {}
            items = (data.get(key) or []) if isinstance(data, dict) else []
            fresh = []
            for item in items:
                ident = item.get(id_key) if isinstance(item, dict) else None
                if ident is not None and ident in seen:
                    continue
                if ident is not None:
                    seen.add(ident)
                fresh.append(item)
            yield from fresh
            position += len(items)
            total = data.get("total_count") if isinstance(data, dict) else None
            if (
                not items
                or len(fresh) < len(items)
                or len(items) < page_size
                or (isinstance(total, int) and position >= total)
            ):
                return
        log.warning("%s: stopped after %d pages", path, max_pages)

    def _api_error(self, response: httpx.Response) -> APIError:
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
        if cls is Unauthorized:
            path = response.request.url.path
            return Unauthorized(
                message, status, detail, body, token_kind=self.auth.kind_for(path), path=path
            )
        return cls(message, status, detail, body)


def token_rule_hint(error: Unauthorized) -> str | None:
    """What a refused token usually means on a DocRouter server, in words, or None."""
    org = org_of(error.path or "")
    if org and error.token_kind == "account":
        return (
            f"A DocRouter server takes only the workspace's own token (an organization token) "
            f"on /v0/orgs/{org}/…; an account token works only for /v0/account/…."
        )
    if is_account_path(error.path or "") and error.token_kind == "none":
        return "Listing workspaces needs an account token; only workspace tokens are stored."
    return None


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
        return (
            f"The TLS certificate of {base_url} was not accepted ({text}). Check the URL, or "
            "the server's certificate."
        )
    if isinstance(exc, httpx.ConnectError):
        if (
            "Name or service not known" in text
            or "nodename nor servname" in text
            or "getaddrinfo" in text
        ):
            return f"The server name in {base_url} could not be found. Check the URL."
        if "refused" in text.lower():
            return (
                f"Nothing answers at {base_url} (connection refused). Is the server running, "
                "and is the port right?"
            )
        return f"Could not connect to {base_url}: {text}"
    return f"The connection to {base_url} failed: {text}"
