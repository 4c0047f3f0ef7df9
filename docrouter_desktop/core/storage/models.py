"""ORM models of the library: organizations, documents, jobs, results, settings and vendors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> str:
    """The current time as stored in the library: ISO 8601 with a UTC offset."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))

    documents: Mapped[list[Document]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", passive_deletes=True
    )


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("organization_id", "sha256", name="uq_documents_org_sha256"),
        Index("ix_documents_org_created", "organization_id", "created_at"),
        Index("ix_documents_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    document_name: Mapped[str] = mapped_column(String(1000))
    source_path: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    pages: Mapped[int | None] = mapped_column(Integer)
    processor_type: Mapped[str] = mapped_column(String(20), default="auto")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # tag names
    # The uploader's own key/value pairs (DocRouter's ``metadata``), and who uploaded it (the
    # name of the API token; None for the window and the command line).
    doc_metadata: Mapped[dict[str, str]] = mapped_column("metadata", JSON, default=dict)
    uploaded_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))
    fts_rowid: Mapped[int | None] = mapped_column(Integer)  # its row in documents_fts

    organization: Mapped[Organization] = relationship(back_populates="documents")
    result: Mapped[Result | None] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    jobs: Mapped[list[Job]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class Job(Base):
    """One request to process a document. Claimed atomically by exactly one runner."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status", "status", "id"),
        Index("ix_jobs_document", "document_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    processor_type: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(300), default="local")  # or remote:NAME:ORG
    discard_corrections: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    lease_expires: Mapped[float | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = mapped_column(String(40))
    finished_at: Mapped[str | None] = mapped_column(String(40))

    document: Mapped[Document] = relationship(back_populates="jobs")


class Result(Base):
    __tablename__ = "results"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    processor_type: Mapped[str] = mapped_column(String(20))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    field_details: Mapped[dict[str, Any]] = mapped_column(JSON)
    pages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    warnings: Mapped[list[str]] = mapped_column(JSON)
    routing: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    engine_version: Mapped[str] = mapped_column(String(20))
    verified: Mapped[int] = mapped_column(Integer, default=0)  # a person checked it
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))

    document: Mapped[Document] = relationship(back_populates="result")


class Tag(Base):
    """A tag of an organization as a record (DocRouter's tags have ids, colours and
    descriptions); documents keep the names of their tags."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("organization_id", "name", name="uq_tags_org_name"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    color: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(200), default="local")


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class RemoteDocument(Base):
    """What left the machine: which server and workspace a document was sent to, and when."""

    __tablename__ = "remote_documents"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    remote_name: Mapped[str] = mapped_column(String(100))
    base_url: Mapped[str] = mapped_column(String(1000))
    remote_org: Mapped[str] = mapped_column(String(200))
    remote_document_id: Mapped[str | None] = mapped_column(String(200))
    uploaded_at: Mapped[str | None] = mapped_column(String(40))
    finished_at: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    dialect: Mapped[str | None] = mapped_column(String(20))  # the API it was sent through
    prompt_revid: Mapped[str | None] = mapped_column(String(200))  # what read it there
    prompt_id: Mapped[str | None] = mapped_column(String(200))
    # A correction made here, sent back as the remote's verified result: pending, sent, failed.
    correction_status: Mapped[str | None] = mapped_column(String(20))
    correction_error: Mapped[str | None] = mapped_column(Text)
    corrected_at: Mapped[str | None] = mapped_column(String(40))


class Vendor(Base):
    """A seller the library knows: its name as the user confirmed it, its address, usual
    currency and booking account, and how often recognising it was right or wrong."""

    __tablename__ = "vendors"
    __table_args__ = (Index("ix_vendors_org_name", "organization_id", "name"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(String(3))
    account: Mapped[str | None] = mapped_column(String(40))  # a booking (expense) account
    category: Mapped[str | None] = mapped_column(String(200))
    times_right: Mapped[int] = mapped_column(Integer, default=0)  # recognitions kept or confirmed
    times_wrong: Mapped[int] = mapped_column(Integer, default=0)  # recognitions the user corrected
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))

    keys: Mapped[list[VendorKey]] = relationship(
        back_populates="vendor", cascade="all, delete-orphan", passive_deletes=True
    )


class VendorKey(Base):
    """What recognises a vendor on a document: a VAT ID or an IBAN, one vendor's each."""

    __tablename__ = "vendor_keys"
    __table_args__ = (
        UniqueConstraint("organization_id", "kind", "value", name="uq_vendor_keys_value"),
        Index("ix_vendor_keys_vendor", "vendor_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    vendor_id: Mapped[str] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # "vat_id" or "iban"
    value: Mapped[str] = mapped_column(String(60))

    vendor: Mapped[Vendor] = relationship(back_populates="keys")
