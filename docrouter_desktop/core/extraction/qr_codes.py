"""QR codes printed on a page: their text and where they are.

Payment codes (the EPC "GiroCode" of SEPA transfers, the Swiss QR-bill) carry the payee's
IBAN, the amount and the reference exactly, where the printed text may be misread. A code is
a plain tuple ``(text, x0, top, x1, bottom)`` in the page's own units, like a word's box, so
a page still pickles cheaply.

Decoding costs about 40 ms on a 300 dpi A4 page (10 ms at 200 dpi), so it runs only on pages
whose text shows a payment cue (``has_payment_cue``): a text PDF's page is rendered for it, a
scan's OCR image is read again once its words are known.
"""

from __future__ import annotations

from PIL import Image

# (text, x0, top, x1, bottom)
Code = tuple[str, float, float, float, float]

# A text page with a cue is rendered at this resolution to look for a code: enough for an
# EPC code of version 13 printed 2.5 cm wide (about 3 pixels a module).
RENDER_DPI = 200

# The words printed next to a payment code, looked for in the page's capitals (every other
# character deleted, one fast pass): IBAN, BIC, SWIFT, QR ("QR-Rechnung", "QR code"). The
# Swiss QR-bill's payment part prints its title, fixed by its standard in each language, and
# its account without the word IBAN: the titles are looked for as printed. An EPC code's
# "GiroCode" shows as "GC" among the capitals.
_CAPITAL_CUES = (b"IBAN", b"BIC", b"SWIFT", b"QR")
_SWISS_TITLES = ("Zahlteil", "Payment part", "Section paiement", "Sezione pagamento")
_NOT_CAPITALS = bytes(c for c in range(256) if not 65 <= c <= 90)
# The characters of payment data encodings named by an EPC code's third line.
_EPC_CHARSETS = {
    b"1": "utf-8",
    b"2": "iso-8859-1",
    b"3": "iso-8859-2",
    b"4": "iso-8859-4",
    b"5": "iso-8859-5",
    b"6": "iso-8859-7",
    b"7": "iso-8859-10",
    b"8": "iso-8859-15",
}


def has_payment_cue(text: str) -> bool:
    """Whether a page's text mentions bank details or a payment code. Cheap (about 10 us for
    a page of 2,500 characters, against 1.5 ms for its text layer): the capitals are searched,
    and a few titles."""
    capitals = text.encode("ascii", "ignore").translate(None, _NOT_CAPITALS)
    if any(cue in capitals for cue in _CAPITAL_CUES):
        return True
    if b"GC" in capitals and "GiroCode" in text:
        return True
    return any(title in text for title in _SWISS_TITLES)


def read_qr_codes(image: Image.Image, factor: float = 1.0) -> tuple[Code, ...]:
    """The QR codes on ``image`` (greyscale is best), boxes in its pixels times ``factor``,
    top to bottom. A decoder failure gives none: a code is a bonus, never a page's failure."""
    import zxingcpp

    if image.mode not in ("L", "RGB"):
        image = image.convert("L")
    try:
        found = zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode), try_invert=False
        )
    except (ValueError, RuntimeError, TypeError):
        return ()
    out = []
    for barcode in found:
        text = _text_of(barcode)
        if not text:
            continue
        p = barcode.position
        corners = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        xs = [c.x for c in corners]
        ys = [c.y for c in corners]
        out.append(
            (
                text,
                round(min(xs) * factor, 2),
                round(min(ys) * factor, 2),
                round(max(xs) * factor, 2),
                round(max(ys) * factor, 2),
            )
        )
    out.sort(key=lambda c: (c[2], c[1]))
    return tuple(out)


def _text_of(barcode) -> str:
    """A code's text; an EPC payment code's in the character set its third line names (the
    decoder guesses one when the code does not say)."""
    raw = bytes(barcode.bytes or b"")
    if raw[:3] == b"BCD":
        lines = raw.split(b"\n", 3)
        if len(lines) > 2:
            encoding = _EPC_CHARSETS.get(lines[2].strip())
            if encoding:
                try:
                    return raw.decode(encoding)
                except UnicodeDecodeError:
                    pass
    return barcode.text or ""


def turned(codes: tuple[Code, ...], turn: int, width: float, height: float) -> tuple[Code, ...]:
    """Boxes found on an image of ``width`` x ``height`` as they lie once the image is turned
    ``turn`` degrees clockwise (how OCR read a sideways page)."""
    if turn not in (90, 180, 270):
        return codes
    out = []
    for text, x0, top, x1, bottom in codes:
        if turn == 90:
            box = (height - bottom, x0, height - top, x1)
        elif turn == 180:
            box = (width - x1, height - bottom, width - x0, height - top)
        else:
            box = (top, width - x1, bottom, width - x0)
        out.append((text, *box))
    return tuple(out)


def scaled(codes: tuple[Code, ...], factor: float) -> tuple[Code, ...]:
    """Boxes times ``factor`` (pixels of an image to the page's units)."""
    return tuple(
        (t, round(a * factor, 2), round(b * factor, 2), round(c * factor, 2), round(d * factor, 2))
        for t, a, b, c, d in codes
    )
