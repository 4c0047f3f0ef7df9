"""Reading a stored document page by page: inspection, the text layer, rendering and OCR.

These are the pure functions a worker runs: plain arguments in (a file path, its content
type, page numbers, options), plain ``PageContent`` out. Every failure a user can cause
(empty, damaged, password-protected, oversized) is a ``DocumentError`` with a message for them.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageOps

from docrouter_desktop.core.errors import (
    DamagedFileError,
    DocumentError,
    EncryptedDocumentError,
    UnsupportedFileError,
)
from docrouter_desktop.core.extraction import ocr_prep, qr_codes, tesseract
from docrouter_desktop.core.extraction.pages import PageContent, Word
from docrouter_desktop.core.extraction.pdf_cache import pdf_document
from docrouter_desktop.core.extraction.pdf_text import extract_text_page, page_geometry

MAX_IMAGE_PIXELS = 100_000_000  # an image file's pixels (a 600 dpi A3 scan has 70 million)
# A PDF page is rendered for OCR with at most this many pixels (A4 at 300 dpi has 8.7 million,
# A0 would have 139 million): a larger page is rendered at a lower resolution, and one that
# would fall under MIN_RENDER_DPI (a page metres wide) is refused.
MAX_RENDER_PIXELS = 40_000_000
MIN_RENDER_DPI = 50
MAX_TEXT_BYTES = 32 << 20  # a plain-text document (a book is about 1 MB)
OCR_DPI = 300

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


@dataclass(frozen=True)
class ExtractOptions:
    ocr_languages: str = "eng"
    tesseract_path: str = ""
    dpi: int = OCR_DPI
    # Off when nothing will read where the words are (the ``text`` processor): a text layer
    # then gives its text alone, without boxing each word.
    word_boxes: bool = True


@dataclass(frozen=True)
class FileInspection:
    """What a first look at a file tells: how many pages it has."""

    pages: int


# --- inspection ----------------------------------------------------------------------------


def open_pdf(source: str | bytes) -> pdfium.PdfDocument:
    """A PDF from its path or its bytes; a damaged or protected one raises a DocumentError."""
    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        # The engine's last error can be an earlier document's: a file with no encryption
        # dictionary is not password-protected, whatever the code says.
        if code in (pdfium_err("PASSWORD"), pdfium_err("SECURITY")) and _has_encryption(source):
            raise EncryptedDocumentError(
                "The PDF is password-protected. Open it with its password, save a copy without "
                "protection (for example, print it to PDF) and add that copy."
            ) from None
        if _opens_without_pages(source):
            raise DamagedFileError(NO_PAGES) from None
        raise DamagedFileError(
            "The PDF is damaged or incomplete (it may have been cut off while downloading or "
            "copying) and cannot be read. Get a fresh copy of the file and add it again."
        ) from None


NO_PAGES = "The PDF has no pages: there is nothing to read in it."


def _opens_without_pages(source: str | bytes) -> bool:
    """Whether a PDF the engine refused is well formed but lists no pages (a second reader
    tells it apart from a damaged file)."""
    import io

    from pypdf import PdfReader  # the e-invoice reader's PDF library

    try:
        if isinstance(source, str) and os.path.getsize(source) > 1 << 20:
            return False  # a large file refused is damaged, not empty
        if isinstance(source, bytes):
            data = source
        else:
            with open(source, "rb") as f:
                data = f.read()
        return len(PdfReader(io.BytesIO(data), strict=False).pages) == 0
    except Exception:
        return False


def _has_encryption(source: str | bytes) -> bool:
    if isinstance(source, bytes):
        return b"/Encrypt" in source
    import mmap

    try:
        with open(source, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            return m.find(b"/Encrypt") >= 0
    except (OSError, ValueError):
        return True


def damaged_page(number: int) -> DamagedFileError:
    return DamagedFileError(
        f"Page {number} of the PDF is damaged (its page tree is broken) and cannot be read. "
        "Get a fresh copy of the file, or print it to a new PDF, and add it again."
    )


def _image_problem(exc: Exception, path: str | None = None) -> str:
    """What a decoder said about a damaged image, without the library's own file paths."""
    text = str(exc)
    if path:
        text = text.replace(path, "the file")
    text = re.sub(r"(/|[A-Za-z]:\\)[^\s'\"]*originals[^\s'\"]*", "the file", text)
    return text


