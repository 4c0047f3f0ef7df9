"""Remote processing: a job's target (local, or a remote server and workspace), and what was
sent where.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("target", sa.String(300), nullable=False, server_default="local"))
    op.create_table(
        "remote_documents",
        sa.Column(
            "document_id",
            sa.String(40),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("remote_name", sa.String(100), nullable=False),
        sa.Column("base_url", sa.String(1000), nullable=False),
        sa.Column("remote_org", sa.String(200), nullable=False),
        sa.Column("remote_document_id", sa.String(200)),
        sa.Column("uploaded_at", sa.String(40)),
        sa.Column("finished_at", sa.String(40)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("remote_documents")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("target")
