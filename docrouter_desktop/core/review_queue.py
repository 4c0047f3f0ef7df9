"""Which fields of which documents need a person's look: a value found below the confidence
threshold and not yet checked (corrected or accepted) by the user, in the order the form
shows the fields. Read in one statement for a batch of documents, so a walk through a
large list asks the database only for the documents it passes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, text

from docrouter_desktop.core.fields import form_names

FORM_FIELDS = tuple(form_names())
BATCH = 500  # documents asked about in one statement

_FLAGGED = text(
    "SELECT r.document_id, je.key FROM results r, json_each(r.field_details) je"
    " WHERE r.document_id IN :ids"
    " AND json_type(je.value) = 'object'"
    " AND json_extract(je.value, '$.confidence') < :threshold"
    " AND COALESCE(json_extract(je.value, '$.source'), '') != 'user'"
    " AND json_type(r.fields, '$.\"' || je.key || '\"') NOT IN ('null', 'object', 'array')"
    # A group's parts (payment.iban), each reviewed on its own.
    " UNION ALL SELECT r.document_id, je.key || '.' || pe.key"
    " FROM results r, json_each(r.field_details) je, json_each(je.value, '$.parts') pe"
    " WHERE r.document_id IN :ids"
    " AND json_type(je.value, '$.parts') = 'object'"
    " AND json_extract(pe.value, '$.confidence') < :threshold"
    " AND COALESCE(json_extract(pe.value, '$.source'), '') != 'user'"
    " AND json_type(r.fields, '$.\"' || je.key || '\".\"' || pe.key || '\"')"
    " NOT IN ('null', 'object', 'array')"
).bindparams(bindparam("ids", expanding=True))


def field_order(name: str) -> tuple[int, str]:
    """Where a field comes in the form: the catalogue's fields and group parts first, in
    their order."""
    try:
        return (FORM_FIELDS.index(name), name)
    except ValueError:
        return (len(FORM_FIELDS), name)


def fields_to_review(
    library, document_ids: Sequence[str], threshold: float
) -> dict[str, list[str]]:
    """For each of ``document_ids`` that has any, its fields that need a look, in form order."""
    found: dict[str, list[str]] = {}
    ids = [i for i in document_ids if not i.startswith("pending:")]
    with library.db.read() as s:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            for doc_id, name in s.execute(_FLAGGED, {"ids": chunk, "threshold": threshold}):
                found.setdefault(doc_id, []).append(name)
    return {k: sorted(v, key=field_order) for k, v in found.items()}
