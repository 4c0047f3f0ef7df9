"""Accounting exports: a DATEV Buchungsstapel, Xero bills and QuickBooks Online bills, written
from a library of documents processed for real, checked against the published formats."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from fpdf import FPDF

from tests import factories
from tests.conftest import run_cli

# The booking batch's 125 column headings (DATEV-Format 700, Buchungsstapel version 13), as
# the heading line of DATEV's sample file EXTF_Buchungsstapel.csv has them.
DATEV_HEADINGS = [
    "Umsatz (ohne Soll/Haben-Kz)",
    "Soll/Haben-Kennzeichen",
    "WKZ Umsatz",
    "Kurs",
    "Basis-Umsatz",
    "WKZ Basis-Umsatz",
    "Konto",
    "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel",
    "Belegdatum",
    "Belegfeld 1",
    "Belegfeld 2",
    "Skonto",
    "Buchungstext",
    "Postensperre",
    "Diverse Adressnummer",
    "Geschäftspartnerbank",
    "Sachverhalt",
    "Zinssperre",
    "Beleglink",
    "Beleginfo - Art 1",
    "Beleginfo - Inhalt 1",
    "Beleginfo - Art 2",
    "Beleginfo - Inhalt 2",
    "Beleginfo - Art 3",
    "Beleginfo - Inhalt 3",
    "Beleginfo - Art 4",
    "Beleginfo - Inhalt 4",
    "Beleginfo - Art 5",
    "Beleginfo - Inhalt 5",
    "Beleginfo - Art 6",
    "Beleginfo - Inhalt 6",
    "Beleginfo - Art 7",
    "Beleginfo - Inhalt 7",
    "Beleginfo - Art 8",
    "Beleginfo - Inhalt 8",
    "KOST1 - Kostenstelle",
    "KOST2 - Kostenstelle",
    "Kost-Menge",
    "EU-Land u. UStID (Bestimmung)",
    "EU-Steuersatz (Bestimmung)",
    "Abw. Versteuerungsart",
    "Sachverhalt L+L",
    "Funktionsergänzung L+L",
    "BU 49 Hauptfunktionstyp",
    "BU 49 Hauptfunktionsnummer",
    "BU 49 Funktionsergänzung",
    "Zusatzinformation - Art 1",
    "Zusatzinformation- Inhalt 1",
    "Zusatzinformation - Art 2",
    "Zusatzinformation- Inhalt 2",
    "Zusatzinformation - Art 3",
    "Zusatzinformation- Inhalt 3",
    "Zusatzinformation - Art 4",
    "Zusatzinformation- Inhalt 4",
    "Zusatzinformation - Art 5",
    "Zusatzinformation- Inhalt 5",
    "Zusatzinformation - Art 6",
    "Zusatzinformation- Inhalt 6",
    "Zusatzinformation - Art 7",
    "Zusatzinformation- Inhalt 7",
    "Zusatzinformation - Art 8",
    "Zusatzinformation- Inhalt 8",
    "Zusatzinformation - Art 9",
    "Zusatzinformation- Inhalt 9",
    "Zusatzinformation - Art 10",
    "Zusatzinformation- Inhalt 10",
    "Zusatzinformation - Art 11",
    "Zusatzinformation- Inhalt 11",
    "Zusatzinformation - Art 12",
    "Zusatzinformation- Inhalt 12",
    "Zusatzinformation - Art 13",
    "Zusatzinformation- Inhalt 13",
    "Zusatzinformation - Art 14",
    "Zusatzinformation- Inhalt 14",
    "Zusatzinformation - Art 15",
    "Zusatzinformation- Inhalt 15",
    "Zusatzinformation - Art 16",
    "Zusatzinformation- Inhalt 16",
    "Zusatzinformation - Art 17",
    "Zusatzinformation- Inhalt 17",
    "Zusatzinformation - Art 18",
    "Zusatzinformation- Inhalt 18",
    "Zusatzinformation - Art 19",
    "Zusatzinformation- Inhalt 19",
    "Zusatzinformation - Art 20",
    "Zusatzinformation- Inhalt 20",
    "Stück",
    "Gewicht",
    "Zahlweise",
    "Forderungsart",
    "Veranlagungsjahr",
    "Zugeordnete Fälligkeit",
    "Skontotyp",
    "Auftragsnummer",
    "Buchungstyp",
    "USt-Schlüssel (Anzahlungen)",
    "EU-Land (Anzahlungen)",
    "Sachverhalt L+L (Anzahlungen)",
    "EU-Steuersatz (Anzahlungen)",
    "Erlöskonto (Anzahlungen)",
    "Herkunft-Kz",
    "Buchungs GUID",
    "KOST-Datum",
    "SEPA-Mandatsreferenz",
    "Skontosperre",
    "Gesellschaftername",
    "Beteiligtennummer",
    "Identifikationsnummer",
    "Zeichnernummer",
    "Postensperre bis",
    "Bezeichnung SoBil-Sachverhalt",
    "Kennzeichen SoBil-Buchung",
    "Festschreibung",
    "Leistungsdatum",
    "Datum Zuord. Steuerperiode",
    "Fälligkeit",
    "Generalumkehr (GU)",
    "Steuersatz",
    "Land",
    "Abrechnungsreferenz",
    "BVV-Position",
    "EU-Land u. UStID (Ursprung)",
    "EU-Steuersatz (Ursprung)",
    "Abw. Skontokonto",
]
# Xero's "Import bills" template, its headings as the template writes them.
XERO_HEADINGS = (
    "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,"
    "POCity,PORegion,POPostalCode,POCountry,*InvoiceNumber,*InvoiceDate,*DueDate,Total,"
    "InventoryItemCode,Description,*Quantity,*UnitAmount,*AccountCode,*TaxType,TaxAmount,"
    "TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency"
).split(",")
# QuickBooks Online's bill import: a US company's columns (elsewhere "Supplier").
QUICKBOOKS_HEADINGS = [
    "Bill No.",
    "Vendor",
    "Bill Date",
    "Due Date",
    "Terms",
    "Location",
    "Memo",
    "Account",
    "Line Description",
    "Line Amount",
    "Line Tax Code",
    "Line Tax Amount",
    "Currency",
]


def lines_invoice(path: Path, number: str, date: str, lines, title="INVOICE", due=None) -> Path:
    """An invoice of a German office supplier with a table of lines and 19% VAT."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Bürobedarf Schmidt KG", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 5, "Hauptstrasse 5, 10115 Berlin", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, f"Invoice No: {number}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Invoice Date: {date}", new_x="LMARGIN", new_y="NEXT")
    if due:
        pdf.cell(0, 6, f"Due Date: {due}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Bill to: Example Customer GmbH", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for text, width in (("Description", 90), ("Qty", 20), ("Unit price", 30)):
        pdf.cell(width, 6, text, align="L" if text == "Description" else "R")
    pdf.cell(30, 6, "Amount", align="R", new_x="LMARGIN", new_y="NEXT")
    subtotal = 0.0
    for description, quantity, price in lines:
        pdf.cell(90, 6, description)
        pdf.cell(20, 6, str(quantity), align="R")
        pdf.cell(30, 6, f"{price:.2f}", align="R")
        pdf.cell(30, 6, f"{quantity * price:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
        subtotal += quantity * price
    tax = round(subtotal * 0.19, 2)
    pdf.ln(4)
    for label, amount in (("Subtotal", subtotal), ("VAT 19%", tax), ("Total EUR", subtotal + tax)):
        pdf.cell(140, 6, label, align="R")
        pdf.cell(30, 6, f"{amount:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def notes_pdf(path: Path) -> Path:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Meeting notes", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 10, "We agreed to meet again next week.")
    pdf.output(str(path))
    return path


def make_documents(inbox: Path) -> None:
    factories.invoice_pdf(
        inbox / "a.pdf", vendor="Lodz Trading", number="A-1", total=119.0, tax=19.0
    )
    lines_invoice(
        inbox / "b.pdf",
        "2024-117",
        "02/05/2024",
        [("Paper A4", 10, 4.5), ("Toner black", 2, 39.9)],
        due="01/06/2024",
    )
    lines_invoice(
        inbox / "c.pdf", "GS-2024-3", "10/05/2024", [("Returned toner", 1, 39.9)], "CREDIT NOTE"
    )
    factories.invoice_pdf(
        inbox / "d.pdf",
        vendor="=HYPERLINK(1) Corp",
        number="INV-7",
        date="20/04/2024",
        total=60.0,
        tax=10.0,
    )
    notes_pdf(inbox / "e.pdf")


def correct_a(library) -> None:
    """What a person corrects on a.pdf: its vendor (a Polish one), the number, its VAT ID."""
    docs, _ = library.documents()
    (doc,) = [d for d in docs if Path(d.source_path or "").name == "a.pdf"]
    library.correct_fields(
        doc.id,
        {
            "vendor": "Łódź Trading Sp. z o.o.",
            "invoice_number": "RE 2024.0815",
            "vendor_vat_id": "ATU12345678",
        },
    )


def library_rows(library):
    from docrouter_desktop.core.export import ExportRow

    docs, _ = library.documents()
    results = library.results([d.id for d in docs])
    rows = [
        ExportRow(d.source_path or d.document_name, d, results.get(d.id), d.status, d.error)
        for d in docs
    ]
    return sorted(rows, key=lambda r: Path(r.file).name)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """A library of five documents read for real: three invoices, a credit note and a page of
    notes (no total), with a's corrections; its export rows."""
    from docrouter_desktop.core.batch import Batch
    from docrouter_desktop.core.library import Library

    root = tmp_path_factory.mktemp("accounting")
    inbox = root / "inbox"
    inbox.mkdir()
    make_documents(inbox)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DOCROUTER_DESKTOP_HOME", str(root / "lib"))
        library = Library(root / "lib")
        batch = Batch(library, workers=0)
        batch.add(batch.find([str(inbox)]))
        batch.run()
        correct_a(library)
        rows = library_rows(library)
        library.close()
    assert [Path(r.file).name for r in rows] == ["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"]
    assert all(r.status == "completed" for r in rows)
    return rows


def fields_of(rows, name: str) -> dict:
    return next(r for r in rows if Path(r.file).name == name).result.fields


def test_the_documents_read_as_the_exports_expect(processed):
    b = fields_of(processed, "b.pdf")
    assert (b["total"], b["tax"], b["due_date"]) == (148.51, 23.71, "2024-06-01")
    assert [i["amount"] for i in b["line_items"]] == [45.0, 79.8]
    assert fields_of(processed, "c.pdf")["document_type"] == "credit_note"
    assert fields_of(processed, "e.pdf").get("total") is None


def datev_lines(data: bytes) -> list[str]:
    assert data.endswith(b"\r\n") and data.count(b"\n") == data.count(b"\r\n")
    return data.decode("cp1252").split("\r\n")[:-1]


def bookings(lines: list[str]) -> list[dict[str, str]]:
    rows = list(csv.reader(lines[2:], delimiter=";"))
    assert all(len(r) == 125 for r in rows)
    return [dict(zip(DATEV_HEADINGS, r, strict=True)) for r in rows]


def test_datev_buchungsstapel(processed, tmp_path):
    from docrouter_desktop.core.export import write_export
    from docrouter_desktop.core.export_accounting import AccountingReport, AccountingSettings

    target = tmp_path / "EXTF_Buchungsstapel.csv"
    report = AccountingReport()
    settings = AccountingSettings(berater=29098, mandant=55003)
    assert write_export(processed, target, "datev", settings=settings, report=report) == "datev"
    assert report.files == [target] and (report.documents, report.rows) == (4, 4)
    assert any(n.startswith("e.pdf: left out") and "no total" in n for n in report.notes)

    lines = datev_lines(target.read_bytes())
    assert lines[0].startswith('"EXTF";700;21;"Buchungsstapel";13;')
    header = lines[0].split(";")
    assert len(header) == 31
    assert re.fullmatch(r"20\d{15}", header[5])  # created: JJJJMMTTHHMMSSFFF
    assert header[10:16] == ["29098", "55003", "20240101", "4", "20240315", "20240510"]
    assert header[21] == '"EUR"' and header[20] == "0"  # WKZ; not locked (Festschreibung)
    assert lines[1] == ";".join(DATEV_HEADINGS)
    assert len(lines) == 2 + 4  # one booking per document with a total

    by_number = {b["Belegfeld 1"]: b for b in bookings(lines)}
    assert set(by_number) == {"RE-2024-0815", "2024-117", "GS-2024-3", "INV-7"}
    invoice = by_number["2024-117"]
    assert invoice["Umsatz (ohne Soll/Haben-Kz)"] == "148,51"
    assert invoice["Soll/Haben-Kennzeichen"] == "S"
    assert invoice["WKZ Umsatz"] == "EUR"
    assert (invoice["Konto"], invoice["Gegenkonto (ohne BU-Schlüssel)"]) == ("4980", "70000")
    assert invoice["Belegdatum"] == "0205"  # DDMM, the year is the header's
    assert invoice["Buchungstext"] == "Bürobedarf Schmidt KG"
    assert invoice["Fälligkeit"] == "01062024"
    credit = by_number["GS-2024-3"]
    assert (credit["Umsatz (ohne Soll/Haben-Kz)"], credit["Soll/Haben-Kennzeichen"]) == (
        "47,48",
        "H",
    )
    assert credit["Belegdatum"] == "1005"
    polish = by_number["RE-2024-0815"]  # the number's space and dot are not allowed there
    assert polish["Buchungstext"] == "Lódz Trading Sp. z o.o."  # ó is in Windows-1252, Ł and ź not
    assert polish["EU-Land u. UStID (Bestimmung)"] == "ATU12345678"
    assert polish["Umsatz (ohne Soll/Haben-Kz)"] == "119,00"
    assert by_number["INV-7"]["Buchungstext"] == "'=HYPERLINK(1) Corp"  # neutralised
    raw = lines[2:]
    assert any(line.startswith('148,51;"S";"EUR";;;;4980;70000;;0205;"2024-117";') for line in raw)


def test_datev_accounts_from_the_hook_and_one_file_per_fiscal_year(processed, tmp_path):
    from docrouter_desktop.core.export_accounting import (
        AccountingReport,
        AccountingSettings,
        write_datev,
    )

    def accounts(row):  # what a vendor memory answers: Schmidt is booked to office supplies
        return (
            ("4930", "70010")
            if "Schmidt" in (row.result.fields.get("vendor") or "")
            else (None, None)
        )

    # d.pdf corrected to last December: another fiscal year
    rows = [
        replace(r, result=replace(r.result, fields={**r.result.fields, "date": "2023-12-20"}))
        if Path(r.file).name == "d.pdf"
        else r
        for r in processed
    ]
    target = tmp_path / "EXTF_Buchungsstapel.csv"
    report = write_datev(rows, target, AccountingSettings(), accounts, AccountingReport())
    assert [f.name for f in report.files] == [
        "EXTF_Buchungsstapel_2023.csv",
        "EXTF_Buchungsstapel_2024.csv",
    ]
    assert not target.exists() and report.documents == 4
    old = datev_lines(report.files[0].read_bytes())
    assert old[0].split(";")[12:16] == ["20230101", "4", "20231220", "20231220"]
    assert [b["Belegdatum"] for b in bookings(old)] == ["2012"]
    new = bookings(datev_lines(report.files[1].read_bytes()))
    schmidt = [b for b in new if "Schmidt" in b["Buchungstext"]]
    assert len(schmidt) == 2 and all(
        (b["Konto"], b["Gegenkonto (ohne BU-Schlüssel)"]) == ("4930", "70010") for b in schmidt
    )

    only = write_datev(rows, target, AccountingSettings(fiscal_year=2024), None, AccountingReport())
    assert only.files == [target] and only.documents == 3
    assert any("d.pdf" in n and "fiscal year 2023" in n for n in only.notes)


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_xero_bills(processed, tmp_path):
    from docrouter_desktop.core.export import write_export
    from docrouter_desktop.core.export_accounting import AccountingReport

    target = tmp_path / "xero-bills.csv"
    report = AccountingReport()
    write_export(processed, target, "xero", report=report)
    header, *rows = read_csv(target)
    assert header == XERO_HEADINGS
    cells = [dict(zip(header, r, strict=True)) for r in rows]
    assert report.documents == 4 and report.rows == len(rows) == 5  # b has two lines
    b = [c for c in cells if c["*InvoiceNumber"] == "2024-117"]
    assert [(c["Description"], c["*Quantity"], c["*UnitAmount"]) for c in b] == [
        ("Paper A4", "10", "4.50"),
        ("Toner black", "2", "39.90"),
    ]
    assert sum(float(c["TaxAmount"]) for c in b) == pytest.approx(23.71)
    assert {(c["*ContactName"], c["*InvoiceDate"], c["*DueDate"], c["Currency"]) for c in b} == {
        ("Bürobedarf Schmidt KG", "02/05/2024", "01/06/2024", "EUR")
    }
    assert all(c["*AccountCode"] == "429" and c["*TaxType"] for c in cells)
    (credit,) = [c for c in cells if c["*InvoiceNumber"] == "GS-2024-3"]
    assert (credit["*UnitAmount"], credit["TaxAmount"], credit["Total"]) == (
        "-39.90",
        "-7.58",
        "-47.48",
    )
    (polish,) = [c for c in cells if c["*InvoiceNumber"] == "RE 2024.0815"]
    assert polish["*ContactName"] == "Łódź Trading Sp. z o.o."  # UTF-8 keeps it
    assert (polish["*UnitAmount"], polish["TaxAmount"], polish["*DueDate"]) == (
        "100.00",
        "19.00",
        "15/03/2024",
    )
    (evil,) = [c for c in cells if c["*InvoiceNumber"] == "INV-7"]
    assert evil["*ContactName"] == "'=HYPERLINK(1) Corp"
    assert any(n.startswith("e.pdf: left out of the Xero export") for n in report.notes)


def test_quickbooks_bills(processed, tmp_path):
    from docrouter_desktop.core.export import write_export
    from docrouter_desktop.core.export_accounting import AccountingReport, AccountingSettings

    target = tmp_path / "quickbooks-bills.csv"
    report = AccountingReport()
    write_export(processed, target, "quickbooks", report=report)
    header, *rows = read_csv(target)
    assert header == QUICKBOOKS_HEADINGS
    cells = [dict(zip(header, r, strict=True)) for r in rows]
    assert report.documents == 3  # the credit note is left out: the import takes bills only
    assert any(n.startswith("c.pdf: left out") and "credit note" in n for n in report.notes)
    b = [c for c in cells if c["Bill No."] == "2024-117"]
    assert [(c["Line Description"], c["Line Amount"]) for c in b] == [
        ("Paper A4", "45.00"),
        ("Toner black", "79.80"),
        ("Sales tax", "23.71"),  # a US company's purchase tax: a line of its own
    ]
    assert {(c["Vendor"], c["Bill Date"], c["Due Date"], c["Account"]) for c in b} == {
        ("Bürobedarf Schmidt KG", "05/02/2024", "06/01/2024", "Uncategorized Expense")
    }
    totals: dict[str, float] = {}
    for c in cells:
        totals[c["Bill No."]] = totals.get(c["Bill No."], 0) + float(c["Line Amount"])
    assert totals == pytest.approx({"RE 2024.0815": 119.0, "2024-117": 148.51, "INV-7": 60.0})
    assert [c["Vendor"] for c in cells if c["Bill No."] == "INV-7"][0] == "'=HYPERLINK(1) Corp"

    intl = AccountingSettings(quickbooks_us=False, quickbooks_date_format="%d/%m/%Y")
    write_export(processed, target, "quickbooks", settings=intl)
    header, *rows = read_csv(target)
    assert header[1] == "Supplier"
    b = [dict(zip(header, r, strict=True)) for r in rows if r[0] == "2024-117"]
    assert [(c["Line Amount"], c["Line Tax Code"], c["Line Tax Amount"]) for c in b] == [
        ("45.00", "20.0% S", "8.55"),
        ("79.80", "20.0% S", "15.16"),
    ]
    assert b[0]["Bill Date"] == "02/05/2024"


def test_export_datev_through_the_command_line(tmp_path, inbox):
    lib = tmp_path / "lib"
    make_documents(inbox)
    code, _o, err = run_cli("batch", str(inbox), library=lib)
    assert code == 0, err

    target = tmp_path / "EXTF_Buchungsstapel.csv"
    code, _o, err = run_cli(
        "export",
        "--format",
        "datev",
        "--datev-berater",
        "29098",
        "--datev-mandant",
        "55003",
        "--account",
        "6300",
        "--chart",
        "04",
        str(target),
        library=lib,
    )
    assert code == 0, err
    assert "Exported 4 of 5 documents" in err and "e.pdf: left out" in err
    lines = datev_lines(target.read_bytes())
    header = lines[0].split(";")
    assert header[:5] == ['"EXTF"', "700", "21", '"Buchungsstapel"', "13"]
    assert (header[10], header[11], header[26]) == ("29098", "55003", '"04"')
    assert lines[1] == ";".join(DATEV_HEADINGS)
    assert [b["Konto"] for b in bookings(lines)] == ["6300"] * 4

    for fmt, first in (("xero", "*ContactName"), ("quickbooks", "Bill No.")):
        out = tmp_path / f"{fmt}.csv"
        code, _o, err = run_cli("export", "--format", fmt, str(out), library=lib)
        assert code == 0, err
        assert read_csv(out)[0][0] == first

    code, _o, err = run_cli("export", str(tmp_path / "bills.datev"), library=lib)
    assert code == 2 and "--format" in err  # chosen by --format, never by the suffix
