"""Overall progress of the work started in this window: documents, pages, rate and ETA."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from docrouter_desktop.core.runner import JobEvent

FINAL = ("completed", "failed", "cancelled")


@dataclass
class ProgressTracker:
    """Counts documents queued and finished since the window opened (plain data, no Qt)."""

    clock: object = time.monotonic
    pending: set[str] = field(default_factory=set)
    finished: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    pages_done: int = 0
    pages_total: int = 0
    started_at: float | None = None
    _page_counts: dict[str, int] = field(default_factory=dict)

    def queued(self, doc_ids: list[str]) -> None:
        if not self.pending:
            self.reset()
        for doc_id in doc_ids:
            if doc_id not in self.pending:
                self.pending.add(doc_id)
                self.finished.discard(doc_id)
                self.failed.discard(doc_id)

    def reset(self) -> None:
        self.finished.clear()
        self.failed.clear()
        self.pages_done = self.pages_total = 0
        self._page_counts.clear()
        self.started_at = None

    def on_event(self, event: JobEvent) -> None:
        doc = event.document_id
        if event.kind == "started":
            if not self.pending:
                self.reset()
            self.pending.add(doc)
            if self.started_at is None:
                self.started_at = self.clock()
        if event.pages_total and doc not in self._page_counts:
            self._page_counts[doc] = event.pages_total
            self.pages_total += event.pages_total
        if event.kind in FINAL:
            self.pending.discard(doc)
            self.finished.add(doc)
            if event.kind != "completed":
                self.failed.add(doc)
            else:
                self.pages_done += event.pages_total or 0

    @property
    def total(self) -> int:
        return len(self.pending) + len(self.finished)

    @property
    def busy(self) -> bool:
        return bool(self.pending)

    def text(self) -> str:
        if not self.total:
            return "Ready"
        done = len(self.finished)
        parts = [f"{done}/{self.total} documents", f"{self.pages_done} pages"]
        elapsed = (self.clock() - self.started_at) if self.started_at else 0.0
        if elapsed > 0 and self.pages_done:
            parts.append(f"{self.pages_done / elapsed:.1f} pages/s")
        if self.busy and done and elapsed > 0:
            eta = elapsed / done * len(self.pending)
            parts.append(f"about {_duration(eta)} left")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if not self.busy:
            parts.append("done")
        return " · ".join(parts)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"
