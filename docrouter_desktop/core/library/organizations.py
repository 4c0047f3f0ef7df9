"""The library's organizations (workspaces): the default one, finding, listing, creating and
deleting them."""

from __future__ import annotations

from sqlalchemy import func, select

from docrouter_desktop.core.errors import NotFoundError, UsageError
from docrouter_desktop.core.ids import new_id
from docrouter_desktop.core.library.base import LibraryBase
from docrouter_desktop.core.records import OrganizationInfo
from docrouter_desktop.core.storage.models import (
    Document,
    Organization,
    utcnow,
)

DEFAULT_ORG_NAME = "Personal"


class OrganizationsMixin(LibraryBase):
    def default_org_id(self) -> str:
        """The organization documents go to when none is named: the first one created."""
        if self._default_org:
            return self._default_org
        first = select(Organization).order_by(Organization.created_at, Organization.id).limit(1)
        with self.db.read() as s:
            org = s.scalars(first).first()
        if org is None:
            with self.db.write() as s:
                org = s.scalars(first).first()
                if org is None:
                    org = Organization(
                        id=new_id("org_"), name=DEFAULT_ORG_NAME, created_at=utcnow()
                    )
                    s.add(org)
        self._default_org = org.id
        return self._default_org

    def resolve_org(self, org: str | None) -> str:
        """An organization id from an id or a name (None: the default one)."""
        if not org:
            return self.default_org_id()
        with self.db.read() as s:
            found = (
                s.get(Organization, org)
                or s.scalars(select(Organization).where(Organization.name == org)).first()
            )
            if found is None:
                raise UsageError(f"No organization '{org}'. See: docrouter-desktop org list")
            return found.id

    def organizations(self) -> list[OrganizationInfo]:
        self.default_org_id()
        with self.db.read() as s:
            counts = dict(
                s.execute(
                    select(Document.organization_id, func.count()).group_by(
                        Document.organization_id
                    )
                ).all()
            )
            return [
                OrganizationInfo(o.id, o.name, o.created_at, counts.get(o.id, 0))
                for o in s.scalars(select(Organization).order_by(Organization.created_at))
            ]

    def create_organization(self, name: str) -> OrganizationInfo:
        name = (name or "").strip()
        if not name:
            raise UsageError("A workspace needs a name.")
        if len(name) > 200:
            raise UsageError("A workspace name has at most 200 characters.")
        with self.db.write() as s:
            org = Organization(id=new_id("org_"), name=name, created_at=utcnow())
            s.add(org)
        return OrganizationInfo(org.id, org.name, org.created_at, 0)

    def organization(self, org_id: str) -> OrganizationInfo | None:
        """One organization with its document count, or None."""
        with self.db.read() as s:
            org = s.get(Organization, org_id)
            if org is None:
                return None
            count = s.scalar(
                select(func.count()).select_from(Document).where(Document.organization_id == org_id)
            )
            return OrganizationInfo(org.id, org.name, org.created_at, count or 0)

    def organization_exists(self, org_id: str) -> bool:
        return self._read_row("SELECT 1 FROM organizations WHERE id = ?", (org_id,)) is not None

    def delete_organization(self, org_id: str) -> None:
        """Delete an organization with its documents (and, by the foreign keys, their jobs,
        results and the organization's tokens). The default organization stays."""
        if org_id == self.default_org_id():
            raise UsageError("The default organization cannot be deleted.")
        with self.db.write() as s:
            org = s.get(Organization, org_id)
            if org is None:
                raise NotFoundError(f"No organization '{org_id}'.")
            shas = set(s.scalars(select(Document.sha256).where(Document.organization_id == org_id)))
            s.connection().exec_driver_sql(
                "DELETE FROM documents_fts WHERE rowid IN "
                "(SELECT fts_rowid FROM documents WHERE organization_id = ?)",
                (org_id,),
            )
            s.delete(org)
            s.flush()
            used = set(
                s.scalars(select(Document.sha256).where(Document.sha256.in_(shas))) if shas else []
            )
        for sha in shas - used:
            self.blobs.remove(sha)
