"""The front door of the engine: the one way documents get into a library and get processed,
and the one place the library is changed from the outside.

Everything that adds or changes work goes through an ``Engine``: files and folders given in a
window, a batch, a watched folder or an upload to the API; processing again, retrying,
cancelling, sending to a DocRouter server; corrections, deletions, settings, workspaces and
tokens. It owns the intake (files in), the job runner (in a thread of its own, in a child
process, or none when a batch drives it), the remote runners of the workspaces that have
queued work, and the watched folders. What happens comes out as plain event objects
(``core.events``) to every subscriber.

The command line, ``serve`` and the window's engine process each have one; the window talks
to its engine through ``core.engine.host`` and never writes to the library itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO, Literal

from docrouter_desktop.core.engine.intake import Found, Intake
from docrouter_desktop.core.errors import LibraryError
from docrouter_desktop.core.events import CorrectionSent, JobEvent, WatchedFileAdded
from docrouter_desktop.core.ids import new_id
from docrouter_desktop.core.ingest import FoundFile
from docrouter_desktop.core.records import DocumentInfo, IngestOutcome, OrganizationInfo, ResultInfo
from docrouter_desktop.core.remote.target import LOCAL, parse_target, remote_target
from docrouter_desktop.core.states import WAITING

log = logging.getLogger(__name__)

RunnerPlacement = Literal["thread", "child", "none"]
Listener = Callable[[object], None]
POLL = 0.5  # seconds between looks at the queue while a batch waits for other processes


class Engine:
    """The front door over one library (see the module's docstring)."""

    def __init__(
        self,
        library,
        *,
        runner: RunnerPlacement = "thread",
        workers: int | None = None,
        token_store=None,
    ) -> None:
        self.library = library
        self.placement = runner
        self.workers = workers
        self._token_store = token_store
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()
        self.intake = Intake(library, self._emit, self.notify)
        self._requests = ThreadPoolExecutor(1, thread_name_prefix="docrouter-intake")
        self._background = ThreadPoolExecutor(2, thread_name_prefix="docrouter-engine")
        self._runner: Any = None
        self._remote_lock = threading.Lock()
        self._remote_threads: dict[str, threading.Thread] = {}
        self._watchers: dict[str, Any] = {}
        self._watching: dict[str, str | None] = {}  # folder -> the workspace it adds to
        self._stopping = threading.Event()

    # -- lifecycle

    def start(self) -> None:
        """Start the job runner (where it was asked to run) and the remote work left queued."""
        self._stopping.clear()
        if self.placement == "thread":
            from docrouter_desktop.core.runner import Runner

            self._runner = Runner(self.library, workers=self.workers, on_event=self._emit)
            self._runner.start()
        elif self.placement == "child":
            from docrouter_desktop.core.runner.child import RunnerProcess

            self._runner = RunnerProcess(
                self.library.root, workers=self.workers, on_events=self._emit_many
            )
            self._runner.start()
        if self.placement != "none":
            self._start_remote_work()

    def stop(self) -> None:
        """Stop watching, give unfinished jobs back to the queue, and wait for the threads."""
        self._stopping.set()
        for watcher in list(self._watchers.values()):
            watcher.stop()
        self._watchers.clear()
        self._requests.shutdown(wait=True, cancel_futures=True)
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
        self._background.shutdown(wait=True)
        for thread in list(self._remote_threads.values()):
            thread.join(5)

    @property
    def runner_pid(self) -> int | None:
        """The runner child's pid (``runner="child"``)."""
        return getattr(self._runner, "pid", None)

    # -- events

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """``listener(event)`` for every event, from the thread that made it; returns what
        unsubscribes it."""
        with self._listeners_lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, event: object) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a listener's failure must not stop the work
                log.exception("an event listener failed")

    def _emit_many(self, events: Iterable[object]) -> None:
        for event in events:
            self._emit(event)

    def notify(self) -> None:
        """New work was queued: the runner looks for it now rather than at its next poll."""
        if self._runner is not None:
            self._runner.notify()

    # -- files in

    def add_paths(
        self,
        paths: Sequence[str],
        *,
        org_id: str | None = None,
        processor_type: str | None = None,
        tags: Sequence[str] = (),
        target: str = LOCAL,
        recursive: bool = True,
        request: str | None = None,
    ) -> str:
        """Add files and folders in the background; returns the request's id at once (its
        ``FilesFound``, ``FilesAdded`` and ``RequestFinished`` events follow)."""
        request = request or new_id("req_")
        self._requests.submit(
            self._add_request, request, list(paths), org_id, processor_type, tags, target, recursive
        )
        return request

    def _add_request(self, request, paths, org_id, processor_type, tags, target, recursive):
        try:
            found = self.intake.find(paths, recursive)
            self.add_found(found, org_id, processor_type, tags, target, request)
        except Exception:
            log.exception("adding %s failed", paths)

    def add_found(
        self,
        found: Iterable[Found],
        org_id: str | None = None,
        processor_type: str | None = None,
        tags: Sequence[str] = (),
        target: str = LOCAL,
        request: str | None = None,
        wait: bool = True,
    ) -> Any:
        """Add files already found (a batch's), with their events: in this thread, their
        outcomes returned (``wait``), or in the background, the request's id returned. A
        remote target keeps the files of folders that never leave the machine here."""
        if not wait:
            request = request or new_id("req_")
            self._requests.submit(
                self.add_found, list(found), org_id, processor_type, tags, target, request
            )
            return request
        where: str | Callable[[FoundFile], str] = target
        if parse_target(target) is not None:
            from docrouter_desktop.core.remote.rules import never_remote, rules

            never = [r for r in rules(self.library) if r.kind == "never"]
            if never:

                def where(item: FoundFile) -> str:
                    return LOCAL if never_remote(never, str(item.path)) else target

        outcomes = self.intake.add(
            request or new_id("req_"), found, org_id, processor_type, tags, where
        )
        if parse_target(target) is not None and self.placement != "none":
            self._start_remote_work()
        return outcomes

    def cancel_request(self, request: str) -> None:
        self.intake.cancel(request)

    def add_upload(
        self,
        source: BinaryIO,
        name: str,
        org_id: str | None = None,
        processor_type: str = "auto",
        tags: Iterable[str] = (),
        metadata: dict[str, str] | None = None,
        uploaded_by: str | None = None,
    ) -> tuple[IngestOutcome, DocumentInfo]:
        """An upload to the API, stored from its stream (hashed and copied once) and queued."""
        outcome, doc = self.library.add_upload(
            source, name, org_id, processor_type, tags, metadata=metadata, uploaded_by=uploaded_by
        )
        if outcome.status == "queued" and not outcome.duplicate:
            self.notify()
        return outcome, doc

    # -- jobs

    def reprocess(
        self,
        document_ids: Sequence[str],
        processor_type: str | None = None,
        discard_corrections: bool = False,
        target: str | None = LOCAL,
    ) -> list[str]:
        """Queue documents again; the ids that were queued (a damaged file is not)."""
        queued = []
        for doc_id in document_ids:
            info = self.library.reprocess(doc_id, processor_type, discard_corrections, target)
            if info.status == "queued":
                queued.append(info.id)
        self._after_queueing()
        return queued

    def retry(self, org_id: str | None = None, ids: list[str] | None = None) -> list[str]:
        """Failed and cancelled documents again, each where it last ran."""
        queued = self.library.retry_failed(org_id, ids)
        self._after_queueing()
        return queued

    def cancel(self, document_ids: Iterable[str] | None = None, org_id: str | None = None) -> int:
        """Cancel queued or running documents (None: all of them, or all of ``org_id``)."""
        ids = set(document_ids) if document_ids is not None else None
        return self.library.cancel_all(ids, org_id=org_id)

    def send_to_remote(self, document_ids: Sequence[str], remote: str, org: str) -> list[str]:
        """Process documents on a DocRouter server's workspace instead of here."""
        from docrouter_desktop.core.remote import get_remote

        get_remote(self.library, remote)  # a usage error when there is no such remote
        return self.reprocess(document_ids, target=remote_target(remote, org))

    def _after_queueing(self) -> None:
        self.notify()
        if self.placement != "none":
            self._start_remote_work()

    def process_until_done(
        self,
        document_ids: set[str],
        on_event: Callable[[JobEvent], None] | None = None,
        runner_factory: Callable[..., Any] | None = None,
        poll: float = POLL,
    ) -> None:
        """Process these documents here and now, each where its job is queued (the worker
        pool, or a remote workspace), until none is waiting; for a batch, which has no runner
        of its own running (``runner="none"``)."""
        ids = set(document_ids)
        while ids:
            for target, group in self.library.queued_targets(sorted(ids)).items():
                self._runner_for(target, group, on_event, runner_factory).run_until_idle()
            statuses = self.library.statuses(sorted(ids))
            ids = {i for i, (status, _e) in statuses.items() if status in WAITING}
            if ids:
                # Another process (the window, serve) holds them, or a dead one did: wait,
                # then claim whatever has become free again.
                time.sleep(poll)

    def _runner_for(self, target, ids, on_event, runner_factory=None):
        where = parse_target(target)
        emit = on_event or self._emit
        if where is None:
            if runner_factory is not None:
                return runner_factory(workers=self.workers, on_event=emit, only_documents=ids)
            from docrouter_desktop.core.runner import Runner

            return Runner(self.library, workers=self.workers, on_event=emit, only_documents=ids)
        return self._remote_runner(where.remote, where.org, ids, emit)

    def _remote_runner(self, remote: str, org: str, ids=None, on_event=None):
        from docrouter_desktop.core.remote import RemoteRunner, get_remote

        return RemoteRunner(
            self.library,
            get_remote(self.library, remote),
            org,
            self.token_store,
            on_event=on_event or self._emit,
            only_documents=ids,
        )

    @property
    def token_store(self):
        if self._token_store is None:
            from docrouter_desktop.core.secrets import RemoteTokenStore

            self._token_store = RemoteTokenStore()
        return self._token_store

    def _start_remote_work(self) -> None:
        """A remote runner for each remote workspace with queued jobs, in a thread of its own
        (one per workspace at a time)."""
        for target in self.library.queued_remote_targets():
            where = parse_target(target)
            if where is None:
                continue
            with self._remote_lock:
                running = self._remote_threads.get(target)
                if running is not None and running.is_alive():
                    continue
                thread = threading.Thread(
                    target=self._run_remote,
                    args=(where.remote, where.org),
                    name=f"docrouter-remote-{where.remote}",
                    daemon=True,
                )
                self._remote_threads[target] = thread
                thread.start()

    def _run_remote(self, remote: str, org: str) -> None:
        try:
            self._remote_runner(remote, org).run_until_idle()
        except Exception:
            log.exception("sending to %s (%s) failed", remote, org)

    # -- watched folders

    def watch(
        self,
        folder: str | Path,
        org_id: str | None = None,
        processor_type: str | None = None,
        recursive: bool = False,
        poll: bool = False,
        interval: float = 2.0,
    ) -> None:
        """Add the files that settle in a folder (and those already there), until unwatched."""
        from docrouter_desktop.core.watch import FolderWatcher

        key = str(Path(folder))
        self.unwatch(key)

        def add(path: Path) -> IngestOutcome:
            try:
                outcome = self.intake.add_file(path, org_id, processor_type, str(path))
            except LibraryError as exc:  # a full or read-only library: said, and watched on
                outcome = IngestOutcome(str(path), None, "failed", error=f"Not added: {exc}")
            self._emit(WatchedFileAdded(key, outcome))
            return outcome

        watcher = FolderWatcher(
            Path(folder), add, recursive, poll, interval, superseded=self._drop_partial_reading
        )
        watcher.start()
        self._watchers[key] = watcher
        self._watching[key] = org_id

    def _drop_partial_reading(self, document_id: str) -> None:
        """A watched file changed after it was added: the document its earlier reading made
        goes if that reading did not complete (it was of a file still being copied)."""
        status = self.library.statuses([document_id]).get(document_id)
        if status is None or status[0] == "completed":
            return
        if status[0] in ("queued", "processing"):
            self.library.cancel(document_id)
        self.library.delete(document_id)

    def watched(self) -> list[str]:
        return sorted(self._watchers)

    def unwatch(self, folder: str | Path) -> None:
        self._watching.pop(str(Path(folder)), None)
        watcher = self._watchers.pop(str(Path(folder)), None)
        if watcher is not None:
            watcher.stop()

    def watch_from_settings(self) -> list[str]:
        """Watch the folders of the settings, each adding to its workspace; the folders
        watched (one that does not exist, or cannot be watched, is left out)."""
        settings = self.library.settings()
        feeds = dict(settings.watch_workspaces)
        workspaces = {o.id for o in self.library.organizations()}
        wanted = {str(Path(f)) for f in settings.watch_folders}
        for key in list(self._watchers):
            if key not in wanted:
                self.unwatch(key)
        for folder in settings.watch_folders:
            if not Path(folder).is_dir():
                continue
            org_id = feeds.get(folder)
            # The workspace the folder was added for; the default one if it is gone.
            org_id = org_id if org_id in workspaces else None
            key = str(Path(folder))
            if key in self._watchers and self._watching.get(key) == org_id:
                continue  # already watched, for the same workspace
            try:
                self.watch(folder, org_id)
            except OSError:
                log.warning("cannot watch %s", folder)
        return sorted(self._watchers)

    # -- changes to the library

    def correct(self, document_id: str, fields: dict[str, Any]) -> ResultInfo:
        """A user's corrections (each keeps its original value, source ``user``); a document a
        remote read gets them sent back there, and ``CorrectionSent`` says how it went."""
        from docrouter_desktop.core.remote import corrections

        result = self.library.correct_fields(document_id, fields)
        if corrections.mark_pending(self.library, document_id):
            self._background.submit(self._send_correction, document_id)
        return result

    def revert(self, document_id: str, names: Sequence[str]) -> ResultInfo:
        """Fields corrected by the user back to what the processor found (sent back to the
        remote that read the document, as a correction is)."""
        from docrouter_desktop.core.remote import corrections

        result = self.library.revert_fields(document_id, names)
        if corrections.mark_pending(self.library, document_id):
            self._background.submit(self._send_correction, document_id)
        return result

    # -- the vendor memory (changed from the window through the engine, as every write)

    def edit_vendor(self, vendor_id: str, org_id: str | None = None, **changes: Any):
        return self.library.edit_vendor(vendor_id, org_id, **changes)

    def merge_vendors(self, keep_id: str, other_id: str, org_id: str | None = None):
        return self.library.merge_vendors(keep_id, other_id, org_id)

    def delete_vendor(self, vendor_id: str, org_id: str | None = None) -> None:
        self.library.delete_vendor(vendor_id, org_id)

    def _send_correction(self, document_id: str) -> None:
        from docrouter_desktop.core.remote import corrections

        outcome = corrections.send(self.library, self.token_store, document_id)
        if outcome is not None:
            self._emit(CorrectionSent(document_id, outcome.sent, outcome.message))

    def delete(self, document_ids: Sequence[str]) -> list[str]:
        """Delete documents (their originals too, when no other document shares them)."""
        self.library.cancel_all(set(document_ids))
        deleted = []
        for doc_id in document_ids:
            try:
                self.library.delete(doc_id)
                deleted.append(doc_id)
            except Exception:
                log.exception("could not delete %s", doc_id)
        return deleted

    def set_setting(self, key: str, value: Any) -> Any:
        return self.library.set_setting(key, value)

    def set_settings(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: self.library.set_setting(k, v) for k, v in values.items()}

    def create_workspace(self, name: str) -> OrganizationInfo:
        return self.library.create_organization(name)

    def create_api_token(self, name: str, org_id: str | None = None) -> tuple[Any, str]:
        """A token of the local API (the secret, once)."""
        from docrouter_desktop.core.api_tokens import ApiTokenService

        return ApiTokenService(self.library).create(name, org_id)

    def revoke_api_token(self, token_id: str, org_id: str | None = None) -> None:
        from docrouter_desktop.core.api_tokens import ApiTokenService

        ApiTokenService(self.library).revoke(token_id, org_id)

    def save_remote(
        self, name: str, url: str, orgs_with_tokens: Sequence[str], orgs_without: Sequence[str] = ()
    ) -> Any:
        """A remote DocRouter server in the registry, with the workspaces it has a token for
        (the tokens themselves are in the keyring, put there by the caller)."""
        from docrouter_desktop.core import remote as rem

        info = rem.add_remote(self.library, name, url)
        for org in orgs_with_tokens:
            rem.note_org_token(self.library, info.name, org, True)
        for org in orgs_without:
            rem.note_org_token(self.library, info.name, org, False)
        return rem.get_remote(self.library, info.name)
