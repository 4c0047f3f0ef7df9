"""A workspace at a glance: totals by month and by vendor (per currency), how many documents
are in each status, how many need a person's look, and why documents failed.

Read with a few aggregate statements (``json_extract`` inside SQLite, no row per document
reaches Python), so a library of 100,000 documents is summed in about a second. Only
plain frozen dataclasses come out: the window never sees the database's objects.

Totals count completed documents: ``fields.total`` when it is a number, under the month of
``fields.date`` (``YYYY-MM``) and ``fields.currency``; a missing month, currency or vendor is
``UNKNOWN``. A document needs review as in ``review_queue``: a field with a value whose
confidence is below the threshold and whose value the user has not set or accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text

UNKNOWN = "?"  # no month, currency or vendor
OTHER = "Other"  # the vendors (or failure reasons) after the top ones, together
TOP_VENDORS = 10  # vendors listed by name, per currency
TOP_REASONS = 10  # failure reasons listed, the rest together
REASON_LENGTH = 90  # a failure reason is cut to this many characters


@dataclass(frozen=True)
class MonthTotal:
    """The documents of one month in one currency."""

    month: str  # YYYY-MM, or UNKNOWN
    currency: str
    total: float  # the numeric totals summed
    documents: int


@dataclass(frozen=True)
class VendorTotal:
    """One vendor's documents in one currency; ``other``: the vendors after the top ones."""

    vendor: str
    currency: str
    total: float
    documents: int
    other: bool = False


@dataclass(frozen=True)
class FailureReason:
    """Failed documents whose errors say the same thing (``example``: one of them in full)."""

    reason: str
    documents: int
    example: str = ""
    other: bool = False


