"""What each command line command does, on top of the core services."""

from __future__ import annotations

import json
import os
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from docrouter_desktop.core.batch import Batch, BatchSummary
from docrouter_desktop.core.errors import ExportPathError, UsageError
from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.core.export import (
    ACCOUNTING_FORMATS,
    ExportRow,
    check_export_path,
    write_export,
)
from docrouter_desktop.core.export_accounting import AccountingReport, AccountingSettings
from docrouter_desktop.core.library import Library
from docrouter_desktop.core.settings import SPECS

out = Console()
err = Console(stderr=True)


def _open(library_dir: Path) -> Library:
    return Library(library_dir)


# --- batch ---------------------------------------------------------------------------------


class BatchProgress:
    """A progress bar over files and pages, with rate and ETA, fed by runner events."""

    def __init__(self, total_files: int, enabled: bool):
        self.enabled = enabled
        self.total_files = total_files
        self.pages_done = 0
        self.partial: dict[str, int] = {}
        self.start = time.monotonic()
        self.last_print = 0.0
        self.done = 0
        if enabled:
            self.progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("files · {task.fields[pages]} pages · {task.fields[rate]} pages/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=err,
                transient=False,
            )
            self.task = self.progress.add_task("Processing", total=total_files, pages=0, rate="0.0")

    def __enter__(self):
        if self.enabled:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self.progress.stop()

    def advance_preexisting(self, n: int) -> None:
        self.done += n
        if self.enabled:
            self.progress.update(self.task, completed=self.done)

    def on_event(self, event: JobEvent) -> None:
        if event.kind in ("completed", "failed", "cancelled"):
            self.done += 1
            self.partial.pop(event.document_id, None)
            if event.kind == "completed":
                self.pages_done += event.pages_total or 0
        elif event.kind == "progress":
            self.partial[event.document_id] = event.pages_done
        pages = self.pages_done + sum(self.partial.values())
        elapsed = max(time.monotonic() - self.start, 1e-6)
        if self.enabled:
            self.progress.update(
                self.task,
                completed=min(self.done, self.total_files),
                pages=pages,
                rate=f"{pages / elapsed:.1f}",
            )
        elif event.kind in ("completed", "failed") and time.monotonic() - self.last_print > 2:
            self.last_print = time.monotonic()
            print(
                f"  {self.done}/{self.total_files} files, {pages} pages, {pages / elapsed:.1f} pages/s",
                file=sys.stderr,
                flush=True,
            )


def cmd_batch(args, library_dir: Path) -> int:
    if args.workers is not None and args.workers < 0:
        raise UsageError("--workers must be 0 or more")
    if args.export:  # a bad path fails now, not after the whole batch is processed
        check_export_path(Path(args.export))
    lib = _open(library_dir)
    tags = [t.strip() for t in args.tags.split(",") if t.strip()]
    batch = Batch(lib, args.org, args.processor, args.workers, tags=tags)
    if args.remote:
        from docrouter_desktop.core.remote import get_remote
        from docrouter_desktop.core.secrets import RemoteTokenStore

        if not args.org:
            raise UsageError("--remote needs --org ID: the workspace on that server.")
        batch.org_id = None  # the local library keeps them in its default organization
        batch.remote, batch.remote_org = get_remote(lib, args.remote), args.org
        batch.token_store = RemoteTokenStore()
        batch.token_store.check()
    found = batch.find(args.paths, args.recursive)
    if not found:
        err.print("No files found (hidden, system and partial-download files are skipped).")
    batch.add(found)
    pending = batch.pending_ids()
    interactive = err.is_terminal
    with BatchProgress(len(batch.outcomes), interactive) as progress:
        progress.advance_preexisting(len(batch.outcomes) - len(pending))
        summary = batch.run(on_event=progress.on_event)
    _print_summary(summary)
    if args.export:
        try:
            fmt = write_export(batch.export_rows(), Path(args.export))
        except ExportPathError as exc:
            raise ExportPathError(
                f"{exc} The results are in the library: export them with "
                "`docrouter-desktop export FILE`."
            ) from None
        err.print(f"Exported {len(batch.outcomes)} documents to {args.export} ({fmt}).")
    if summary.interrupted:
        err.print(
            f"Stopped: {summary.unfinished} documents are still queued; run the same command again to finish them."
        )
        return 130
    return 0 if summary.ok else 1