def pdfium_err(name: str) -> int:
    import pypdfium2.raw as raw

    return getattr(raw, f"FPDF_ERR_{name}")


def open_image(path: str) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a decoder's remarks (corrupt EXIF...): not failures
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
            pixels = image.size[0] * image.size[1]
            if pixels > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError(pixels)
            return image
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise DocumentError(
                f"The image is too large to process safely (more than "
                f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels; it may be a decompression "
                "bomb). Scan or export it at a lower resolution (300 dpi is plenty)."
            ) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise DamagedFileError(
                f"The image is damaged or incomplete and cannot be read "
                f"({_image_problem(exc, path)}). Get a fresh copy of the file and add it again."
            ) from None


def inspect_document(path: str, content_type: str) -> FileInspection:
    """Check a stored file can be read and count its pages."""
    size = os.path.getsize(path)
    if size == 0:
        raise DocumentError("The file is empty (0 bytes): there is nothing to read.")
    if content_type == "application/pdf":
        with pdf_document(path, open_pdf) as pdf:
            pages = len(pdf)
            if pages:
                try:
                    pdf[0].close()  # a broken page tree fails here, not in a worker later
                except pdfium.PdfiumError:
                    raise damaged_page(1) from None
        if pages == 0:
            raise DamagedFileError(NO_PAGES)
        return FileInspection(pages)
    if content_type.startswith("image/"):
        image = open_image(path)
        try:
            frames = getattr(image, "n_frames", 1)
            image.seek(0)
            # Decode a corner of the first frame: a truncated image fails here, not later.
            image.crop((0, 0, min(8, image.width), min(8, image.height))).load()
            _load_fully(image)
        finally:
            image.close()
        return FileInspection(frames)
    if content_type == "text/plain":
        text = _read_text(path)
        return FileInspection(max(1, text.count("\f") + (0 if text.endswith("\f") else 1)))
    if content_type == "application/xml":
        from docrouter_desktop.core.processors.embedded import load_invoice_file

        load_invoice_file(path)  # refuses XML that is no UBL or CII e-invoice, and unsafe XML
        return FileInspection(1)
    raise UnsupportedFileError(f"Unsupported content type {content_type}.")


def _load_fully(image: Image.Image) -> None:
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise DamagedFileError(
            f"The image is damaged or incomplete and cannot be read "
            f"({_image_problem(exc, getattr(image, 'filename', None))}). Get a fresh copy of "
            "the file and add it again."
        ) from None


# --- extraction ----------------------------------------------------------------------------


def extract_pages(
    path: str, content_type: str, page_numbers: list[int], options: ExtractOptions
) -> list[PageContent]:
    """Extract the given 1-based pages of a stored document."""
    if content_type == "application/pdf":
        return _extract_pdf(path, page_numbers, options)
    if content_type.startswith("image/"):
        return _extract_image(path, page_numbers, options)
    if content_type == "text/plain":
        return _extract_plain_text(path, page_numbers)
    if content_type == "application/xml":
        return _extract_invoice_xml(path, page_numbers)
    raise UnsupportedFileError(f"Unsupported content type {content_type}.")


def _extract_pdf(path: str, page_numbers: list[int], options: ExtractOptions) -> list[PageContent]:
    out: list[PageContent] = []
    with pdf_document(path, open_pdf) as pdf:
        for number in page_numbers:
            try:
                page = pdf[number - 1]
            except pdfium.PdfiumError:
                raise damaged_page(number) from None
            try:
                content = extract_text_page(page, number, options.word_boxes)
                if content is None:
                    content = _ocr_pdf_page(page, number, options)
                elif options.word_boxes and qr_codes.has_payment_cue(content.text):
                    content.codes = _text_page_codes(page, content.width, content.height)
            finally:
                page.close()
            out.append(content)
    return out


