"""The batch command end to end: real files, a real library, real workers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests import factories
from tests.conftest import run_cli


def _invoices(folder: Path, n: int) -> list[Path]:
    return [
        factories.invoice_pdf(
            folder / f"inv{i:03d}.pdf", number=f"INV-{1000 + i}", total=100.0 + i, tax=10.0
        )
        for i in range(n)
    ]


def test_batch_exports_every_document_and_a_rerun_adds_nothing(tmp_path, inbox):
    _invoices(inbox, 3)
    lib = tmp_path / "lib"
    out = tmp_path / "out.json"
    code, _o, err = run_cli(
        "batch", str(inbox), "--processor", "invoice", "--export", str(out), library=lib
    )
    assert code == 0, err
    data = json.loads(out.read_text())
    assert len(data) == 3
    first = data[0]
    assert set(first) == {
        "file",
        "document_id",
        "sha256",
        "status",
        "error",
        "processor_type",
        "fields",
        "field_details",
    }
    assert first["file"] == str(inbox / "inv000.pdf")
    assert first["status"] == "completed"
    assert first["fields"]["invoice_number"] == "INV-1000"
    assert first["fields"]["total"] == 100.0
    assert first["fields"]["date"] == "2024-03-15"
    assert first["field_details"]["total"]["source"] == "text"
    assert len(first["field_details"]["total"]["bbox"]) == 4

    code, _o, err = run_cli(
        "batch", str(inbox), "--processor", "invoice", "--export", str(out), library=lib
    )
    assert code == 0, err
    again = json.loads(out.read_text())
    assert [d["document_id"] for d in again] == [d["document_id"] for d in data]
    assert "3 already in the library" in err
    code, listing, _ = run_cli("list", "--json", library=lib)
    assert len(json.loads(listing)) == 3


def test_same_bytes_twice_in_one_batch_is_one_document_listed_twice(tmp_path, inbox):
    a = factories.invoice_pdf(inbox / "a.pdf")
    shutil.copy(a, inbox / "b.pdf")
    out = tmp_path / "out.json"
    code, _o, err = run_cli("batch", str(inbox), "--export", str(out), library=tmp_path / "lib")
    assert code == 0, err
    data = json.loads(out.read_text())
    assert [Path(d["file"]).name for d in data] == ["a.pdf", "b.pdf"]
    assert data[0]["document_id"] == data[1]["document_id"]


def test_originals_are_kept_when_the_source_is_deleted(tmp_path, inbox, library):
    from docrouter_desktop.core.batch import Batch

    src = factories.invoice_pdf(inbox / "gone.pdf")
    original = src.read_bytes()
    batch = Batch(library, workers=0)
    batch.add(batch.find([str(src)]))
    src.unlink()
    summary = batch.run()
    assert summary.completed == 1
    doc_id = batch.outcomes[0].document_id
    assert library.original_path(doc_id).read_bytes() == original


def test_usage_errors_exit_2(tmp_path):
    code, _o, err = run_cli("batch", library=tmp_path / "lib")
    assert code == 2
    code, _o, err = run_cli(
        "batch", str(tmp_path), "--export", str(tmp_path / "x.pdf"), library=tmp_path / "lib"
    )
    assert code == 2 and "export format" in err


def test_version_and_module_entry_point():
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith("docrouter-desktop ")
