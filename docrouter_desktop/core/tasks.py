"""The units of background work: pure functions of plain arguments that return plain results.

They run in worker processes (or inline in tests). Expected failures come back as a
``TaskError`` value with a message for the user, never as an exception that could break the
pool; unexpected ones are caught the same way with the technical detail attached.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import threading
import time
import traceback
from dataclasses import dataclass

from docrouter_desktop.core import worker_limits
from docrouter_desktop.core.errors import DocumentError
from docrouter_desktop.core.extraction.extract import (
    ExtractOptions,
    extract_pages,
    inspect_document,
    open_image,
)
from docrouter_desktop.core.extraction.pages import PageContent
from docrouter_desktop.core.processors.base import ProcessorOptions
from docrouter_desktop.core.processors.page_analysis import analyse_pages
from docrouter_desktop.core.processors.run import run_processor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskError:
    message: str
    detail: str | None = None


WORKER_NICE = 5
SAMPLE_PDF = "invoice-northwind.pdf"  # a one-page text PDF shipped with the app


def worker_init(nice: int = WORKER_NICE, limits: worker_limits.WorkerLimits | None = None) -> None:
    """Run in each worker process: one OpenMP thread for Tesseract, a lower CPU priority so
    the window and the API server stay responsive, an exit when the pool's owner dies, and
    the per-document memory and time limits."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    worker_limits.install(limits)
    tune_collector()
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:
            pass
    owner = multiprocessing.parent_process()
    if owner is not None:
        threading.Thread(
            target=_exit_with, args=(owner,), name="docrouter-owner-watch", daemon=True
        ).start()


# Allocations between two collections of the youngest objects (Python's default is 700).
YOUNG_COLLECTION_EVERY = 50_000


def tune_collector() -> None:
    """Set the cycle collector for a worker's kind of work. Reading a page makes many small
    containers (words, rows) that live until the task returns and are freed by reference
    counting; collecting them every 700 allocations, and walking the modules loaded at
    start-up in each full collection, cost several percent of a text page's time
    (bench/throughput.py). The start-up objects are frozen out of collections and the young
    ones collected less often. Once per process: a later call returns at once."""
    if gc.get_threshold()[0] == YOUNG_COLLECTION_EVERY:
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, 20, 20)


def _exit_with(owner) -> None:
    """A pool worker waits for work on a queue it holds both ends of, so it would outlive an
    owner killed outright (and keep the forkserver alive): leave when the owner is gone."""
    owner.join()
    os._exit(1)


def warm_task(tesseract_path: str, languages: str) -> int:
    """Start-up work a worker would otherwise do on its first document: find Tesseract and
    list its languages (cached for the process), and read the bundled sample invoice's text
    layer, which loads the PDF engine's standard fonts and compiles the patterns the page
    analysis uses (10 ms or more on a worker's first pages). Returns the worker's pid."""
    from importlib import resources

    from docrouter_desktop.core.extraction import tesseract

    try:
        tesseract.check_languages(tesseract.find_tesseract(tesseract_path), languages)
    except Exception:  # no Tesseract, or a missing language: the documents will say so
        pass
    sample = resources.files("docrouter_desktop") / "resources" / "samples" / SAMPLE_PDF
    if sample.is_file():
        extract_task(str(sample), "application/pdf", [1], ExtractOptions())
    time.sleep(0.02)  # hold this worker so the next warm-up task starts another one
    return os.getpid()


MISSING_ORIGINAL = (
    "The library's copy of this file is missing (it was deleted from the library folder). "
    "Add the file again, or restore the library from a backup."
)


def tracked(job_id: int, fn, *args):
    """Run a task for ``job_id`` under the worker's limits (the runner submits every
    document's task through this, so a worker that dies is known to have held that job)."""
    worker_limits.begin(job_id)
    worker_limits.arm(SMALL_TASK_PAGES)
    try:
        return fn(*args)
    finally:
        worker_limits.end()


