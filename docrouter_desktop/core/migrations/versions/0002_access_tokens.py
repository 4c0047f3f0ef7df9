"""API access tokens: account tokens (no organization) and workspace tokens, as SHA-256 hashes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "organization_id",
            sa.String(40),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("last_used_at", sa.String(40)),
        sa.Column("revoked", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_access_tokens_hash", "access_tokens", ["token_hash"], unique=True)
    op.create_index("ix_access_tokens_org", "access_tokens", ["organization_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_access_tokens_org", "access_tokens")
    op.drop_index("ix_access_tokens_hash", "access_tokens")
    op.drop_table("access_tokens")
