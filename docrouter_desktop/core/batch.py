"""A batch: the files a user named, added to the library, processed, and accounted for.

The command line drives it with a progress bar; the window's batch dialog drives it too.
Every file the user gave ends in the summary once, in the order given: completed, failed
with its reason, or a duplicate of a document already in the library.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from docrouter_desktop.core.engine import Engine
from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.core.export import ExportRow
from docrouter_desktop.core.ingest import FoundFile, walk
from docrouter_desktop.core.library import Library
from docrouter_desktop.core.records import IngestOutcome
from docrouter_desktop.core.remote.target import LOCAL
from docrouter_desktop.core.runner import Runner
from docrouter_desktop.core.states import WAITING, EventKind

if TYPE_CHECKING:
    from docrouter_desktop.core.remote import RemoteInfo
    from docrouter_desktop.core.secrets import RemoteTokenStore


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
    """The files of one batch, through the engine's front door: added, processed here and now
    (each where its job is queued), and summed up."""

    library: Library
    org_id: str | None = None
    processor_type: str | None = None
    workers: int | None = None
    outcomes: list[IngestOutcome] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    remote: RemoteInfo | None = None  # process there instead of here
    remote_org: str | None = None
    token_store: RemoteTokenStore | None = None
    engine: Engine | None = None

    def __post_init__(self) -> None:
        if self.engine is None:
            # No runner of its own running: ``run`` processes the batch's documents itself.
            self.engine = Engine(
                self.library, runner="none", workers=self.workers, token_store=self.token_store
            )

    @property
    def target(self) -> str:
        if self.remote is None or self.remote_org is None:
            return LOCAL
        return self.remote.target(self.remote_org)

    def find(self, paths: list[str], recursive: bool = False) -> list[FoundFile | tuple[str, str]]:
        return list(walk(paths, recursive))

    def add(
        self,
        found: list[FoundFile | tuple[str, str]],
        on_added: Callable[[IngestOutcome], None] | None = None,
    ) -> None:
        assert self.engine is not None
        added = self.engine.add_found(
            found, self.org_id, self.processor_type, self.tags, self.target
        )
        for outcome in added:
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
        assert self.engine is not None
        start = time.monotonic()
        pages = 0

        def count(event: JobEvent) -> None:
            nonlocal pages
            if event.kind == EventKind.COMPLETED:
                pages += event.pages_total or 0
            if on_event:
                on_event(event)

        ids = self.pending_ids()
        interrupted = False
        try:
            self.engine.process_until_done(ids, count, runner_factory, poll)
            if self.remote is None:
                self._escalate(sorted(ids), count)
        except KeyboardInterrupt:
            interrupted = True
        return self.summary(time.monotonic() - start, pages, interrupted)

    def _escalate(self, document_ids: list[str], on_event) -> None:
        """Routing rules: documents read with low confidence go to the rule's remote."""
        from docrouter_desktop.core import remote as rem

        assert self.engine is not None
        for rule, ids in rem.escalations(self.library, document_ids).items():
            assert rule.remote is not None and rule.org is not None
            queued = self.engine.send_to_remote(ids, rule.remote, rule.org)
            self.engine.process_until_done(set(queued), on_event)

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
