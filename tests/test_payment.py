"""Payment details: EPC and Swiss QR-bill codes decoded on real pages (text PDFs and 200 dpi
scans read by the real Tesseract), IBANs and references checked by their check digits, and
the payment parsers on their own."""

from __future__ import annotations

import io
import pickle
import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import qrbill
import segno
from fpdf import FPDF
from PIL import Image

from docrouter_desktop.core import tasks
from docrouter_desktop.core.extraction import extract, qr_codes
from docrouter_desktop.core.extraction.extract import ExtractOptions, extract_pages
from docrouter_desktop.core.extraction.pages import PageContent
from docrouter_desktop.core.processors import payment
from docrouter_desktop.core.processors.base import ProcessorOptions
from docrouter_desktop.core.processors.run import run_processor

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
MM = 72 / 25.4  # points a millimetre

IBAN_DE = "DE89370400440532013000"
BIC_DE = "COBADEFFXXX"
IBAN_CH_QR = "CH4431999123000889012"  # a QR-IBAN (its bank id is 31999)
RF = "RF18539007547034"
QR_REFERENCE = "210000000003139471430009017"


def epc_payload(
    amount: str = "EUR119.00",
    reference: str = RF,
    text: str = "",
    iban: str = IBAN_DE,
    newline: str = "\n",
) -> str:
    lines = ["BCD", "002", "1", "SCT", BIC_DE, "Lindqvist Bau GmbH", iban, amount, "", reference]
    lines.append(text)
    return newline.join(lines)


def swiss_bill(amount: str = "1949.75", reference: str = QR_REFERENCE) -> qrbill.QRBill:
    return qrbill.QRBill(
        account=IBAN_CH_QR,
        creditor={
            "name": "Alpenblick Werkstatt AG",
            "street": "Seestrasse",
            "house_num": "12",
            "pcode": "8002",
            "city": "Zürich",
            "country": "CH",
        },
        debtor={
            "name": "Hanna Keller",
            "street": "Bahnhofweg",
            "house_num": "3",
            "pcode": "3011",
            "city": "Bern",
            "country": "CH",
        },
        amount=amount,
        currency="CHF",
        reference_number=reference,
        additional_information="Order 4471",
    )


def _qr_png(payload: str) -> io.BytesIO:
    buf = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buf, kind="png", scale=10, border=4)
    buf.seek(0)
    return buf


