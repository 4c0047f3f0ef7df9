"""The vendor memory in the library: vendors listed, edited and merged, and taught by the
user's corrections (``learn``, called in the correction's own write)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from docrouter_desktop.core import vendor_memory as vm
from docrouter_desktop.core.errors import NotFoundError, UsageError
from docrouter_desktop.core.ids import new_id
from docrouter_desktop.core.library.base import LibraryBase
from docrouter_desktop.core.records import VendorInfo
from docrouter_desktop.core.storage.models import Vendor, VendorKey, utcnow

EDITABLE = ("name", "address", "currency", "account", "category")
# What a correction of one of these fields can teach: the vendor's name, or what recognises it.
TEACHING_FIELDS = frozenset({"vendor", "vendor_vat_id", "payment"})


def vendor_info(v: Vendor) -> VendorInfo:
    keys = sorted(v.keys, key=lambda k: k.id)
    return VendorInfo(
        v.id,
        v.organization_id,
        v.name,
        [k.value for k in keys if k.kind == "vat_id"],
        [k.value for k in keys if k.kind == "iban"],
        v.address,
        v.currency,
        v.account,
        v.category,
        v.times_right,
        v.times_wrong,
        round(vm.earned_confidence(v.times_right, v.times_wrong), 3),
        v.created_at,
        v.updated_at,
    )


class VendorsMixin(LibraryBase):
    def vendors(
        self, org_id: str | None = None, search: str | None = None, limit: int | None = None
    ) -> list[VendorInfo]:
        """The organization's vendors by name (``search``: a part of the name, any case)."""
        org = org_id or self.default_org_id()
        q = (
            select(Vendor)
            .where(Vendor.organization_id == org)
            .options(selectinload(Vendor.keys))
            .order_by(func.lower(Vendor.name), Vendor.id)
        )
        if search:
            q = q.where(Vendor.name.ilike(f"%{search}%"))
        if limit:
            q = q.limit(limit)
        with self.db.read() as s:
            return [vendor_info(v) for v in s.scalars(q)]

    def vendor(self, vendor_id: str, org_id: str | None = None) -> VendorInfo:
        with self.db.read() as s:
            return vendor_info(self._vendor(s, vendor_id, org_id))

    def vendor_for_key(self, org_id: str, kind: str, value: str) -> VendorInfo | None:
        key = vm.compact(value)
        with self.db.read() as s:
            found = s.scalars(
                select(VendorKey).where(
                    VendorKey.organization_id == org_id,
                    VendorKey.kind == kind,
                    VendorKey.value == key,
                )
            ).first()
            return vendor_info(found.vendor) if found else None

    def edit_vendor(self, vendor_id: str, org_id: str | None = None, **changes: Any) -> VendorInfo:
        """Change a vendor's name, address, currency, booking account or category (an empty
        value clears one; the name cannot be cleared)."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise UsageError(
                f"A vendor has no field {', '.join(sorted(unknown))}; "
                f"editable are {', '.join(EDITABLE)}."
            )
        with self.db.write() as s:
            v = self._vendor(s, vendor_id, org_id)
            for name, value in changes.items():
                value = value.strip() if isinstance(value, str) else value
                if name == "name" and not value:
                    raise UsageError("A vendor's name cannot be empty.")
                if name == "currency" and value:
                    if not (len(value) == 3 and value.isalpha()):
                        raise UsageError(f"'{value}' is not a currency code such as EUR.")
                    value = value.upper()
                setattr(v, name, value or None)
            v.updated_at = utcnow()
            s.flush()
            return vendor_info(v)

    def merge_vendors(self, keep_id: str, other_id: str, org_id: str | None = None) -> VendorInfo:
        """Make two vendors one: ``other``'s VAT IDs and IBANs and its record of right and
        wrong go to ``keep``, which also takes what it lacks (address, currency, account,
        category); ``other`` is deleted."""
        with self.db.write() as s:
            keep = self._vendor(s, keep_id, org_id)
            other = self._vendor(s, other_id, org_id)
            if keep.id == other.id:
                raise UsageError("A vendor cannot be merged with itself.")
            if keep.organization_id != other.organization_id:
                raise UsageError("Vendors of two workspaces cannot be merged.")
            s.execute(  # the keys move, rather than go with ``other``
                update(VendorKey).where(VendorKey.vendor_id == other.id).values(vendor_id=keep.id)
            )
            s.expire(other, ["keys"])
            s.expire(keep, ["keys"])
            keep.times_right += other.times_right
            keep.times_wrong += other.times_wrong
            for name in ("address", "currency", "account", "category"):
                if getattr(keep, name) is None:
                    setattr(keep, name, getattr(other, name))
            keep.updated_at = utcnow()
            s.flush()
            s.delete(other)
            s.flush()
            return vendor_info(keep)

    def delete_vendor(self, vendor_id: str, org_id: str | None = None) -> None:
        with self.db.write() as s:
            s.delete(self._vendor(s, vendor_id, org_id))

    def _vendor(self, s: Session, vendor_id: str, org_id: str | None) -> Vendor:
        q = select(Vendor).where(Vendor.id.like(f"{vendor_id}%"))
        if org_id:
            q = q.where(Vendor.organization_id == org_id)
        found = s.scalars(q.limit(2)).all() if len(vendor_id) >= 6 else []
        if len(found) != 1:
            raise NotFoundError(f"No vendor '{vendor_id}'. See: docrouter-desktop vendors list")
        return found[0]

    def booking_accounts(self, org_id: str | None = None):
        """The accounting exports' hook: a document's booking (expense) account from the
        vendor the memory recognised it as, or whose VAT ID or IBAN it shows; None where the
        memory has none (the export's setting applies)."""
        vendors = self.vendors(org_id)
        by_id = {v.id: v for v in vendors}
        by_key = {("vat_id", k): v for v in vendors for k in v.vat_ids}
        by_key |= {("iban", k): v for v in vendors for k in v.ibans}

        def accounts(row) -> tuple[str | None, str | None]:
            result = row.result
            if result is None:
                return None, None
            vendor_id = (result.field_details.get("vendor") or {}).get("vendor_id")
            vendor = by_id.get(vendor_id) if vendor_id else None
            if vendor is None:
                for key in vm.keys_of(result.fields, result.field_details):
                    vendor = by_key.get((key.kind, key.value))
                    if vendor is not None:
                        break
            return (vendor.account if vendor is not None else None), None

        return accounts

    # -- learning ---------------------------------------------------------------------------

    def learn(
        self,
        s: Session,
        org_id: str,
        fields: dict[str, Any],
        details: dict[str, Any],
        before: dict[str, Any],
    ) -> None:
        """Teach the memory what a corrected result says: its vendor (as the user gave or
        kept it) is the one its VAT ID and IBAN belong to. ``before`` is the vendor's field
        details before the correction: a recognition the user changed counts as wrong."""
        name = fields.get("vendor")
        if not isinstance(name, str) or not name.strip():
            return
        name = name.strip()
        was_memory = before.get("source") == vm.SOURCE
        if was_memory and before.get("vendor_id"):
            recognised = s.get(Vendor, before["vendor_id"])
            if recognised is not None and not vm.same_name(recognised.name, name):
                recognised.times_wrong += 1
        keys = vm.keys_of(fields, details, trusted_only=False)
        if not keys:
            return
        now = utcnow()
        rows = {
            (k.kind, k.value): s.scalars(
                select(VendorKey).where(
                    VendorKey.organization_id == org_id,
                    VendorKey.kind == k.kind,
                    VendorKey.value == k.value,
                )
            ).first()
            for k in keys
        }
        owners = [r.vendor for r in rows.values() if r is not None]
        target = next((v for v in owners if vm.same_name(v.name, name)), None)
        if target is None:
            target = s.scalars(
                select(Vendor).where(
                    Vendor.organization_id == org_id, func.lower(Vendor.name) == name.lower()
                )
            ).first()
        if target is None:
            # A new vendor, even when the keys were another's: the user says this document's
            # ID belongs to this name (a vendor is renamed in the Vendors view, not here).
            target = Vendor(
                id=new_id("vnd_"),
                organization_id=org_id,
                name=name,
                times_right=1,  # the user's correction is the first sign
                times_wrong=0,
                created_at=now,
                updated_at=now,
            )
            s.add(target)
            s.flush()
        if target.address is None and isinstance(fields.get("vendor_address"), str):
            target.address = fields["vendor_address"] or None
        if target.currency is None and isinstance(fields.get("currency"), str):
            target.currency = fields["currency"] or None
        for key in keys:
            row = rows[(key.kind, key.value)]
            if row is None:
                s.add(
                    VendorKey(
                        organization_id=org_id,
                        vendor_id=target.id,
                        kind=key.kind,
                        value=key.value,
                    )
                )
            elif row.vendor_id != target.id:
                row.vendor_id = target.id  # the user says the key is this vendor's
        target.updated_at = now
        details.setdefault("vendor", {})["vendor_id"] = target.id
        s.flush()

    def confirm_recognition(self, s: Session, details: dict[str, Any]) -> None:
        """A person checked a result whose vendor the memory gave: it was right."""
        vendor = details.get("vendor") or {}
        if vendor.get("source") == vm.SOURCE and vendor.get("vendor_id"):
            v = s.get(Vendor, vendor["vendor_id"])
            if v is not None:
                v.times_right += 1
