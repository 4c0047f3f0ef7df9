"""Exports of documents and their fields: JSON, CSV and XLSX.

Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, or a tab/CR) are prefixed with an apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docrouter_desktop.core.fields import scalar_names
from docrouter_desktop.core.records import DocumentInfo, ResultInfo

SCALAR_FIELDS = scalar_names()
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("json", "csv", "xlsx")


@dataclass(frozen=True)
class ExportRow:
    file: str
    document: DocumentInfo | None
    result: ResultInfo | None
    status: str
    error: str | None


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def format_from_path(path: Path, explicit: str | None = None) -> str:
    fmt = (explicit or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        from docrouter_desktop.core.errors import UsageError

        raise UsageError(f"Unknown export format '{fmt}': use .json, .csv or .xlsx (or --format).")
    return fmt


def write_export(rows: list[ExportRow], path: Path, fmt: str | None = None) -> str:
    fmt = format_from_path(Path(path), fmt)
    {"json": write_json, "csv": write_csv, "xlsx": write_xlsx}[fmt](rows, Path(path))
    return fmt


def json_record(row: ExportRow) -> dict[str, Any]:
    d, r = row.document, row.result
    return {
        "file": row.file,
        "document_id": d.id if d else None,
        "sha256": d.sha256 if d else None,
        "status": row.status,
        "error": row.error,
        "processor_type": (r.processor_type if r else (d.processor_type if d else None)),
        "fields": r.fields if r else {},
        "field_details": r.field_details if r else {},
    }


def write_json(rows: list[ExportRow], path: Path) -> None:
    data = [json_record(r) for r in rows]
    _atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))


def _flat(row: ExportRow) -> list[Any]:
    rec = json_record(row)
    fields = rec["fields"] or {}
    details = rec["field_details"] or {}
    confidences = [details[f]["confidence"] for f in SCALAR_FIELDS if f in details]
    review = [
        f
        for f in SCALAR_FIELDS
        if f in details and details[f]["confidence"] < 0.8 and details[f].get("source") != "user"
    ]
    corrected = [f for f in SCALAR_FIELDS if details.get(f, {}).get("source") == "user"]
    return [
        rec["file"],
        rec["document_id"],
        rec["status"],
        rec["error"],
        rec["processor_type"],
        *[fields.get(f) for f in SCALAR_FIELDS],
        round(min(confidences), 3) if confidences else None,
        ", ".join(review),
        ", ".join(corrected),
        rec["sha256"],
    ]


HEADER = [
    "file",
    "document_id",
    "status",
    "error",
    "processor_type",
    *SCALAR_FIELDS,
    "min_confidence",
    "needs_review",
    "corrected",
    "sha256",
]


def csv_text(rows: list[ExportRow]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([neutralise(v) if v is not None else "" for v in _flat(row)])
    return buf.getvalue()


def write_csv(rows: list[ExportRow], path: Path) -> None:
    _atomic_write(path, csv_text(rows).encode("utf-8-sig"))


def write_xlsx(rows: list[ExportRow], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Documents"
    ws.append(HEADER)
    date_cols = {HEADER.index("date") + 1, HEADER.index("due_date") + 1}
    for row in rows:
        values = _flat(row)
        cells = []
        for i, v in enumerate(values, start=1):
            if i in date_cols and isinstance(v, str):
                try:
                    v = date.fromisoformat(v)
                except ValueError:
                    pass
            cells.append(neutralise(v))
        ws.append(cells)
        for col in date_cols:
            ws.cell(row=ws.max_row, column=col).number_format = "yyyy-mm-dd"
    items = wb.create_sheet("Line items")
    items.append(["file", "document_id", "line", "description", "quantity", "unit_price", "amount"])
    for row in rows:
        r = row.result
        for n, item in enumerate((r.fields.get("line_items") or []) if r else [], start=1):
            items.append(
                [
                    neutralise(row.file),
                    row.document.id if row.document else None,
                    n,
                    neutralise(item.get("description")),
                    item.get("quantity"),
                    item.get("unit_price"),
                    item.get("amount"),
                ]
            )
    buf = io.BytesIO()
    wb.save(buf)
    _atomic_write(path, buf.getvalue())


def _atomic_write(path: Path, data: bytes) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
