"""Faults of the library's machine, each made for real and met through the real command line:
a full disk, a database another process holds locked, a damaged database file, a read-only
library, exports to where they cannot go. Each ends in one line on stderr saying what to do,
a non-zero exit and no traceback. Also: the log folded into ``library.sqlite3`` at exit,
``library check``, ``repair`` and ``backup``, and the temporary files of killed copies."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from docrouter_desktop.core import environment_faults as faults
from docrouter_desktop.core import maintenance
from docrouter_desktop.core.errors import (
    LibraryDamagedError,
    LibraryFullError,
    LibraryLockedError,
    LibraryReadOnlyError,
    OriginalMissingError,
)
from docrouter_desktop.core.export import XLSX_ILLEGAL, ExportRow, write_export
from docrouter_desktop.core.library import Library
from docrouter_desktop.core.storage import blobstore
from docrouter_desktop.core.storage.blobstore import BlobStore

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def cli(library: Path, *args: str, env: dict[str, str] | None = None, **kw):
    return subprocess.run(
        [sys.executable, "-m", "docrouter_desktop", "--library", str(library), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        **kw,
    )


def assert_one_line(p: subprocess.CompletedProcess, *words: str, code: int | None = None) -> str:
    """Failed, with exactly one line on stderr holding ``words``, and no traceback anywhere."""
    assert "Traceback" not in p.stdout + p.stderr, p.stderr
    assert p.returncode != 0, p.stdout + p.stderr
    if code is not None:
        assert p.returncode == code, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _texts(folder: Path, n: int = 2) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"invoice{i}.txt").write_text(
            f"INVOICE\nInvoice No: INV-{i:04}\nACME Supplies Ltd\nTotal 1{i}.50 EUR\n"
        )
    return folder


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A library made by a real batch of two small text files."""
    lib = tmp_path / "lib"
    p = cli(lib, "batch", str(_texts(tmp_path / "in")), "--workers", "0")
    assert p.returncode == 0, p.stderr
    return lib


def _documents(lib: Path) -> list[dict]:
    p = cli(lib, "list", "--json", "--limit", "10000")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def _leaf_pages(db: Path, table: str) -> list[int]:
    with sqlite3.connect(db) as c:
        try:
            rows = c.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
                (table,),
            ).fetchall()
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table")
    return [r[0] for r in rows]


def _garble_page(db: Path, page: int) -> None:
    with sqlite3.connect(db) as c:
        size = c.execute("PRAGMA page_size").fetchone()[0]
    with open(db, "r+b") as f:
        f.seek((page - 1) * size)
        f.write(os.urandom(size))


def _userns_mounts() -> bool:
    """Whether a user namespace may mount here (a real tmpfs or read-only bind for a test)."""
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


USERNS = pytest.mark.skipif(
    sys.platform != "linux" or not _userns_mounts(), reason="no mount in a user namespace here"
)


def in_namespace(setup: str, library: Path, *args: str) -> subprocess.CompletedProcess:
    """The command line run after ``setup`` (shell mounts) in a private mount namespace."""
    command = " ".join(
        [sys.executable, "-m", "docrouter_desktop", "--library", str(library), *args]
    )
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", f"{setup} && exec {command}"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


# --- the log folded into the database file -------------------------------------------------


def test_after_a_command_the_database_file_alone_holds_the_library(filled, tmp_path):
    db = filled / "library.sqlite3"
    wal = filled / "library.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    assert db.stat().st_size > 4096  # was 4 KB with every table in the -wal file
    assert cli(filled, "config", "set", "workers", "3").returncode == 0
    alone = tmp_path / "copied"
    alone.mkdir()
    shutil.copy2(db, alone / "library.sqlite3")  # the file only, as a user copies it
    names = sorted(d["document_name"] for d in _documents(alone))
    assert names == ["invoice0.txt", "invoice1.txt"]
    assert cli(alone, "config", "get", "workers").stdout.strip() == "3"


