"""The PDF a worker read last, kept open for the next chunk of the same document.

A long document's pages reach the workers in chunks, one after another. Opening the file again
for each chunk parses it again and loads its fonts again on the chunk's first page: about 1 ms a
chunk on a text PDF, 10-15% of the text layer's time. A worker process therefore keeps the last
PDF it read, loaded from memory so that no file handle stays on the library's copy (which may
be deleted meanwhile), and only when the file is small enough to hold. Each worker runs one task
at a time, so the one cached document is never used by two threads at once.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium

MAX_CACHED_BYTES = 64 << 20

_lock = threading.Lock()
_key: tuple | None = None
_pdf: pdfium.PdfDocument | None = None


@contextmanager
def pdf_document(
    path: str, opener: Callable[[str | bytes], pdfium.PdfDocument]
) -> Iterator[pdfium.PdfDocument]:
    """The PDF at ``path``, opened by ``opener`` (given the path or the file's bytes): the
    document cached by the previous call when it is the same unchanged file. A call from
    another thread while one is in progress opens its own copy and closes it after."""
    global _key, _pdf
    if not _lock.acquire(blocking=False):
        with _own_copy(path, opener) as pdf:
            yield pdf
        return
    try:
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key != _key:
            forget()
            if stat.st_size > MAX_CACHED_BYTES:
                with _own_copy(path, opener) as pdf:
                    yield pdf
                return
            with open(path, "rb") as f:
                data = f.read()
            _pdf = opener(data)
            _key = key
        yield _pdf
    finally:
        _lock.release()


@contextmanager
def _own_copy(path: str, opener) -> Iterator[pdfium.PdfDocument]:
    """The PDF opened from its path for this call alone, closed after."""
    pdf = opener(path)
    try:
        yield pdf
    finally:
        pdf.close()


def forget() -> None:
    """Close the cached document (call with the lock held, or in a single-threaded process)."""
    global _key, _pdf
    if _pdf is not None:
        pdf, _pdf, _key = _pdf, None, None
        pdf.close()


atexit.register(forget)
