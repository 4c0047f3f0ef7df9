"""Words and their boxes from a PDF's text layer, through pypdfium2.

pdfplumber's word extraction costs about 54x ``pdftotext`` per page and does not speed up
with threads (measured by bench/throughput.py); pypdfium2 gives the page text at the floor and
character boxes through PDFium. Words are the runs of non-space characters of PDFium's text,
boxed by their first and last characters, so a page costs two box look-ups per word, not one
per character; the rest is done on whole arrays, and the words are written straight into
``PackedWords``.
"""

from __future__ import annotations

import ctypes
import re
from array import array
from itertools import accumulate, repeat
from operator import contains, or_, sub

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from docrouter_desktop.core.extraction.pages import SEPARATOR, PackedWords, PageContent

_WORD = re.compile(r"[^\s\x00-\x1f\ufffe\uffff]+")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
# Visible characters that are not letters, digits or usual punctuation (str.isalnum and \w
# agree except for "_", counted apart).
_ODD = re.compile(r"[^\s\w.,:;\-/()%€$£#@&'\"+*]")
_SPACE = re.compile(r"\s+")
MIN_USABLE_CHARS = 12


def _char_box_function():
    """PDFium's FPDFText_GetCharBox called with ready-made ctypes arguments: without argument
    types, ctypes converts nothing, which makes each call about a third cheaper than through
    pypdfium2's typed binding (bench/throughput.py). Falls back to a typed prototype."""
    try:
        from pypdfium2_raw.bindings import _libs

        function = _libs["pdfium"]["FPDFText_GetCharBox"]  # a fresh, untyped function object
        if function.argtypes is None:
            function.restype = ctypes.c_int
            return function
    except (ImportError, KeyError, AttributeError, TypeError):
        pass
    return _typed_char_box()


def _typed_char_box():
    """The same function through a prototype taking plain addresses."""
    address = ctypes.cast(pdfium_c.FPDFText_GetCharBox, ctypes.c_void_p).value
    assert address is not None
    pointer = ctypes.c_void_p
    prototype = ctypes.CFUNCTYPE(ctypes.c_int, pointer, ctypes.c_int, *[pointer] * 4)
    return prototype(address)


_CHAR_BOX = _char_box_function()


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


# For an ASCII text, the same counts by deleting characters (str.translate) rather than by
# matching them one by one: the spaces, and every character but the odd ones.
_ASCII_SPACES = {c: None for c in range(128) if chr(c).isspace()}
_ASCII_NOT_ODD = {c: None for c in range(128) if not _ODD.fullmatch(chr(c))}


def text_is_usable(text: str) -> bool:
    """A text layer is usable when it has enough letters or digits that are not garbage."""
    if text.isascii():
        visible = len(text.translate(_ASCII_SPACES))
        odd = len(text.translate(_ASCII_NOT_ODD)) if visible >= MIN_USABLE_CHARS else 0
    else:
        visible = len(text) - sum(map(len, _SPACE.findall(text)))
        odd = len(_ODD.findall(text))
    if visible < MIN_USABLE_CHARS:
        return False
    odd += text.count("_")
    return (visible - odd) / visible > 0.75


def extract_text_page(page: pdfium.PdfPage, number: int, boxes: bool = True) -> PageContent | None:
    """One page from its text layer, or None when it has no usable one (it needs OCR).

    With ``boxes`` off the page keeps its text and no words: for a processor that reads no
    positions (``text``), which saves most of the cost of a page."""
    rotation, width, height, transform = page_geometry(page)
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        if not text_is_usable(text):
            return None
        words = PackedWords()
        if boxes:
            bbox = page.get_bbox() if rotation == 0 else None
            words = _boxed_words(textpage, text, transform, bbox)
    finally:
        textpage.close()
    clean = _LINE_BREAK.sub("\n", text).replace("\x00", "")
    return PageContent(number, width, height, "text", words, clean)


def _boxed_words(textpage, text: str, transform, bbox=None) -> PackedWords:
    """The page's words, each boxed by its first and last characters. Only the two box
    look-ups per word run in a Python loop; the rest works on whole arrays."""
    # The text split into its runs of spaces and its words, alternately: the words' offsets
    # and their lines follow from the lengths and line breaks of the runs, on whole lists.
    parts = _WORD_SPLIT.split(text)
    texts = parts[1::2]
    n = len(texts)
    if not n:
        return PackedWords()
    offsets = list(accumulate(map(len, parts), initial=0))
    starts = offsets[1:-1:2]
    ends = offsets[2::2]
    handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
    box = (ctypes.c_double * 8)()  # left, right, bottom, top of the first and last characters
    at = ctypes.addressof(box)
    f0, f1, f2, f3 = (ctypes.c_void_p(at + 8 * i) for i in range(4))
    l0, l1, l2, l3 = (ctypes.c_void_p(at + 8 * i) for i in range(4, 8))
    get_box = _CHAR_BOX
    raw = array("d")
    keep, view = raw.frombytes, memoryview(box).cast("B")
    for start, end in zip(starts, ends, strict=True):
        get_box(handle, start, f0, f1, f2, f3)
        get_box(handle, end - 1, l0, l1, l2, l3)
        keep(view)
    lines = _line_numbers(parts[0::2])
    left_a, right_b = raw[0::8], raw[5::8]
    pdf_top = list(map(max, raw[3::8], raw[7::8]))
    pdf_bottom = list(map(min, raw[2::8], raw[6::8]))
    boxes = array("d", bytes(8 * 5 * n))
    if bbox is not None:  # upright page: display x = x - left, display y = top - y
        left, _bottom, _right, top = bbox
        boxes[0::5] = array("d", map(sub, map(min, left_a, right_b), repeat(left, n)))
        boxes[1::5] = array("d", map(sub, repeat(top, n), pdf_top))
        boxes[2::5] = array("d", map(sub, map(max, left_a, right_b), repeat(left, n)))
        boxes[3::5] = array("d", map(sub, repeat(top, n), pdf_bottom))
    else:
        for i, (xa, xb, ya, yb) in enumerate(
            zip(left_a, right_b, pdf_top, pdf_bottom, strict=True)
        ):
            x0, y0 = transform(xa, ya)
            x1, y1 = transform(xb, yb)
            boxes[5 * i : 5 * i + 4] = array(
                "d", (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            )
    boxes[4::5] = array("d", repeat(1.0, n))
    return PackedWords(SEPARATOR.join(texts), boxes, lines)


def _line_numbers(spaces: list[str]) -> array:
    """Each word's line from the runs of spaces before each word: the text lines that hold
    words numbered in order, from 1 when a line break comes before the first word (else 0).
    A word starts a new line when the run before it holds a line break."""
    runs = spaces[:-1]  # the last run follows the last word
    breaks = map(or_, map(contains, runs, repeat("\n")), map(contains, runs, repeat("\r")))
    first = next(breaks)
    return array("i", accumulate(breaks, initial=int(first)))
