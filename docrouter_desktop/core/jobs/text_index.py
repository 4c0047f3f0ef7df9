"""The full-text index of documents (their names and text), one row per document found by
the rowid kept on it, and the search of it.

A search reads the index's rowids alone (``documents.fts_rowid IN (...)``): never the document
id stored in each row, which would read every matching row of every organization to keep the
few of the one searched (0.15 s against 0.02 s a statement, past 150,000 other matches).
"""

from __future__ import annotations

from sqlalchemy import column, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect

# SQL: the documents whose text matches the MATCH expression given as the one parameter.
MATCHING_ROWIDS = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression of every word of ``query``, each as a prefix; None without
    words. Quotes and control characters separate words (a NUL would end the string FTS5
    is given: "unterminated string")."""
    cleaned = "".join(" " if ch == '"' or ch < " " else ch for ch in query)
    terms = cleaned.split()
    return " ".join(f'"{t}"*' for t in terms) if terms else None


def matching_rowids(query: str) -> TextualSelect:
    """The index rowids of the documents matching ``query``, as a subquery for
    ``Document.fts_rowid.in_(...)`` (no words: no document)."""
    return (
        text("SELECT rowid FROM documents_fts WHERE documents_fts MATCH :fts_query")
        .bindparams(fts_query=match_expression(query) or '""')
        .columns(column("rowid"))
    )


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
