"""Exports: JSON shape, CSV rows, XLSX sheets with real numbers and dates, no formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import json

from openpyxl import load_workbook

from tests import factories
from tests.conftest import run_cli


def test_csv_and_xlsx_keep_numbers_and_neutralise_formulas(tmp_path, inbox):
    from docrouter_desktop.core.library import Library

    factories.invoice_pdf(inbox / "evil.pdf", vendor="=HYPERLINK(1) Corp", total=120.0, tax=20.0)
    lib = tmp_path / "lib"
    code, _o, err = run_cli("batch", str(inbox), "--processor", "invoice", library=lib)
    assert code == 0, err
    library = Library(lib)
    (doc,), _n = library.documents()
    library.correct_fields(doc.id, {"invoice_number": "+INV-7"})
    library.close()

    csv_path = tmp_path / "all.csv"
    assert run_cli("export", str(csv_path), library=lib)[0] == 0
    with open(csv_path, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    assert {"vendor_vat_id", "buyer_vat_id", "payment_iban", "payment_reference"} <= set(rows[0])
    assert rows[0]["vendor"].startswith("'=")
    assert rows[0]["invoice_number"] == "'+INV-7"
    assert rows[0]["total"] == "120.0"

    xlsx = tmp_path / "all.xlsx"
    assert run_cli("export", str(xlsx), library=lib)[0] == 0
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Documents", "Line items"]
    ws = wb["Documents"]
    header = [c.value for c in ws[1]]
    values = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert values["total"] == 120.0 and isinstance(values["total"], (int, float))
    assert ws.cell(row=2, column=header.index("total") + 1).data_type == "n"
    assert isinstance(values["date"], dt.datetime) and values["date"].date() == dt.date(2024, 3, 15)
    assert values["vendor"].startswith("'=")
    assert ws.cell(row=2, column=header.index("vendor") + 1).data_type == "s"

    js = tmp_path / "all.json"
    assert run_cli("export", str(js), library=lib)[0] == 0
    data = json.loads(js.read_text())
    assert data[0]["fields"]["vendor"] == "=HYPERLINK(1) Corp"  # JSON keeps the value as found


def test_corrections_show_in_exports(tmp_path, inbox, library):
    from docrouter_desktop.core.batch import Batch
    from docrouter_desktop.core.export import csv_text

    factories.invoice_pdf(inbox / "a.pdf", total=50.0, tax=5.0)
    batch = Batch(library, workers=0)
    batch.add(batch.find([str(inbox)]))
    batch.run()
    doc_id = batch.outcomes[0].document_id
    result = library.correct_fields(doc_id, {"total": 55.5})
    assert result.fields["total"] == 55.5
    assert result.field_details["total"]["source"] == "user"
    assert result.field_details["total"]["original"] == 50.0
    text = csv_text(batch.export_rows())
    assert "55.5" in text and "total" in text.splitlines()[1].split(",")[-2]
