"""The ``vendors`` and ``correct`` commands: the vendor memory listed, shown, merged and
edited, and a result's fields corrected from the command line (which teaches the memory)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from docrouter_desktop.core.errors import UsageError
from docrouter_desktop.core.fields import BY_NAME, FieldKind, value_at
from docrouter_desktop.core.library import Library
from docrouter_desktop.core.records import VendorInfo

out = Console()


def add_parsers(sub, parser_class) -> None:
    vd = sub.add_parser("vendors", help="the vendor memory: list, show, merge, edit")
    vds = vd.add_subparsers(dest="action", parser_class=parser_class)
    ls = vds.add_parser("list", help="the known vendors")
    ls.add_argument("--search", "-q", help="a part of the name")
    ls.add_argument("--org")
    ls.add_argument("--json", action="store_true")
    sh = vds.add_parser("show", help="one vendor")
    sh.add_argument("id")
    sh.add_argument("--json", action="store_true")
    mg = vds.add_parser("merge", help="make two vendors one (the first is kept)")
    mg.add_argument("keep")
    mg.add_argument("other")
    ed = vds.add_parser("edit", help="change a vendor's name, account, category, ...")
    ed.add_argument("id")
    for name in ("name", "address", "currency", "account", "category"):
        ed.add_argument(f"--{name}", help=f"the vendor's {name} ('' clears it)")
    de = vds.add_parser("delete", help="forget a vendor")
    de.add_argument("id")

    co = sub.add_parser(
        "correct", help="correct fields of a document's result (FIELD=VALUE, payment.iban=...)"
    )
    co.add_argument("id")
    co.add_argument("changes", nargs="+", metavar="FIELD=VALUE")


def cmd_vendors(args, library_dir: Path, lib: Library) -> int:
    org = lib.resolve_org(getattr(args, "org", None))
    action = args.action or "list"
    if action == "list":
        vendors = lib.vendors(org, args.search)
        if args.json:
            print(json.dumps([v.api_dict() for v in vendors], indent=2, ensure_ascii=False))
            return 0
        out.print(vendors_table(vendors, out.width))
        return 0
    if action == "show":
        v = lib.vendor(args.id, org)
        if args.json:
            print(json.dumps(v.api_dict(), indent=2, ensure_ascii=False))
            return 0
        out.print(vendors_table([v], out.width))
        return 0
    if action == "merge":
        kept = lib.merge_vendors(args.keep, args.other, org)
        print(f"Merged into {kept.id} {kept.name}")
        return 0
    if action == "edit":
        changes = {
            name: getattr(args, name)
            for name in ("name", "address", "currency", "account", "category")
            if getattr(args, name) is not None
        }
        if not changes:
            raise UsageError("Nothing to change: give --name, --account, --category, ...")
        v = lib.edit_vendor(args.id, org, **changes)
        print(f"{v.id} {v.name}")
        return 0
    if action == "delete":
        lib.delete_vendor(args.id, org)
        return 0
    raise UsageError(f"Unknown vendors action '{action}'.")


def vendors_table(vendors: list[VendorInfo], width: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, caption=f"{len(vendors)} vendors", width=min(width, 200))
    for col in ("id", "name", "VAT ID", "IBAN", "currency", "account", "category", "right"):
        table.add_column(col, overflow="fold")
    for v in vendors:
        table.add_row(
            v.id,
            v.name,
            ", ".join(v.vat_ids),
            ", ".join(v.ibans),
            v.currency or "",
            v.account or "",
            v.category or "",
            f"{v.times_right}/{v.times_right + v.times_wrong} ({v.confidence:.2f})",
        )
    return table


def parse_corrections(changes: list[str]) -> dict[str, Any]:
    """``FIELD=VALUE`` words as corrections: amounts as numbers, an empty value as null, a
    group's part by its path (``payment.iban=...``)."""
    out: dict[str, Any] = {}
    for change in changes:
        name, sep, raw = change.partition("=")
        name = name.strip()
        group, _, part = name.partition(".")
        spec = BY_NAME.get(group)
        if not sep or spec is None or not spec.scalar and not part:
            known = ", ".join(BY_NAME)
            raise UsageError(f"'{change}' is not FIELD=VALUE with a field of: {known}.")
        if part:
            parts = {p.name: p for p in spec.parts}
            if part not in parts:
                raise UsageError(f"'{group}' has no part '{part}' ({', '.join(parts)}).")
            out[name] = _value(parts[part].kind, raw)
        else:
            out[name] = _value(spec.kind, raw)
    return out


def _value(kind: FieldKind, raw: str) -> Any:
    raw = raw.strip()
    if not raw:
        return None
    if kind is FieldKind.MONEY:
        try:
            return float(raw.replace(",", "."))
        except ValueError:
            raise UsageError(f"'{raw}' is not a number.") from None
    return raw


def cmd_correct(args, library_dir: Path, lib: Library) -> int:
    from docrouter_desktop.core.engine import Engine

    doc = lib.document(args.id)
    result = lib.result(doc.id)
    if result is None:
        raise UsageError(f"Document '{args.id}' has no result to correct yet.")
    corrections = parse_corrections(args.changes)
    engine = Engine(lib, runner="none")
    try:
        corrected = engine.correct(doc.id, corrections)
    finally:
        engine.stop()
    for name in corrections:
        print(f"{name}: {json.dumps(value_at(corrected.fields, name), ensure_ascii=False)}")
    return 0
