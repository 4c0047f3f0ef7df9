"""Test documents made on the fly: text-layer PDFs, scanned-looking images, bad files."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont


def invoice_pdf(
    path: Path,
    vendor: str = "Acme Widgets Ltd",
    number: str = "INV-1001",
    date: str = "15/03/2024",
    total: float = 120.00,
    tax: float = 20.00,
    currency: str = "EUR",
    extra_pages: int = 0,
    rotate: int = 0,
) -> Path:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, vendor, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 5, "1 Market Street, Springfield 12345", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 8, "INVOICE", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, f"Invoice No: {number}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Invoice Date: {date}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Bill to: Example Customer GmbH", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.cell(120, 6, "Consulting services")
    pdf.cell(40, 6, f"{total - tax:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(120, 6, "Subtotal", align="R")
    pdf.cell(40, 6, f"{total - tax:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(120, 6, "VAT 20%", align="R")
    pdf.cell(40, 6, f"{tax:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(120, 6, f"Total {currency}", align="R")
    pdf.cell(40, 6, f"{total:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    for i in range(extra_pages):
        pdf.add_page()
        pdf.cell(0, 6, f"Terms and conditions, page {i + 2}", new_x="LMARGIN", new_y="NEXT")
    if rotate:
        for page in pdf.pages.values():
            page.set_rotation(rotate) if hasattr(page, "set_rotation") else None
    pdf.output(str(path))
    return path


def _font(size: int):
    try:
        return ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def text_image(path: Path, lines: list[str], size: int = 36, fmt: str | None = None) -> Path:
    font = _font(size)
    width = 60 + max(int(font.getlength(line)) for line in lines)
    img = Image.new("L", (max(width, 400), 60 + int(size * 1.6) * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((30, 30 + int(size * 1.6) * i), line, fill=0, font=font)
    img.save(path, format=fmt, dpi=(300, 300))
    return path


RECEIPT_LINES = [
    "CORNER BAKERY",
    "12 High Street, Oxford",
    "Date: 02/05/2024",
    "Bread          2.40",
    "Coffee         3.10",
    "TOTAL          5.50",
    "CASH          10.00",
    "CHANGE         4.50",
]


def scanned_pdf(path: Path, lines: list[str]) -> Path:
    """An image-only PDF (no text layer), like a scanner makes."""
    img_path = path.with_suffix(".png")
    text_image(img_path, lines)
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(str(img_path), x=10, y=10, w=150)
    pdf.output(str(path))
    img_path.unlink()
    return path


def full_page_scan_pdf(path: Path, lines: list[str], dpi: int = 200) -> Path:
    """An image-only PDF whose page is exactly one scanned picture at ``dpi``."""
    img_path = path.with_suffix(".png")
    text_image(img_path, lines)
    with Image.open(img_path) as img:
        w_pt, h_pt = img.width * 72 / dpi, img.height * 72 / dpi
    pdf = FPDF(unit="pt", format=(w_pt, h_pt))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.image(str(img_path), x=0, y=0, w=w_pt, h=h_pt)
    pdf.output(str(path))
    img_path.unlink()
    return path


def truncated_pdf(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def encrypted_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Invoice No: SECRET-1 Total 10.00")
    pdf.output(str(path))
    return path


def bomb_png(path: Path) -> Path:
    """A small file that claims a gigantic image (a decompression bomb)."""
    img = Image.new("1", (20000, 20000), 1)
    img.save(path, optimize=True)
    return path
