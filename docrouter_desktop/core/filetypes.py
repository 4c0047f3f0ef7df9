"""File types from content: the magic bytes decide, never the name.

Hand-written rather than a sniffing library: the supported set is small (PDF, PNG, JPEG, TIFF,
BMP, WEBP, e-invoice XML, plain text) and the checks are a few byte comparisons, while the names
of *other* common types are only needed to say what an unsupported file looks like.

An XML document is told by its start: an XML declaration, or a root element with a namespace
declaration (after any comments). Whether it is an e-invoice (UBL or CII) is decided when it is
read, which refuses any other XML with a message naming its root element.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

SUPPORTED = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/tiff": "TIFF image",
    "image/bmp": "BMP image",
    "image/webp": "WEBP image",
    "application/xml": "e-invoice XML",
    "text/plain": "plain text",
}

# Types we recognise only to name them in an error.
_OTHER_MAGIC = [
    (b"PK\x03\x04", "application/zip", "ZIP archive or Office document (DOCX, XLSX, ...)"),
    (b"\xd0\xcf\x11\xe0", "application/x-ole-storage", "old Microsoft Office document"),
    (b"GIF87a", "image/gif", "GIF image"),
    (b"GIF89a", "image/gif", "GIF image"),
    (b"{\\rtf", "application/rtf", "RTF document"),
    (b"\x1f\x8b", "application/gzip", "gzip archive"),
    (b"Rar!", "application/vnd.rar", "RAR archive"),
    (b"7z\xbc\xaf", "application/x-7z-compressed", "7-Zip archive"),
    (b"%!PS", "application/postscript", "PostScript file"),
    (b"\x00\x00\x00\x0cjP  ", "image/jp2", "JPEG 2000 image"),
]

EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".bmp": "image/bmp",
    ".webp": "image/webp",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".text": "text/plain",
}


def describe(content_type: str) -> str:
    if content_type == "application/xml":
        return "XML file"  # any XML: whether it is an e-invoice is known once it is read
    if content_type in SUPPORTED:
        return SUPPORTED[content_type]
    for _magic, ctype, name in _OTHER_MAGIC:
        if ctype == content_type:
            return name
    if content_type.startswith("image/x-portable"):
        return "PGM/PPM/PBM image"
    return "unknown binary data" if content_type == "application/octet-stream" else content_type


def sniff(head: bytes) -> str:
    """The content type of a file from its first bytes (``application/octet-stream`` if unknown)."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image/tiff"
    if head.startswith(b"BM") and len(head) >= 26:
        return "image/bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, ctype, _name in _OTHER_MAGIC:
        if head.startswith(magic):
            return ctype
    if head[:2] in (b"P1", b"P2", b"P3", b"P4", b"P5", b"P6") and head[2:3].isspace():
        return "image/x-portable-anymap"
    if _looks_like_xml(head):
        return "application/xml"
    if head and _looks_like_text(head):
        return "text/plain"
    return "application/octet-stream"


# What may stand before an XML document's root element: comments, processing instructions and
# a document type declaration (whose internal subset, in brackets, is skipped whole).
_PROLOG = re.compile(r"(?:\s+|<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.S)
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)(?=[\s/>])([^>]*)")


def _looks_like_xml(head: bytes) -> bool:
    """Whether the first bytes start an XML document: an XML declaration, or a root element
    with a namespace declaration, after a byte-order mark and blanks. An (X)HTML page is not
    one: it was, and stays, read as text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[:4096].decode("utf-16", "ignore")
    else:
        text = head[:4096].decode("utf-8", "ignore")
    text = text.lstrip("\ufeff \t\r\n")
    declared = re.match(r"<\?xml[\s?]", text) is not None
    if not declared and not text.startswith("<"):
        return False
    prolog = _PROLOG.match(text)
    root = _ROOT.match(text, prolog.end() if prolog else 0)
    if root is None:
        # Only a long prolog fits in the first bytes: a declaration says it is XML.
        return declared and not re.search(r"<!DOCTYPE\s+html", text, re.I)
    if root.group(1).rpartition(":")[2].lower() == "html":
        return False
    return declared or "xmlns" in root.group(2)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        # UTF-16 text has NULs; accept it only with a byte-order mark.
        return head.startswith((b"\xff\xfe", b"\xfe\xff"))
    sample = head[:4096]
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a multi-byte character cut at the end of the sample
            return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / max(len(sample), 1) < 0.01


# Contents whose first bytes say for sure what they are: read as that, whatever the name says.
# Not text, nor XML: both are text a damaged or misnamed file can hold (a web page or a data
# export saved as ``invoice.pdf``), so under another type's name they are refused as misnamed.
SIGNED = frozenset(SUPPORTED) - {"text/plain", "application/xml"}


def mismatch_error(name: str, content_type: str) -> str | None:
    """A message when the file's name claims a type its content is not, else None.

    A supported type known by its magic bytes (a PDF named ``scan.PNG``) is read as what it
    is: only content that is no readable document under a document's name (a web page saved as
    ``invoice.pdf``, text or bytes that merely look like text) is refused as damaged or
    misnamed."""
    expected = EXTENSIONS.get(PurePath(name).suffix.lower())
    if expected is None or expected == content_type:
        return None
    if expected == "text/plain":
        return None  # a .txt can hold anything text-like; sniffing decides
    if content_type in SIGNED:
        return None  # misnamed, but the content says what it is
    return (
        f"The file is named '{PurePath(name).name}', which says {SUPPORTED[expected]}, "
        f"but its content is {_article(describe(content_type))}. "
        "It may be damaged or misnamed: open it in the program that made it and save it again."
    )


def unsupported_error(content_type: str) -> str | None:
    if content_type in SUPPORTED:
        return None
    return (
        f"Unsupported file type: the content is {_article(describe(content_type))}. "
        "DocRouter Desktop reads PDF, PNG, JPEG, TIFF, BMP, WEBP, plain text and e-invoice XML "
        "(UBL or CII) files; convert the file to PDF and add it again."
    )


def _article(noun: str) -> str:
    if noun.startswith(("unknown", "old")):
        return noun if noun.startswith("unknown") else "an " + noun
    vowel = noun[:1].upper() in "AEIOU" or noun.startswith("XML")  # "an XML file"
    return ("an " if vowel else "a ") + noun


def looks_complete(path: str) -> bool:
    """Whether a file that is still being copied in seems to have all its bytes: a PDF ends
    with ``%%EOF``, a PNG with its IEND chunk, a JPEG with its end marker (a little trailing
    junk allowed). Other types, and a file that cannot be read, count as complete."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - TAIL_BYTES))
            tail = f.read(TAIL_BYTES)
    except OSError:
        return True
    kind = sniff(head)
    if kind == "application/pdf":
        return b"%%EOF" in tail
    if kind == "image/png":
        return b"IEND" in tail[-64:]
    if kind == "image/jpeg":
        return b"\xff\xd9" in tail[-64:]
    return True


TAIL_BYTES = 2048
