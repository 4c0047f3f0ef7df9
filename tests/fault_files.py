"""Files made to break a document reader: memory and time bombs, odd PDFs and images.

Each maker writes one small file (a few KB to a few MB) that is costly to read: a stream that
inflates to a GiB, a page the size of a city, millions of vector paths, a huge image. Used by
the fault tests and by ``bench/faults.py``.
"""

from __future__ import annotations

import zlib
from pathlib import Path


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from its numbered objects (1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), dictionary) + data + b"\nendstream"


def _one_page(content: bytes, media_box: bytes = b"[0 0 612 792]", filtered: bool = True):
    stream = _stream(content, b"/Filter /FlateDecode") if filtered else _stream(content)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>" % media_box,
            stream,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def inflate_bomb_pdf(path: Path, mib: int = 1024) -> Path:
    """A PDF of about 1 MB whose page content inflates to ``mib`` MiB of spaces."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [packer.compress(b"BT /F1 12 Tf 72 720 Td (Bomb) Tj ET\n")]
    parts += [packer.compress(chunk) for _ in range(mib)]
    parts.append(packer.flush())
    path.write_bytes(_one_page(b"".join(parts)))
    return path


def huge_media_box_pdf(path: Path, points: int = 200_000) -> Path:
    """A tiny PDF whose one page, with no text, is ``points`` points square (70 m at 72 dpi)."""
    box = b"[0 0 %d %d]" % (points, points)
    path.write_bytes(_one_page(zlib.compress(b"0 0 m 100 100 l S\n"), box))
    return path


def vector_paths_pdf(path: Path, paths: int = 3_000_000) -> Path:
    """A page with ``paths`` tiny filled rectangles and no text (a compressed few MB)."""
    packer = zlib.compressobj(6)
    parts = []
    row = b"".join(b"%d %d 1 1 re f\n" % (x, y) for y in range(0, 792, 8) for x in range(0, 612, 8))
    per_row = row.count(b"re f")
    for _ in range(max(1, paths // per_row)):
        parts.append(packer.compress(row))
    parts.append(packer.flush())
    path.write_bytes(_one_page(b"".join(parts)))
    return path


def zero_page_pdf(path: Path) -> Path:
    path.write_bytes(
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [] /Count 0 >>",
            ]
        )
    )
    return path


def page_tree_cycle_pdf(path: Path) -> Path:
    """A page tree whose node lists itself among its kids."""
    path.write_bytes(
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
            ]
        )
    )
    return path


def big_text(path: Path, megabytes: int = 200) -> Path:
    line = b"Invoice line 0001 widget blue 12.50 EUR " * 2 + b"\n"
    with open(path, "wb") as f:
        block = line * ((1 << 20) // len(line))
        for _ in range(megabytes):
            f.write(block)
    return path


def huge_png(path: Path, megapixels: int = 144) -> Path:
    from PIL import Image

    side = int((megapixels * 1_000_000) ** 0.5)
    Image.new("L", (side, side), 255).save(path, optimize=False, compress_level=1)
    return path


def grey16_png(path: Path, lines: list[str]) -> Path:
    """Text in a 16-bit greyscale PNG (mode I;16), as some scanners save it."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1000, 60 + 50 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=32)
    for i, line in enumerate(lines):
        draw.text((30, 30 + 50 * i), line, fill=0, font=font)
    image.convert("I").point(lambda v: v * 257).convert("I;16").save(path)
    return path
