"""API access tokens: create (the secret is returned once), list, revoke and authenticate.

A secret is ``drd_`` followed by 43 URL-safe random characters (256 bits). Only its SHA-256 is
stored; a presented secret is hashed, looked up by that hash and compared again in constant
time. An account token (no organization) reaches everything; a workspace token reaches only
its organization. A token may have a lifetime in days (0: it never expires); past its
``expires_at`` it is refused like an unknown one, with "expired" as the reason.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from docrouter_desktop.core.errors import NotFoundError, UsageError
from docrouter_desktop.core.ids import new_id
from docrouter_desktop.core.storage.access_tokens import AccessToken
from docrouter_desktop.core.storage.models import Organization, utcnow

SECRET_PREFIX = "drd_"
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,200}")
SECRET_PREVIEW = SECRET_PREFIX + "******"  # what a list shows in place of a secret (10 chars)
MAX_LIFETIME_DAYS = 36_500
LAST_USED_EVERY = 60.0  # seconds: last_used_at is written at most this often per token


class ParentTokenGone(UsageError):
    """The token asking for a new one was revoked or expired while its request was on the way."""


@dataclass(frozen=True)
class TokenInfo:
    """A token as shown to its owner: never the secret."""

    id: str
    name: str
    organization_id: str | None
    created_at: str
    last_used_at: str | None
    revoked: bool
    lifetime: int = 0  # days; 0: never expires
    expires_at: str | None = None

    @property
    def is_account_token(self) -> bool:
        return self.organization_id is None

    def api_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at,
            "last_used_at": self.last_used_at,
        }


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _info(t: AccessToken) -> TokenInfo:
    return TokenInfo(
        t.id,
        t.name,
        t.organization_id,
        t.created_at,
        t.last_used_at,
        bool(t.revoked),
        t.lifetime or 0,
        t.expires_at,
    )


def expires_at_for(created_at: str, lifetime: int) -> str | None:
    """When a token created at ``created_at`` with ``lifetime`` days expires (None: never)."""
    if not lifetime:
        return None
    then = datetime.fromisoformat(created_at) + timedelta(days=lifetime)
    return then.isoformat(timespec="milliseconds")


def _earlier(a: str | None, b: str | None) -> str | None:
    """The earlier of two expiry times (None: never)."""
    if a is None or b is None:
        return a or b
    try:
        return a if datetime.fromisoformat(a) <= datetime.fromisoformat(b) else b
    except ValueError:
        return b


def _expired(expires_at: str | None) -> bool:
    if expires_at is None:
        return False
    try:
        return datetime.fromisoformat(expires_at) <= datetime.now(UTC)
    except ValueError:
        return True  # an unreadable expiry refuses the token rather than letting it live


class ApiTokenService:
    """Tokens of one library; every method is one session for one operation."""

    def __init__(self, library):
        self.library = library
        self.db = library.db
        self._touch_lock = threading.Lock()
        self._touched: dict[str, float] = {}  # token id -> when last_used_at was last queued
        self._toucher: ThreadPoolExecutor | None = None

    def create(
        self,
        name: str,
        org_id: str | None = None,
        lifetime: int = 0,
        created_by: str | None = None,
    ) -> tuple[TokenInfo, str]:
        """A new token and its secret: the only time the secret exists outside the caller.
        ``lifetime`` is in days (0: it never expires); ``created_by`` is the token that asked
        for it: revoking that one revokes this one, and this one expires no later than it."""
        name = (name or "").strip()
        if not name:
            raise UsageError("A token needs a name.")
        if len(name) > 200:
            raise UsageError("A token name has at most 200 characters.")
        if isinstance(lifetime, bool) or not isinstance(lifetime, int):
            raise UsageError("A token's lifetime is a whole number of days.")
        if not 0 <= lifetime <= MAX_LIFETIME_DAYS:
            raise UsageError(
                f"A token's lifetime is from 0 (never expires) to {MAX_LIFETIME_DAYS} days."
            )
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        expires_at = expires_at_for(now, lifetime)
        with self.db.write() as s:
            if org_id is not None and s.get(Organization, org_id) is None:
                raise NotFoundError(f"No organization '{org_id}'.")
            if created_by is not None:
                # Checked in the write that stores the new token: a parent revoked while its
                # request was on the way mints nothing, and no token outlives its parent.
                parent = s.get(AccessToken, created_by)
                if parent is None or parent.revoked or _expired(parent.expires_at):
                    raise ParentTokenGone("The token asking for a new token is no longer valid.")
                expires_at = _earlier(expires_at, parent.expires_at)
            token = AccessToken(
                id=new_id("tok_"),
                organization_id=org_id,
                name=name,
                token_hash=hash_secret(secret),
                created_at=now,
                last_used_at=None,
                revoked=0,
                lifetime=lifetime,
                expires_at=expires_at,
                created_by=created_by,
            )
            s.add(token)
            s.flush()
            return _info(token), secret

    def list(
        self,
        org_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        include_revoked: bool = False,
        every_scope: bool = False,
    ) -> tuple[list[TokenInfo], int]:
        """Account tokens (``org_id`` None) or one organization's tokens, newest first;
        ``every_scope`` lists all of them (the command line)."""
        q = select(AccessToken)
        if not every_scope:
            q = q.where(
                AccessToken.organization_id.is_(None)
                if org_id is None
                else AccessToken.organization_id == org_id
            )
        if not include_revoked:
            q = q.where(AccessToken.revoked == 0)
        with self.db.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
            q = q.order_by(AccessToken.created_at.desc(), AccessToken.id.desc()).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [_info(t) for t in s.scalars(q)], total

    def revoke(self, token_id: str, org_id: str | None = None, any_scope: bool = False) -> None:
        """Revoke a token of the given scope (``any_scope``: whatever its scope); it stops
        working at once, since every request looks its hash up again."""
        with self.db.write() as s:
            token = s.get(AccessToken, token_id)
            if (
                token is None
                or token.revoked
                or (not any_scope and token.organization_id != org_id)
            ):
                raise NotFoundError(f"No token '{token_id}'.")
            token.revoked = 1
            # What it minted goes with it, and what those minted, at any depth.
            parents = [token.id]
            while parents:
                children = list(
                    s.scalars(
                        select(AccessToken).where(
                            AccessToken.created_by.in_(parents), AccessToken.revoked == 0
                        )
                    )
                )
                for child in children:
                    child.revoked = 1
                parents = [c.id for c in children]

    def authenticate(self, secret: str, conn=None) -> TokenInfo | None:
        """The live token with this secret, or None (malformed, unknown, revoked or expired).
        Reads through ``conn`` when given (a DB-API connection, e.g. ``Database.reader()``)."""
        return self.identify(secret, conn=conn)[0]

    def identify(self, secret: str, conn=None) -> tuple[TokenInfo | None, str | None]:
        """``(token, None)`` for a live token, else ``(None, why)``: ``"invalid"``
        (malformed, unknown or revoked) or ``"expired"`` (past its lifetime)."""
        if not secret or not SECRET_PATTERN.fullmatch(secret):
            return None, "invalid"
        digest = hash_secret(secret)
        # Every request comes through here: one indexed SELECT without the ORM.
        if conn is None:
            pooled = self.db.engine.raw_connection()
            try:
                row = _token_row(pooled, digest)
            finally:
                pooled.close()
        else:
            row = _token_row(conn, digest)
        if row is None or not hmac.compare_digest(row[6], digest) or row[5]:
            return None, "invalid"
        if _expired(row[8]):
            return None, "expired"
        info = TokenInfo(row[0], row[1], row[2], row[3], row[4], False, row[7] or 0, row[8])
        if _stale(info.last_used_at):
            self._touch_later(info.id)
        return info, None

    def _touch_later(self, token_id: str) -> None:
        """Record the use in the background: a request never waits for the write lock."""
        now = time.monotonic()
        with self._touch_lock:
            if now - self._touched.get(token_id, -LAST_USED_EVERY) < LAST_USED_EVERY:
                return
            self._touched[token_id] = now
            if self._toucher is None:
                self._toucher = ThreadPoolExecutor(1, thread_name_prefix="token-last-used")
            self._toucher.submit(self._touch, token_id)

    def flush(self) -> None:
        """Wait until every queued last_used_at update is written."""
        with self._touch_lock:
            toucher, self._toucher = self._toucher, None
        if toucher is not None:
            toucher.shutdown(wait=True)

    def _touch(self, token_id: str) -> None:
        with self.db.write() as s:
            token = s.get(AccessToken, token_id)
            if token is not None:
                token.last_used_at = utcnow()


def _token_row(conn, digest: str):
    cur = conn.cursor()
    try:
        cur.execute(
            "SELECT id, name, organization_id, created_at, last_used_at, revoked, token_hash, "
            "lifetime, expires_at FROM access_tokens WHERE token_hash = ?",
            (digest,),
        )
        return cur.fetchone()
    finally:
        cur.close()


def _stale(last_used_at: str | None) -> bool:
    if last_used_at is None:
        return True
    try:
        then = datetime.fromisoformat(last_used_at)
    except ValueError:
        return True
    return (datetime.now(UTC) - then).total_seconds() > LAST_USED_EVERY
