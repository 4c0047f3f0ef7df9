"""Routing rules: when a document goes to a remote DocRouter by itself after it was read here
(its key fields came out unsure), and which folders never leave the machine."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from docrouter_desktop.core.errors import UsageError
from docrouter_desktop.core.remote.registry import get_remote
from docrouter_desktop.core.storage.models import Setting

RULES_KEY = "remote_rules"
KEY_FIELDS = ("vendor", "date", "total", "invoice_number")


@dataclass(frozen=True)
class RoutingRule:
    """``low_confidence``: send a document whose key fields came out below ``threshold`` to
    ``remote``/``org``. ``never``: documents from ``folder`` never leave the machine."""

    kind: str
    remote: str | None = None
    org: str | None = None
    threshold: float = 0.6
    folder: str | None = None

    def describe(self) -> str:
        if self.kind == "never":
            return f"never send documents from {self.folder}"
        return f"send to {self.remote} (workspace {self.org}) when confidence is below {self.threshold:.2f}"


def rules(library) -> list[RoutingRule]:
    # Plain SQL: every batch reads the rules when it ends.
    with library.db.read() as s:
        row = (
            s.connection()
            .exec_driver_sql("SELECT value FROM settings WHERE key = ?", (RULES_KEY,))
            .first()
        )
    value = json.loads(row[0]) if row and isinstance(row[0], str) else None
    return [RoutingRule(**r) for r in (value or [])]


def save_rules(library, new_rules: list[RoutingRule]) -> None:
    value = [r.__dict__ for r in new_rules]
    with library.db.write() as s:
        row = s.get(Setting, RULES_KEY)
        if row is None:
            s.add(Setting(key=RULES_KEY, value=value))
        else:
            row.value = value


def add_rule(library, rule: RoutingRule) -> None:
    if rule.kind == "low_confidence":
        get_remote(library, rule.remote or "")
        if not rule.org:
            raise UsageError("A low-confidence rule needs the remote workspace (--org).")
    elif rule.kind == "never":
        if not rule.folder:
            raise UsageError("A 'never' rule needs --folder.")
        rule = RoutingRule("never", folder=str(Path(rule.folder).expanduser().resolve()))
    else:
        raise UsageError(f"Unknown rule kind '{rule.kind}'.")
    save_rules(library, [*rules(library), rule])


def never_remote(rule_list: list[RoutingRule], source_path: str | None) -> bool:
    if not source_path:
        return False
    src = Path(source_path).expanduser().resolve()
    return any(
        r.kind == "never" and r.folder is not None and src.is_relative_to(r.folder)
        for r in rule_list
    )


def escalations(library, document_ids: list[str]) -> dict[RoutingRule, list[str]]:
    """Which locally completed documents the rules send to a remote, by rule."""
    rule_list = rules(library)
    low = [r for r in rule_list if r.kind == "low_confidence"]
    if not low or not document_ids:
        return {}
    docs = {d.id: d for d in library.documents(ids=document_ids)[0]}
    results = library.results(document_ids)
    out: dict[RoutingRule, list[str]] = {}
    for doc_id in document_ids:
        d, r = docs.get(doc_id), results.get(doc_id)
        if (
            d is None
            or r is None
            or d.status != "completed"
            or never_remote(rule_list, d.source_path)
        ):
            continue
        if r.processor_type == "text" or any(
            (det or {}).get("source") in ("user", "embedded", "remote")
            for det in r.field_details.values()
        ):
            continue
        confs = [
            (r.field_details.get(f) or {}).get("confidence", 0.0)
            if r.fields.get(f) is not None
            else 0.0
            for f in KEY_FIELDS
            if f in r.fields
        ]
        lowest = min(confs) if confs else 0.0
        for rule in low:
            if lowest < rule.threshold:
                out.setdefault(rule, []).append(doc_id)
                break
    return out
