"""The vendor memory's rules: which keys of a result recognise its vendor (a VAT ID, an IBAN),
how sure a recognition is, and how a recognised vendor goes into a result's fields.

A recognition's confidence is earned: the mean of a Beta(4, 1) prior updated with how often
the memory was right and wrong for that vendor, ``(right + 4) / (right + wrong + 5)``. The
prior says a checksum-valid VAT ID or IBAN found on a document names the company it belongs
to about four times in five before any evidence (the rest: a buyer's ID taken for the
seller's, an intermediary's account); a vendor taught once by a correction starts at 0.83, a
memory corrected as often as it was right falls under the review threshold.

The functions here read and write through a plain connection (``exec_driver_sql``): they run
where results are collected, once per document, next to the statements that store it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PRIOR_RIGHT, PRIOR_WRONG = 4, 1
MAX_CONFIDENCE = 0.99
# A key found at less than this is not trusted to name a vendor (an ID that fails its check
# digits is reported at a low confidence for review).
KEY_CONFIDENCE = 0.5
RULES = {"vat_id": "known vendor by VAT ID", "iban": "known vendor by IBAN"}
SOURCE = "memory"


def earned_confidence(right: int, wrong: int) -> float:
    return min(MAX_CONFIDENCE, (right + PRIOR_RIGHT) / (right + wrong + PRIOR_RIGHT + PRIOR_WRONG))


def compact(value: Any) -> str | None:
    """A key as stored: upper case, without spaces, dots, dashes or slashes."""
    if not isinstance(value, str):
        return None
    out = re.sub(r"[\s.\-/]", "", value).upper()
    return out or None


def same_name(a: Any, b: Any) -> bool:
    """Whether two vendor names are the same name (case, spacing and punctuation aside)."""
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    squash = lambda s: re.sub(r"[\W_]+", "", s.casefold())  # noqa: E731
    return bool(squash(a)) and squash(a) == squash(b)


@dataclass(frozen=True)
class Key:
    kind: str  # "vat_id" or "iban"
    value: str
    detail: Mapping[str, Any]  # the field details of the value it was read from


def keys_of(
    fields: Mapping[str, Any], details: Mapping[str, Any], trusted_only: bool = True
) -> list[Key]:
    """The keys a result holds, the VAT ID first: found at a confidence a recognition can stand
    on (or given by the user); ``trusted_only`` False takes them all."""
    out = []
    vat = compact(fields.get("vendor_vat_id"))
    vat_detail = details.get("vendor_vat_id") or {}
    if vat and (not trusted_only or _trusted(vat_detail)):
        out.append(Key("vat_id", vat, vat_detail))
    payment = fields.get("payment")
    iban = compact(payment.get("iban")) if isinstance(payment, dict) else None
    if iban:
        group = details.get("payment") or {}
        part = (group.get("parts") or {}).get("iban") or group
        if not trusted_only or _trusted(part) or group.get("source") == "user":
            out.append(Key("iban", iban, part))
    return out


def _trusted(detail: Mapping[str, Any]) -> bool:
    return detail.get("source") == "user" or (detail.get("confidence") or 0) >= KEY_CONFIDENCE


_FIND = (
    "SELECT vendors.id, vendors.name, vendors.address, vendors.currency, vendors.times_right, "
    "vendors.times_wrong FROM vendor_keys JOIN vendors ON vendors.id = vendor_keys.vendor_id "
    "WHERE vendor_keys.organization_id = ? AND vendor_keys.kind = ? AND vendor_keys.value = ?"
)


def recognise(conn, org_id: str, fields: dict[str, Any], details: dict[str, Any]) -> bool:
    """Put the vendor the memory knows by the result's VAT ID or IBAN into ``fields`` and
    ``details`` (in place), with its earned confidence: True when one was recognised.

    The printed name the processor read is kept in the detail (``printed``); when it is the
    memory's name too, the recognition counts as right and the name's box stays."""
    if not fields or "vendor" not in fields:
        return False
    for key in keys_of(fields, details):
        row = conn.exec_driver_sql(_FIND, (org_id, key.kind, key.value)).first()
        if row is None:
            continue
        vendor_id, name, address, currency, right, wrong = row
        printed = fields.get("vendor")
        printed_detail = details.get("vendor") or {}
        agrees = same_name(printed, name)
        if agrees:
            right += 1
            conn.exec_driver_sql(
                "UPDATE vendors SET times_right = times_right + 1 WHERE id = ?", (vendor_id,)
            )
        where = printed_detail if agrees else key.detail
        confidence = earned_confidence(right, wrong)
        fields["vendor"] = name
        details["vendor"] = {
            "confidence": round(confidence, 3),
            "page": where.get("page"),
            "bbox": where.get("bbox"),
            "source": SOURCE,
            "rule": RULES[key.kind],
            "vendor_id": vendor_id,
            "printed": printed,
        }
        if address and fields.get("vendor_address") is None and "vendor_address" in fields:
            fields["vendor_address"] = address
            details["vendor_address"] = _filled(confidence, "the known vendor's address")
        if currency and fields.get("currency") is None and "currency" in fields:
            fields["currency"] = currency
            details["currency"] = _filled(confidence, "the known vendor's usual currency")
        return True
    return False


def _filled(confidence: float, rule: str) -> dict[str, Any]:
    return {
        "confidence": round(confidence, 3),
        "page": None,
        "bbox": None,
        "source": SOURCE,
        "rule": rule,
    }
