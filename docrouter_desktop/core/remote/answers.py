"""A DocRouter prompt's JSON answer as the app's fields, and the app's fields (corrected) as an
answer to send back.

Values are normalised the way the local engine gives them (ISO dates, numbers, ISO 4217
codes); a value that cannot be read as its field's type becomes ``null`` with a warning, never
a guess. A server's answer carries no confidence: a value is trusted more when the document's
text (the server's OCR) shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docrouter_desktop.core.fields import BY_NAME, LINE_ITEM_FIELDS, FieldKind, FieldSpec
from docrouter_desktop.core.processors.amounts import parse_amount
from docrouter_desktop.core.processors.currency import currencies_in
from docrouter_desktop.core.processors.dates import find_dates

# A value the server's own text shows, and one it does not (read from a picture, or made up).
CONFIDENCE_IN_TEXT = 0.9
CONFIDENCE_NOT_IN_TEXT = 0.6

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class PromptRef:
    """The prompt whose answer a remote result is: what to ask for it, and how to read it."""

    prompt_revid: str
    prompt_id: str | None
    name: str
    processor: str  # the app's processor whose fields it answers: invoice or receipt
    mapping: dict[str, str] = field(default_factory=dict)  # app field -> answer property
    tag_id: str | None = None  # the tag that runs it on upload, if any

    def property_for(self, name: str) -> str:
        return self.mapping.get(name, name)


@dataclass
class ReadAnswer:
    fields: dict[str, Any]
    field_details: dict[str, dict[str, Any]]
    warnings: list[str]


def read_answer(
    answer: dict[str, Any], names: list[str], prompt: PromptRef, text: str, remote: str
) -> ReadAnswer:
    """The fields ``names`` from a prompt's answer, with details saying where they came from."""
    fields: dict[str, Any] = {}
    details: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    haystack = _squash(text)
    for name in names:
        spec = BY_NAME[name]
        raw = answer.get(prompt.property_for(name)) if isinstance(answer, dict) else None
        value, problem = normalise(spec, raw)
        if problem:
            warnings.append(f"{spec.label}: the server's answer {raw!r} {problem}; left empty.")
        fields[name] = value
        if value is None or value == []:
            continue
        shown = _in_text(spec, value, haystack)
        details[name] = {
            "confidence": CONFIDENCE_IN_TEXT if shown else CONFIDENCE_NOT_IN_TEXT,
            "page": None,
            "bbox": None,
            "source": "remote",
            "rule": (
                f"answer of the prompt '{prompt.name}' (revision {prompt.prompt_revid}) on "
                f"{remote}; " + ("the document's text shows it" if shown else "not in its text")
            ),
            "remote": remote,
            "prompt_revid": prompt.prompt_revid,
        }
    if "line_items" in fields and fields["line_items"] is None:
        fields["line_items"] = []
    return ReadAnswer(fields, details, warnings)


def answer_of(
    fields: dict[str, Any], names: list[str], prompt: PromptRef, base: dict[str, Any] | None
) -> dict[str, Any]:
    """The app's fields as the prompt's answer: the server's last answer (``base``) with the
    mapped properties replaced by the fields' current values."""
    out = dict(base or {})
    for name in names:
        out[prompt.property_for(name)] = fields.get(name)
    return out


def normalise(spec: FieldSpec, raw: Any) -> tuple[Any, str | None]:
    """``(value, problem)``: the value in the field's own form, or None and why."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ([] if spec.kind is FieldKind.ITEMS else None), None
    kind = spec.kind
    if kind in (FieldKind.TEXT, FieldKind.CODE):
        if isinstance(raw, str | int | float) and not isinstance(raw, bool):
            return (raw.strip() if isinstance(raw, str) else str(raw)), None
        return None, "is not text"
    if kind is FieldKind.MONEY:
        if isinstance(raw, bool):
            return None, "is not an amount"
        if isinstance(raw, int | float):
            return float(raw), None
        if isinstance(raw, str):
            value = parse_amount(raw)
            return (value, None) if value is not None else (None, "is not an amount")
        return None, "is not an amount"
    if kind is FieldKind.DATE:
        if isinstance(raw, str):
            s = raw.strip()
            if _ISO_DATE.fullmatch(s):
                found = find_dates(s)
                return (s, None) if found else (None, "is not a date")
            found = find_dates(s)
            if len(found) == 1 and not found[0].ambiguous:
                return found[0].value.isoformat(), None
        return None, "is not a date (YYYY-MM-DD)"
    if kind is FieldKind.CURRENCY:
        if isinstance(raw, str):
            s = raw.strip()
            if re.fullmatch(r"[A-Za-z]{3}", s):
                return s.upper(), None
            codes = currencies_in(s)
            if len(set(codes)) == 1:
                return codes[0], None
        return None, "is not a currency code"
    if kind is FieldKind.CHOICE:
        if isinstance(raw, str) and raw.strip() in spec.choices:
            return raw.strip(), None
        return None, f"is not one of {', '.join(spec.choices)}"
    if kind is FieldKind.ITEMS:
        if not isinstance(raw, list):
            return [], "is not a list of lines"
        items = []
        for entry in raw:
            if not isinstance(entry, dict):
                continue
            items.append({f.name: normalise(f, entry.get(f.name))[0] for f in LINE_ITEM_FIELDS})
        return items, None
    return None, "has an unknown type"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").lower()


def _in_text(spec: FieldSpec, value: Any, haystack: str) -> bool:
    """Whether the document's text shows the value (amounts in any usual notation)."""
    if not haystack:
        return False
    if spec.kind is FieldKind.ITEMS:
        return False
    if spec.kind is FieldKind.MONEY:
        v = float(value)
        forms = {
            f"{v:.2f}",
            f"{v:,.2f}",
            f"{v:.2f}".replace(".", ","),
            f"{v:,.2f}".translate(str.maketrans(",.", ".,")),
        }
        if v == int(v):
            forms.add(f"{int(v)}")
        return any(re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d])", haystack) for f in forms)
    if spec.kind is FieldKind.DATE:
        return any(d.value.isoformat() == value for d in find_dates(haystack)) or any(
            d.value.isoformat() == value for d in find_dates(haystack, "MDY")
        )
    if spec.kind is FieldKind.CURRENCY:
        return str(value).lower() in haystack or value in currencies_in(haystack)
    return _squash(str(value)) in haystack
