"""The full-text index of documents (their names and text), one row per document found by
the rowid kept on it."""

from __future__ import annotations

from sqlalchemy.orm import Session


def index_text(session: Session, document_id: str, name: str, text: str) -> None:
    """Put a document's name and text in the full-text index, in place of what was there.
    Its row is found by the rowid kept on the document: the index's document id column is
    not indexed, and a search by it would read the whole index."""
    conn = session.connection()
    rowid = conn.exec_driver_sql(
        "SELECT fts_rowid FROM documents WHERE id = ?", (document_id,)
    ).scalar()
    if rowid is not None:
        conn.exec_driver_sql("DELETE FROM documents_fts WHERE rowid = ?", (rowid,))
    inserted = conn.exec_driver_sql(
        "INSERT INTO documents_fts (rowid, document_id, document_name, text) VALUES (?, ?, ?, ?)",
        (rowid, document_id, name, text[:1_000_000]),
    )
    if rowid is None:
        conn.exec_driver_sql(
            "UPDATE documents SET fts_rowid = ? WHERE id = ?", (inserted.lastrowid, document_id)
        )
