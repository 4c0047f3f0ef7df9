"""The status bar's counts stay right whatever order the news of a document arrives in."""

from __future__ import annotations

from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.gui.progress import NEW_ROUND_AFTER, ProgressTracker


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def done(tracker, doc, kind="completed", pages=1):
    tracker.on_event(JobEvent("started", doc, doc))
    tracker.on_event(JobEvent(kind, doc, doc, pages, pages))


def test_a_document_processed_before_the_window_heard_it_was_queued_is_not_pending_again():
    tracker = ProgressTracker(clock=Clock())
    tracker.queued(["a"])
    done(tracker, "b")  # the runner was faster than the news that "b" was added
    tracker.queued(["b"])
    assert tracker.pending == {"a"} and tracker.finished == {"b"}
    done(tracker, "a")
    assert not tracker.busy and tracker.text().startswith("2/2 documents")


def test_a_short_pause_continues_the_round_and_a_long_one_starts_a_new_one():
    clock = Clock()
    tracker = ProgressTracker(clock=clock)
    tracker.queued(["a"])
    done(tracker, "a")
    clock.now += NEW_ROUND_AFTER / 2  # the next chunk of a drop
    tracker.queued(["b"])
    done(tracker, "b")
    assert len(tracker.finished) == 2 and tracker.pages_done == 2
    clock.now += NEW_ROUND_AFTER * 2
    done(tracker, "c")  # e.g. a watched folder, later
    assert tracker.finished == {"c"} and tracker.total == 1


def test_retry_and_cancel_of_queued_documents():
    tracker = ProgressTracker(clock=Clock())
    tracker.queued(["a", "b", "c"])
    done(tracker, "a", kind="failed")
    tracker.cancelled({"b", "c", "x"})  # still queued: the runner never reports them
    assert not tracker.busy and tracker.failed == {"a", "b", "c"}
    tracker.queued(["a"])  # Retry failed
    assert tracker.pending == {"a"} and "a" not in tracker.failed
    done(tracker, "a")
    assert tracker.failed == {"b", "c"} and not tracker.busy