@dataclass(frozen=True)
class WorkspaceSummary:
    org_id: str
    threshold: float
    by_status: tuple[tuple[str, int], ...]  # (status, documents), most first
    months: tuple[MonthTotal, ...]  # by currency, then month (UNKNOWN last)
    vendors: tuple[VendorTotal, ...]  # by currency, then total (OTHER last)
    review_by_processor: tuple[tuple[str, int], ...]  # documents needing review, most first
    failures: tuple[FailureReason, ...]  # most first (OTHER last)

    @property
    def documents(self) -> int:
        return sum(n for _, n in self.by_status)

    def status(self, name: str) -> int:
        return dict(self.by_status).get(name, 0)

    @property
    def failed(self) -> int:
        return self.status("failed")

    @property
    def needing_review(self) -> int:
        return sum(n for _, n in self.review_by_processor)

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies with totals, the one of the most documents first (UNKNOWN last)."""
        count: dict[str, int] = {}
        for m in self.months:
            count[m.currency] = count.get(m.currency, 0) + m.documents
        return tuple(sorted(count, key=lambda c: (c == UNKNOWN, -count[c], c)))

    def currency_total(self, currency: str) -> float:
        return sum(m.total for m in self.months if m.currency == currency)

    @property
    def is_empty(self) -> bool:
        return not self.by_status


# -- the statements

_NUMERIC_TOTAL = (
    "CASE WHEN json_type(r.fields, '$.total') IN ('integer', 'real')"
    " THEN json_extract(r.fields, '$.total') END"
)


def _text_or_unknown(field: str) -> str:
    value = f"trim(json_extract(r.fields, '$.{field}'))"
    return (
        f"CASE WHEN json_type(r.fields, '$.{field}') = 'text' AND {value} != ''"
        f" THEN {value} ELSE '{UNKNOWN}' END"
    )


_MONTH = (
    "CASE WHEN json_type(r.fields, '$.date') = 'text' AND json_extract(r.fields, '$.date')"
    " GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]*'"
    " AND CAST(substr(json_extract(r.fields, '$.date'), 6, 2) AS INTEGER) BETWEEN 1 AND 12"
    " THEN substr(json_extract(r.fields, '$.date'), 1, 7)"
    f" ELSE '{UNKNOWN}' END"
)
_COMPLETED = (
    "FROM documents d JOIN results r ON r.document_id = d.id"
    " WHERE d.organization_id = :org AND d.status = 'completed'"
)

_BY_STATUS = text(
    "SELECT status, count(*) FROM documents WHERE organization_id = :org"
    " GROUP BY status ORDER BY count(*) DESC, status"
)
_BY_MONTH = text(
    f"SELECT {_MONTH} AS month, {_text_or_unknown('currency')} AS cur,"
    f" total({_NUMERIC_TOTAL}), count(*) {_COMPLETED} GROUP BY month, cur"
)
# The top vendors of each currency by name, the others in one row (vendor NULL).
_BY_VENDOR = text(
    f"WITH v AS (SELECT {_text_or_unknown('vendor')} AS vendor,"
    f" {_text_or_unknown('currency')} AS cur, total({_NUMERIC_TOTAL}) AS amount, count(*) AS n"
    f" {_COMPLETED} GROUP BY cur, vendor),"
    " ranked AS (SELECT *, row_number() OVER"
    " (PARTITION BY cur ORDER BY amount DESC, n DESC, vendor) AS rank FROM v)"
    " SELECT cur, CASE WHEN rank <= :top THEN vendor END AS name, sum(amount), sum(n),"
    " min(rank) AS first FROM ranked GROUP BY cur, name ORDER BY cur, first"
)
# As review_queue's: a value below the threshold, not the user's.
_NEEDS_REVIEW = text(
    "SELECT COALESCE(r.processor_type, d.processor_type) AS processor, count(*)"
    f" {_COMPLETED} AND EXISTS (SELECT 1 FROM json_each(r.field_details) je"
    " WHERE json_type(je.value) = 'object'"
    " AND json_extract(je.value, '$.confidence') < :threshold"
    " AND COALESCE(json_extract(je.value, '$.source'), '') != 'user'"
    " AND json_type(r.fields, '$.\"' || je.key || '\"') NOT IN ('null', 'object', 'array'))"
    " GROUP BY processor ORDER BY count(*) DESC, processor"
)
_ERRORS = text(
    "SELECT COALESCE(error, ''), count(*) FROM documents"
    " WHERE organization_id = :org AND status = 'failed' GROUP BY error"
)


def workspace_summary(
    library, org_id: str | None = None, threshold: float | None = None
) -> WorkspaceSummary:
    """The summary of one workspace (None: the default one); fields below ``threshold``
    (None: the library's ``confidence_threshold``) need review."""
    org = org_id or library.default_org_id()
    if threshold is None:
        threshold = float(library.settings().confidence_threshold)
    params = {"org": org, "threshold": threshold, "top": TOP_VENDORS}
    with library.db.read() as s:
        by_status = tuple((st, int(n)) for st, n in s.execute(_BY_STATUS, params))
        month_rows = s.execute(_BY_MONTH, params).all()
        vendor_rows = s.execute(_BY_VENDOR, params).all()
        review = tuple((p, int(n)) for p, n in s.execute(_NEEDS_REVIEW, params))
        errors = s.execute(_ERRORS, params).all()
    months = tuple(
        MonthTotal(m, c, float(t), int(n))
        for m, c, t, n in sorted(month_rows, key=lambda r: (r[1], r[0] == UNKNOWN, r[0]))
    )
    vendors = tuple(
        VendorTotal(v if v is not None else OTHER, c, float(t), int(n), other=v is None)
        for c, v, t, n, _ in vendor_rows
    )
    return WorkspaceSummary(
        org, threshold, by_status, months, vendors, review, group_failures(errors)
    )


# -- failure reasons

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|“[^”]*”|‘[^’]*’")
_PATH = re.compile(r"(?:[A-Za-z]:)?[\\/]\S*|\S+[\\/]\S*")
_FILE_NAME = re.compile(r"\b[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z][A-Za-z0-9]{1,4}\b")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
_NUMBER = re.compile(r"\b\w*\d[\w.,]*\b")
_SPACES = re.compile(r"\s+")


def failure_reason(error: str | None) -> str:
    """The kind of an error, in short: its first sentence without the details that differ
    from one document to the next (file names and paths, quoted values, bracketed details,
    numbers), so that the same kind of failure reads the same."""
    message = (error or "").strip()
    if not message:
        return "No error message"
    for _ in range(3):  # nested brackets, from the inside out
        message = _BRACKETED.sub(" ", message)
    message = _QUOTED.sub("…", message)
    message = _PATH.sub("…", message)
    message = _FILE_NAME.sub("…", message)
    end = _SENTENCE_END.search(message)
    if end:
        message = message[: end.start()]
    message = _NUMBER.sub("N", message)
    message = _SPACES.sub(" ", message).strip(" :;,-.…") or "Unreadable error message"
    message = message[0].upper() + message[1:]
    if len(message) > REASON_LENGTH:
        message = message[: REASON_LENGTH - 1].rstrip() + "…"
    return message


def group_failures(errors, top: int = TOP_REASONS) -> tuple[FailureReason, ...]:
    """``(error, documents)`` pairs grouped by ``failure_reason``: the ``top`` reasons of the
    most documents, the others together as ``OTHER``."""
    count: dict[str, int] = {}
    example: dict[str, str] = {}
    for error, n in errors:
        reason = failure_reason(error)
        count[reason] = count.get(reason, 0) + int(n)
        example.setdefault(reason, error or "")
    ranked = sorted(count, key=lambda r: (-count[r], r))
    out = [FailureReason(r, count[r], example[r]) for r in ranked[:top]]
    rest = ranked[top:]
    if rest:
        out.append(FailureReason(OTHER, sum(count[r] for r in rest), example[rest[0]], True))
    return tuple(out)
