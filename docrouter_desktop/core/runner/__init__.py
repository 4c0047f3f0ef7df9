"""The job runner and its worker pool (``local``: the loop over the job queue; ``pool``: the
worker processes and how work is cut for them)."""

from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.core.runner.local import Runner
from docrouter_desktop.core.runner.pool import (
    MAX_CHUNK_PAGES,
    MIN_CHUNK_PAGES,
    SMALL_DOCUMENT_PAGES,
    InlineExecutor,
    extract_options,
    make_executor,
    page_chunks,
    processor_options,
    warm_up,
)

__all__ = [
    "MAX_CHUNK_PAGES",
    "MIN_CHUNK_PAGES",
    "SMALL_DOCUMENT_PAGES",
    "InlineExecutor",
    "JobEvent",
    "Runner",
    "extract_options",
    "make_executor",
    "page_chunks",
    "processor_options",
    "warm_up",
]