def _ocr_pdf_page(page: pdfium.PdfPage, number: int, options: ExtractOptions) -> PageContent:
    program = tesseract.find_tesseract(options.tesseract_path)
    langs = tesseract.check_languages(program, options.ocr_languages)
    rotation, width, height, _t = page_geometry(page)
    image = _page_scan(page, rotation, width, height)
    if image is not None:
        points_per_pixel = width / image.width
    else:
        scale = render_scale(width, height, options.dpi, number)
        bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
        try:
            image = bitmap.to_pil()
        finally:
            bitmap.close()
        points_per_pixel = 1.0 / scale
    prepared = ocr_prep.prepare(image)
    with tempfile.TemporaryDirectory(prefix="docrouter-ocr-") as tmp:
        img_path = os.path.join(tmp, "page.pgm")
        prepared.image.save(img_path)
        ocr_words, turn = _read(program, img_path, langs, prepared.psm, prepared.image)
    if turn in (90, 270):
        width, height = height, width
    factor = points_per_pixel / prepared.scale
    content = _ocr_page_content(number, width, height, ocr_words, factor)
    content.codes = _scan_codes(content, prepared.image, turn, factor)
    return content


def _text_page_codes(
    page: pdfium.PdfPage, width: float, height: float
) -> tuple[qr_codes.Code, ...]:
    """The QR codes of a page with a text layer, from a grey rendering at RENDER_DPI (less
    for a very large page); boxes in points, as the page is displayed. The text is read
    already: a page that does not render gives no codes rather than an error."""
    try:
        scale = render_scale(width, height, qr_codes.RENDER_DPI, 0)
        bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
    except (DocumentError, pdfium.PdfiumError):
        return ()
    try:
        image = bitmap.to_pil()
    finally:
        bitmap.close()
    return qr_codes.read_qr_codes(image, 1.0 / scale)


def _scan_codes(
    content: PageContent, prepared: Image.Image, turn: int, factor: float
) -> tuple[qr_codes.Code, ...]:
    """The QR codes of an OCR'd page, read on its grey OCR image (before Tesseract's own
    thresholding) when its words show a payment cue; boxes in the page's units."""
    if not qr_codes.has_payment_cue(content.text):
        return ()
    codes = qr_codes.read_qr_codes(prepared)
    codes = qr_codes.turned(codes, turn, prepared.width, prepared.height)
    return qr_codes.scaled(codes, factor)


def render_scale(width: float, height: float, dpi: int, number: int) -> float:
    """Pixels per point to render a page of ``width`` x ``height`` points for OCR: ``dpi``, or
    less for a page too large to render at it (MAX_RENDER_PIXELS)."""
    scale = dpi / 72.0
    area = max(1.0, width * height)
    if area * scale * scale > MAX_RENDER_PIXELS:
        scale = (MAX_RENDER_PIXELS / area) ** 0.5
        if scale * 72.0 < MIN_RENDER_DPI:
            raise DocumentError(
                f"Page {number} is {width / 72 * 2.54:.0f} x {height / 72 * 2.54:.0f} cm, too "
                f"large to render for text recognition (the limit is "
                f"{MAX_RENDER_PIXELS // 1_000_000} million pixels at {MIN_RENDER_DPI} dpi or "
                "more). Export the page at a normal paper size and add it again."
            )
    return scale


# An image-only page whose one picture covers at least this share of each side is a scan.
SCAN_COVER = 0.95


def _page_scan(
    page: pdfium.PdfPage, rotation: int, width: float, height: float
) -> Image.Image | None:
    """The scanned picture of an image-only page at its own resolution, or None.

    OCR reads the scanner's pixels rather than a re-rendering of them: resampling a 200 dpi
    scan to the rendering resolution blurs the strokes Tesseract relies on. Only an upright
    page holding a single unrotated, unflipped image that covers it qualifies."""
    if rotation:
        return None
    images = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    if len(images) != 1:
        return None
    obj = images[0]
    try:
        left, bottom, right, top = obj.get_bounds()
        a, b, c, d, _e, _f = obj.get_matrix().get()
        px_w, px_h = obj.get_px_size()
    except pdfium.PdfiumError:
        return None
    if b or c or a <= 0 or d <= 0 or px_w * px_h > MAX_IMAGE_PIXELS:
        return None
    if (right - left) < SCAN_COVER * width or (top - bottom) < SCAN_COVER * height:
        return None
    try:
        # A copy: the bitmap's buffer belongs to pdfium and goes with the page.
        image = obj.get_bitmap(render=False).to_pil().copy()
    except (pdfium.PdfiumError, ValueError, OSError):
        return None
    if image.size != (px_w, px_h):
        return None
    return image