def test_check_folds_in_a_log_left_by_a_killed_process(filled, tmp_path):
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
            "c.execute(\"INSERT INTO settings (key, value) VALUES ('workers', '5')\")\n"
            "os._exit(0)\n",
            str(filled / "library.sqlite3"),
        ],
    )
    assert killed.returncode == 0
    assert (filled / "library.sqlite3-wal").stat().st_size > 0
    p = cli(filled, "library", "check")
    assert p.returncode == 0, p.stderr
    assert "sound" in p.stdout and "folded into the database file" in p.stdout
    alone = tmp_path / "copied"
    alone.mkdir()
    shutil.copy2(filled / "library.sqlite3", alone / "library.sqlite3")
    assert cli(alone, "config", "get", "workers").stdout.strip() == "5"


# --- a damaged database --------------------------------------------------------------------


def test_a_damaged_database_is_one_line_then_repaired(filled):
    db = filled / "library.sqlite3"
    _garble_page(db, _leaf_pages(db, "documents")[0])  # garbage in the middle of the file
    for args in (("list",), ("list", "--json"), ("export", str(filled.parent / "out.csv"))):
        assert_one_line(cli(filled, *args), "damaged", "library repair", code=3)
    assert not (filled.parent / "out.csv").exists()
    p = cli(filled, "library", "check")
    assert p.returncode == 1 and "damaged" in p.stderr and "Traceback" not in p.stderr

    p = cli(filled, "library", "repair")
    assert "Traceback" not in p.stdout + p.stderr
    assert "damaged file is kept as" in " ".join(p.stdout.split())
    assert len(list(filled.glob("library.sqlite3.damaged-*"))) == 1
    assert cli(filled, "library", "check").returncode == 0
    # The one leaf held both documents: they are lost, and said to be; their originals stay.
    assert "originals of documents that could not be read" in " ".join(p.stdout.split())
    assert cli(filled, "batch", str(filled.parent / "in"), "--workers", "0").returncode == 0
    assert len(_documents(filled)) == 2  # added again from the same files


