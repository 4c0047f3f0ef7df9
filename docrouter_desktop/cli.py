"""The command line: ``docrouter-desktop [--library DIR] [--log-level L] COMMAND ...``.

With no command it opens the window, or, where there is no display, processes the bundled
sample documents and prints their results.

A fault of the machine (a full disk, a read-only or locked library, a damaged database) ends a
command with one line on stderr saying what to do, and exit code 3; see ``core.errors``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from docrouter_desktop import __version__
from docrouter_desktop.core.errors import AppError, UsageError
from docrouter_desktop.core.settings import PROCESSOR_TYPES, SPECS


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # exit code 2 with a hint, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="docrouter-desktop", description="Documents in, structured data out.")
    p.add_argument("--version", action="version", version=f"docrouter-desktop {__version__}")
    p.add_argument(
        "--library",
        metavar="DIR",
        help="library folder (default: $DOCROUTER_DESKTOP_HOME or the user data folder)",
    )
    p.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
    )
    sub = p.add_subparsers(dest="command", parser_class=Parser)

    b = sub.add_parser("batch", help="process files and folders")
    b.add_argument("paths", nargs="+", metavar="PATH")
    b.add_argument("--processor", choices=PROCESSOR_TYPES, default=None)
    b.add_argument("--recursive", "-r", action="store_true", help="walk sub-folders")
    b.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: the setting)"
    )
    b.add_argument(
        "--export", metavar="FILE", help="write the batch's results (.json, .csv, .xlsx)"
    )
    b.add_argument("--org", help="organization (workspace) id or name; with --remote, the remote's")
    b.add_argument("--tags", default="", help="comma-separated tags")
    b.add_argument("--remote", metavar="NAME", help="process on this DocRouter server instead")

    ls = sub.add_parser("list", help="list documents in the library")
    ls.add_argument("--status")
    ls.add_argument("--processor", choices=PROCESSOR_TYPES)
    ls.add_argument("--search", "-q", help="full-text search")
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--org")
    ls.add_argument("--json", action="store_true")

    sh = sub.add_parser("show", help="a document's fields and where each was found")
    sh.add_argument("id")
    sh.add_argument("--json", action="store_true")

    ex = sub.add_parser("export", help="export documents of the library")
    ex.add_argument("file", metavar="FILE")
    ex.add_argument(
        "--format",
        choices=["json", "csv", "xlsx", "datev", "xero", "quickbooks"],
        help="json, csv, xlsx (else the file's suffix says); datev: a DATEV Buchungsstapel, "
        "xero / quickbooks: a bills import of Xero / QuickBooks Online (all three .csv)",
    )
    ex.add_argument("--status")
    ex.add_argument("--org")
    acc = ex.add_argument_group("accounting formats (datev, xero, quickbooks)")
    acc.add_argument("--datev-berater", type=int, metavar="N", help="DATEV Berater-Nr.")
    acc.add_argument("--datev-mandant", type=int, metavar="N", help="DATEV Mandanten-Nr.")
    acc.add_argument(
        "--fiscal-year-start", type=int, metavar="MONTH", help="the fiscal year's first month"
    )
    acc.add_argument(
        "--fiscal-year",
        type=int,
        metavar="YEAR",
        help="DATEV: only this fiscal year (else one file per fiscal year)",
    )
    acc.add_argument("--account-length", type=int, metavar="N", help="DATEV Sachkontenlänge")
    acc.add_argument(
        "--account",
        help="the expense account to book to (DATEV default 4980 of SKR03, Xero 429, "
        "QuickBooks 'Uncategorized Expense')",
    )
    acc.add_argument("--creditor-account", help="DATEV: the creditor account (default 70000)")
    acc.add_argument("--chart", help="DATEV Sachkontenrahmen: 03 or 04")
    acc.add_argument("--tax-type", help="Xero tax type / QuickBooks tax code of taxed lines")
    acc.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="CUR=RATE",
        help="DATEV: units of a currency per euro (--rate USD=1.08), repeatable",
    )
    acc.add_argument(
        "--quickbooks-region",
        choices=["us", "intl"],
        help="QuickBooks Online company: us (Vendor, MM/DD/YYYY, sales tax as a line) or "
        "intl (Supplier, DD/MM/YYYY, tax codes)",
    )

    rt = sub.add_parser("retry", help="process failed documents again")
    rt.add_argument("ids", nargs="*")
    rt.add_argument("--workers", type=int, default=None)
    rt.add_argument("--org")

    rp = sub.add_parser("reprocess", help="process a document again, with another processor")
    rp.add_argument("id")
    rp.add_argument("--processor", choices=PROCESSOR_TYPES)
    rp.add_argument("--discard-corrections", action="store_true")
    rp.add_argument("--workers", type=int, default=None)

    ca = sub.add_parser("cancel", help="cancel queued documents")
    ca.add_argument("ids", nargs="*")
    ca.add_argument("--all", action="store_true")

    de = sub.add_parser("delete", help="delete a document from the library")
    de.add_argument("id")

    cf = sub.add_parser("config", help="read or change settings")
    cfs = cf.add_subparsers(dest="action", parser_class=Parser)
    g = cfs.add_parser("get")
    g.add_argument("key", nargs="?")
    s = cfs.add_parser("set")
    s.add_argument("key")
    s.add_argument("value")
    cfs.add_parser("list")

    w = sub.add_parser("watch", help="process files as they appear in a folder")
    w.add_argument("folder")
    w.add_argument("--processor", choices=PROCESSOR_TYPES, default=None)
    w.add_argument("--recursive", "-r", action="store_true")
    w.add_argument("--poll", action="store_true", help="poll instead of OS events (network shares)")
    w.add_argument("--interval", type=float, default=2.0, help="polling interval in seconds")
    w.add_argument("--workers", type=int, default=None)
    w.add_argument("--org")

    from docrouter_desktop import vendor_commands

    vendor_commands.add_parsers(sub, Parser)

    og = sub.add_parser("org", help="organizations (workspaces)")
    ogs = og.add_subparsers(dest="action", parser_class=Parser)
    ogs.add_parser("list")
    oc = ogs.add_parser("create")
    oc.add_argument("name")

    sv = sub.add_parser("serve", help="serve the DocRouter REST API over the library")
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    sv.add_argument("--port", type=int, default=8765)
    sv.add_argument(
        "--rate-limit", type=int, default=600, metavar="N", help="requests per token per minute"
    )
    sv.add_argument(
        "--max-upload-mib", type=int, default=50, metavar="MIB", help="upload size limit"
    )
    sv.add_argument("--workers", type=int, default=None, help="worker processes")
    sv.add_argument(
        "--runner",
        choices=["process", "thread"],
        default="process",
        help="run the job runner in a child process (default) or in a thread of the server",
    )

    at = sub.add_parser("api-token", help="API access tokens (account or workspace)")
    ats = at.add_subparsers(dest="action", parser_class=Parser)
    atc = ats.add_parser("create", help="create a token; its secret is printed once")
    atc.add_argument("--name", required=True)
    atc.add_argument("--org", help="organization id or name: a workspace token (else: account)")
    ats.add_parser("list")
    atr = ats.add_parser("revoke")
    atr.add_argument("id")

    lb = sub.add_parser("library", help="check, repair or back up the library")
    lbs = lb.add_subparsers(dest="action", parser_class=Parser, required=True)
    lbs.add_parser(
        "check",
        help="check the database (SQLite integrity, full-text index, originals) and fold its "
        "write-ahead log into library.sqlite3",
    )
    lbs.add_parser(
        "repair",
        help="rebuild the indexes; if the database is damaged, save every readable row into a "
        "new one (the damaged file is kept beside it as library.sqlite3.damaged-...)",
    )
    bk = lbs.add_parser(
        "backup",
        help="copy the library (database and originals) into a new folder",
        description="Copy the library into DEST, a new or empty folder: the database through "
        "SQLite's online backup (consistent while the window or a batch writes) and the "
        "originals its documents need. DEST is itself a library. To restore it: open it as it "
        "is with `docrouter-desktop --library DEST`, or close the window, stop serve/watch/"
        "batches, move the old library folder aside and copy DEST in its place. Remote tokens "
        "stay in the system keyring and are not part of a backup.",
    )
    bk.add_argument("dest", metavar="DEST", help="a new or empty folder")

    sub.add_parser("samples", help="process the bundled sample documents and print a table")

    rm = sub.add_parser("remote", help="DocRouter servers to send documents to")
    rms = rm.add_subparsers(dest="action", parser_class=Parser)
    ra = rms.add_parser("add")
    ra.add_argument("name")
    ra.add_argument("--url", required=True)
    ra.add_argument(
        "--dialect",
        choices=("docrouter", "desktop"),
        help="the API the server speaks (default: found from its /openapi.json)",
    )
    rms.add_parser("list")
    for action in ("test", "remove"):
        rms.add_parser(action).add_argument("name")
    rp = rms.add_parser(
        "prompt", help="read documents with one of the workspace's own prompts instead"
    )
    rp.add_argument("name", help="the remote")
    rp.add_argument("--org", required=True, metavar="ID")
    rp.add_argument("--processor", choices=("invoice", "receipt"), default="invoice")
    rp.add_argument("--prompt", metavar="ID_OR_NAME", help="the workspace's prompt to use")
    rp.add_argument(
        "--map",
        default="",
        metavar="FIELD=PROPERTY,...",
        help="which answer property holds which field (default: the same names)",
    )
    rp.add_argument("--reset", action="store_true", help="use the app's own prompt again")
    rr = rms.add_parser("rule", help="when documents go to a remote by themselves")
    rrs = rr.add_subparsers(dest="rule_action", parser_class=Parser, required=True)
    lo = rrs.add_parser("low-confidence", help="send documents read with low confidence")
    lo.add_argument("--remote", required=True, metavar="NAME")
    lo.add_argument("--org", required=True, metavar="ID")
    lo.add_argument("--below", type=float, default=0.6, help="confidence threshold (0-1)")
    nv = rrs.add_parser("never", help="documents from this folder never leave the machine")
    nv.add_argument("--folder", required=True)
    rrs.add_parser("list")
    rrs.add_parser("remove").add_argument("number", type=int)

    tk = sub.add_parser("token", help="API tokens of remotes, kept in the OS keyring")
    tks = tk.add_subparsers(dest="action", parser_class=Parser, required=True)
    for action in ("set", "delete"):
        t = tks.add_parser(action)
        t.add_argument("--remote", required=True, metavar="NAME")
        t.add_argument("--org", metavar="ID", help="a workspace token for this organization")

    gui = sub.add_parser("gui", help="open the window")
    gui.add_argument("files", nargs="*")
    gui.add_argument("--screenshot", metavar="PNG")
    gui.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        default="system",
        help="colours: the desktop's (default), or a light or dark palette",
    )
    gui.add_argument("--select", type=int)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from docrouter_desktop.core.logs import setup_logging
    from docrouter_desktop.core.paths import resolve_library_dir
    from docrouter_desktop.core.storage.database import open_databases

    library_dir = resolve_library_dir(args.library)
    # A log file on a full or read-only disk must not print a traceback for every line.
    logging.raiseExceptions = False
    setup_logging(library_dir, args.log_level)
    already_open = set(open_databases())
    command = args.command
    if command is None:
        command = "gui" if _has_display() else "samples"
        args.files, args.screenshot, args.select = [], None, None
    try:
        from docrouter_desktop import commands

        handler = getattr(commands, f"cmd_{command.replace('-', '_')}")
        code = handler(args, library_dir) or 0
        sys.stdout.flush()  # a closed pipe shows here, where it is handled, not at exit
        return code
    except UsageError as exc:
        print(f"docrouter-desktop: {exc}", file=sys.stderr)
        return 2
    except AppError as exc:
        print(f"docrouter-desktop: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``list --json | head``): nothing more to say to it, and Python
        # must not try again to flush into the closed pipe at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:
        from docrouter_desktop.core.environment_faults import library_fault

        fault = library_fault(exc, library_dir)
        if fault is None:
            raise  # a bug: its traceback is what a report needs
        print(f"docrouter-desktop: {_one_line(str(fault))}", file=sys.stderr)
        return fault.exit_code
    finally:
        # The libraries this command opened are closed, their logs folded into the file.
        for db in open_databases():
            if db not in already_open:
                db.dispose()


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


__all__ = ["main", "build_parser", "Path", "SPECS"]
