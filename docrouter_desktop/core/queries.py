"""Read queries for list views: ordered document ids and summary rows, in one session each.

A list over a large library first asks for the ids in display order (one narrow query, cheap
even for 100,000 documents), then for the summary rows of the ids on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from docrouter_desktop.core.jobs.text_index import MATCHING_ROWIDS, match_expression

SUMMARY_FIELDS = ("vendor", "date", "total", "currency")

# Sort keys a list may ask for, by column name, as SQL expressions over d (documents) and
# r (results). Unknown keys fall back to the newest first.
SORT_KEYS = {
    "name": "d.document_name COLLATE NOCASE",
    "status": "d.status",
    "processor": "d.processor_type",
    "vendor": "json_extract(r.fields, '$.vendor') COLLATE NOCASE",
    "date": "json_extract(r.fields, '$.date')",
    "total": "CAST(json_extract(r.fields, '$.total') AS REAL)",
    "currency": "json_extract(r.fields, '$.currency')",
    "pages": "d.pages",
    "added": "d.created_at",
}
NEEDS_RESULTS = {"vendor", "date", "total", "currency"}


@dataclass(frozen=True)
class DocumentRow:
    """One line of the document list."""

    id: str
    document_name: str
    status: str
    processor_type: str
    pages: int | None
    created_at: str
    error: str | None
    vendor: str | None = None
    date: str | None = None
    total: float | str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class ListFilter:
    """What the list shows: a full-text query and status/processor filters."""

    text: str = ""
    status: str | None = None
    processor_type: str | None = None
    org_id: str | None = None


def fts_match(text: str) -> str | None:
    """An FTS5 MATCH expression that treats each word as a prefix; None for no words."""
    return match_expression(text)


def ordered_ids(
    library, flt: ListFilter = ListFilter(), sort: str = "added", descending: bool = True
) -> list[str]:
    """The ids of the documents matching ``flt``, in display order."""
    where, params = [], []
    if flt.org_id:
        where.append("d.organization_id = ?")
        params.append(flt.org_id)
    if flt.status:
        where.append("d.status = ?")
        params.append(flt.status)
    if flt.processor_type:
        where.append("d.processor_type = ?")
        params.append(flt.processor_type)
    match = fts_match(flt.text)
    if match:
        where.append(f"d.fts_rowid IN ({MATCHING_ROWIDS})")
        params.append(match)
    key = sort if sort in SORT_KEYS else "added"
    join = "LEFT JOIN results r ON r.document_id = d.id" if key in NEEDS_RESULTS else ""
    direction = "DESC" if descending else "ASC"
    inner = (
        f"SELECT d.id FROM documents d {join}"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY {SORT_KEYS[key]} {direction}, d.created_at {direction}, d.id {direction}"
    )
    # One string joined inside SQLite and split in one call: the ids of 100,000 documents
    # arrive without a Python loop that would hold the interpreter lock against the window.
    sql = f"SELECT group_concat(id, char(10)) FROM ({inner})"
    with library.db.read() as s:
        joined = s.connection().exec_driver_sql(sql, tuple(params)).scalar()
    return joined.split("\n") if joined else []


def rows_for(library, ids: list[str]) -> dict[str, DocumentRow]:
    """Summary rows for the given ids (missing ids are left out)."""
    out: dict[str, DocumentRow] = {}
    if not ids:
        return out
    with library.db.read() as s:
        conn = s.connection()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.exec_driver_sql(
                "SELECT d.id, d.document_name, d.status, d.processor_type, d.pages, d.created_at,"
                " d.error, json_extract(r.fields, '$.vendor'), json_extract(r.fields, '$.date'),"
                " json_extract(r.fields, '$.total'), json_extract(r.fields, '$.currency')"
                " FROM documents d LEFT JOIN results r ON r.document_id = d.id"
                f" WHERE d.id IN ({marks})",
                tuple(chunk),
            )
            for r in rows:
                out[r[0]] = DocumentRow(*r)
    return out


def status_counts(library, org_id: str | None = None) -> dict[str, int]:
    """How many documents are in each status."""
    sql = "SELECT status, count(*) FROM documents"
    params: tuple = ()
    if org_id:
        sql += " WHERE organization_id = ?"
        params = (org_id,)
    with library.db.read() as s:
        return dict(s.connection().exec_driver_sql(sql + " GROUP BY status", params).all())


def known_hashes(library, hashes: list[str], org_id: str | None = None) -> set[str]:
    """Which of these sha256 digests are already in the library."""
    found: set[str] = set()
    with library.db.read() as s:
        conn = s.connection()
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            sql = f"SELECT sha256 FROM documents WHERE sha256 IN ({','.join('?' * len(chunk))})"
            params = tuple(chunk)
            if org_id:
                sql += " AND organization_id = ?"
                params += (org_id,)
            found.update(r[0] for r in conn.exec_driver_sql(sql, params))
    return found


def in_organization(library, ids: list[str], org_id: str) -> set[str]:
    """Which of these documents belong to the organization ``org_id``."""
    found: set[str] = set()
    with library.db.read() as s:
        conn = s.connection()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id FROM documents WHERE organization_id = ? AND id IN ({marks})"
            found.update(r[0] for r in conn.exec_driver_sql(sql, (org_id, *chunk)))
    return found
