"""A batch: the files a user named, added to the library, processed, and accounted for.

The command line drives it with a progress bar; the window's batch dialog drives it too.
Every file the user gave ends in the summary once, in the order given: completed, failed
with its reason, or a duplicate of a document already in the library.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from docrouter_desktop.core.export import ExportRow
from docrouter_desktop.core.ingest import FoundFile, walk
from docrouter_desktop.core.library import Library
from docrouter_desktop.core.records import IngestOutcome
from docrouter_desktop.core.runner import JobEvent, Runner

if TYPE_CHECKING:
    from docrouter_desktop.core.remote import RemoteInfo
    from docrouter_desktop.core.secrets import TokenStore

WAITING = ("queued", "processing")


@dataclass
class BatchSummary:
    outcomes: list[IngestOutcome]
    seconds: float
    pages: int
    interrupted: bool = False

    @property
    def completed(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "completed")

    @property
    def failed(self) -> list[IngestOutcome]:
        return [o for o in self.outcomes if o.status not in ("completed",) + WAITING]

    @property
    def duplicates(self) -> int:
        return sum(1 for o in self.outcomes if o.duplicate)

    @property
    def unfinished(self) -> int:
        return sum(1 for o in self.outcomes if o.status in WAITING)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unfinished


@dataclass
class Batch:
    library: Library
    org_id: str | None = None
    processor_type: str | None = None
    workers: int | None = None
    outcomes: list[IngestOutcome] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    remote: RemoteInfo | None = None  # process there instead of here
    remote_org: str | None = None
    token_store: TokenStore | None = None

    @property
    def target(self) -> str:
        return self.remote.target(self.remote_org) if self.remote else "local"

    def find(self, paths: list[str], recursive: bool = False) -> list[FoundFile | tuple[str, str]]:
        return list(walk(paths, recursive))

    def add(
        self,
        found: list[FoundFile | tuple[str, str]],
        on_added: Callable[[IngestOutcome], None] | None = None,
    ) -> None:
        org = self.library.resolve_org(self.org_id)
        never = []
        if self.remote is not None:
            from docrouter_desktop.core import remote as rem

            never = [r for r in rem.rules(self.library) if r.kind == "never"]
        for item in found:
            if isinstance(item, tuple):
                outcome = IngestOutcome(item[0], None, "failed", error=item[1])
            else:
                outcome = self.library.ingest_file(
                    item.path,
                    org,
                    self.processor_type,
                    item.given_as,
                    tags=self.tags,
                    target="local"
                    if never and rem.never_remote(never, str(item.path))
                    else self.target,
                )
            self.outcomes.append(outcome)
            if on_added:
                on_added(outcome)

    def pending_ids(self) -> set[str]:
        return {o.document_id for o in self.outcomes if o.document_id and o.status in WAITING}

    def run(
        self,
        on_event: Callable[[JobEvent], None] | None = None,
        runner_factory: Callable[..., Runner] | None = None,
        poll: float = 0.5,
    ) -> BatchSummary:
        """Process the batch's documents; returns when every one is finished (or on Ctrl-C)."""
        start = time.monotonic()
        pages = 0

        def count(event: JobEvent) -> None:
            nonlocal pages
            if event.kind == "completed":
                pages += event.pages_total or 0
            if on_event:
                on_event(event)

        ids = self.pending_ids()
        local_ids = set(ids)
        interrupted = False
        try:
            while ids:
                for target, group in self.library.queued_targets(sorted(ids)).items():
                    runner = self._runner_for(target, group, count, runner_factory)
                    runner.run_until_idle()
                statuses = self.library.statuses(sorted(ids))
                ids = {i for i, (status, _e) in statuses.items() if status in WAITING}
                if ids:
                    # Another process (the window, serve) holds them, or a dead one did:
                    # wait, then claim whatever has become free again.
                    time.sleep(poll)
            if self.remote is None and not interrupted:
                self._escalate(sorted(local_ids), count)
        except KeyboardInterrupt:
            interrupted = True
        return self.summary(time.monotonic() - start, pages, interrupted)

    def _escalate(self, document_ids: list[str], on_event) -> None:
        """Routing rules: documents read with low confidence go to the rule's remote."""
        from docrouter_desktop.core import remote as rem
        from docrouter_desktop.core.secrets import TokenStore

        plan = rem.escalations(self.library, document_ids)
        for rule, ids in plan.items():
            remote = rem.get_remote(self.library, rule.remote)
            target = remote.target(rule.org)
            for doc_id in ids:
                self.library.reprocess(doc_id, target=target)
            store = self.token_store or TokenStore()
            rem.RemoteRunner(
                self.library, remote, rule.org, store, on_event=on_event, only_documents=set(ids)
            ).run_until_idle()

    def _runner_for(self, target: str, ids: set[str], on_event, runner_factory=None):
        """The runner for one target's share of the batch: the local worker pool (or the
        ``runner_factory`` given), or the remote runner of that workspace."""
        from docrouter_desktop.core.remote import get_remote, parse_target

        where = parse_target(target)
        if where is None:
            make = runner_factory or functools.partial(Runner, self.library)
            return make(workers=self.workers, on_event=on_event, only_documents=ids)
        from docrouter_desktop.core.remote import RemoteRunner
        from docrouter_desktop.core.secrets import TokenStore

        if self.token_store is None:
            self.token_store = TokenStore()
        return RemoteRunner(
            self.library,
            get_remote(self.library, where.remote),
            where.org,
            self.token_store,
            on_event=on_event,
            only_documents=ids,
        )

    def summary(self, seconds: float, pages: int, interrupted: bool = False) -> BatchSummary:
        ids = [o.document_id for o in self.outcomes if o.document_id]
        statuses = self.library.statuses(ids)
        final = []
        for o in self.outcomes:
            if o.document_id and o.document_id in statuses:
                status, error = statuses[o.document_id]
                o = replace(o, status=status, error=error)
            final.append(o)
        self.outcomes = final
        return BatchSummary(final, seconds, pages, interrupted)

    def export_rows(self) -> list[ExportRow]:
        ids = [o.document_id for o in self.outcomes if o.document_id]
        docs = {d.id: d for d in self.library.documents(ids=ids)[0]} if ids else {}
        results = self.library.results(ids)
        rows = []
        for o in self.outcomes:
            d = docs.get(o.document_id) if o.document_id else None
            rows.append(
                ExportRow(
                    o.file,
                    d,
                    results.get(o.document_id) if o.document_id else None,
                    d.status if d else o.status,
                    d.error if d else o.error,
                )
            )
        return rows
