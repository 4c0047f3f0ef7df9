"""Tags as records of an organization (id, name, colour, description): create, list, rename,
delete, and the mapping between the tag ids an API client sends and the tag names documents keep.

Documents store the NAMES of their tags (``documents.tags``), so the window and the command line
need no tag records; a tag's record gives that name an id. Renaming a tag renames it on every
document of its organization, in the same transaction. Every method is one session for one
operation and returns plain ``TagInfo`` records.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from docrouter_desktop.core.errors import NotFoundError, UsageError
from docrouter_desktop.core.ids import new_id
from docrouter_desktop.core.storage.models import Tag, utcnow

DEFAULT_COLOR = "#3B82F6"  # the colour a DocRouter server gives a tag created without one
MAX_NAME = 200

# Documents of one organization carrying a tag name: one JSON array per document.
_WITH_TAG = (
    "SELECT id, tags FROM documents WHERE organization_id = ? AND EXISTS "
    "(SELECT 1 FROM json_each(documents.tags) WHERE json_each.value = ?)"
)


class TagConflictError(UsageError):
    """The tag name is taken in the organization, or the tag is still in use."""


@dataclass(frozen=True)
class TagInfo:
    id: str
    organization_id: str
    name: str
    color: str | None
    description: str | None
    created_at: str
    created_by: str


def _info(t: Tag) -> TagInfo:
    return TagInfo(
        t.id, t.organization_id, t.name, t.color, t.description, t.created_at, t.created_by
    )


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise UsageError("A tag needs a name.")
    if len(name) > MAX_NAME:
        raise UsageError(f"A tag name has at most {MAX_NAME} characters.")
    return name


class TagService:
    """The tag records of one library."""

    def __init__(self, library):
        self.db = library.db

    def create(
        self,
        org_id: str,
        name: str,
        color: str | None = None,
        description: str | None = None,
        created_by: str = "local",
    ) -> TagInfo:
        name = _clean_name(name)
        with self.db.write() as s:
            if _named(s, org_id, name) is not None:
                raise TagConflictError(f"Tag with name '{name}' already exists")
            tag = Tag(
                id=new_id("tag_"),
                organization_id=org_id,
                name=name,
                color=color or DEFAULT_COLOR,
                description=description,
                created_at=utcnow(),
                created_by=created_by,
            )
            s.add(tag)
            s.flush()
            return _info(tag)

    def get(self, org_id: str, tag_id: str) -> TagInfo:
        with self.db.read() as s:
            return _info(_tag(s, org_id, tag_id))

    def list(
        self,
        org_id: str,
        limit: int | None = None,
        offset: int = 0,
        name_search: str | None = None,
    ) -> tuple[list[TagInfo], int]:
        """The organization's tags, oldest first; ``name_search`` is a case-insensitive part
        of the name."""
        q = select(Tag).where(Tag.organization_id == org_id)
        if name_search:
            q = q.where(func.instr(func.lower(Tag.name), name_search.lower()) > 0)
        with self.db.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
            q = q.order_by(Tag.created_at, Tag.id).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [_info(t) for t in s.scalars(q)], total

    def update(
        self,
        org_id: str,
        tag_id: str,
        name: str,
        color: str | None = None,
        description: str | None = None,
    ) -> TagInfo:
        """Rename (and recolour, when ``color`` is given) a tag; its documents follow."""
        name = _clean_name(name)
        with self.db.write() as s:
            tag = _tag(s, org_id, tag_id)
            other = _named(s, org_id, name)
            if other is not None and other.id != tag.id:
                raise TagConflictError(f"Tag with name '{name}' already exists")
            if name != tag.name:
                _rename_on_documents(s, org_id, tag.name, name)
                tag.name = name
            if color:
                tag.color = color
            tag.description = description
            s.flush()
            return _info(tag)

    def delete(self, org_id: str, tag_id: str) -> None:
        """Delete a tag that no document carries (one that is in use: TagConflictError)."""
        with self.db.write() as s:
            tag = _tag(s, org_id, tag_id)
            used = s.connection().exec_driver_sql(_WITH_TAG + " LIMIT 1", (org_id, tag.name))
            if used.first() is not None:
                raise TagConflictError(
                    f"Cannot delete tag '{tag.name}' because it is assigned to one or more "
                    "documents"
                )
            s.delete(tag)

    def ids_by_name(self, org_id: str) -> dict[str, str]:
        """Tag name -> tag id, for every tag record of the organization."""
        with self.db.read() as s:
            rows = s.execute(select(Tag.name, Tag.id).where(Tag.organization_id == org_id))
            return dict(rows.all())

    def names_for(self, org_id: str, tag_ids: Iterable[str]) -> builtins.list[str]:
        """The names of these tag ids, in their order; an id that is not a tag of the
        organization is a NotFoundError that names it."""
        wanted = list(dict.fromkeys(tag_ids))
        if not wanted:
            return []
        with self.db.read() as s:
            found = dict(
                s.execute(
                    select(Tag.id, Tag.name).where(
                        Tag.organization_id == org_id, Tag.id.in_(wanted)
                    )
                ).all()
            )
        unknown = [t for t in wanted if t not in found]
        if unknown:
            raise NotFoundError(f"Invalid tag IDs: {', '.join(unknown)}")
        return [found[t] for t in wanted]

    def ensure(self, org_id: str, names: Iterable[str], created_by: str = "local") -> None:
        """Give every tag name a record (the names a document was given without ids)."""
        wanted = list(dict.fromkeys(n for n in names if n))
        if not wanted:
            return
        if not set(wanted) - set(self.ids_by_name(org_id)):
            return  # the common case: nothing to write, no write lock taken
        with self.db.write() as s:
            have = set(
                s.scalars(
                    select(Tag.name).where(Tag.organization_id == org_id, Tag.name.in_(wanted))
                )
            )
            now = utcnow()
            for name in wanted:
                if name not in have and len(name) <= MAX_NAME:
                    s.add(
                        Tag(
                            id=new_id("tag_"),
                            organization_id=org_id,
                            name=name,
                            color=DEFAULT_COLOR,
                            description=None,
                            created_at=now,
                            created_by=created_by,
                        )
                    )


def _tag(s, org_id: str, tag_id: str) -> Tag:
    tag = s.get(Tag, tag_id)
    if tag is None or tag.organization_id != org_id:
        raise NotFoundError("Tag not found")
    return tag


def _named(s, org_id: str, name: str) -> Tag | None:
    return s.scalars(select(Tag).where(Tag.organization_id == org_id, Tag.name == name)).first()


def _rename_on_documents(s, org_id: str, old: str, new: str) -> None:
    conn = s.connection()
    for doc_id, stored in conn.exec_driver_sql(_WITH_TAG, (org_id, old)).all():
        tags = []
        for t in json.loads(stored or "[]"):
            t = new if t == old else t
            if t not in tags:
                tags.append(t)
        conn.exec_driver_sql(
            "UPDATE documents SET tags = ?, updated_at = ? WHERE id = ?",
            (json.dumps(tags), utcnow(), doc_id),
        )
