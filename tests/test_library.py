"""The library: organizations, duplicates across them, migrations, retry and warnings."""

from __future__ import annotations

import sqlite3

from docrouter_desktop.core.batch import Batch
from docrouter_desktop.core.library import Library
from docrouter_desktop.core.runner import Runner
from tests import factories
from tests.conftest import run_cli


def _run(library, paths, org=None):
    batch = Batch(library, org_id=org, workers=0)
    batch.add(batch.find([str(p) for p in paths]))
    return batch, batch.run()


def test_same_bytes_in_two_organizations_are_two_documents_sharing_one_original(library, inbox):
    pdf = factories.invoice_pdf(inbox / "a.pdf")
    other = library.create_organization("Clients")
    b1, _ = _run(library, [pdf])
    b2, _ = _run(library, [pdf], org=other.id)
    d1, d2 = b1.outcomes[0].document_id, b2.outcomes[0].document_id
    assert d1 != d2
    assert library.document(d1).organization_id != library.document(d2).organization_id
    assert library.original_path(d1) == library.original_path(d2)
    library.delete(d1)
    assert library.original_path(d2).exists()  # still used by the other organization


def test_a_resent_invoice_is_flagged_as_a_likely_duplicate(library, inbox):
    factories.invoice_pdf(inbox / "first.pdf", number="DUP-77", total=99.0, tax=9.0)
    factories.invoice_pdf(inbox / "resent.pdf", number="DUP-77", total=99.0, tax=9.0, extra_pages=1)
    batch, summary = _run(library, [inbox / "first.pdf", inbox / "resent.pdf"])
    assert summary.completed == 2
    first, second = (library.result(o.document_id) for o in batch.outcomes)
    flagged = [w for r in (first, second) for w in r.warnings if "Likely a duplicate" in w]
    # Whichever finished second is flagged, naming the other.
    assert len(flagged) == 1
    assert "'first.pdf'" in flagged[0] or "'resent.pdf'" in flagged[0]


def test_an_older_library_is_migrated_when_opened(tmp_path):
    from alembic import command
    from alembic.config import Config

    from docrouter_desktop.core.storage.database import make_engine

    path = tmp_path / "old"
    path.mkdir()
    engine = make_engine(path / "library.sqlite3")
    cfg = Config()
    from importlib import resources

    cfg.set_main_option(
        "script_location", str(resources.files("docrouter_desktop.core") / "migrations")
    )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        # A document of that version, indexed twice by its id (the newest row wins).
        conn.exec_driver_sql(
            "INSERT INTO organizations (id, name, created_at) VALUES ('org_1', 'Old', 'x')"
        )
        conn.exec_driver_sql(
            "INSERT INTO documents (id, organization_id, document_name, sha256, size, "
            "content_type, processor_type, status, tags, created_at, updated_at) VALUES "
            "('doc_old', 'org_1', 'old.pdf', 'abc', 1, 'application/pdf', 'auto', "
            "'completed', '[]', 'x', 'x')"
        )
        for text in ("stale words", "quarterly invoice"):
            conn.exec_driver_sql(
                "INSERT INTO documents_fts (document_id, document_name, text) "
                "VALUES ('doc_old', 'old.pdf', ?)",
                (text,),
            )
    engine.dispose()
    lib = Library(path)
    lib.default_org_id()
    assert [d.id for d in lib.documents(query="quarterly")[0]] == ["doc_old"]
    assert lib.documents(query="stale")[0] == []
    lib.delete("doc_old")
    lib.close()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(cfg).get_current_head()
    with sqlite3.connect(path / "library.sqlite3") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == 0


def test_each_document_keeps_one_row_of_the_text_index_found_by_its_rowid(library, inbox):
    """Reprocessing replaces a document's indexed text in place and deleting it removes its
    row, both by the rowid kept on the document (never a read of the whole index)."""
    factories.invoice_pdf(inbox / "a.pdf", number="ALPHA-1", vendor="Alpha Supplies")
    factories.invoice_pdf(inbox / "b.pdf", number="BETA-2", vendor="Beta Traders")
    batch, summary = _run(library, [inbox / "a.pdf", inbox / "b.pdf"])
    assert summary.completed == 2
    a, b = (o.document_id for o in batch.outcomes)

    def index():
        with library.db.read() as s:
            conn = s.connection()
            rows = dict(conn.exec_driver_sql("SELECT rowid, document_id FROM documents_fts").all())
            kept = dict(conn.exec_driver_sql("SELECT id, fts_rowid FROM documents").all())
        return rows, kept

    rows, kept = index()
    assert sorted(rows.values()) == sorted([a, b])
    assert rows[kept[a]] == a and rows[kept[b]] == b
    assert [d.id for d in library.documents(query="alpha")[0]] == [a]

    library.reprocess(a)
    Runner(library, workers=0).run_until_idle()
    assert library.document(a).status == "completed"
    rows_after, kept_after = index()
    assert rows_after == rows and kept_after == kept  # replaced in place, not added

    library.delete(a)
    rows, _kept = index()
    assert list(rows.values()) == [b]
    assert [d.id for d in library.documents(query="beta")[0]] == [b]


def test_retry_processes_failed_documents_again(tmp_path, inbox):
    factories.text_image(inbox / "scan.png", factories.RECEIPT_LINES)
    lib = tmp_path / "lib"
    run_cli("config", "set", "tesseract_path", str(tmp_path / "no-tesseract"), library=lib)
    code, _o, err = run_cli("batch", str(inbox), library=lib)
    assert code == 1 and "Tesseract" in err
    run_cli("config", "set", "tesseract_path", "", library=lib)
    code, _o, err = run_cli("retry", library=lib)
    assert code == 0, err
    assert "1 completed" in err


def test_cancel_marks_queued_documents_cancelled(library, inbox):
    pdf = factories.invoice_pdf(inbox / "a.pdf")
    outcome = library.ingest_file(pdf)
    assert outcome.status == "queued"
    assert library.cancel(outcome.document_id) == "cancelled"
    assert library.document(outcome.document_id).status == "cancelled"
    # A cancelled document given again is queued again.
    again = library.ingest_file(pdf)
    assert again.duplicate and library.document(outcome.document_id).status == "queued"


def test_search_finds_words_and_takes_any_characters(library, inbox):
    batch, _summary = _run(library, [factories.invoice_pdf(inbox / "a.pdf", number="INV-4242")])
    doc_id = batch.outcomes[0].document_id
    assert [d.id for d in library.documents(query="INV-4242")[0]] == [doc_id]
    assert [d.id for d in library.documents(query='"inv-42\x00')[0]] == [doc_id]
    for odd in ("\x00", "qqq\x00zzz", '"', "\x07(\x0e)", "*", "NEAR("):
        assert library.documents(query=odd) == ([], 0), repr(odd)
