"""Faults a real machine produces, each run for real: files that are not files, names that are
not UTF-8, documents over the memory or time limit, odd PDFs and images, a worker that dies,
a library that cannot be written. Each ends in a clear per-document message, the other files
complete, and nothing hangs."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from docrouter_desktop.core import jobs
from docrouter_desktop.core.errors import LibraryError
from docrouter_desktop.core.runner import Runner
from tests import factories, fault_files
from tests.conftest import run_cli


def _good(inbox: Path, n: int = 2) -> list[Path]:
    return [
        factories.text_image(inbox / f"good{i}.png", [*factories.RECEIPT_LINES, f"RECEIPT NO {i}"])
        for i in range(n)
    ]


def _batch_rows(tmp_path: Path, *paths: str, settings: dict[str, str] | None = None):
    lib = tmp_path / "lib"
    for key, value in (settings or {}).items():
        code, _o, err = run_cli("config", "set", key, value, library=lib)
        assert code == 0, err
    out = tmp_path / "out.json"
    code, _o, err = run_cli("batch", *paths, "--workers", "2", "--export", str(out), library=lib)
    assert "Traceback" not in err, err
    rows = {Path(r["file"]).name: r for r in json.loads(out.read_text())}
    return code, rows, err


def _assert_good_completed(rows: dict) -> None:
    good = [r for name, r in rows.items() if name.startswith("good")]
    assert good and {r["status"] for r in good} == {"completed"}, good


def test_a_fifo_a_device_and_a_bad_utf8_name_in_a_batch(tmp_path, inbox):
    _good(inbox)
    os.mkfifo(inbox / "pipe.pdf")  # opening it would wait for a writer for ever
    raw = os.fsencode(inbox) + b"/caf\xe9-receipt.png"  # Latin-1 bytes, not UTF-8
    factories.text_image(Path(os.fsdecode(raw)), factories.RECEIPT_LINES)
    code, rows, err = _batch_rows(tmp_path, str(inbox), "/dev/zero")
    assert code == 1
    assert "named pipe" in rows["pipe.pdf"]["error"] and rows["pipe.pdf"]["status"] == "failed"
    assert "device" in rows["zero"]["error"]
    odd = rows["caf\ufffd-receipt.png"]
    assert odd["status"] == "completed", odd
    _assert_good_completed(rows)
    # Nothing was copied from the device, and a second run over the same folder goes too.
    lib = tmp_path / "lib"
    assert sum(f.stat().st_size for f in (lib / "originals").rglob("*") if f.is_file()) < 5e6
    code, out, err = run_cli("batch", str(inbox), library=lib)
    assert "Traceback" not in err and code == 1


def test_a_fifo_given_by_name_is_refused_without_opening_it(library, inbox):
    os.mkfifo(inbox / "pipe")
    outcome = library.ingest_file(inbox / "pipe")
    assert outcome.status == "failed" and "named pipe" in outcome.error
    assert stat.S_ISFIFO(os.stat(inbox / "pipe").st_mode)  # left as it was


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "full"), (errno.EROFS, "read-only")])
def test_a_library_that_cannot_be_written_is_blamed_not_the_file(library, inbox, code, words):
    good = _good(inbox, 1)[0]

    def fail(_src):
        raise OSError(code, os.strerror(code))

    library.blobs.add_stream = fail
    with pytest.raises(LibraryError) as caught:
        library.ingest_file(good)
    assert words in str(caught.value) and "Cannot read the file" not in str(caught.value)


def test_a_library_fault_stops_adding_and_says_so_once(library, inbox):
    from docrouter_desktop.core.engine import Engine

    files = _good(inbox, 3)

    def fail(_src):
        raise OSError(errno.ENOSPC, "No space left on device")

    library.blobs.add_stream = fail
    engine = Engine(library, runner="none")
    events = []
    engine.subscribe(events.append)
    try:
        with pytest.raises(LibraryError, match="full"):
            engine.add_found(engine.intake.find([str(f) for f in files], False))
    finally:
        engine.stop()
    finished = [e for e in events if type(e).__name__ == "RequestFinished"]
    errors = [o.error for o in finished[0].outcomes]
    assert len(errors) == 3 and all("disk holding the library" in e for e in errors), errors


def test_memory_bomb_fails_naming_the_limit_and_the_batch_goes_on(tmp_path, inbox):
    _good(inbox)
    fault_files.inflate_bomb_pdf(inbox / "bomb.pdf", mib=768)
    code, rows, _err = _batch_rows(tmp_path, str(inbox), settings={"worker_memory_mb": "300"})
    assert code == 1
    bomb = rows["bomb.pdf"]
    assert bomb["status"] == "failed" and "memory limit of 300 MB" in bomb["error"], bomb
    assert "worker_memory_mb" in bomb["error"]  # how to raise it
    _assert_good_completed(rows)


def test_a_page_over_the_time_limit_fails_naming_it(tmp_path, inbox):
    _good(inbox)
    fault_files.vector_paths_pdf(inbox / "paths.pdf", paths=6_000_000)
    code, rows, _err = _batch_rows(
        tmp_path,
        str(inbox),
        settings={"page_time_limit": "5", "worker_memory_mb": "8000"},
    )
    paths = rows["paths.pdf"]
    assert paths["status"] == "failed" and "time limit of 5 s a page" in paths["error"], paths
    assert "page_time_limit" in paths["error"]
    _assert_good_completed(rows)


def test_huge_pages_and_images_fail_alone_with_what_to_do(tmp_path, inbox):
    _good(inbox)
    fault_files.huge_media_box_pdf(inbox / "poster.pdf")
    fault_files.huge_png(inbox / "huge.png", megapixels=144)
    fault_files.zero_page_pdf(inbox / "zero.pdf")
    fault_files.page_tree_cycle_pdf(inbox / "cycle.pdf")
    factories.encrypted_pdf(inbox / "a-locked.pdf")  # read first, by the same workers
    code, rows, _err = _batch_rows(tmp_path, str(inbox))
    assert code == 1
    assert "too large to render" in rows["poster.pdf"]["error"], rows["poster.pdf"]
    assert "cm" in rows["poster.pdf"]["error"]
    assert "too large" in rows["huge.png"]["error"], rows["huge.png"]
    assert "no pages" in rows["zero.pdf"]["error"], rows["zero.pdf"]
    assert "password" not in rows["zero.pdf"]["error"]
    cycle = rows["cycle.pdf"]["error"]
    assert "damaged" in cycle and "Unexpected" not in cycle and "Pdfium" not in cycle, cycle
    assert "password" in rows["a-locked.pdf"]["error"]
    _assert_good_completed(rows)


def test_a_16_bit_grey_scan_is_read_not_clipped_to_white(library, inbox):
    scan = fault_files.grey16_png(inbox / "deep.png", ["TOTAL 12.50", "THANK YOU"])
    doc = library.ingest_file(scan, processor_type="text").document_id
    Runner(library, workers=0).run_until_idle()
    assert library.document(doc).status == "completed"
    assert "TOTAL" in library.result(doc).text


def test_a_damaged_image_message_shows_no_library_path(library, inbox):
    bad = inbox / "scan.tif"
    bad.write_bytes(b"II*\x00" + b"\x08\x00\x00\x00" + b"\xff" * 64)
    doc = library.ingest_file(bad).document_id
    Runner(library, workers=0).run_until_idle()
    info = library.document(doc)
    assert info.status == "failed" and "damaged" in info.error
    assert "originals" not in info.error and str(library.blobs.root) not in info.error


def test_a_missing_stored_copy_says_so_and_retry_finishes(library, inbox):
    good = _good(inbox, 1)[0]
    doc = library.ingest_file(good, processor_type="text").document_id
    Runner(library, workers=0).run_until_idle()
    library.original_path(doc).unlink()
    with library.db.write() as s:
        jobs.enqueue(s, s.get(jobs.claims.Document, doc), "text")
    Runner(library, workers=0).run_until_idle()
    info = library.document(doc)
    assert info.status == "failed"
    assert "copy of this file is missing" in info.error and "Reinstall" not in info.error


def _full_disk_once(monkeypatch, times: int = 1):
    """Storing a result fails as SQLite does on a full disk, ``times`` times."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from docrouter_desktop.core.runner import local

    real = local.jobs.complete
    left = [times]

    def complete(*args, **kwargs):
        if left[0] > 0:
            left[0] -= 1
            raise OperationalError(
                "UPDATE", {}, sqlite3.OperationalError("database or disk is full")
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(local.jobs, "complete", complete)
    return local


def test_a_full_disk_while_storing_stops_a_batch_with_one_message(library, inbox, monkeypatch):
    _full_disk_once(monkeypatch, times=100)
    doc = library.ingest_file(_good(inbox, 1)[0], processor_type="text").document_id
    with pytest.raises(LibraryError, match="full") as caught:
        Runner(library, workers=0).run_until_idle()
    assert "Free some space" in str(caught.value) and "\n" not in str(caught.value)
    assert library.document(doc).status == "queued"  # given back, read again next time


def test_a_long_lived_runner_pauses_on_a_full_disk_and_goes_on(library, inbox, monkeypatch):
    local = _full_disk_once(monkeypatch, times=1)
    monkeypatch.setattr(local, "FAULT_PAUSE", 0.2)
    doc = library.ingest_file(_good(inbox, 1)[0], processor_type="text").document_id
    runner = Runner(library, workers=0)
    runner.start()
    try:
        import time

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and library.document(doc).status != "completed":
            runner.notify()
            time.sleep(0.2)
    finally:
        runner.stop()
    assert library.document(doc).status == "completed"


def test_direction_controls_are_dropped_from_names(library, inbox):
    good = _good(inbox, 1)[0]
    outcome = library.ingest_upload(good, "caf\u00e9 \u202egpj.exe")
    assert library.document(outcome.document_id).document_name == "caf\u00e9 gpj.exe"
    renamed = library.update_document(outcome.document_id, name="\u2067invoice\u2069.pdf")
    assert renamed.document_name == "invoice.pdf"
