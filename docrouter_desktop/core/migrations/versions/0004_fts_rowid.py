"""Each document's row in the full-text index, by its rowid.

The index's document id column is not indexed (full-text tables index words only), so
replacing or deleting a document's row by that id read the whole index: every completed
document cost time in proportion to the library's size. The rowid is kept on the document.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("fts_rowid", sa.Integer, nullable=True))
    conn = op.get_bind()
    rows = conn.exec_driver_sql("SELECT rowid, document_id FROM documents_fts").all()
    newest: dict[str, int] = {}
    for rowid, document_id in rows:
        newest[document_id] = max(rowid, newest.get(document_id, rowid))
    for rowid, document_id in rows:
        if newest[document_id] != rowid:  # a document indexed twice: keep its newest row
            conn.exec_driver_sql("DELETE FROM documents_fts WHERE rowid = ?", (rowid,))
    for document_id, rowid in newest.items():
        conn.exec_driver_sql(
            "UPDATE documents SET fts_rowid = ? WHERE id = ?", (rowid, document_id)
        )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("fts_rowid")