def _extract_image(
    path: str, page_numbers: list[int], options: ExtractOptions
) -> list[PageContent]:
    program = tesseract.find_tesseract(options.tesseract_path)
    langs = tesseract.check_languages(program, options.ocr_languages)
    image = open_image(path)
    out: list[PageContent] = []
    try:
        frames = getattr(image, "n_frames", 1)
        with tempfile.TemporaryDirectory(prefix="docrouter-ocr-") as tmp:
            for number in page_numbers:
                if number > frames:
                    raise DocumentError(f"Page {number} does not exist (the image has {frames}).")
                image.seek(number - 1)
                _load_fully(image)
                oriented = ImageOps.exif_transpose(image) if _has_rotation(image) else image
                prepared = ocr_prep.prepare(oriented)
                src = os.path.join(tmp, f"page{number}.pgm")
                prepared.image.save(src)
                words, turn = _read(program, src, langs, prepared.psm, prepared.image)
                width, height = oriented.width, oriented.height
                if turn in (90, 270):
                    width, height = height, width  # the page as it was read, upright
                factor = 1.0 / prepared.scale
                content = _ocr_page_content(number, width, height, words, factor)
                content.codes = _scan_codes(content, prepared.image, turn, factor)
                out.append(content)
    finally:
        image.close()
    return out


def _read(
    program: str, image_path: str, langs: str, psm: int, image: Image.Image
) -> tuple[list[tesseract.OcrWord], int]:
    """OCR one prepared page: its words and the clockwise turn (degrees) they were read at.

    A page read with low confidence is checked for orientation (Tesseract OSD) and read again
    upright; a receipt whose reading misses its date or total is read once more in another
    layout mode, and the reading with more of them is kept."""
    words = tesseract.run_tsv(program, image_path, langs, psm=psm)
    turn = 0
    if _mean_conf(words) < LOW_CONFIDENCE:
        turn = tesseract.detect_rotation(program, image_path)
        if turn:
            image.rotate(-turn, expand=True).save(image_path)
            upright = tesseract.run_tsv(program, image_path, langs, psm=psm)
            if _mean_conf(upright) > _mean_conf(words):
                words = upright
            else:
                image.save(image_path)
                turn = 0
    text = _text_of(words)
    if ocr_prep.wants_second_reading(psm, text):
        words = _rescue(program, image_path, langs, psm, words)
    width = image.height if turn in (90, 270) else image.width
    if psm == ocr_prep.PSM_BLOCK or ocr_prep.narrow_column(words, width):
        _reread_header(program, image_path, langs, words)
    return words, turn


def _rescue(program: str, image_path: str, langs: str, psm: int, words):
    """The best of other readings of a receipt whose first reading misses its date or total:
    another layout mode, then the page with its dark scan edges whitened and its shading
    flattened, each only while no reading has both. The image of the reading kept is left
    at ``image_path`` for the header's second look."""
    best = words
    best_score = ocr_prep.evidence(_text_of(words), [w.conf for w in words])
    best_image = None
    other = tesseract.run_tsv(program, image_path, langs, psm=ocr_prep.SECOND_PSM)
    score = ocr_prep.evidence(_text_of(other), [w.conf for w in other])
    if score > best_score:
        best, best_score = other, score
    if best_score[0] >= 2:
        return best
    with Image.open(image_path) as page:
        page.load()
        versions = ocr_prep.rescue_images(page.convert("L"))
    original = image_path + ".first.pgm"
    os.replace(image_path, original)
    for version in versions:
        version.save(image_path)
        again = tesseract.run_tsv(program, image_path, langs, psm=psm)
        score = ocr_prep.evidence(_text_of(again), [w.conf for w in again])
        if score > best_score:
            best, best_score, best_image = again, score, version
        if best_score[0] >= 2:
            break
    if best_image is None:
        os.replace(original, image_path)
    else:
        best_image.save(image_path)
        os.remove(original)
    return best


def _reread_header(program: str, image_path: str, langs: str, words) -> None:
    """Read a receipt's header band again where the first reading is unsure of it, and keep
    the clearer reading of each unsure word (``ocr_prep.header_band``)."""
    band = ocr_prep.header_band(words)
    if band is None:
        return
    bottom, scale = band
    with Image.open(image_path) as page:
        part = page.crop((0, 0, page.width, min(bottom, page.height)))
        part = part.resize(
            (max(1, round(part.width * scale)), max(1, round(part.height * scale))),
            Image.Resampling.LANCZOS,
        )
    band_path = image_path + ".header.pgm"
    part.save(band_path)
    again = tesseract.run_tsv(program, band_path, langs, psm=ocr_prep.PSM_BLOCK)
    os.remove(band_path)
    for w in again:
        w.left, w.top = round(w.left / scale), round(w.top / scale)
        w.width, w.height = max(1, round(w.width / scale)), max(1, round(w.height / scale))
    ocr_prep.merge_readings(words, again)


