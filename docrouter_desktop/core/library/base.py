"""What every part of the library stands on: its folder, its database and its store of
originals, one-row reads, and the plain records its methods return (never ORM objects)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docrouter_desktop.core.errors import LibraryError
from docrouter_desktop.core.records import DocumentInfo, ResultInfo
from docrouter_desktop.core.storage.blobstore import BlobStore
from docrouter_desktop.core.storage.database import Database
from docrouter_desktop.core.storage.models import Document, Result

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from docrouter_desktop.core.settings import Settings


class LibraryBase:
    """The folder: ``library.sqlite3`` (migrated when opened), ``originals/`` by SHA-256.
    Opened ``read_only``, it is only read (as the window's process reads what its engine
    process writes), and any write fails."""

    root: Path
    db: Database
    blobs: BlobStore

    def __init__(self, root: Path, read_only: bool = False):
        self.root = Path(root)
        self.read_only = read_only
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(
                f"Cannot create the library folder {self.root}: {exc.strerror}"
            ) from exc
        self.db = Database(self.root / "library.sqlite3", read_only)
        self.blobs = BlobStore(self.root / "originals")
        self._default_org: str | None = None

    def close(self) -> None:
        self.db.dispose()

    def _read_row(self, sql: str, params: tuple, conn=None):
        """One row of a plain SELECT, on ``conn`` (a DB-API connection) or a pooled one."""
        pooled = self.db.engine.raw_connection() if conn is None else None
        cur = pooled.cursor() if pooled is not None else conn.cursor()
        try:
            cur.execute(sql, params)
            return cur.fetchone()
        finally:
            cur.close()
            if pooled is not None:
                pooled.close()

    if TYPE_CHECKING:  # what the parts call of each other

        def settings(self) -> Settings:
            raise NotImplementedError

        def default_org_id(self) -> str:
            raise NotImplementedError

        def _by_prefix(self, s: Session, document_id: str, org_id: str | None) -> Document:
            raise NotImplementedError

        def documents(
            self,
            org_id: str | None = None,
            status: str | None = None,
            processor_type: str | None = None,
            query: str | None = None,
            limit: int | None = None,
            offset: int = 0,
            ids: list[str] | None = None,
            with_fields: bool = False,
            *,
            tags_all: Iterable[str] = (),
            name_search: str | None = None,
            metadata: dict[str, str] | None = None,
        ) -> tuple[list[DocumentInfo], int]:
            raise NotImplementedError

        def reprocess(
            self,
            document_id: str,
            processor_type: str | None = None,
            discard_corrections: bool = False,
            target: str | None = "local",
        ) -> DocumentInfo:
            raise NotImplementedError


def doc_info(d: Document, fields: dict[str, Any] | None = None) -> DocumentInfo:
    return DocumentInfo(
        d.id,
        d.organization_id,
        d.document_name,
        d.source_path,
        d.sha256,
        d.size,
        d.content_type,
        d.pages,
        d.processor_type,
        d.status,
        d.error,
        list(d.tags or []),
        d.created_at,
        d.updated_at,
        fields or {},
        dict(d.doc_metadata or {}),
        d.uploaded_by,
    )


# What a corrected field keeps for the library alone: what the processor found (its
# confidence, source and rule), to revert to. Never shown outside the library.
LIBRARY_DETAIL_KEYS = frozenset({"found"})


def _shown_details(details: dict) -> dict:
    return {
        name: {k: v for k, v in d.items() if k not in LIBRARY_DETAIL_KEYS}
        if isinstance(d, dict)
        else d
        for name, d in (details or {}).items()
    }


def result_info(r: Result) -> ResultInfo:
    return ResultInfo(
        r.document_id,
        r.processor_type,
        r.fields,
        _shown_details(r.field_details),
        r.pages,
        r.warnings,
        r.routing,
        r.text,
        r.engine_version,
        r.updated_at,
        bool(r.verified),
    )
