"""Hot folders: files that appear in a watched folder are added once they stop growing.

Uses watchdog's native observer (inotify, FSEvents, ReadDirectoryChangesW) or its polling
observer for network shares. A folder moved in is walked, since no event is sent for the files
inside it. The user's files are only ever read: never moved, renamed or deleted.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from docrouter_desktop.core.filetypes import looks_complete
from docrouter_desktop.core.ingest import is_skipped_name, walk
from docrouter_desktop.core.records import IngestOutcome

log = logging.getLogger(__name__)

# A file is added once its size and time have not changed for SETTLE_SECONDS and it looks
# whole (a PDF's end marker is there...); one that still looks cut off is waited for up to
# INCOMPLETE_WAIT seconds after its last change, then added anyway (and fails as damaged).
# A copy that pauses longer than the settle time is caught by the end-marker check; if a
# partial read was added all the same, the document it made is dropped when the file changes.
SETTLE_SECONDS = 2.0
INCOMPLETE_WAIT = 60.0


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: FolderWatcher):
        self.watcher = watcher

    def dispatch(self, event: FileSystemEvent) -> None:
        # An error on one event must not end the observer thread (and so the watching).
        try:
            super().dispatch(event)
        except Exception:
            log.exception("while handling %s", event)

    def on_created(self, event: FileSystemEvent) -> None:
        self.watcher._seen(os.fsdecode(event.src_path), event.is_directory)

    def on_modified(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self.watcher._seen(os.fsdecode(event.src_path), False)

    def on_moved(self, event: FileSystemEvent) -> None:
        self.watcher._seen(os.fsdecode(event.dest_path), event.is_directory)

    def on_closed(self, event: FileSystemEvent) -> None:
        self.watcher._seen(os.fsdecode(event.src_path), False)


class FolderWatcher:
    """Watches one folder and hands each settled file to ``add`` (the engine's intake)."""

    def __init__(
        self,
        folder: Path,
        add: Callable[[Path], IngestOutcome],
        recursive: bool = False,
        poll: bool = False,
        interval: float = 2.0,
        settle: float = SETTLE_SECONDS,
        superseded: Callable[[str], None] | None = None,
    ):
        self.folder = Path(folder)
        self.add = add
        # Called with the document a file's earlier, partial reading made, when it changed.
        self.superseded = superseded or (lambda document_id: None)
        self._added: dict[str, str] = {}  # path -> the document its last reading made
        self.recursive = recursive
        self.settle = settle
        self._observer = PollingObserver(timeout=interval) if poll else Observer()
        self._pending: dict[str, tuple[int, float, float]] = {}  # path -> (size, mtime, since)
        self._done: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._settle_loop, name="docrouter-watch", daemon=True
        )

    def start(self) -> None:
        self._observer.schedule(_Handler(self), str(self.folder), recursive=self.recursive)
        self._observer.start()
        self._thread.start()
        # Files already there when watching starts are added too (duplicates are skipped).
        for item in walk([str(self.folder)], self.recursive):
            if not isinstance(item, tuple):
                self._seen(str(item.path), False)

    def stop(self) -> None:
        self._stop.set()
        self._observer.stop()
        self._observer.join(timeout=5)
        self._thread.join(timeout=5)

    def _seen(self, path: str, is_dir: bool, inside_moved_folder: bool = False) -> None:
        p = Path(path)
        parts = p.relative_to(self.folder).parts if p.is_relative_to(self.folder) else (p.name,)
        if any(is_skipped_name(part) for part in parts):
            return
        if is_dir:
            # A folder that arrives whole (moved or copied in) is walked: no event comes for
            # the files that were already inside it.
            if self.recursive or p.parent == self.folder:
                for item in walk([path], recursive=True):
                    if not isinstance(item, tuple):
                        self._seen(str(item.path), False, inside_moved_folder=True)
            return
        if not (self.recursive or inside_moved_folder) and p.parent != self.folder:
            return
        with self._lock:
            if path not in self._pending:
                self._pending[path] = (-1, -1.0, time.monotonic())

    def _settle_loop(self) -> None:
        while not self._stop.wait(0.25):
            ready = []
            with self._lock:
                for path, (size, mtime, since) in list(self._pending.items()):
                    try:
                        st = os.stat(path)
                    except FileNotFoundError:
                        del self._pending[path]
                        continue
                    except OSError:
                        continue
                    now = time.monotonic()
                    if (st.st_size, st.st_mtime) != (size, mtime):
                        self._pending[path] = (st.st_size, st.st_mtime, now)
                    elif now - since >= self.settle and (
                        now - since >= INCOMPLETE_WAIT or looks_complete(path)
                    ):
                        del self._pending[path]
                        if self._done.get(path) != (st.st_size, st.st_mtime):
                            self._done[path] = (st.st_size, st.st_mtime)
                            ready.append(path)
            for path in ready:
                try:
                    outcome = self.add(Path(path))
                except Exception:  # never let one file stop the watcher
                    log.exception("could not add %s", path)
                    continue
                earlier = self._added.get(path)
                if outcome.document_id:
                    self._added[path] = outcome.document_id
                if earlier and outcome.document_id and earlier != outcome.document_id:
                    try:
                        self.superseded(earlier)
                    except Exception:
                        log.exception("could not drop the earlier reading of %s", path)