# Below this mean word confidence a page may be sideways or upside down: worth an OSD check.
LOW_CONFIDENCE = 0.5


def _mean_conf(words: list[tesseract.OcrWord]) -> float:
    return sum(w.conf for w in words) / len(words) if len(words) >= 3 else 0.0


def _text_of(words: list[tesseract.OcrWord]) -> str:
    lines: dict[int, list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(t) for t in lines.values())


def _has_rotation(image: Image.Image) -> bool:
    try:
        return image.getexif().get(0x0112, 1) not in (0, 1)
    except Exception:
        return False


def _ocr_page_content(
    number: int, width: float, height: float, ocr_words: list[tesseract.OcrWord], factor: float
) -> PageContent:
    words: list[Word] = []
    for w in ocr_words:
        words.append(
            Word(
                w.text,
                round(w.left * factor, 2),
                round(w.top * factor, 2),
                round((w.left + w.width) * factor, 2),
                round((w.top + w.height) * factor, 2),
                round(w.conf, 3),
                w.line,
            )
        )
    text = _text_from_words(words)
    conf = sum(w.confidence for w in words) / len(words) if words else None
    return PageContent(number, float(width), float(height), "ocr", words, text, conf)


def _text_from_words(words: list[Word]) -> str:
    lines: list[str] = []
    current = None
    buf: list[str] = []
    for w in words:
        if w.line != current and buf:
            lines.append(" ".join(buf))
            buf = []
        current = w.line
        buf.append(w.text)
    if buf:
        lines.append(" ".join(buf))
    return "\n".join(lines)


def _read_text(path: str) -> str:
    size = os.path.getsize(path)
    if size > MAX_TEXT_BYTES:
        raise DocumentError(
            f"The text file is {size / (1 << 20):.0f} MB; text documents of up to "
            f"{MAX_TEXT_BYTES >> 20} MB are read (a long book is about 1 MB). Split it into "
            "smaller files and add those."
        )
    with open(path, "rb") as fh:
        raw = fh.read()
    for encoding in (
        ("utf-8-sig", "utf-16") if raw[:2] not in (b"\xff\xfe", b"\xfe\xff") else ("utf-16",)
    ):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


CHAR_W, LINE_H = 6.0, 12.0  # a monospace grid, in points, for plain-text "pages"


def _extract_plain_text(path: str, page_numbers: list[int]) -> list[PageContent]:
    pages = _read_text(path).replace("\r\n", "\n").split("\f")
    return [
        _text_page(number, pages[number - 1] if number - 1 < len(pages) else "")
        for number in page_numbers
    ]


def _extract_invoice_xml(path: str, page_numbers: list[int]) -> list[PageContent]:
    """An e-invoice XML file's one page: the invoice written out as text (seller, buyer,
    number, dates, lines, totals, payment), its words on the plain-text grid."""
    from docrouter_desktop.core.einvoice_view import text_of
    from docrouter_desktop.core.processors.embedded import load_invoice_file

    text = text_of(load_invoice_file(path))
    return [_text_page(number, text if number == 1 else "") for number in page_numbers]


def _text_page(number: int, text: str) -> PageContent:
    """A page of text, its words laid out on a monospace grid (CHAR_W by LINE_H points)."""
    words: list[Word] = []
    lines = text.split("\n")
    for li, line in enumerate(lines):
        col = 0
        for token in line.split(" "):
            if token:
                x0 = col * CHAR_W
                words.append(
                    Word(
                        token,
                        x0,
                        li * LINE_H,
                        x0 + len(token) * CHAR_W,
                        (li + 1) * LINE_H,
                        1.0,
                        li,
                    )
                )
            col += len(token) + 1
    width = max((len(line) for line in lines), default=0) * CHAR_W + 2 * CHAR_W
    return PageContent(
        number, max(width, 595.0), max(len(lines) * LINE_H, 842.0), "text", words, text
    )
