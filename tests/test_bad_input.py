"""Files that cannot be processed fail one by one with a message a user understands."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests import factories
from tests.conftest import run_cli


def _bad_folder(inbox: Path, good: Path) -> dict[str, str]:
    """Writes bad files next to good ones; returns name -> words its error must contain."""
    (inbox / "empty.pdf").write_bytes(b"")
    factories.truncated_pdf(inbox / "truncated.pdf", good)
    factories.encrypted_pdf(inbox / "locked.pdf")
    factories.bomb_png(inbox / "bomb.png")
    (inbox / "fake.png").write_text("this is not a picture")
    (inbox / "letter.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (inbox / "image.pgm").write_bytes(b"P5\n4 4\n255\n" + b"\x80" * 16)
    os.symlink(inbox / "nowhere.pdf", inbox / "broken-link.pdf")
    return {
        "empty.pdf": "empty",
        "truncated.pdf": "damaged",
        "locked.pdf": "password",
        "bomb.png": "too large",
        "fake.png": "PNG",
        "letter.docx": "Unsupported file type",
        "image.pgm": "Unsupported file type",
        "broken-link.pdf": "does not exist",
    }


def test_bad_files_fail_alone_and_the_batch_goes_on(tmp_path, inbox):
    good = [factories.invoice_pdf(inbox / f"good{i}.pdf", number=f"G-{i}") for i in range(3)]
    factories.text_image(inbox / "receipt.png", factories.RECEIPT_LINES)
    expected = _bad_folder(inbox, good[0])
    before = {p.name: p.read_bytes() for p in inbox.iterdir() if p.is_file()}
    out = tmp_path / "out.json"
    code, _o, err = run_cli("batch", str(inbox), "--export", str(out), library=tmp_path / "lib")
    assert code == 1, err
    rows = {Path(r["file"]).name: r for r in json.loads(out.read_text())}
    for name in ("good0.pdf", "good1.pdf", "good2.pdf", "receipt.png"):
        assert rows[name]["status"] == "completed", rows[name]
    for name, words in expected.items():
        assert rows[name]["status"] == "failed", name
        assert words.lower() in rows[name]["error"].lower(), (name, rows[name]["error"])
    # Nothing the user gave was changed.
    after = {p.name: p.read_bytes() for p in inbox.iterdir() if p.is_file()}
    assert after == before


def test_hidden_system_and_partial_files_are_skipped(tmp_path, inbox):
    factories.invoice_pdf(inbox / "real.pdf")
    for name in (
        ".DS_Store",
        "Thumbs.db",
        "~$draft.docx",
        "download.pdf.crdownload",
        ".hidden.pdf",
        "x.part",
    ):
        (inbox / name).write_bytes(b"junk")
    out = tmp_path / "out.json"
    code, _o, err = run_cli("batch", str(inbox), "--export", str(out), library=tmp_path / "lib")
    assert code == 0, err
    assert [Path(r["file"]).name for r in json.loads(out.read_text())] == ["real.pdf"]


def test_recursive_walks_subfolders_only_when_asked(tmp_path, inbox):
    factories.invoice_pdf(inbox / "top.pdf", number="TOP-1")
    (inbox / "sub").mkdir()
    factories.invoice_pdf(inbox / "sub" / "deep.pdf", number="DEEP-1")
    out = tmp_path / "out.json"
    run_cli("batch", str(inbox), "--export", str(out), library=tmp_path / "lib")
    assert [Path(r["file"]).name for r in json.loads(out.read_text())] == ["top.pdf"]
    run_cli("batch", str(inbox), "--recursive", "--export", str(out), library=tmp_path / "lib")
    assert sorted(Path(r["file"]).name for r in json.loads(out.read_text())) == [
        "deep.pdf",
        "top.pdf",
    ]


def test_a_file_that_vanishes_mid_batch_fails_with_a_clear_message(library, inbox):
    from docrouter_desktop.core.batch import Batch

    keep = factories.invoice_pdf(inbox / "keep.pdf", number="K-1")
    gone = factories.invoice_pdf(inbox / "gone.pdf", number="G-1")
    batch = Batch(library, workers=0)
    found = batch.find([str(inbox)])
    gone.unlink()  # removed after the folder was read, before the file was
    batch.add(found)
    summary = batch.run()
    by_name = {Path(o.file).name: o for o in summary.outcomes}
    assert by_name["keep.pdf"].status == "completed"
    assert by_name["gone.pdf"].status == "failed"
    assert "moved or deleted" in by_name["gone.pdf"].error
    assert keep.exists()
