"""The vendor memory: vendors as records and the VAT IDs and IBANs that recognise them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendors",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "organization_id",
            sa.String(40),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("address", sa.Text),
        sa.Column("currency", sa.String(3)),
        sa.Column("account", sa.String(40)),
        sa.Column("category", sa.String(200)),
        sa.Column("times_right", sa.Integer, nullable=False, server_default="0"),
        sa.Column("times_wrong", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_vendors_org_name", "vendors", ["organization_id", "name"])
    op.create_table(
        "vendor_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "organization_id",
            sa.String(40),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "vendor_id",
            sa.String(40),
            sa.ForeignKey("vendors.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.String(60), nullable=False),
        sa.UniqueConstraint("organization_id", "kind", "value", name="uq_vendor_keys_value"),
    )
    op.create_index("ix_vendor_keys_vendor", "vendor_keys", ["vendor_id"])


def downgrade() -> None:
    op.drop_index("ix_vendor_keys_vendor", "vendor_keys")
    op.drop_table("vendor_keys")
    op.drop_index("ix_vendors_org_name", "vendors")
    op.drop_table("vendors")
