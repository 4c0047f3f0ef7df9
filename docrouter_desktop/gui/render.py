"""Page images for the review pane: PDF pages through pypdfium2, image files through Qt.

Runs in a pool thread and returns a QImage (safe to build off the GUI thread, unlike QPixmap).
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


def _from_pil(im) -> QImage:
    rgb = im.convert("RGB")
    data = rgb.tobytes("raw", "RGB")
    image = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: ``data`` goes away with this frame
