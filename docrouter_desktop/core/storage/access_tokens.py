"""The ORM model of API access tokens: account tokens and workspace tokens, stored as hashes."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from docrouter_desktop.core.storage.models import Base


class AccessToken(Base):
    """One token. ``organization_id`` is None for an account token; the secret itself is never
    stored, only the hex SHA-256 of it (secrets are long and random, so a fast hash suffices)."""

    __tablename__ = "access_tokens"
    __table_args__ = (
        Index("ix_access_tokens_hash", "token_hash", unique=True),
        Index("ix_access_tokens_org", "organization_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    last_used_at: Mapped[str | None] = mapped_column(String(40))
    revoked: Mapped[int] = mapped_column(Integer, default=0)
    lifetime: Mapped[int] = mapped_column(Integer, default=0)  # days; 0: never expires
    expires_at: Mapped[str | None] = mapped_column(String(40))
    # The token whose holder created this one (None: made on the command line or the window);
    # revoking that token revokes this one too.
    created_by: Mapped[str | None] = mapped_column(String(40))
