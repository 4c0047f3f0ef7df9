"""Files in: the paths a user gave (dropped, picked, a batch folder, a watched folder) walked,
copied into the library by their content and registered as documents, a chunk at a time, with
events saying what was found and what became of each file.

A request lists every file at once (``FilesFound``: a key and a name each), so a window can
show them before they are copied; ``FilesAdded`` then carries ``(key, outcome)`` pairs a chunk
at a time, and ``RequestFinished`` every outcome in the order given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from docrouter_desktop.core.errors import LibraryError
from docrouter_desktop.core.events import FilesAdded, FilesFound, RequestFinished
from docrouter_desktop.core.ingest import FoundFile, walk
from docrouter_desktop.core.records import IngestOutcome

CHUNK = 40  # files registered between two FilesAdded events (and two wake-ups of the runner)

Found = FoundFile | tuple[str, str]  # a file, or (what was given, why it cannot be used)


class Intake:
    """Adds files to one library; ``emit`` gets the request's events, ``queued`` is called
    when a chunk has put new jobs in the queue."""

    def __init__(
        self,
        library,
        emit: Callable[[object], None],
        queued: Callable[[], None],
    ) -> None:
        self.library = library
        self.emit = emit
        self.queued = queued
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()

    def cancel(self, request: str) -> None:
        """Files of the request not added yet are not added."""
        with self._lock:
            self._cancelled.add(request)

    def find(self, paths: Sequence[str], recursive: bool) -> list[Found]:
        return list(walk(list(paths), recursive))

    def add(
        self,
        request: str,
        found: Iterable[Found],
        org_id: str | None,
        processor_type: str | None,
        tags: Sequence[str] = (),
        target: str | Callable[[FoundFile], str] = "local",
    ) -> list[IngestOutcome]:
        """Register every file found, in order; ``target`` may say per file where it runs."""
        items = list(found)
        keys = [f"{request}:{i}" for i in range(len(items))]
        self.emit(
            FilesFound(request, [(k, _name(item)) for k, item in zip(keys, items, strict=True)])
        )
        org = self.library.resolve_org(org_id)
        outcomes: list[IngestOutcome] = []
        fault: LibraryError | None = None
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            with self._lock:
                cancelled = request in self._cancelled
            done = []
            for item in chunk:
                if fault is not None:
                    done.append(_refused(item, f"Not added: {fault}"))
                elif cancelled:
                    done.append(_refused(item, "Not added: cancelled."))
                else:
                    try:
                        done.append(self._one(item, org, processor_type, tags, target))
                    except LibraryError as exc:  # the library, not the file: stop adding
                        fault = exc
                        done.append(_refused(item, f"Not added: {exc}"))
            outcomes += done
            self.emit(
                FilesAdded(request, list(zip(keys[start : start + len(chunk)], done, strict=True)))
            )
            if any(o.status == "queued" for o in done):
                self.queued()
        with self._lock:
            self._cancelled.discard(request)
        self.emit(RequestFinished(request, outcomes))
        if fault is not None:
            raise fault
        return outcomes

    def _one(self, item: Found, org: str, processor_type, tags, target) -> IngestOutcome:
        if isinstance(item, tuple):
            return IngestOutcome(item[0], None, "failed", error=item[1])
        where = target(item) if callable(target) else target
        try:
            return self.library.ingest_file(
                item.path, org, processor_type, item.given_as, tags=list(tags), target=where
            )
        except LibraryError:
            raise
        except Exception as exc:  # one file must never stop the others
            return _refused(item, f"Not added: {exc}")

    def add_file(
        self, path: Path, org_id: str | None, processor_type: str | None, given_as: str
    ) -> IngestOutcome:
        """One file, at once (a watched folder's)."""
        outcome = self.library.ingest_file(path, org_id, processor_type, given_as)
        if outcome.status == "queued":
            self.queued()
        return outcome


def _name(item: Found) -> str:
    return item[0] if isinstance(item, tuple) else item.path.name


def _refused(item: Found, why: str) -> IngestOutcome:
    shown = item[0] if isinstance(item, tuple) else item.given_as
    return IngestOutcome(
        shown, None, "failed" if "cancelled" not in why else "cancelled", error=why
    )
