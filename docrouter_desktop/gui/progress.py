"""Overall progress of the work started in this window: documents, pages, rate and ETA."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from docrouter_desktop.core.events import JobEvent

FINAL = ("completed", "failed", "cancelled")
NEW_ROUND_AFTER = 3.0  # seconds without pending work after which new work is counted afresh


@dataclass
class ProgressTracker:
    """Counts documents queued and finished in the current round of work (plain data, no Qt).

    A round ends when nothing has been pending for ``NEW_ROUND_AFTER`` seconds. The runner's
    events come from another process and may overtake the news that a document was queued
    (ingest stores it; the runner claims it at once): a document whose events came first is
    not queued again when that news arrives.

    The rate and the time left are measured over the time this run was busy: from the first
    document started to the last one finished, pauses without work left out, so the rate stops
    moving when the queue is idle. Work left in the queue by an earlier run is counted once the
    window is told of it (``queued``, at start), like any other.
    """

    clock: object = time.monotonic
    pending: set[str] = field(default_factory=set)
    finished: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    pages_done: int = 0
    pages_total: int = 0
    started_at: float | None = None  # the current busy stretch began (None: idle)
    busy_seconds: float = 0.0  # the round's earlier busy stretches
    idle_since: float | None = None
    _page_counts: dict[str, int] = field(default_factory=dict)
    _unannounced: set[str] = field(default_factory=set)  # seen in events before queued()

    def queued(self, doc_ids: list[str]) -> None:
        fresh = [d for d in doc_ids if d not in self._unannounced]
        self._unannounced.difference_update(doc_ids)
        if fresh:
            self._begin()
        for doc_id in fresh:
            if doc_id not in self.pending:
                self.pending.add(doc_id)
                self.finished.discard(doc_id)
                self.failed.discard(doc_id)

    def reset(self) -> None:
        self.finished.clear()
        self.failed.clear()
        self.pages_done = self.pages_total = 0
        self._page_counts.clear()
        self._unannounced.clear()
        self.started_at = None
        self.busy_seconds = 0.0

    def _begin(self) -> None:
        """Work arrives: a new round if the last one ended a while ago."""
        if not self.pending and (
            self.idle_since is None or self.clock() - self.idle_since >= NEW_ROUND_AFTER
        ):
            self.reset()

    def on_event(self, event: JobEvent) -> None:
        doc = event.document_id
        if event.kind == "started":
            if doc not in self.pending:
                self._begin()
                self.pending.add(doc)
                self.finished.discard(doc)
                self.failed.discard(doc)
                self._unannounced.add(doc)
            if self.started_at is None:
                self.started_at = self.clock()
        if event.pages_total and doc not in self._page_counts:
            self._page_counts[doc] = event.pages_total
            self.pages_total += event.pages_total
        if event.kind in FINAL and doc in self.pending:
            self._finish(doc, event.kind == "completed", event.pages_total)

    def settled(self, checked: list[str], statuses: dict[str, str]) -> None:
        """What the library says of some pending documents (``checked``): ``statuses`` holds
        the status of those still there. Those no longer waiting finished without the
        news reaching here (another program processed them, or the engine was starting again);
        those gone were deleted and are no longer part of the work. Pages count only when this
        run saw the document's pages (it read them)."""
        for doc_id in checked:
            if doc_id not in self.pending:
                continue
            status = statuses.get(doc_id)
            if status is None:
                self.pending.discard(doc_id)
                self._went_idle()
            elif status in FINAL:
                self._finish(doc_id, status == "completed", self._page_counts.get(doc_id))

    def cancelled(self, doc_ids: set[str]) -> None:
        """Documents cancelled while still queued (the runner only reports those it had)."""
        for doc_id in doc_ids & self.pending:
            self._finish(doc_id, False, None)

    def _finish(self, doc_id: str, completed: bool, pages: int | None) -> None:
        self.pending.discard(doc_id)
        self.finished.add(doc_id)
        if completed:
            self.pages_done += pages or 0
        else:
            self.failed.add(doc_id)
        self._went_idle()

    def _went_idle(self) -> None:
        if not self.pending:
            self.idle_since = self.clock()
            if self.started_at is not None:  # the rate stops with the work
                self.busy_seconds += self.idle_since - self.started_at
                self.started_at = None

    @property
    def elapsed(self) -> float:
        """Seconds of work in this round: its busy stretches, the current one so far."""
        current = self.clock() - self.started_at if self.started_at is not None else 0.0
        return self.busy_seconds + current

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
        elapsed = self.elapsed
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
