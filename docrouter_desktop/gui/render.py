"""Page images for the review pane: PDF pages through pypdfium2, image files through Qt, an
e-invoice XML file as its invoice written out (HTML painted by Qt's rich text).

Runs in a pool thread and returns a QImage (safe to build off the GUI thread, unlike QPixmap;
so are a QTextDocument and a QPainter on a QImage).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtGui import QImage, QImageReader

PDF_RENDER_SCALE = 2.0  # 144 dpi: sharp at the zoom levels the pane offers
_pdfium_lock = threading.Lock()  # pdfium is not thread-safe


def render_page(path: str | Path, content_type: str, page_number: int) -> tuple[QImage, int]:
    """The page (1-based) as an image, and the number of pages in the file."""
    if content_type == "application/pdf":
        return _render_pdf(str(path), page_number)
    if content_type == "application/xml":
        return render_invoice_xml(str(path)), 1
    image = QImage() if content_type == "image/tiff" else _read_image(str(path))
    if image.isNull():  # TIFF (every page is a frame) and what Qt cannot read: Pillow
        from PIL import Image, ImageOps

        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            im.seek(max(0, min(page_number, frames) - 1))
            return _from_pil(ImageOps.exif_transpose(im) or im), frames
    return image, 1


PREVIEW_MAX_PIXELS = 20_000_000  # a page shown in the window (A4 at 200 dpi: 3.9 million)


def _read_image(path: str) -> QImage:
    reader = QImageReader(path)
    reader.setAutoTransform(True)  # EXIF orientation, as extraction applies it
    return reader.read()


def _render_pdf(path: str, page_number: int) -> tuple[QImage, int]:
    import pypdfium2 as pdfium

    with _pdfium_lock:
        pdf = pdfium.PdfDocument(path)
        try:
            count = len(pdf)
            page = pdf[max(0, min(page_number, count) - 1)]
            try:
                w, h = page.get_size()
                # A page metres wide is shown at the size the pixel budget allows.
                scale = min(PDF_RENDER_SCALE, (PREVIEW_MAX_PIXELS / max(1.0, w * h)) ** 0.5)
                bitmap = page.render(scale=scale)
                image = _from_pil(bitmap.to_pil())  # copies the pixels out of the bitmap
                bitmap.close()
            finally:
                page.close()
        finally:
            pdf.close()
    return image, count


# An e-invoice is laid out on an A4 page (210 x 297 mm) with 15 mm margins, in the CSS pixels
# (1/96 inch) its HTML is sized in, and painted at the PDF pages' resolution.
A4_POINTS = (595.0, 842.0)
CSS_DPI = 96.0
XML_MARGIN_MM = 15.0


def render_invoice_xml(path: str) -> QImage:
    """An e-invoice XML file as a white A4 page (taller when its invoice is longer)."""
    from PySide6.QtCore import QSizeF, Qt
    from PySide6.QtGui import QPainter, QTextDocument

    from docrouter_desktop.core.einvoice_view import html_of
    from docrouter_desktop.core.processors.embedded import load_invoice_file

    html = html_of(load_invoice_file(path))
    page_w, page_h = (A4_POINTS[0] / 72 * CSS_DPI, A4_POINTS[1] / 72 * CSS_DPI)
    margin = XML_MARGIN_MM / 25.4 * CSS_DPI
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setHtml(html)
    doc.setPageSize(QSizeF(page_w - 2 * margin, 1e9))  # one page: no page breaks
    doc.setTextWidth(page_w - 2 * margin)
    height = max(page_h, doc.size().height() + 2 * margin)
    scale = A4_POINTS[0] * PDF_RENDER_SCALE / page_w
    height = min(height, PREVIEW_MAX_PIXELS / (page_w * scale * scale))
    image = QImage(round(page_w * scale), round(height * scale), QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    dots_per_metre = round(PDF_RENDER_SCALE * 72 / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.scale(scale, scale)
        painter.translate(margin, margin)
        doc.drawContents(painter)
    finally:
        painter.end()
    return image


def _from_pil(im) -> QImage:
    rgb = im.convert("RGB")
    data = rgb.tobytes("raw", "RGB")
    image = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: ``data`` goes away with this frame
