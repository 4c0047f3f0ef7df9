"""Words and their boxes from a PDF's text layer, through pypdfium2.

pdfplumber's word extraction costs about 54x ``pdftotext`` per page and does not speed up
with threads (measured by bench/throughput.py); pypdfium2 gives the page text at the floor and character
boxes through PDFium. Words are the runs of non-space characters of PDFium's text, boxed by
their first and last characters, so a page costs two box look-ups per word, not one per
character.
"""

from __future__ import annotations

import ctypes
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from docrouter_desktop.core.extraction.pages import PageContent, Word

_WORD = re.compile(r"[^\s\x00-\x1f\ufffe\uffff]+")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
MIN_USABLE_CHARS = 12


def page_geometry(page: pdfium.PdfPage):
    """(rotation, width, height, transform) where transform maps PDF user space to the page
    as displayed (top-left origin, y down), honouring /Rotate and the crop box."""
    rotation = page.get_rotation() % 360
    left, bottom, right, top = page.get_bbox()  # the crop box, inherited values resolved
    w, h = right - left, top - bottom

    if rotation == 90:
        return rotation, h, w, lambda x, y: (y - bottom, x - left)
    if rotation == 180:
        return rotation, w, h, lambda x, y: (right - x, y - bottom)
    if rotation == 270:
        return rotation, h, w, lambda x, y: (top - y, right - x)
    return rotation, w, h, lambda x, y: (x - left, top - y)


def text_is_usable(text: str) -> bool:
    """A text layer is usable when it has enough letters or digits that are not garbage."""
    visible = [c for c in text if not c.isspace()]
    if len(visible) < MIN_USABLE_CHARS:
        return False
    good = sum(1 for c in visible if c.isalnum() or c in ".,:;-/()%€$£#@&'\"+*")
    return good / len(visible) > 0.75


def extract_text_page(page: pdfium.PdfPage, number: int) -> PageContent:
    """Words of one page from its text layer (the page may turn out to have none usable)."""
    rotation, width, height, transform = page_geometry(page)
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        words: list[Word] = []
        if text_is_usable(text):
            words = _boxed_words(textpage, text, transform)
    finally:
        textpage.close()
    clean = _LINE_BREAK.sub("\n", text).replace("\x00", "")
    return PageContent(number, width, height, "text", words, clean)


def _boxed_words(textpage, text: str, transform) -> list[Word]:
    get_box = pdfium_c.FPDFText_GetCharBox
    handle = textpage.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    refs = tuple(ctypes.byref(v) for v in (left, right, bottom, top))
    words: list[Word] = []
    append = words.append
    line = 0
    pos = 0
    for match in _WORD.finditer(text):
        start, end = match.span()
        if "\n" in text[pos:start] or "\r" in text[pos:start]:
            line += 1
        pos = end
        get_box(handle, start, *refs)
        x_a, y_a = left.value, top.value
        y_b = bottom.value
        if end - 1 != start:
            get_box(handle, end - 1, *refs)
        x_b = right.value
        top_y = max(y_a, top.value)
        bot_y = min(y_b, bottom.value)
        (x0, t0) = transform(x_a, top_y)
        (x1, t1) = transform(x_b, bot_y)
        append(
            (
                match.group(),
                round(min(x0, x1), 2),
                round(min(t0, t1), 2),
                round(max(x0, x1), 2),
                round(max(t0, t1), 2),
                1.0,
                line,
            )
        )
    return words