SMALL_TASK_PAGES = 1  # the time a task has before it knows how many pages it reads


def _guard(fn, *args, stored: str | None = None):
    """Run ``fn``; any failure becomes a TaskError. ``stored`` is the document's stored copy,
    so that its absence is told apart from a missing part of the installation."""
    try:
        if stored is not None and not os.path.exists(stored):
            return TaskError(MISSING_ORIGINAL)
        return fn(*args)
    except DocumentError as exc:
        return TaskError(str(exc))
    except MemoryError:
        limits = worker_limits.current()
        if limits is not None:
            return TaskError(worker_limits.limit_message("memory", limits))
        return TaskError("The document needs more memory than this computer has free.")
    except FileNotFoundError as exc:
        if exc.filename and (exc.filename in args or exc.filename == stored):
            return TaskError(MISSING_ORIGINAL)
        return TaskError(
            f"A file the app needs is missing ({exc.filename}): the installation may be "
            "incomplete. Reinstall DocRouter Desktop.",
            traceback.format_exc(),
        )
    except Exception as exc:  # a bug or an unexpected file: report it on the document
        detail = traceback.format_exc()
        return TaskError(
            f"Unexpected error while reading the document ({type(exc).__name__}: {exc}).",
            detail,
        )


def inspect_task(path: str, content_type: str):
    return _guard(lambda: inspect_document(path, content_type).pages, stored=path)


def extract_task(path: str, content_type: str, page_numbers: list[int], options: ExtractOptions):
    """Extract a chunk of a long document's pages and, when the processor reads word positions
    (``options.word_boxes``), build what it reads of each page on its own, here in parallel
    rather than in the one pass of the processor over the whole document."""

    def extract():
        worker_limits.arm(len(page_numbers))
        pages = extract_pages(path, content_type, page_numbers, options)
        return analyse_pages(pages) if options.word_boxes else pages

    return _guard(extract, stored=path)


def analyze_task(
    processor_type: str,
    pages: list[PageContent],
    options: ProcessorOptions,
    path: str,
    content_type: str,
):
    """The processor's pass over a document's extracted pages: its Result, or a TaskError.
    The runner calls it where a long document's pages were collected."""
    # The path among the arguments: a FileNotFoundError naming it means the stored copy is gone.
    return _guard(_analyze, processor_type, pages, options, path, content_type)


def _analyze(processor_type, pages, options, path, content_type):
    return run_processor(processor_type, pages, options, **sources(path, content_type))


def sources(path: str, content_type: str) -> dict[str, str | None]:
    """What ``run_processor`` reads besides a document's pages: a PDF's attached e-invoice
    XML (``pdf_path``), or an e-invoice XML file's own data (``xml_path``)."""
    return {
        "pdf_path": path if content_type == "application/pdf" else None,
        "xml_path": path if content_type == "application/xml" else None,
    }


def count_pages(path: str, content_type: str) -> int:
    """A document's page count. An image's header is enough: decoding it here would double
    the work, since extraction decodes every page it reads and reports a damaged one."""
    if content_type.startswith("image/") and os.path.getsize(path) > 0:
        image = open_image(path)
        try:
            return getattr(image, "n_frames", 1)
        finally:
            image.close()
    return inspect_document(path, content_type).pages


def start_task(
    path: str,
    content_type: str,
    small_pages: int,
    processor_type: str,
    extract_options: ExtractOptions,
    options: ProcessorOptions,
):
    """A document's first task: count its pages and, when it has at most ``small_pages``,
    process it in the same call. Returns ``(pages, result)``; ``result`` is None for a long
    document, whose pages the runner then spreads over the workers."""

    def start():
        pages = count_pages(path, content_type)
        if pages > small_pages:
            return pages, None
        worker_limits.arm(pages)
        extracted = extract_pages(path, content_type, list(range(1, pages + 1)), extract_options)
        return pages, run_processor(
            processor_type, extracted, options, **sources(path, content_type)
        )

    return _guard(start, stored=path)
