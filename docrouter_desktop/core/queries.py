"""Read queries for list views: ordered document ids and summary rows, in one session each.

A list over a large library first asks for the ids in display order (one narrow query, cheap
even for 100,000 documents), then for the summary rows of the ids on screen.

The processor a list shows and filters on is the one that made the document's result (``auto``
routes each document to ``invoice``, ``receipt`` or ``text``, and the result keeps which), and
the one asked for while there is no result yet.

A search matches each word as the start of a word (the full-text index), and a word of
``SUBSTRING_MIN`` characters or more also inside words ("Hosting" in "QualityHosting"): in every
document name, and in the text of the newest ``SUBSTRING_SCAN`` documents of the organization
(a bounded scan: about 0.1 s for 20,000 results of a few pages each).
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
    "processor": "COALESCE(r.processor_type, d.processor_type)",
    "vendor": "json_extract(r.fields, '$.vendor') COLLATE NOCASE",
    "date": "json_extract(r.fields, '$.date')",
    "total": "CAST(json_extract(r.fields, '$.total') AS REAL)",
    "currency": "json_extract(r.fields, '$.currency')",
    "pages": "d.pages",
    "added": "d.created_at",
}
NEEDS_RESULTS = {"processor", "vendor", "date", "total", "currency"}
# The processor a document was read with: its result's, else (not read yet) the one asked for.
USED_PROCESSOR = "COALESCE(r.processor_type, d.processor_type)"
SUBSTRING_MIN = 3  # a shorter word matches only as the start of a word
SUBSTRING_SCAN = 20_000  # the newest documents whose text is searched for parts of words


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
    used_processor: str | None = None  # the processor of its result (None: no result yet)

    @property
    def processor_label(self) -> str:
        """The processor as the list shows it: the one that read the document, with "(auto)"
        when it was chosen automatically; the one asked for while nothing has read it."""
        used = self.used_processor
        if not used:
            return self.processor_type
        return f"{used} (auto)" if self.processor_type == "auto" and used != "auto" else used


@dataclass(frozen=True)
class ListFilter:
    """What the list shows: a full-text query and status/processor filters. A processor filter
    matches the processor that read each document (see ``USED_PROCESSOR``); ``auto`` matches the
    documents whose processor is chosen automatically."""

    text: str = ""
    status: str | None = None
    processor_type: str | None = None
    org_id: str | None = None


def search_terms(text: str) -> list[str]:
    """The words of a search, split as ``match_expression`` splits them (quotes and control
    characters separate words)."""
    return "".join(" " if ch == '"' or ch < " " else ch for ch in text).split()


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _term_condition(term: str, org_id: str | None) -> tuple[str, list]:
    """SQL over ``d`` true when the document has ``term``: as the start of a word (the index),
    or, for a word of ``SUBSTRING_MIN`` characters or more, anywhere in its name or (among the
    organization's newest ``SUBSTRING_SCAN`` documents) in its text. LIKE: case-insensitive."""
    condition = f"d.fts_rowid IN ({MATCHING_ROWIDS})"
    params: list = [match_expression(term)]
    if len(term) < SUBSTRING_MIN:
        return condition, params
    pattern = _like_pattern(term)
    scope = "WHERE organization_id = ? " if org_id else ""
    newest = f"SELECT id FROM documents {scope}ORDER BY created_at DESC LIMIT {SUBSTRING_SCAN}"
    condition = (
        f"({condition} OR d.document_name LIKE ? ESCAPE '\\'"
        f" OR d.id IN (SELECT t.document_id FROM ({newest}) n"
        " JOIN results t ON t.document_id = n.id WHERE t.text LIKE ? ESCAPE '\\'))"
    )
    params += [pattern, *([org_id] if org_id else []), pattern]
    return condition, params


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
    if flt.processor_type == "auto":
        where.append("d.processor_type = 'auto'")
    elif flt.processor_type:
        where.append(f"{USED_PROCESSOR} = ?")
        params.append(flt.processor_type)
    for term in search_terms(flt.text):
        condition, more = _term_condition(term, flt.org_id)
        where.append(condition)
        params += more
    key = sort if sort in SORT_KEYS else "added"
    needs_results = key in NEEDS_RESULTS or flt.processor_type not in (None, "auto")
    join = "LEFT JOIN results r ON r.document_id = d.id" if needs_results else ""
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
                " json_extract(r.fields, '$.total'), json_extract(r.fields, '$.currency'),"
                " r.processor_type"
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


def waiting_ids(library, org_id: str | None = None) -> list[str]:
    """The documents queued or being processed (the work a runner has left), oldest first."""
    sql = "SELECT id FROM documents WHERE status IN ('queued', 'processing')"
    params: tuple = ()
    if org_id:
        sql += " AND organization_id = ?"
        params = (org_id,)
    with library.db.read() as s:
        rows = s.connection().exec_driver_sql(sql + " ORDER BY created_at, id", params)
        return [r[0] for r in rows]


def page_counts(library, ids: list[str]) -> dict[str, tuple[str, int | None]]:
    """The status and number of pages of each of these documents (missing ids left out)."""
    found: dict[str, tuple[str, int | None]] = {}
    with library.db.read() as s:
        conn = s.connection()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, status, pages FROM documents WHERE id IN ({marks})"
            found.update({r[0]: (r[1], r[2]) for r in conn.exec_driver_sql(sql, tuple(chunk))})
    return found