def _print_summary(s: BatchSummary) -> None:
    err.print(
        f"[bold]{s.completed} completed[/bold], {len(s.failed)} failed, "
        f"{s.duplicates} already in the library, {s.unfinished} unfinished; "
        f"{s.pages} pages in {s.seconds:.1f} s ({s.pages_per_second:.2f} pages/s)."
    )
    if s.failed:
        err.print("[bold red]Failed:[/bold red]")
        for o in s.failed:
            err.print(f"  {o.file}: {o.error or o.status}")


# --- samples (the no-display start) --------------------------------------------------------


def cmd_samples(args, library_dir: Path) -> int:
    samples = resources.files("docrouter_desktop") / "resources" / "samples"
    with resources.as_file(samples) as folder:
        lib = _open(library_dir)
        batch = Batch(lib, None, "auto", None)
        batch.add(batch.find([str(folder)]))
        err.print(f"Processing {len(batch.outcomes)} sample documents from {folder} ...")
        summary = batch.run()
        rows = batch.export_rows()
    _print_results_table(rows)
    _print_summary(summary)
    err.print(f"Library: {library_dir}")
    return 0 if summary.ok else 1


def _print_results_table(rows: list[ExportRow]) -> None:
    """The samples' results, one line each. The status column shows only when a document did
    not complete (its reason follows in the summary)."""
    columns = ["file", "status", "processor", "vendor", "number", "date", "total"]
    cells = []
    for r in rows:
        f = r.result.fields if r.result else {}
        total = f.get("total")
        cells.append(
            [
                Path(r.file).name,
                r.status,
                r.result.processor_type if r.result else "",
                str(f.get("vendor") or ""),
                str(f.get("invoice_number") or ""),
                str(f.get("date") or ""),
                f"{total:.2f} {f.get('currency') or ''}".strip()
                if isinstance(total, (int, float))
                else "",
            ]
        )
    if all(r.status == "completed" for r in rows):
        columns.remove("status")
        cells = [c[:1] + c[2:] for c in cells]
    out.print(fitted_table("Results", columns, cells, ("file", "vendor"), out.width))