def invoice_pdf(
    path: Path,
    lines: list[tuple[float, float, str]],
    code: str | None = None,
    at: tuple[float, float, float] = (150.0, 200.0, 40.0),
    size: float = 10,
) -> Path:
    """A one-page A4 text PDF of ``(x mm, y mm, text)`` lines, with the QR code of ``code``
    drawn as a picture ``at`` (x mm, y mm, width mm)."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_auto_page_break(False)
    if FONT.exists():
        pdf.add_font("body", "", str(FONT))
        pdf.set_font("body", size=size)
    else:
        pdf.set_font("Helvetica", size=size)
    for x, y, text in lines:
        pdf.text(x, y, text)
    if code is not None:
        x, y, w = at
        pdf.image(_qr_png(code), x=x, y=y, w=w)
    pdf.output(str(path))
    return path


def scan_of(pdf: Path, out: Path, dpi: int = 200, angle: float = 0.4, seed: int = 3) -> Path:
    """The PDF's first page as a scanner would give it: ``dpi``, a slight turn and speckle."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
        page.close()
    finally:
        doc.close()
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    rng = random.Random(seed)
    pixels = image.load()
    assert pixels is not None
    for _ in range(image.width * image.height // 400):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        pixels[x, y] = rng.choice((0, 90, 170))
    image.save(out, dpi=(dpi, dpi))
    return out


def run_pdf(path: Path) -> dict:
    pages = tasks.extract_task(str(path), "application/pdf", [1], ExtractOptions())
    return run_processor("auto", pages, ProcessorOptions(), str(path))


def run_image(path: Path) -> dict:
    pages = extract_pages(str(path), "image/png", [1], ExtractOptions())
    return run_processor("auto", pages, ProcessorOptions(), None)


def payment_of(result: dict) -> tuple[dict, dict]:
    assert result["processor_type"] == "invoice", result["routing"]
    return result["fields"]["payment"], result["field_details"]["payment"]["parts"]


HEADER = [
    (15, 25, "Lindqvist Bau GmbH"),
    (15, 31, "Hafenstrasse 8, 20457 Hamburg"),
    (15, 50, "INVOICE"),
    (15, 58, "Invoice No: LB-2024-0387"),
    (15, 64, "Invoice Date: 12/03/2024"),
    (15, 70, "Bill to: Nordlicht Events KG"),
    (15, 90, "Description Qty Unit price Amount"),
    (15, 97, "Scaffolding rental 1 100.00 100.00"),
]


def totals(total: str = "119.00") -> list[tuple[float, float, str]]:
    return [
        (110, 115, "Subtotal"),
        (165, 115, "100.00"),
        (110, 121, "VAT 19%"),
        (165, 121, "19.00"),
        (110, 127, "Total EUR"),
        (165, 127, total),
    ]


def epc_lines(iban_text: str = "DE89 3704 0044 0532 0130 00") -> list[tuple[float, float, str]]:
    return [
        (15, 200, "Payment: please transfer within 14 days."),
        (15, 206, f"IBAN: {iban_text}"),
        (15, 212, f"BIC: {BIC_DE}"),
        (15, 218, f"Payment reference: {payment.grouped(RF)}"),
        (15, 228, "Scan the GiroCode with your banking app to pay."),
    ]


def swiss_lines() -> list[tuple[float, float, str]]:
    reference = "21 00000 00003 13947 14300 09017"
    return [
        (15, 25, "Alpenblick Werkstatt AG"),
        (15, 31, "Seestrasse 12, 8002 Zürich"),
        (15, 50, "INVOICE"),
        (15, 58, "Invoice No: AW-1187"),
        (15, 64, "Invoice Date: 04/06/2024"),
        (15, 70, "Bill to: Hanna Keller"),
        (15, 90, "Description Qty Unit price Amount"),
        (15, 97, "Workshop repairs 1 1809.42 1809.42"),
        (110, 115, "Subtotal"),
        (160, 115, "1809.42"),
        (110, 121, "VAT 7.7%"),
        (160, 121, "140.33"),
        (110, 127, "Total CHF"),
        (160, 127, "1949.75"),
        (10, 200, "Receipt"),
        (70, 200, "Payment part"),
        (10, 208, "Account / Payable to"),
        (10, 213, "CH44 3199 9123 0008 8901 2"),
        (10, 218, "Alpenblick Werkstatt AG"),
        (10, 226, "Reference"),
        (10, 231, reference),
        (125, 208, "Account / Payable to"),
        (125, 213, "CH44 3199 9123 0008 8901 2"),
        (125, 218, "Alpenblick Werkstatt AG"),
        (125, 226, "Reference"),
        (125, 231, reference),
        (125, 239, "Additional information"),
        (125, 244, "Order 4471"),
        (70, 270, "Currency Amount"),
        (70, 276, "CHF 1 949.75"),
    ]


SWISS_AT = (67.0, 212.0, 46.0)  # the QR-bill's code: 46 mm square in its payment part


def _near_box(bbox: list[float], at: tuple[float, float, float], unit: float) -> None:
    """``bbox`` is the code drawn ``at`` (mm), in units of ``unit`` a millimetre; a code's box
    is its modules, inside the picture's white border."""
    x, y, w = at
    x0, top, x1, bottom = (v / unit for v in bbox)
    assert x - 1 <= x0 < x1 <= x + w + 1 and y - 1 <= top < bottom <= y + w + 1
    assert x1 - x0 > w * 0.6


# --- end to end: text PDFs ------------------------------------------------------------------


def test_epc_code_on_a_text_pdf_gives_iban_amount_and_reference(tmp_path):
    pdf = invoice_pdf(tmp_path / "epc.pdf", HEADER + totals() + epc_lines(), epc_payload())
    result = run_pdf(pdf)
    fields, parts = payment_of(result)
    assert fields == {
        "iban": IBAN_DE,
        "bic": BIC_DE,
        "reference": RF,
        "amount": 119.0,
        "creditor": "Lindqvist Bau GmbH",
    }
    for name in ("iban", "amount", "reference", "bic", "creditor"):
        assert parts[name]["source"] == "qr", name
        assert parts[name]["page"] == 1
    assert parts["iban"]["confidence"] >= 0.95
    assert parts["amount"]["confidence"] >= 0.95
    _near_box(parts["iban"]["bbox"], (150.0, 200.0, 40.0), MM)
    assert not [w for w in result["warnings"] if "QR" in w or "IBAN" in w]


def test_a_code_asking_for_another_amount_than_the_total_is_flagged(tmp_path):
    pdf = invoice_pdf(
        tmp_path / "epc.pdf", HEADER + totals() + epc_lines(), epc_payload(amount="EUR120.00")
    )
    result = run_pdf(pdf)
    fields, parts = payment_of(result)
    assert result["fields"]["total"] == 119.0
    assert fields["amount"] == 120.0 and parts["amount"]["source"] == "qr"
    assert parts["amount"]["confidence"] <= 0.3
    assert result["field_details"]["payment"]["confidence"] <= 0.3
    assert (
        "The payment QR code asks for 120.00 EUR but the invoice total is 119.00 EUR: check "
        "which is right before paying." in result["warnings"]
    )


def test_swiss_qr_bill_on_a_text_pdf(tmp_path):
    bill = swiss_bill()
    pdf = invoice_pdf(tmp_path / "bill.pdf", swiss_lines(), bill.qr_data(), at=SWISS_AT)
    result = run_pdf(pdf)
    fields, parts = payment_of(result)
    assert fields["iban"] == IBAN_CH_QR
    assert fields["reference"] == QR_REFERENCE
    assert fields["amount"] == 1949.75
    assert fields["creditor"] == "Alpenblick Werkstatt AG"
    assert fields["bic"] is None  # a QR-bill names no BIC, and none is printed
    for name in ("iban", "amount", "reference", "creditor"):
        assert parts[name]["source"] == "qr", name
    assert "Swiss QR-bill" in parts["reference"]["rule"]
    _near_box(parts["iban"]["bbox"], SWISS_AT, MM)
    assert not [w for w in result["warnings"] if "QR" in w or "IBAN" in w]


def test_a_page_without_a_payment_cue_is_not_rendered(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(extract, "_text_page_codes", lambda *a: calls.append(a) or ())
    plain = invoice_pdf(tmp_path / "plain.pdf", HEADER + totals(), "https://example.org/terms")
    pages = extract_pages(str(plain), "application/pdf", [1], ExtractOptions())
    assert pages[0].codes == () and calls == []
    cued = invoice_pdf(tmp_path / "cued.pdf", HEADER + totals() + epc_lines(), epc_payload())
    extract_pages(str(cued), "application/pdf", [1], ExtractOptions())
    assert len(calls) == 1
    # The text processor reads no positions: no rendering for it either.
    extract_pages(str(cued), "application/pdf", [1], ExtractOptions(word_boxes=False))
    assert len(calls) == 1


def test_a_non_payment_code_is_kept_on_the_page_but_gives_no_payment(tmp_path):
    lines = HEADER + totals() + [(15, 200, "Scan the QR code for our terms.")]
    pdf = invoice_pdf(tmp_path / "url.pdf", lines, "https://example.org/terms")
    pages = extract_pages(str(pdf), "application/pdf", [1], ExtractOptions())
    assert [c[0] for c in pages[0].codes] == ["https://example.org/terms"]
    assert run_pdf(pdf)["fields"]["payment"] is None


# --- end to end: scans read by Tesseract ------------------------------------------------------


@pytest.mark.slow
def test_epc_code_on_a_200_dpi_scan(tmp_path):
    pdf = invoice_pdf(tmp_path / "epc.pdf", HEADER + totals() + epc_lines(), epc_payload())
    scan = scan_of(pdf, tmp_path / "epc.png")
    result = run_image(scan)
    fields, parts = payment_of(result)
    assert fields["iban"] == IBAN_DE and parts["iban"]["source"] == "qr"
    assert fields["amount"] == 119.0 and parts["amount"]["source"] == "qr"
    assert fields["reference"] == RF and parts["reference"]["source"] == "qr"
    _near_box(parts["iban"]["bbox"], (150.0, 200.0, 40.0), 200 / 25.4)


@pytest.mark.slow
def test_swiss_qr_bill_on_a_200_dpi_scan(tmp_path):
    pdf = invoice_pdf(tmp_path / "bill.pdf", swiss_lines(), swiss_bill().qr_data(), at=SWISS_AT)
    scan = scan_of(pdf, tmp_path / "bill.png", angle=-0.5)
    result = run_image(scan)
    fields, parts = payment_of(result)
    assert fields["iban"] == IBAN_CH_QR and parts["iban"]["source"] == "qr"
    assert fields["amount"] == 1949.75 and parts["amount"]["source"] == "qr"
    assert fields["reference"] == QR_REFERENCE and parts["reference"]["source"] == "qr"
    _near_box(parts["iban"]["bbox"], SWISS_AT, 200 / 25.4)


@pytest.mark.slow
def test_an_upside_down_scan_gives_the_code_where_the_upright_page_has_it(tmp_path):
    pdf = invoice_pdf(tmp_path / "epc.pdf", HEADER + totals() + epc_lines(), epc_payload())
    scan = scan_of(pdf, tmp_path / "epc.png", angle=0.0)
    Image.open(scan).rotate(180).save(scan)
    pages = extract_pages(str(scan), "image/png", [1], ExtractOptions())
    (code,) = pages[0].codes
    _near_box(list(code[1:]), (150.0, 200.0, 40.0), 200 / 25.4)


@pytest.mark.slow
def test_scanned_pdf_page_codes_are_in_points(tmp_path):
    """An image-only PDF page: the code is read on the embedded scan, boxed in points."""
    pdf = invoice_pdf(tmp_path / "epc.pdf", HEADER + totals() + epc_lines(), epc_payload())
    scan = scan_of(pdf, tmp_path / "epc.png", angle=0.0)
    wrapped = FPDF(format="A4")
    wrapped.add_page()
    wrapped.image(str(scan), x=0, y=0, w=210, h=297)
    path = tmp_path / "scanned.pdf"
    wrapped.output(str(path))
    pages = extract_pages(str(path), "application/pdf", [1], ExtractOptions())
    assert pages[0].text_source == "ocr"
    (code,) = pages[0].codes
    assert payment.parse_payment_code(code[0]) is not None
    _near_box(list(code[1:]), (150.0, 200.0, 40.0), MM)


# --- the text alone ---------------------------------------------------------------------------


def test_text_iban_bic_payee_and_the_invoice_total(tmp_path):
    lines = (
        HEADER
        + totals()
        + [
            (15, 200, "Bank details"),
            (15, 206, "Account holder: Lindqvist Bau GmbH"),
            (15, 212, "IBAN: DE89 3704 0044 0532 0130 00   BIC: COBADEFFXXX"),
        ]
    )
    result = run_pdf(invoice_pdf(tmp_path / "text.pdf", lines))
    fields, parts = payment_of(result)
    assert fields["iban"] == IBAN_DE and parts["iban"]["source"] == "text"
    assert parts["iban"]["confidence"] >= 0.9
    assert fields["bic"] == BIC_DE
    assert fields["creditor"] == "Lindqvist Bau GmbH"
    assert fields["amount"] == 119.0  # the invoice's total: no code asks for another
    assert fields["reference"] is None
    assert not [w for w in result["warnings"] if "IBAN" in w]


def test_text_iban_failing_its_check_digits_is_reported_low_with_a_warning(tmp_path):
    lines = HEADER + totals() + [(15, 206, "IBAN: DE88 3704 0044 0532 0130 00")]
    result = run_pdf(invoice_pdf(tmp_path / "bad.pdf", lines))
    fields, parts = payment_of(result)
    assert fields["iban"] == "DE88370400440532013000"
    assert parts["iban"]["confidence"] <= 0.3
    assert result["field_details"]["payment"]["confidence"] <= 0.3
    (warning,) = [w for w in result["warnings"] if "IBAN" in w]
    assert "DE88 3704 0044 0532 0130 00" in warning and "fails its check digits" in warning


def test_rf_reference_in_the_text_is_validated(tmp_path):
    good = HEADER + totals() + epc_lines()
    fields, parts = payment_of(run_pdf(invoice_pdf(tmp_path / "rf.pdf", good)))
    assert fields["reference"] == RF and parts["reference"]["source"] == "text"
    assert "ISO 11649" in parts["reference"]["rule"]
    # One digit off: no longer a creditor reference, so the label's text is taken as it is,
    # at the confidence of a remittance text.
    bad = (
        HEADER + totals() + epc_lines()[:3] + [(15, 218, "Payment reference: RF18 5390 0754 7035")]
    )
    fields, parts = payment_of(run_pdf(invoice_pdf(tmp_path / "rf-bad.pdf", bad)))
    assert fields["reference"] == "RF18 5390 0754 7035"
    assert parts["reference"]["confidence"] <= 0.6


def test_belgian_structured_communication(tmp_path):
    lines = (
        HEADER
        + totals()
        + [
            (15, 200, "Te betalen op rekening / A payer sur le compte"),
            (15, 206, "IBAN BE68 5390 0754 7034  BIC GKCCBEBB"),
            (15, 212, "Gestructureerde mededeling: +++010/8068/17183+++"),
        ]
    )
    fields, parts = payment_of(run_pdf(invoice_pdf(tmp_path / "be.pdf", lines)))
    assert fields["iban"] == "BE68539007547034"
    assert fields["bic"] == "GKCCBEBB"
    assert fields["reference"] == "010806817183"
    assert "Belgian structured communication" in parts["reference"]["rule"]
    assert parts["reference"]["confidence"] >= 0.85


def test_remittance_text_after_its_label(tmp_path):
    lines = (
        HEADER
        + totals()
        + [
            (15, 206, "IBAN: DE89 3704 0044 0532 0130 00"),
            (15, 212, "Verwendungszweck: LB-2024-0387"),
        ]
    )
    fields, parts = payment_of(run_pdf(invoice_pdf(tmp_path / "text.pdf", lines)))
    assert fields["reference"] == "LB-2024-0387"
    assert fields["creditor"] == "Lindqvist Bau GmbH"  # the vendor: no account holder printed


def test_no_bank_details_no_payment(tmp_path):
    result = run_pdf(invoice_pdf(tmp_path / "none.pdf", HEADER + totals()))
    assert result["fields"]["payment"] is None


def test_a_code_paying_into_another_account_than_the_printed_one_is_flagged(tmp_path):
    other = "DE02120300000000202051"
    lines = HEADER + totals() + epc_lines()
    pdf = invoice_pdf(tmp_path / "two.pdf", lines, epc_payload(iban=other))
    result = run_pdf(pdf)
    fields, parts = payment_of(result)
    assert fields["iban"] == other and parts["iban"]["confidence"] <= 0.5
    assert any("pays into IBAN DE02" in w for w in result["warnings"])


# --- the parsers ------------------------------------------------------------------------------


def test_parse_epc_versions_line_ends_and_missing_fields():
    code = payment.parse_epc(epc_payload(newline="\r\n"))
    assert code is not None
    assert (code.iban, code.bic, code.amount, code.currency) == (IBAN_DE, BIC_DE, 119.0, "EUR")
    assert (code.reference, code.reference_kind, code.creditor) == (RF, "rf", "Lindqvist Bau GmbH")
    # Version 001, no amount, an unstructured text, trailing lines left out.
    short = "BCD\n001\n1\nSCT\nCOBADEFFXXX\nLindqvist Bau GmbH\nDE89 3704 0044 0532 0130 00"
    code = payment.parse_epc(short)
    assert code is not None and code.iban == IBAN_DE and code.amount is None
    code = payment.parse_epc(epc_payload(amount="EUR12.5", reference="", text="Invoice 12"))
    assert code is not None and code.amount == 12.5
    assert code.reference == "" and code.message == "Invoice 12"
    assert payment.parse_epc("https://example.org") is None
    assert payment.parse_epc("BCD\nxyz\n1") is None


def test_parse_swiss_qr_reference_types():
    code = payment.parse_swiss_qr(swiss_bill().qr_data())
    assert code is not None
    assert (code.iban, code.amount, code.currency) == (IBAN_CH_QR, 1949.75, "CHF")
    assert (code.reference, code.reference_kind) == (QR_REFERENCE, "qrr")
    assert code.creditor == "Alpenblick Werkstatt AG" and code.message == "Order 4471"
    scor = qrbill.QRBill(
        account="CH93 0076 2011 6238 5295 7",
        creditor={"name": "Muster AG", "pcode": "8000", "city": "Zürich", "country": "CH"},
        reference_number="RF18539007547034",
    ).qr_data()
    code = payment.parse_swiss_qr(scor)
    assert code is not None
    assert (code.reference, code.reference_kind, code.amount) == (RF, "rf", None)
    # Without the reserved ultimate-creditor lines, read from the reference type backwards.
    lines = swiss_bill().qr_data().split("\r\n")
    del lines[11:18]
    code = payment.parse_swiss_qr("\n".join(lines))
    assert code is not None and code.amount == 1949.75 and code.reference == QR_REFERENCE
    assert payment.parse_payment_code("SPC\n0100\n1") is None


def test_check_digits():
    assert payment.check_iban(IBAN_DE) == payment.IBAN_OK
    assert payment.check_iban("DE88370400440532013000") == payment.IBAN_CHECKSUM
    assert payment.check_iban("DE8937040044053201300") == payment.IBAN_INVALID
    assert payment.check_iban("SE4550000000058398257466") == payment.IBAN_OK  # no national check
    assert payment.check_bic("COBADEFFXXX") == "DE" and payment.check_bic("COBAXXFF") is None
    assert payment.finnish_reference_ok("1232") and not payment.finnish_reference_ok("1233")
    assert payment.kid_ok("1234567897") and not payment.kid_ok("1234567891")


def test_payment_cues_and_turned_boxes():
    assert qr_codes.has_payment_cue("Bank: IBAN DE89 ...")
    assert qr_codes.has_payment_cue("Zahlteil") and qr_codes.has_payment_cue("BIC: X")
    assert qr_codes.has_payment_cue("Mit der GiroCode-App bezahlen")
    assert qr_codes.has_payment_cue("Récépissé ... Section paiement")
    assert not qr_codes.has_payment_cue("public transport subsidies, 12 items, Bic Pens Ltd")
    codes = (("x", 10.0, 20.0, 30.0, 60.0),)  # on a 100 x 200 image
    assert qr_codes.turned(codes, 90, 100, 200) == (("x", 140.0, 10.0, 180.0, 30.0),)
    assert qr_codes.turned(codes, 180, 100, 200) == (("x", 70.0, 140.0, 90.0, 180.0),)
    assert qr_codes.turned(codes, 270, 100, 200) == (("x", 20.0, 70.0, 60.0, 90.0),)
    assert qr_codes.scaled(codes, 0.5) == (("x", 5.0, 10.0, 15.0, 30.0),)


def test_read_qr_codes_from_a_picture():
    picture = Image.open(_qr_png(epc_payload())).convert("L")
    page = Image.new("L", (1000, 1200), 255)
    page.paste(picture, (400, 600))
    (code,) = qr_codes.read_qr_codes(page, factor=0.5)
    assert code[0] == epc_payload()
    assert 200 <= code[1] < code[3] <= 200 + picture.width / 2
    assert qr_codes.read_qr_codes(Image.new("L", (300, 300), 255)) == ()


def test_epc_text_is_decoded_in_its_own_character_set():
    payload = (
        epc_payload().replace("Lindqvist Bau GmbH", "Müller & Söhne").replace("\n1\n", "\n2\n", 1)
    )
    picture = Image.open(io.BytesIO(_latin1_qr(payload))).convert("L")
    (code,) = qr_codes.read_qr_codes(picture)
    assert "Müller & Söhne" in code[0]


def _latin1_qr(payload: str) -> bytes:
    buf = io.BytesIO()
    segno.make(payload.encode("iso-8859-1"), error="m", micro=False).save(
        buf, kind="png", scale=8, border=4
    )
    return buf.getvalue()


def test_page_codes_pickle_and_default_empty():
    page = PageContent(1, 595.0, 842.0, "text", [], "IBAN", codes=(("BCD", 1.0, 2.0, 3.0, 4.0),))
    again = pickle.loads(pickle.dumps(page))
    assert again.codes == (("BCD", 1.0, 2.0, 3.0, 4.0),) and again == page
    assert PageContent(1, 595.0, 842.0, "text").codes == ()
    assert "codes" not in page.summary()
