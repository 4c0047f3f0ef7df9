"""What the open-source DocRouter's v0 API adds: document metadata and uploader, tags as
records, token lifetimes, verified results, and per remote document the API dialect, the
prompt that read it and whether a correction went back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "documents", sa.Column("metadata", sa.JSON, nullable=False, server_default="{}")
    )
    op.add_column("documents", sa.Column("uploaded_by", sa.String(200)))
    op.create_table(
        "tags",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "organization_id",
            sa.String(40),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("color", sa.String(20)),
        sa.Column("description", sa.Text),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False, server_default="local"),
        sa.UniqueConstraint("organization_id", "name", name="uq_tags_org_name"),
    )
    op.add_column(
        "access_tokens", sa.Column("lifetime", sa.Integer, nullable=False, server_default="0")
    )
    op.add_column("access_tokens", sa.Column("expires_at", sa.String(40)))
    op.add_column(
        "results", sa.Column("verified", sa.Integer, nullable=False, server_default="0")
    )
    with op.batch_alter_table("remote_documents") as batch:
        batch.add_column(sa.Column("dialect", sa.String(20)))
        batch.add_column(sa.Column("prompt_revid", sa.String(200)))
        batch.add_column(sa.Column("prompt_id", sa.String(200)))
        batch.add_column(sa.Column("correction_status", sa.String(20)))
        batch.add_column(sa.Column("correction_error", sa.Text))
        batch.add_column(sa.Column("corrected_at", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("remote_documents") as batch:
        for name in (
            "corrected_at",
            "correction_error",
            "correction_status",
            "prompt_id",
            "prompt_revid",
            "dialect",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("results") as batch:
        batch.drop_column("verified")
    with op.batch_alter_table("access_tokens") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("lifetime")
    op.drop_table("tags")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("uploaded_by")
        batch.drop_column("metadata")
