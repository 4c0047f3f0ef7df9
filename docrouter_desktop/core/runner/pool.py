"""The worker pool: processes (the text layer and the processors are pure Python, so
threads would share one core), started and warmed up, and how a long document's pages are
cut into chunks for them; the options each task is given, from the settings."""

from __future__ import annotations

import concurrent.futures as cf
import math
import multiprocessing
import sys

from docrouter_desktop.core import tasks
from docrouter_desktop.core.extraction.extract import ExtractOptions
from docrouter_desktop.core.processors.base import ProcessorOptions
from docrouter_desktop.core.settings import Settings
from docrouter_desktop.core.worker_limits import WorkerLimits

SMALL_DOCUMENT_PAGES = 4
MAX_CHUNK_PAGES = 25
MIN_CHUNK_PAGES = 4


class InlineExecutor(cf.Executor):
    """Runs each task at once in the calling thread: for tests and debugging."""

    def submit(self, fn, /, *args, **kwargs):
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


MAX_WORKERS = 64  # the range of the ``workers`` setting


def make_executor(workers: int, limits: WorkerLimits | None = None) -> cf.Executor:
    """A pool of ``workers`` processes (at most MAX_WORKERS), each under ``limits``; none
    (the calling thread) for 0."""
    if workers <= 0:
        return InlineExecutor()
    workers = min(workers, MAX_WORKERS)
    _start_quiet_resource_tracker()
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["docrouter_desktop.core.tasks"])
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=tasks.worker_init,
        initargs=(tasks.WORKER_NICE, limits),
    )


class _StderrWithoutFd:
    """Standard error as it is, but without a file descriptor to hand to a child process."""

    def __init__(self, stream):
        self._stream = stream

    def fileno(self) -> int:
        raise OSError("not passed on")

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _start_quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker without our standard error. When a worker is
    killed, the tracker prints tracebacks (KeyError on unregistering the pool's semaphores,
    a known fault of its bookkeeping, harmless) that a user would take for a crash."""
    from multiprocessing import resource_tracker

    tracker = resource_tracker._resource_tracker
    if getattr(tracker, "_fd", None) is not None:
        return
    saved = sys.stderr
    sys.stderr = _StderrWithoutFd(saved)
    try:
        resource_tracker.ensure_running()
    except Exception:
        pass
    finally:
        sys.stderr = saved


def warm_up(executor: cf.Executor, workers: int, settings: Settings) -> None:
    """Start every worker process now and let each do its one-off set-up, so the first
    documents do not pay for it (for a long-lived pool, and for measuring start-up apart)."""
    futures = [
        executor.submit(tasks.warm_task, settings.tesseract_path, settings.ocr_languages)
        for _ in range(max(1, workers) * 2)
    ]
    cf.wait(futures)


# How long a thread of the runner's process may hold the interpreter while another waits
# (Python's default is 5 ms). The pool's own threads hand each task to the workers and take
# each result back; while the runner's thread is busy (storing a result, say) they waited up
# to the default, and a worker with it, which on a short task was several times the handing.
SWITCH_INTERVAL = 0.0005


def tune_process() -> None:
    """Set up the process the runner runs in: threads take turns sooner, and the cycle
    collector is set as in the workers (the results it collects are their kind of objects)."""
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
    tasks.tune_collector()


def page_chunks(pages_total: int, workers: int) -> list[list[int]]:
    """A long document's pages in chunks for the workers, each a share of the pages still
    left (at most MAX_CHUNK_PAGES, at least MIN_CHUNK_PAGES): the chunks shrink towards the
    end, so the last ones, which the other workers wait for, are short."""
    chunks: list[list[int]] = []
    first = 1
    while first <= pages_total:
        left = pages_total - first + 1
        size = max(MIN_CHUNK_PAGES, min(MAX_CHUNK_PAGES, math.ceil(left / (2 * workers))))
        chunks.append(list(range(first, min(pages_total, first + size - 1) + 1)))
        first += size
    return chunks


def extract_options(settings: Settings, processor_type: str) -> ExtractOptions:
    # The text processor reads no word positions, so its pages are not boxed word by word.
    boxes = processor_type != "text"
    return ExtractOptions(settings.ocr_languages, settings.tesseract_path, word_boxes=boxes)


def worker_limits(settings: Settings, marker_dir: str | None) -> WorkerLimits:
    return WorkerLimits(settings.worker_memory_mb, settings.page_time_limit, marker_dir)


def processor_options(settings: Settings) -> ProcessorOptions:
    return ProcessorOptions(settings.date_order, settings.default_currency, settings.embedded_data)
