"""Generates the bundled sample documents in docrouter_desktop/resources/samples.

Three made-up documents of three kinds: a text-layer PDF invoice, a photographed receipt
(an image with no text layer, for OCR) and a plain-text invoice. Run it again to rebuild them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path(__file__).resolve().parent.parent / "docrouter_desktop" / "resources" / "samples"


def invoice_pdf(path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, 1, 31, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, "Northwind Office Supplies Ltd", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in ("12 Harbour Street", "Bristol BS1 4DJ, United Kingdom", "VAT GB 123 4567 89"):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "INVOICE", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(100, 5, "Bill to: Riverside Dental Practice")
    pdf.cell(0, 5, "Invoice No: INV-2024-0117", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(100, 5, "45 Mill Lane, Bath BA2 3AB")
    pdf.cell(0, 5, "Invoice Date: 31/01/2024", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(100, 5, "")
    pdf.cell(0, 5, "Due Date: 29/02/2024", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 10)
    for text, w in (("Description", 90), ("Qty", 20), ("Unit price", 35), ("Amount", 35)):
        pdf.cell(w, 7, text, border="B", align="L" if text == "Description" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    items = [
        ("A4 copier paper, 5 reams", 4, 21.50),
        ("Toner cartridge TN-247", 2, 64.90),
        ("Desk organiser", 3, 12.00),
    ]
    subtotal = 0.0
    for desc, qty, price in items:
        amount = qty * price
        subtotal += amount
        pdf.cell(90, 6, desc)
        pdf.cell(20, 6, str(qty), align="R")
        pdf.cell(35, 6, f"{price:,.2f}", align="R")
        pdf.cell(35, 6, f"{amount:,.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    tax = round(subtotal * 0.2, 2)
    pdf.ln(4)
    for label, value in (
        ("Subtotal", subtotal),
        ("VAT 20%", tax),
        ("Total due (GBP)", subtotal + tax),
    ):
        pdf.cell(145, 6, label, align="R")
        pdf.cell(35, 6, f"£{value:,.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.multi_cell(
        0,
        5,
        "Payment within 30 days to IBAN GB29 NWBK 6016 1331 9268 19. Thank you for your business.",
    )
    pdf.output(str(path))


def _font(size: int):
    for name in ("DejaVuSansMono.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def receipt_image(path: Path) -> None:
    lines = [
        "GREENLEAF CAFE",
        "88 Station Road, Leeds LS1 5AB",
        "Tel 0113 496 0000",
        "",
        "Date: 14/03/2024  12:41",
        "Cashier: Amy",
        "",
        "Flat white          3.20",
        "Croissant           2.60",
        "Soup of the day     5.90",
        "",
        "TOTAL         GBP  11.70",
        "CASH               20.00",
        "CHANGE              8.30",
        "",
        "Thank you, come again!",
    ]
    font = _font(30)
    img = Image.new("L", (620, 60 + 44 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((30, 30 + 44 * i), line, fill=20, font=font)
    img = img.rotate(0.8, fillcolor=255, expand=False).filter(ImageFilter.GaussianBlur(0.6))
    img.save(path, quality=90, dpi=(300, 300))


def text_invoice(path: Path) -> None:
    path.write_text(
        "Bright Spark Electrical GmbH\n"
        "Hauptstraße 5, 10115 Berlin\n\n"
        "Rechnung\n"
        "Rechnungsnummer: RE-8841\n"
        "Rechnungsdatum: 12. Januar 2024\n\n"
        "Leistung                      Betrag\n"
        "Wartung Verteilerkasten      250,00 €\n"
        "Material                      42,50 €\n\n"
        "Nettobetrag                  292,50 €\n"
        "MwSt. 19 %                    55,58 €\n"
        "Gesamtbetrag                 348,08 €\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    invoice_pdf(OUT / "invoice-northwind.pdf")
    receipt_image(OUT / "receipt-greenleaf.jpg")
    text_invoice(OUT / "rechnung-brightspark.txt")
    print("samples written to", OUT)
