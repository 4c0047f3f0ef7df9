"""Exports of documents and their fields: JSON, CSV and XLSX, and (``export_accounting``)
the files accounting software imports: a DATEV Buchungsstapel, Xero or QuickBooks bills.

Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, or a tab/CR) are prefixed with an apostrophe; numbers stay numbers. Control characters
an XLSX file cannot hold are left out of its cells.

The destination is checked before anything is written (``check_export_path``: a batch checks
it before processing), and a file that cannot be written fails with one ``ExportPathError``.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docrouter_desktop.core.errors import ExportPathError
from docrouter_desktop.core.fields import export_columns, export_value, scalar_names
from docrouter_desktop.core.records import DocumentInfo, ResultInfo

if TYPE_CHECKING:
    from docrouter_desktop.core.export_accounting import (
        AccountingReport,
        AccountingSettings,
        AccountsHook,
    )

SCALAR_FIELDS = scalar_names()  # the fields whose confidence the summary columns give
EXPORT_COLUMNS = export_columns()  # the field columns: scalars, and each group's parts
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SUFFIX_FORMATS = ("json", "csv", "xlsx")  # told by the file's suffix
ACCOUNTING_FORMATS = ("datev", "xero", "quickbooks")  # only when asked for (all are .csv)
FORMATS = SUFFIX_FORMATS + ACCOUNTING_FORMATS
# What openpyxl refuses in a cell (``openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE``): C0 controls
# but tab, newline and carriage return.
XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


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


def xlsx_cell(value: Any) -> Any:
    """A value as an XLSX cell takes it: without the control characters the format cannot
    hold (a file name with a BEL in it), then neutralised."""
    if isinstance(value, str):
        value = XLSX_ILLEGAL.sub("", value)
    return neutralise(value)


def format_from_path(path: Path, explicit: str | None = None) -> str:
    fmt = (explicit or path.suffix.lstrip(".")).lower()
    if fmt not in (FORMATS if explicit else SUFFIX_FORMATS):
        from docrouter_desktop.core.errors import UsageError

        raise UsageError(
            f"Unknown export format '{fmt}': use .json, .csv or .xlsx (or --format "
            f"{', '.join(FORMATS)})."
        )
    return fmt


def default_file_name(fmt: str) -> str:
    if fmt in ACCOUNTING_FORMATS:
        from docrouter_desktop.core.export_accounting import FILE_NAMES

        return FILE_NAMES[fmt]
    return f"documents.{fmt}"


def check_export_path(path: Path, fmt: str | None = None) -> str:
    """The format of an export to ``path``, once it is sure the file can be written there:
    the folder exists and takes a new file (tried, not guessed from permissions), and the
    path is not a folder. Raises ``UsageError``/``ExportPathError`` with what to do."""
    path = Path(path)
    fmt = format_from_path(path, fmt)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise export_error(path, exc) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise ExportPathError(
            f"Cannot export to {path}: it is a folder. Give a file name, e.g. "
            f"{path / default_file_name(fmt)}"
        )
    if st is not None and not stat.S_ISREG(st.st_mode):
        return fmt  # a pipe or a device (/dev/stdout): written straight to
    folder = path.parent
    if not folder.is_dir():
        raise ExportPathError(
            f"Cannot export to {path}: the folder {folder} does not exist. Create it first, "
            "or choose another path."
        )
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.")
    except OSError as exc:
        raise export_error(path, exc) from None
    os.close(fd)
    os.unlink(probe)
    return fmt


def export_error(path: Path, exc: OSError) -> ExportPathError:
    """A failure to write the export file, in one line about that file."""
    folder = Path(path).parent
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        why = f"the disk holding {folder} is full ({exc.strerror}). Free some space, or export elsewhere."
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = f"the folder {folder} cannot be written ({exc.strerror}). Choose a writable folder."
    elif exc.errno == errno.ENOENT and not folder.is_dir():
        why = f"the folder {folder} does not exist. Create it first, or choose another path."
    elif exc.errno == errno.ENOENT:
        why = f"the folder {folder} does not take new files. Choose another folder."
    else:
        why = f"{exc.strerror or exc}."
    return ExportPathError(f"Cannot export to {path}: {why}")


def write_export(
    rows: list[ExportRow],
    path: Path,
    fmt: str | None = None,
    *,
    settings: AccountingSettings | None = None,
    accounts: AccountsHook | None = None,
    report: AccountingReport | None = None,
) -> str:
    """Write ``rows`` to ``path`` as ``fmt`` (else as its suffix says); returns the format.
    An accounting format takes ``settings`` and ``accounts`` (see ``export_accounting``) and
    tells what it wrote and left out in ``report``."""
    fmt = check_export_path(Path(path), fmt)
    try:
        if fmt in ACCOUNTING_FORMATS:
            from docrouter_desktop.core.export_accounting import WRITERS

            WRITERS[fmt](rows, Path(path), settings, accounts, report)
        else:
            {"json": write_json, "csv": write_csv, "xlsx": write_xlsx}[fmt](rows, Path(path))
    except OSError as exc:
        raise export_error(Path(path), exc) from None
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
        *[export_value(fields, c) for c in EXPORT_COLUMNS],
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
    *EXPORT_COLUMNS,
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
            cells.append(xlsx_cell(v))
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
                    xlsx_cell(row.file),
                    row.document.id if row.document else None,
                    n,
                    xlsx_cell(item.get("description")),
                    item.get("quantity"),
                    item.get("unit_price"),
                    item.get("amount"),
                ]
            )
    buf = io.BytesIO()
    wb.save(buf)
    _atomic_write(path, buf.getvalue())


def _atomic_write(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so a failed export never leaves half a
    file (nor its temporary one); a pipe or a device is written straight to."""
    path = Path(path)
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        special = False
    if special:
        with open(path, "wb") as f:
            f.write(data)
        return
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
