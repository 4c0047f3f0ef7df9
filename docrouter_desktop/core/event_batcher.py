"""Events handed on in batches from a thread of their own, so that a receiver in another
process (or a window) wakes a few times a second rather than once per page. Of a document's
progress events within one batch only the last is kept."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.core.states import EventKind

SEND_INTERVAL = 0.05  # seconds: how long events gather before they are sent


class EventBatcher:
    def __init__(self, send: Callable[[list[Any]], None], interval: float = SEND_INTERVAL):
        self._send = send
        self._interval = interval
        self._events: list[Any] = []
        self._ready = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="docrouter-events", daemon=True)
        self._thread.start()

    def put(self, event: Any) -> None:
        with self._ready:
            if isinstance(event, JobEvent) and event.kind == EventKind.PROGRESS:
                self._events = [
                    e
                    for e in self._events
                    if not (
                        isinstance(e, JobEvent)
                        and e.kind == EventKind.PROGRESS
                        and e.document_id == event.document_id
                    )
                ]
            self._events.append(event)
            self._ready.notify()

    def close(self) -> None:
        """Send what is left and stop."""
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            with self._ready:
                while not self._events and not self._closed:
                    self._ready.wait()
                closed = self._closed
            if not closed:
                time.sleep(self._interval)  # let the events of this moment gather
            with self._ready:
                batch, self._events = self._events, []
            if batch:
                try:
                    self._send(batch)
                except (OSError, ValueError):  # the receiver is gone
                    return
            if closed:
                return