def test_repair_saves_the_rows_around_a_damaged_page(tmp_path):
    lib_dir = tmp_path / "lib"
    lib = Library(lib_dir)
    for i in range(300):
        lib.add_upload(io.BytesIO(f"Invoice {i}\nTotal {i}.00\n".encode()), f"inv{i:03}.txt")
    lib.set_setting("workers", "4")
    lib.close()
    db = lib_dir / "library.sqlite3"
    leaves = _leaf_pages(db, "documents")
    assert len(leaves) > 4
    _garble_page(db, leaves[len(leaves) // 2])

    report = maintenance.repair(lib_dir)
    assert report.salvaged and report.damaged_copy is not None and report.damaged_copy.exists()
    saved = report.saved["documents"]
    assert 250 < saved < 300, report
    assert any(line.startswith("documents: rows between row") for line in report.lost), report.lost
    assert any("jobs:" in line and "could not be read" in line for line in report.lost)
    assert report.saved["settings"] == 1
    assert maintenance.check(lib_dir).ok

    lib = Library(lib_dir)
    try:
        docs, total = lib.documents(limit=1000)
        assert total == saved
        first = sorted(d.document_name for d in docs)[0]
        found, _ = lib.documents(query="txt", limit=1000)
        assert len(found) == saved  # the full-text index was made again
        assert first == "inv000.txt" and lib.settings().workers == 4
    finally:
        lib.close()


def test_a_file_that_is_not_a_database_is_one_line(filled):
    with open(filled / "library.sqlite3", "r+b") as f:
        f.write(os.urandom(100))  # the header
    assert_one_line(cli(filled, "list"), "damaged", "library repair", code=3)
    assert_one_line(cli(filled, "config", "set", "workers", "2"), "damaged", code=3)


def test_repair_rebuilds_a_lost_full_text_index_in_place(filled):
    with sqlite3.connect(filled / "library.sqlite3") as c:
        c.execute("DELETE FROM documents_fts")
    p = cli(filled, "library", "check")
    assert p.returncode == 1 and "missing from the full-text index" in " ".join(p.stderr.split())
    assert json.loads(cli(filled, "list", "--json", "-q", "ACME").stdout) == []
    p = cli(filled, "library", "repair")
    assert p.returncode == 0 and "full-text index of 2 documents were rebuilt" in " ".join(
        p.stdout.split()
    )
    assert not list(filled.glob("library.sqlite3.damaged-*"))
    assert len(json.loads(cli(filled, "list", "--json", "-q", "ACME").stdout)) == 2


def test_repair_waits_for_no_one(filled):
    lib = Library(filled)  # another program with the library open
    try:
        assert_one_line(cli(filled, "library", "repair"), "in use", code=3)
    finally:
        lib.close()
    assert cli(filled, "library", "repair").returncode == 0


# --- a locked database ---------------------------------------------------------------------


@pytest.fixture
def locked(filled):
    """Another process holding the library's write lock (``BEGIN EXCLUSIVE``)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE')\n"
            "c.execute(\"INSERT INTO settings (key, value) VALUES ('x', '1')\")\n"
            "print('held', flush=True)\n"
            "time.sleep(120)\n",
            str(filled / "library.sqlite3"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield filled
    holder.kill()
    holder.wait()
    holder.stdout.close()


def test_a_database_locked_past_the_busy_timeout_is_one_line(locked, tmp_path):
    quick = {"DOCROUTER_DESKTOP_BUSY_TIMEOUT": "0.5"}
    start = time.monotonic()
    line = assert_one_line(
        cli(locked, "config", "set", "workers", "2", env=quick), "locked", "0.5 s", code=3
    )
    assert "another program" in line
    assert time.monotonic() - start < 20
    new = _texts(tmp_path / "more", 1)
    assert_one_line(cli(locked, "batch", str(new), "--workers", "0", env=quick), "locked", code=3)
    assert_one_line(cli(locked, "library", "repair", env=quick), "locked", code=3)
    # Readers never wait for a writer: listing and checking still work, and a backup too.
    assert cli(locked, "list", env=quick).returncode == 0
    p = cli(locked, "library", "check", env=quick)
    assert p.returncode == 0 and "not folded" in " ".join(p.stdout.split())
    p = cli(locked, "library", "backup", str(tmp_path / "bk"), env=quick)
    assert p.returncode == 0, p.stderr
    assert len(_documents(tmp_path / "bk")) == 2


# --- a full disk ---------------------------------------------------------------------------


def _fsize_limit(limit: int):
    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_copy_past_the_file_size_limit_is_one_line(filled, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Invoice 1\n" + "total amount due 12.50\n" * 100_000)  # 2.3 MB
    p = cli(filled, "batch", str(big), "--workers", "0", preexec_fn=_fsize_limit(1_000_000))
    assert_one_line(p, "size", "Free some space", code=3)
    assert not list((filled / "originals").glob(".incoming-*"))  # its copy did not stay
    assert len(_documents(filled)) == 2


@USERNS
def test_a_full_disk_is_one_line(filled, tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    big = tmp_path / "big.txt"
    big.write_text("Invoice 1\n" + "total amount due 12.50\n" * 20_000)  # 460 KB
    mount = f"mount -t tmpfs -o size=400k tmpfs {small} && cp -r {filled} {small}/lib"
    line = assert_one_line(
        in_namespace(mount, small / "lib", "batch", str(big), "--workers", "0"),
        "is full",
        "Free some space",
        code=3,
    )
    assert "Cannot read the file" not in line
    fill = f"{mount} && (cat /dev/zero > {small}/filler 2>/dev/null; true)"
    assert_one_line(
        in_namespace(fill, small / "lib", "config", "set", "workers", "2"), "full", code=3
    )


def test_the_classifier_names_each_fault(tmp_path):
    lib = tmp_path / "lib"
    full = faults.library_fault(OSError(errno.ENOSPC, "No space left on device"), lib)
    assert isinstance(full, LibraryFullError) and "is full" in str(full)
    ro = faults.library_fault(OSError(errno.EROFS, "Read-only file system", str(lib / "x")), lib)
    assert isinstance(ro, LibraryReadOnlyError)
    assert "read-only" in str(ro) and "--library" in str(ro) and "permissions" in str(ro)
    gone = faults.library_fault(
        FileNotFoundError(errno.ENOENT, "No such file", str(lib / "originals" / "ab" / "abc")), lib
    )
    assert isinstance(gone, OriginalMissingError) and "backup" in str(gone)
    for text, kind in [
        ("database is locked", LibraryLockedError),
        ("database disk image is malformed", LibraryDamagedError),
        ("file is not a database", LibraryDamagedError),
        ("database or disk is full", LibraryFullError),
        ("attempt to write a readonly database", LibraryReadOnlyError),
    ]:
        wrapped = OperationalError("UPDATE settings", {}, sqlite3.OperationalError(text))
        fault = faults.library_fault(wrapped, lib)
        assert isinstance(fault, kind), (text, fault)
        assert "\n" not in str(fault)
    # Not a fault of the machine: a bug, left to show as it is.
    assert faults.library_fault(ValueError("bug"), lib) is None
    assert faults.library_fault(FileNotFoundError(errno.ENOENT, "x", "/elsewhere"), lib) is None


# --- a read-only library -------------------------------------------------------------------


@pytest.mark.skipif(IS_ROOT or sys.platform == "win32", reason="root writes through chmod")
def test_a_read_only_library_by_permissions_is_one_line(filled, tmp_path):
    (filled / "library.sqlite3").chmod(0o444)
    try:
        line = assert_one_line(cli(filled, "config", "set", "workers", "2"), "read-only")
        assert "--library" in line
        p = cli(filled, "batch", str(_texts(tmp_path / "more", 1)), "--workers", "0")
        assert "Cannot read the file" not in p.stderr
        assert_one_line(p, "read-only")
    finally:
        (filled / "library.sqlite3").chmod(0o644)


@USERNS
def test_a_read_only_library_is_one_line(filled, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    mount = f"mount --bind -o ro {filled} {ro}"
    more = _texts(tmp_path / "more", 1)
    for args in (("config", "set", "workers", "2"), ("batch", str(more)), ("list",)):
        line = assert_one_line(in_namespace(mount, ro, *args), "read-only", "--library", code=3)
        assert "Cannot read the file" not in line
    # Only the database file read-only: reads work, a write is one line.
    db = filled / "library.sqlite3"
    only_db = f"mount --bind -o ro {db} {db}"
    assert in_namespace(only_db, filled, "list").returncode == 0
    assert_one_line(in_namespace(only_db, filled, "config", "set", "workers", "2"), "read-only")
    # A read-only library can still be checked and backed up.
    p = in_namespace(mount, ro, "library", "check")
    assert p.returncode == 0 and "sound" in p.stdout, p.stderr
    p = in_namespace(mount, ro, "library", "backup", str(tmp_path / "bk"))
    assert p.returncode == 0, p.stderr
    assert len(_documents(tmp_path / "bk")) == 2


# --- exports that cannot go where asked ----------------------------------------------------


def test_export_to_a_missing_folder_or_a_folder_is_one_line(filled, tmp_path):
    missing = tmp_path / "nowhere" / "out.xlsx"
    assert_one_line(cli(filled, "export", str(missing)), "does not exist", code=2)
    assert_one_line(cli(filled, "export", str(tmp_path), "--format", "csv"), "is a folder", code=2)
    if sys.platform == "linux":
        assert_one_line(cli(filled, "export", "/proc/out.csv"), "/proc", code=2)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_export_onto_a_full_device_is_one_line_and_leaves_the_device(filled):
    assert_one_line(cli(filled, "export", "/dev/full", "--format", "csv"), "full", code=2)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # written to, never replaced


@pytest.mark.skipif(IS_ROOT or sys.platform == "win32", reason="root writes through chmod")
def test_export_to_an_unwritable_folder_is_one_line(filled, tmp_path):
    shut = tmp_path / "shut"
    shut.mkdir(mode=0o555)
    assert_one_line(cli(filled, "export", str(shut / "out.json")), "cannot be written", code=2)


def test_batch_with_a_bad_export_path_fails_before_processing(tmp_path):
    lib = tmp_path / "lib"
    start = time.monotonic()
    p = cli(lib, "batch", str(_texts(tmp_path / "in")), "--export", str(tmp_path / "no" / "x.xlsx"))
    assert_one_line(p, "does not exist", code=2)
    assert time.monotonic() - start < 30
    assert not (lib / "library.sqlite3").exists()  # not even opened, let alone processed


def test_xlsx_export_drops_control_characters(tmp_path, library):
    from openpyxl import load_workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    assert XLSX_ILLEGAL.pattern == ILLEGAL_CHARACTERS_RE.pattern
    document = library.add_upload(io.BytesIO(b"Invoice 7\nTotal 3.00\n"), "plain.txt")[1]
    rows = [ExportRow("bad\x07name\x1b.txt", document, None, "failed", "bell\x07 in the error")]
    out = tmp_path / "out.xlsx"
    assert write_export(rows, out) == "xlsx"
    sheet = load_workbook(out)["Documents"]
    values = [c.value for c in sheet[2]]
    assert values[0] == "badname.txt" and values[3] == "bell in the error"


# --- temporary files of interrupted copies -------------------------------------------------


_SLOW_COPY = """
import sys, time
from pathlib import Path
from docrouter_desktop.core.storage.blobstore import BlobStore

class Slow:
    def __init__(self):
        self.n = 0
    def read(self, size=-1):
        self.n += 1
        if self.n > 4:
            time.sleep(60)
        return b"x" * (1 << 20)

print("copying", flush=True)
BlobStore(Path(sys.argv[1])).add_stream(Slow())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_the_temp_file_of_a_killed_copy_is_removed_at_start(tmp_path):
    store = tmp_path / "lib" / "originals"
    copier = subprocess.Popen(
        [sys.executable, "-c", _SLOW_COPY, str(store)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert copier.stdout is not None and copier.stdout.readline().strip() == "copying"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        temps = list(store.glob(".incoming-*"))
        if temps and temps[0].stat().st_size >= 4 << 20:
            break
        time.sleep(0.05)
    assert temps, "the copy never started"
    # Opened while the copy goes on: its file is another live process's, and stays.
    BlobStore(store)
    assert temps[0].exists()
    copier.send_signal(signal.SIGKILL)
    copier.wait()
    copier.stdout.close()
    assert temps[0].exists()  # what a killed copy leaves behind
    Library(tmp_path / "lib").close()
    assert not temps[0].exists()


def test_temp_files_whose_writer_cannot_be_asked_go_only_when_old(tmp_path):
    store = BlobStore(tmp_path / "originals")
    other_host = store.root / ".incoming-123@elsewhere-abc"
    old_style = store.root / ".incoming-xyz"
    mine = store.root / f".incoming-{os.getpid()}@{blobstore._host()}-abc"
    for p in (other_host, old_style, mine):
        p.write_bytes(b"partial")
    assert store.remove_stale_temps() == 0
    long_ago = time.time() - blobstore.STALE_AFTER - 60
    for p in (other_host, old_style):
        os.utime(p, (long_ago, long_ago))
    assert store.remove_stale_temps() == 2
    assert mine.exists() and not other_host.exists() and not old_style.exists()


# --- backup --------------------------------------------------------------------------------


def test_backup_is_a_library_to_restore_from(filled, tmp_path):
    dest = tmp_path / "backup"
    p = cli(filled, "library", "backup", str(dest))
    assert p.returncode == 0, p.stderr
    assert "Backed up 2 documents and 2 originals" in " ".join(p.stdout.split())
    assert (dest / "RESTORE.txt").is_file()
    assert not (dest / "library.sqlite3-wal").exists()
    original = {d["id"]: d for d in _documents(filled)}
    restored = {d["id"]: d for d in _documents(dest)}
    assert restored.keys() == original.keys()
    for d in restored.values():
        sha = d["sha256"]
        copy = dest / "originals" / sha[:2] / sha
        assert copy.read_bytes() == (filled / "originals" / sha[:2] / sha).read_bytes()
    assert cli(dest, "library", "check").returncode == 0
    # Restoring in place: the old folder moved aside, the backup copied where it was.
    shutil.move(filled, tmp_path / "old")
    shutil.copytree(dest, filled)
    assert {d["id"] for d in _documents(filled)} == original.keys()

    assert_one_line(cli(filled, "library", "backup", str(dest)), "not an empty folder", code=2)
    assert_one_line(
        cli(filled, "library", "backup", str(filled / "inside")), "inside the library", code=2
    )


def test_backup_and_check_of_no_library_are_one_line(tmp_path):
    for args in (("library", "check"), ("library", "backup", str(tmp_path / "bk"))):
        assert_one_line(cli(tmp_path / "none", *args), "no library", code=3)