def fitted_table(title: str, columns, rows, flexible, width: int, caption=None) -> Table:
    """A table of one line per row within ``width`` columns: every column keeps the width of
    its longest cell but the ``flexible`` ones, which share what is left and cut their cells
    with an ellipsis."""
    table = Table(title=title, box=box.SIMPLE_HEAD, caption=caption)
    natural = [max([len(col)] + [len(r[i]) for r in rows]) for i, col in enumerate(columns)]
    shrink = [i for i, col in enumerate(columns) if col in flexible]
    # Each cell is padded by a space each side and set apart by one more, and the table has
    # an edge each side.
    fixed = sum(w for i, w in enumerate(natural) if i not in shrink) + 3 * len(columns) + 1
    share = max(6, (width - fixed) // max(1, len(shrink)))
    for i, col in enumerate(columns):
        if i in shrink:
            table.add_column(col, no_wrap=True, overflow="ellipsis", max_width=share)
        else:
            table.add_column(col, no_wrap=True, min_width=natural[i])
    for row in rows:
        table.add_row(*row)
    return table


# --- library commands ----------------------------------------------------------------------


def cmd_list(args, library_dir: Path) -> int:
    lib = _open(library_dir)
    org = lib.resolve_org(args.org) if args.org else None
    docs, total = lib.documents(
        org, args.status, args.processor, args.search, args.limit, with_fields=True
    )
    if args.json:
        print(
            json.dumps(
                [d.api_dict() | {"fields": d.fields} for d in docs], indent=2, ensure_ascii=False
            )
        )
        return 0
    out.print(documents_table(docs, total, out.width))
    return 0


# Below this many columns the listing keeps what identifies a document and its main fields,
# one line each: a shortened id (any unique start of an id works with show, delete, retry),
# names cut with an ellipsis, and no processor, page count or date added.
WIDE_LISTING = 140
SHORT_ID = 16  # "doc_" and 12 hex digits: unique among millions of documents


def documents_table(docs, total: int, width: int) -> Table:
    """The ``list`` table for a terminal ``width`` columns wide, one line per document."""
    wide = width >= WIDE_LISTING
    columns = ["id", "name", "status", "vendor", "date", "total"]
    if wide:
        columns[3:3] = ["processor"]
        columns += ["pages", "added"]
    rows = []
    for d in docs:
        f = d.fields
        cells = {
            "id": d.id if wide else d.id[:SHORT_ID],
            "name": d.document_name,
            "status": d.status,
            "processor": d.processor_type or "",
            "vendor": str(f.get("vendor") or ""),
            "date": str(f.get("date") or ""),
            "total": ""
            if f.get("total") is None
            else f"{f['total']:.2f} {f.get('currency') or ''}",
            "pages": str(d.pages or ""),
            "added": d.created_at[:16].replace("T", " "),
        }
        rows.append([cells[c] for c in columns])
    caption = None if wide else "ids shortened: any unique start of an id works"
    title = f"{len(docs)} of {total} documents"
    return fitted_table(title, columns, rows, ("name", "vendor"), width, caption)


def cmd_show(args, library_dir: Path) -> int:
    lib = _open(library_dir)
    doc = lib.document(args.id)
    result = lib.result(doc.id)
    if args.json:
        print(
            json.dumps(
                {"document": doc.api_dict(), "result": result.api_dict() if result else None},
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    out.print(f"[bold]{doc.document_name}[/bold]  {doc.id}")
    out.print(f"status: {doc.status}" + (f" — {doc.error}" if doc.error else ""))
    out.print(
        f"type: {doc.content_type}, {doc.pages or '?'} pages, {doc.size} bytes, sha256 {doc.sha256[:16]}…"
    )
    from docrouter_desktop.core.remote import remote_record

    sent = remote_record(lib, doc.id)
    if sent:
        out.print(
            f"sent to {sent['remote']} ({sent['url']}), workspace {sent['organization']}, "
            f"at {sent['uploaded_at']}: {sent['status']}"
            + (f" — {sent['error']}" if sent["error"] else "")
        )
    if result is None:
        return 0
    out.print(
        f"processor: {result.processor_type}" + (f" ({result.routing})" if result.routing else "")
    )
    threshold = lib.settings().confidence_threshold
    table = Table()
    for col in ("field", "value", "confidence", "page", "box", "source", "rule"):
        table.add_column(col, overflow="fold")
    for name, value in result.fields.items():
        if name == "line_items":
            continue
        d = result.field_details.get(name, {})
        conf = d.get("confidence")
        flag = "" if conf is None or conf >= threshold else " [yellow](review)[/yellow]"
        table.add_row(
            name,
            "—" if value is None else str(value),
            "" if conf is None else f"{conf:.2f}{flag}",
            str(d.get("page") or ""),
            ", ".join(f"{v:.0f}" for v in d.get("bbox") or []),
            d.get("source", ""),
            d.get("rule", ""),
        )
    out.print(table)
    items = result.fields.get("line_items") or []
    if items:
        t = Table(title="Line items")
        for col in ("description", "quantity", "unit price", "amount"):
            t.add_column(col)
        for it in items:
            t.add_row(
                *(
                    str(it.get(k) if it.get(k) is not None else "")
                    for k in ("description", "quantity", "unit_price", "amount")
                )
            )
        out.print(t)
    for w in result.warnings:
        out.print(f"[yellow]warning:[/yellow] {w}")
    return 0


def cmd_export(args, library_dir: Path) -> int:
    check_export_path(Path(args.file), args.format)
    lib = _open(library_dir)
    org = lib.resolve_org(args.org) if args.org else None
    docs, _ = lib.documents(org, args.status)
    results = lib.results([d.id for d in docs])
    rows = [
        ExportRow(d.source_path or d.document_name, d, results.get(d.id), d.status, d.error)
        for d in docs
    ]
    if args.format in ACCOUNTING_FORMATS:
        return _export_accounting(args, rows, lib.booking_accounts(org))
    fmt = write_export(rows, Path(args.file), args.format)
    err.print(f"Exported {len(rows)} documents to {args.file} ({fmt}).")
    return 0


def _accounting_settings(args) -> AccountingSettings:
    """The accounting export's settings: the defaults, changed by the options given."""
    from dataclasses import replace

    changes: dict[str, Any] = {}
    for option, name in (
        ("datev_berater", "berater"),
        ("datev_mandant", "mandant"),
        ("fiscal_year_start", "fiscal_year_start"),
        ("fiscal_year", "fiscal_year"),
        ("account_length", "account_length"),
        ("creditor_account", "creditor_account"),
        ("chart", "chart"),
    ):
        if getattr(args, option, None) is not None:
            changes[name] = getattr(args, option)
    if args.account:
        field = {"datev": "expense_account", "xero": "xero_account"}
        changes[field.get(args.format, "quickbooks_account")] = args.account
    if args.tax_type:
        changes["xero_tax_type" if args.format == "xero" else "quickbooks_tax_code"] = args.tax_type
    rates = {}
    for given in args.rate or []:
        currency, _, rate = given.partition("=")
        try:
            rates[currency.strip().upper()] = float(rate)
        except ValueError:
            raise UsageError(f"--rate {given}: give it as CURRENCY=RATE, e.g. USD=1.08.") from None
    if rates:
        changes["exchange_rates"] = rates
    if args.quickbooks_region == "intl":
        changes.update(quickbooks_us=False, quickbooks_date_format="%d/%m/%Y")
    return replace(AccountingSettings(), **changes)


def _export_accounting(args, rows: list[ExportRow], accounts=None) -> int:
    report = AccountingReport()
    settings = _accounting_settings(args)
    fmt = write_export(
        rows, Path(args.file), args.format, settings=settings, accounts=accounts, report=report
    )
    files = ", ".join(str(f) for f in report.files)
    what = "bookings" if fmt == "datev" else "rows"
    err.print(
        f"Exported {report.documents} of {len(rows)} documents to {files} ({fmt}: "
        f"{report.rows} {what})."
    )
    for note in report.notes:
        err.print(f"  {note}", markup=False, highlight=False)
    if fmt == "xero" and report.documents:
        err.print("  Import it in Xero with amounts 'Tax exclusive'.")
    return 0


def cmd_library(args, library_dir: Path) -> int:
    from docrouter_desktop.core import maintenance

    if args.action == "check":
        report = maintenance.check(library_dir)
        for line in report.notes:
            out.print(line, highlight=False)
        for line in report.problems:
            err.print(f"[bold red]problem:[/bold red] {line}", highlight=False)
        if report.ok:
            out.print(f"The library at {library_dir} is sound.", highlight=False)
        return 0 if report.ok else 1
    if args.action == "repair":
        fixed = maintenance.repair(library_dir)
        for line in fixed.notes:
            out.print(line, highlight=False)
        if not fixed.salvaged:
            return 0
        saved = ", ".join(f"{n} {table}" for table, n in sorted(fixed.saved.items()) if n)
        out.print(
            f"The database was damaged: a new one holds what could be read ({saved or 'no rows'}"
            f"; {fixed.indexed} documents in the search index). The damaged file is kept as "
            f"{fixed.damaged_copy}.",
            highlight=False,
        )
        for line in fixed.lost:
            err.print(f"[bold yellow]not saved:[/bold yellow] {line}", highlight=False)
        return 1 if fixed.lost else 0
    done = maintenance.backup(library_dir, Path(args.dest))
    out.print(
        f"Backed up {done.documents} documents and {done.originals} originals "
        f"({done.bytes / 1e6:.1f} MB) to {done.dest}. To restore, see {done.dest / 'RESTORE.txt'}.",
        highlight=False,
    )
    if done.missing:
        err.print(
            f"[bold yellow]{len(done.missing)} originals were missing from the library[/bold yellow]"
            f" and are not in the backup: {', '.join(done.missing[:5])}",
            highlight=False,
        )
    return 0


def _process_now(lib: Library, ids: set[str], workers, engine=None) -> BatchSummary:
    batch = Batch(lib, None, None, workers, engine=engine)
    from docrouter_desktop.core.records import IngestOutcome

    for d in lib.documents(ids=sorted(ids))[0]:
        batch.outcomes.append(IngestOutcome(d.source_path or d.document_name, d.id, d.status))
    return batch.run()


def cmd_retry(args, library_dir: Path) -> int:
    from docrouter_desktop.core.engine import Engine

    lib = _open(library_dir)
    org = lib.resolve_org(args.org) if args.org else None
    engine = Engine(lib, runner="none", workers=args.workers)
    ids = engine.retry(org, args.ids or None)
    if not ids:
        err.print("No failed documents to retry.")
        return 0
    err.print(f"Retrying {len(ids)} documents ...")
    summary = _process_now(lib, set(ids), args.workers, engine)
    _print_summary(summary)
    return 0 if summary.ok else 1


def cmd_reprocess(args, library_dir: Path) -> int:
    from docrouter_desktop.core.engine import Engine

    lib = _open(library_dir)
    engine = Engine(lib, runner="none", workers=args.workers)
    ids = engine.reprocess([lib.document(args.id).id], args.processor, args.discard_corrections)
    summary = _process_now(lib, set(ids) or {lib.document(args.id).id}, args.workers, engine)
    _print_summary(summary)
    return 0 if summary.ok else 1


def cmd_cancel(args, library_dir: Path) -> int:
    from docrouter_desktop.core.engine import Engine

    lib = _open(library_dir)
    engine = Engine(lib, runner="none")
    if args.all:
        n = engine.cancel()
        err.print(f"Cancelled {n} queued or running documents.")
        return 0
    if not args.ids:
        raise UsageError("name the documents to cancel, or use --all")
    for i in args.ids:
        doc = lib.document(i)
        engine.cancel([doc.id])
        err.print(f"{i}: {lib.document(doc.id).status}")
    return 0


def cmd_delete(args, library_dir: Path) -> int:
    from docrouter_desktop.core.engine import Engine

    lib = _open(library_dir)
    doc = lib.document(args.id)
    Engine(lib, runner="none").delete([doc.id])
    err.print(f"Deleted {doc.document_name} ({doc.id}).")
    return 0


def cmd_config(args, library_dir: Path) -> int:
    lib = _open(library_dir)
    action = args.action or "list"
    if action == "set":
        value = lib.set_setting(args.key, args.value)
        print(f"{args.key} = {_show_value(value)}")
        return 0
    if action == "get" and args.key:
        print(_show_value(lib.get_setting(args.key)))
        return 0
    settings = lib.settings()
    for key, spec in SPECS.items():
        print(f"{key} = {_show_value(getattr(settings, key))}    # {spec.help}")
    return 0


def _show_value(value) -> str:
    """A setting's value as ``config set`` takes it back."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, dict) or (
        isinstance(value, tuple) and value and isinstance(value[0], tuple)
    ):  # watch_workspaces: folder -> workspace id, as JSON
        return json.dumps(dict(value), ensure_ascii=False)
    if isinstance(value, (list, tuple)):  # folders, joined as the setting splits them
        return os.pathsep.join(value)
    return str(value)


def cmd_org(args, library_dir: Path) -> int:
    lib = _open(library_dir)
    if args.action == "create":
        org = lib.create_organization(args.name)
        print(org.id)
        return 0
    for org in lib.organizations():
        print(f"{org.id}  {org.name}  ({org.document_count} documents)")
    return 0


def cmd_vendors(args, library_dir: Path) -> int:
    from docrouter_desktop import vendor_commands

    return vendor_commands.cmd_vendors(args, library_dir, _open(library_dir))


def cmd_correct(args, library_dir: Path) -> int:
    from docrouter_desktop import vendor_commands

    return vendor_commands.cmd_correct(args, library_dir, _open(library_dir))


def cmd_serve(args, library_dir: Path) -> int:
    from docrouter_desktop.server.app import ServerConfig
    from docrouter_desktop.server.serve import exposure_warning, serve

    if not 1 <= args.port <= 65535:
        raise UsageError("--port must be from 1 to 65535")
    if args.rate_limit < 1 or args.max_upload_mib < 1:
        raise UsageError("--rate-limit and --max-upload-mib must be at least 1")
    warning = exposure_warning(args.host)
    if warning:
        err.print(f"[bold yellow]{warning}[/]")
    lib = _open(library_dir)
    config = ServerConfig(
        rate_limit=args.rate_limit,
        max_upload_bytes=args.max_upload_mib << 20,
        workers=args.workers,
        runner_process=args.runner == "process",
    )
    host = f"[{args.host}]" if ":" in args.host else args.host
    err.print(f"DocRouter API on http://{host}:{args.port} (documentation: /docs). Ctrl-C to stop.")
    serve(lib, args.host, args.port, config)
    return 0


def cmd_api_token(args, library_dir: Path) -> int:
    from docrouter_desktop.core.api_tokens import ApiTokenService

    lib = _open(library_dir)
    tokens = ApiTokenService(lib)
    action = args.action or "list"
    if action == "create":
        org = lib.resolve_org(args.org) if args.org else None
        info, secret = tokens.create(args.name, org)
        scope = f"workspace token for {org}" if org else "account token"
        err.print(f"Created {scope} {info.id} '{info.name}'. The secret is shown only now:")
        print(secret)
        return 0
    if action == "revoke":
        tokens.revoke(args.id, any_scope=True)
        err.print(f"Revoked {args.id}.")
        return 0
    found, _ = tokens.list(every_scope=True)
    for t in found:
        scope = t.organization_id or "account"
        print(
            f"{t.id}  {t.name}  {scope}  created {t.created_at}  last used {t.last_used_at or '-'}"
        )
    return 0


def cmd_watch(args, library_dir: Path) -> int:
    from docrouter_desktop.core.engine import Engine
    from docrouter_desktop.core.events import WatchedFileAdded

    lib = _open(library_dir)
    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"'{args.folder}' is not a folder.")
    org = lib.resolve_org(args.org)

    def on_event(event) -> None:
        if isinstance(event, WatchedFileAdded):
            o = event.outcome
            state = "already in the library" if o.duplicate else o.status
            err.print(
                f"{o.file}: {state}" + (f" — {o.error}" if o.error and not o.duplicate else "")
            )
        elif isinstance(event, JobEvent) and event.kind in ("completed", "failed"):
            err.print(
                f"{event.document_name}: {event.kind}"
                + (f" — {event.error}" if event.error else "")
            )

    engine = Engine(lib, runner="thread", workers=args.workers)
    engine.subscribe(on_event)
    engine.start()
    engine.watch(folder, org, args.processor, args.recursive, args.poll, args.interval)
    err.print(f"Watching {folder} (Ctrl-C to stop). Files are read, never moved or changed.")
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        engine.stop()
    return 0


def cmd_gui(args, library_dir: Path) -> int:
    try:
        from docrouter_desktop.gui.app import run_gui
    except ImportError as exc:
        err.print(
            f"The window is not available ({exc}). Process files with: docrouter-desktop batch PATH"
        )
        return cmd_samples(args, library_dir) if not args.files else 1
    return run_gui(args, library_dir)


# --- remotes and their tokens --------------------------------------------------------------


def cmd_remote(args, library_dir: Path) -> int:
    from docrouter_desktop.core import remote as rem
    from docrouter_desktop.core.secrets import RemoteTokenStore

    lib = _open(library_dir)
    action = args.action or "list"
    if action == "add":
        r = rem.add_remote(lib, args.name, args.url)
        dialect = _find_dialect(lib, r, getattr(args, "dialect", None))
        spoken = f", {dialect.description}" if dialect else ""
        err.print(
            f"Remote '{r.name}' at {r.url}{spoken}. Now store a token: "
            f"docrouter-desktop token set --remote {r.name} [--org ID]"
        )
        return 0
    if action == "list":
        for r in rem.remotes(lib).values():
            orgs = f" (workspace tokens: {', '.join(r.org_tokens)})" if r.org_tokens else ""
            dialect = f" [{r.dialect}]" if r.dialect else ""
            print(f"{r.name}  {r.url}{dialect}{orgs}")
        return 0
    if action == "rule":
        return _rule_command(lib, args)
    if action == "prompt":
        return _prompt_command(lib, args)
    if action == "remove":
        rem.remove_remote(lib, args.name, RemoteTokenStore())
        err.print(f"Removed the remote '{args.name}' and its tokens.")
        return 0
    # test
    r = rem.get_remote(lib, args.name)
    return _test_remote(lib, r, RemoteTokenStore())


def _find_dialect(lib, r, given: str | None):
    """The dialect a remote speaks: as given, or from its /openapi.json (None when the server
    cannot be asked now; a batch finds it later)."""
    from docrouter_desktop.client import Dialect, DocRouterClient, DocRouterError
    from docrouter_desktop.core import remote as rem

    if given:
        return rem.note_dialect(lib, r.name, Dialect(given)).dialect
    try:
        with DocRouterClient(r.url, retries=0, timeout=10) as client:
            dialect = client.detect_dialect()
    except DocRouterError:
        return None
    return rem.note_dialect(lib, r.name, dialect).dialect


def _test_remote(lib, r, store) -> int:
    """What a batch needs, checked: the server answers and says which dialect it speaks, it
    lists the upload route, and each stored token can list its workspace's documents."""
    from docrouter_desktop.client import (
        Dialect,
        DocRouterError,
        Forbidden,
        NotFound,
        Unauthorized,
        upload_route_in,
    )
    from docrouter_desktop.core import remote as rem
    from docrouter_desktop.core.remote.messages import refused_token

    ok = True
    try:
        with rem.client_for(r, store, retries=1, timeout=15, dialect=None) as client:
            dialect = client.detect_dialect()
            rem.note_dialect(lib, r.name, dialect)
            print(f"{r.url} speaks {dialect.description}.")
            try:
                spec = client.openapi()
            except NotFound:
                spec = None
            if spec is None:
                print("  its /openapi.json is not published: the upload route is not checked")
            elif upload_route_in(spec, dialect):
                route = "documents/upload" if dialect is Dialect.DESKTOP else "documents"
                print(f"  upload route: POST /v0/orgs/{{org}}/{route} is there")
            else:
                ok = False
                print("  upload route: MISSING from its /openapi.json: batches cannot send there")
            orgs: list[dict] = []
            if store.get_token(r.name):
                try:
                    if dialect is Dialect.DESKTOP:
                        profile = client.profile()
                        print(
                            f"  account token: {profile.get('name') or '?'} "
                            f"<{profile.get('email') or '?'}>"
                        )
                    orgs = client.organizations()
                    print(f"  account token: works; it sees {len(orgs)} workspace(s)")
                    for o in orgs:
                        print(f"    workspace {o.get('id')}  {o.get('name')}")
                except (Unauthorized, Forbidden) as exc:
                    ok = False
                    print(
                        f"  account token: REFUSED ({exc.message}). If it is a workspace's "
                        f"token, store it with: docrouter-desktop token set --remote {r.name} "
                        "--org ID"
                    )
            for org in r.org_tokens:
                try:
                    n = client.document_count(org)
                    print(f"  workspace token for {org}: can list its documents ({n})")
                except Unauthorized as exc:
                    ok = False
                    print(f"  workspace token for {org}: REFUSED. {refused_token(r, exc, org)}")
                except (Forbidden, NotFound) as exc:
                    ok = False
                    print(f"  workspace token for {org}: cannot list documents ({exc.message})")
            for o in orgs:
                org = str(o.get("id"))
                if org in r.org_tokens:
                    continue
                try:
                    n = client.document_count(org)
                    print(f"  workspace {org} with the account token: can list documents ({n})")
                except Unauthorized as exc:
                    print(f"  workspace {org}: {refused_token(r, exc, org)}")
            if not r.org_tokens and not orgs:
                ok = False
                print("  no workspace can be used yet: store a token for one (--org ID)")
        return 0 if ok else 1
    except DocRouterError as exc:
        err.print(f"Connection test failed: {exc.message}")
        return 1


def _prompt_command(lib, args) -> int:
    from docrouter_desktop.core import remote as rem

    if args.reset:
        rem.choose_prompt(lib, args.name, args.org, args.processor, None)
        err.print(f"{args.processor}s sent to {args.name} ({args.org}) use the app's own prompt.")
        return 0
    if not args.prompt:
        raise UsageError("Name the workspace's prompt with --prompt ID_OR_NAME (or --reset).")
    mapping = {}
    for pair in (p.strip() for p in args.map.split(",") if p.strip()):
        ours, sep, theirs = pair.partition("=")
        from docrouter_desktop.core.fields import field_names

        if not sep or ours.strip() not in field_names(args.processor):
            raise UsageError(
                f"'{pair}' is not FIELD=PROPERTY with a field of the {args.processor} "
                f"({', '.join(field_names(args.processor))})."
            )
        mapping[ours.strip()] = theirs.strip()
    rem.choose_prompt(
        lib, args.name, args.org, args.processor, rem.PromptChoice(args.prompt, mapping)
    )
    err.print(
        f"{args.processor}s sent to {args.name} ({args.org}) are read by its prompt "
        f"'{args.prompt}'" + (f", fields mapped: {args.map}" if mapping else "") + "."
    )
    return 0


def cmd_token(args, library_dir: Path) -> int:
    import getpass

    from docrouter_desktop.core import remote as rem
    from docrouter_desktop.core.secrets import RemoteTokenStore

    lib = _open(library_dir)
    r = rem.get_remote(lib, args.remote)
    store = RemoteTokenStore()
    store.check()
    if args.action == "delete":
        removed = store.delete_token(r.name, args.org)
        if args.org:
            rem.note_org_token(lib, r.name, args.org, False)
        err.print("Token removed." if removed else "There was no such token.")
        return 0
    if sys.stdin.isatty():
        secret = getpass.getpass("Token (input hidden): ")
    else:
        secret = sys.stdin.readline()
    secret = secret.strip()
    if not secret:
        raise UsageError("No token was given (type it at the prompt, or pipe it on stdin).")
    if secret.startswith("org_") and not args.org:
        raise UsageError(
            "This looks like a DocRouter organization token (org_…): it works only on its "
            f"workspace's paths. Store it with: docrouter-desktop token set --remote {r.name} "
            "--org ORG_ID"
        )
    if secret.startswith("acc_") and args.org:
        raise UsageError(
            "This looks like a DocRouter account token (acc_…): DocRouter servers accept it "
            "only for /v0/account, not on a workspace. Store it without --org, and store the "
            "workspace's own token (org_…) with --org."
        )
    store.set_token(r.name, secret, args.org)
    if args.org:
        rem.note_org_token(lib, r.name, args.org, True)
    err.print(
        f"Token stored in the system keyring for '{r.name}'"
        + (f", workspace {args.org}." if args.org else ".")
    )
    return 0


def _rule_command(lib, args) -> int:
    from docrouter_desktop.core import remote as rem

    if args.rule_action == "low-confidence":
        rem.add_rule(lib, rem.RoutingRule("low_confidence", args.remote, args.org, args.below))
    elif args.rule_action == "never":
        rem.add_rule(lib, rem.RoutingRule("never", folder=args.folder))
    elif args.rule_action == "remove":
        current = rem.rules(lib)
        if not 1 <= args.number <= len(current):
            raise UsageError(f"There is no rule {args.number} (see: remote rule list).")
        del current[args.number - 1]
        rem.save_rules(lib, current)
    for i, rule in enumerate(rem.rules(lib), start=1):
        print(f"{i}. {rule.describe()}")
    return 0
