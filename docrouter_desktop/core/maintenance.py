"""Care of a library folder: ``check`` it, ``repair`` it, ``backup`` it to a folder.

These work on the database file itself (``sqlite3``), not through ``Library``: a damaged
database cannot be migrated, and a repair must be alone with the file.

- ``check``: SQLite's ``integrity_check``, the foreign keys, the full-text index, the
  originals every document needs; then the write-ahead log folded into the file.
- ``repair``: indexes and the full-text index rebuilt in place; when the file is damaged
  beyond that, every row that can still be read is copied into a new database, which takes
  the old file's place, and the old file is kept beside it (``library.sqlite3.damaged-…``).
- ``backup``: SQLite's online backup API (a consistent copy while others write) and the
  originals its documents need, into a folder that is itself a library.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from docrouter_desktop.core.environment_faults import DB_NAME, is_writable, sqlite_fault
from docrouter_desktop.core.errors import AppError, LibraryError, LibraryLockedError, UsageError
from docrouter_desktop.core.library_lock import InUseLock
from docrouter_desktop.core.storage.blobstore import TEMP_PREFIX, BlobStore
from docrouter_desktop.core.storage.database import busy_timeout_ms, make_engine, migrate

FTS_TABLE = "documents_fts"
FTS_DDL = (
    "CREATE VIRTUAL TABLE documents_fts USING fts5("
    "document_id UNINDEXED, document_name, text, tokenize='unicode61 remove_diacritics 2')"
)
MAX_ROWID = 1 << 62
SHOWN = 5  # problems of one kind listed before "and N more"


@dataclass
class CheckReport:
    db_path: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    damaged: bool = False  # the database file itself (repair salvages it)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class RepairReport:
    db_path: Path
    salvaged: bool = False  # a new database took the damaged one's place
    damaged_copy: Path | None = None
    indexed: int = 0  # documents put in the full-text index again
    saved: dict[str, int] = field(default_factory=dict)  # rows saved per table
    lost: list[str] = field(default_factory=list)  # what could not be saved
    notes: list[str] = field(default_factory=list)


@dataclass
class BackupReport:
    dest: Path
    documents: int
    originals: int
    bytes: int
    missing: list[str]  # originals the library lacked (named by document)


# --- check -----------------------------------------------------------------------------------


def check(library_dir: Path) -> CheckReport:
    """What is wrong with the library, found without changing it (but folding in its log)."""
    db_path = _db_path(library_dir)
    report = CheckReport(db_path)
    with _connect(db_path) as conn:
        integrity = _integrity(conn)
        if integrity:
            report.damaged = True
            report.problems += integrity
            report.problems.append(
                "Run `docrouter-desktop library repair` to save what can be saved."
            )
            return report
        fts_problems, fts_notes = _fts_problems(conn)
        repairable = _foreign_keys(conn) + fts_problems
        report.problems += repairable
        report.notes += fts_notes
        if repairable:
            report.problems.append("Run `docrouter-desktop library repair` to rebuild the indexes.")
        report.problems += _missing_originals(conn, Path(library_dir))
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        report.notes.append(f"{documents} documents in {db_path}.")
        temps = _temps(Path(library_dir))
        if temps:
            report.notes.append(
                f"{temps} copies into originals/ are in progress (another program is adding files)."
            )
        report.notes.append(_checkpoint(conn, db_path))
    return report


def _integrity(conn: sqlite3.Connection) -> list[str]:
    """SQLite's own check of every page and index: [] when sound."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(100)")]
    except sqlite3.DatabaseError as exc:
        if not _is_damage(exc):
            raise
        return [f"The database file is damaged: {exc}."]
    if rows == ["ok"]:
        return []
    shown = [f"The database file is damaged: {r}" for r in rows[:SHOWN]]
    if len(rows) > SHOWN:
        shown.append(f"… and {len(rows) - SHOWN} more problems of its pages.")
    return shown


def _foreign_keys(conn: sqlite3.Connection) -> list[str]:
    counts: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        counts[(table, parent)] = counts.get((table, parent), 0) + 1
    return [
        f"{n} rows of {table} refer to {parent} that are not there."
        for (table, parent), n in sorted(counts.items())
    ]


def _fts_problems(conn: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """Problems of the full-text index, and notes (what could not be checked)."""
    problems: list[str] = []
    try:
        conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        if _is_busy(exc):
            return [], ["The full-text index was not checked: another program is writing."]
        if not _is_damage(exc):
            return [], [f"The full-text index was not checked: {exc}."]
        problems.append(f"The full-text index is damaged: {exc}.")
    try:
        unindexed = conn.execute(
            f"SELECT count(*) FROM documents WHERE fts_rowid IS NULL OR fts_rowid NOT IN "
            f"(SELECT rowid FROM {FTS_TABLE})"
        ).fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return problems or [f"The full-text index cannot be read: {exc}."], []
    if unindexed:
        problems.append(f"{unindexed} documents are missing from the full-text index (search).")
    return problems, []


def _missing_originals(conn: sqlite3.Connection, library_dir: Path) -> list[str]:
    store = library_dir / "originals"
    missing = [
        name
        for sha, name in conn.execute(
            "SELECT sha256, min(document_name) FROM documents GROUP BY sha256"
        )
        if not (store / sha[:2] / sha).is_file()
    ]
    if not missing:
        return []
    names = ", ".join(missing[:SHOWN]) + (
        f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
    )
    return [
        f"{len(missing)} documents' originals are missing from {store} ({names}): they cannot "
        "be processed again. Add those files again, or restore the library from a backup."
    ]


def _temps(library_dir: Path) -> int:
    store = library_dir / "originals"
    if not store.is_dir():
        return 0
    return sum(1 for p in store.iterdir() if p.name.startswith(TEMP_PREFIX))


def _checkpoint(conn: sqlite3.Connection, db_path: Path) -> str:
    """Fold the write-ahead log into the database file, and say how it went."""
    wal = db_path.with_name(db_path.name + "-wal")
    logged = wal.stat().st_size if wal.exists() else 0
    try:
        busy, pages, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.DatabaseError as exc:
        return f"The write-ahead log was not folded into the database file: {exc}."
    if pages < 0:
        return "The database file holds everything (it is not written here)."
    if busy:
        return (
            "Another program is using the library: its write-ahead log was not folded into "
            "the database file this time."
        )
    if logged:
        return f"The write-ahead log ({logged / 1024:.0f} KB) is folded into the database file."
    return "The database file holds everything (its write-ahead log is empty)."


# --- repair ----------------------------------------------------------------------------------


def repair(library_dir: Path) -> RepairReport:
    """Rebuild the indexes; salvage the readable rows into a new file when that is not enough."""
    library_dir = Path(library_dir)
    db_path = _db_path(library_dir)
    report = RepairReport(db_path)
    with InUseLock(db_path) as lock:
        if not lock.acquire_exclusive():
            raise LibraryLockedError(
                f"The library at {library_dir} is in use by another program (the window, "
                "`serve`, a batch or `watch`). Close it, then run `library repair` again."
            )
        with _connect(db_path) as conn:
            _checkpoint(conn, db_path)
            problems = _integrity(conn)
        if not problems:
            try:
                with _connect(db_path) as conn:
                    conn.execute("REINDEX")
                report.indexed = rebuild_text_index(db_path)
                with _connect(db_path) as conn:
                    problems = _integrity(conn) + _foreign_keys(conn)
            except (sqlite3.DatabaseError, SQLAlchemyError) as exc:
                orig = getattr(exc, "orig", exc)
                if not isinstance(orig, sqlite3.Error) or not _is_damage(orig):
                    raise  # locked, full, read-only: said as such by the command line
                problems = [str(orig)]
            if not problems:
                report.notes.append(
                    f"The database is sound; its indexes and the full-text index of "
                    f"{report.indexed} documents were rebuilt."
                )
                return report
        _salvage(library_dir, report)
    return report


def rebuild_text_index(db_path: Path) -> int:
    """The full-text index dropped and made again from every document's name and text."""
    from sqlalchemy.orm import Session

    from docrouter_desktop.core.jobs.text_index import index_text

    engine = make_engine(db_path)
    try:
        with Session(engine) as s, s.begin():
            conn = s.connection()
            ddl = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = ?", (FTS_TABLE,)
            ).scalar()
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            conn.exec_driver_sql(ddl or FTS_DDL)
            conn.exec_driver_sql("UPDATE documents SET fts_rowid = NULL")
            rows = conn.exec_driver_sql(
                "SELECT d.id, d.document_name, r.text FROM documents d "
                "LEFT JOIN results r ON r.document_id = d.id"
            ).all()
            for document_id, name, text in rows:
                index_text(s, document_id, name, text or "")
        return len(rows)
    finally:
        engine.dispose()


def _salvage(library_dir: Path, report: RepairReport) -> None:
    """Every readable row into a new database at the newest schema, which then takes the
    damaged file's place; the damaged one stays beside it."""
    db_path = report.db_path
    new_path = db_path.with_name(DB_NAME + ".salvage")
    _remove_db_files(new_path)
    engine = make_engine(new_path)
    try:
        migrate(engine, library_dir)
    finally:
        engine.dispose()
    src = sqlite3.connect(db_path, timeout=busy_timeout_ms() / 1000, isolation_level=None)
    dst = sqlite3.connect(new_path, isolation_level=None)
    try:
        dst.execute("PRAGMA foreign_keys = OFF")
        dst.execute("BEGIN")
        for table in _tables(dst):
            cols = _common_columns(src, dst, table)
            if cols is None:
                report.lost.append(f"{table}: nothing could be read.")
                report.saved[table] = 0
                continue
            dst.execute(f'DELETE FROM "{table}"')
            saved, gaps, refused = _copy_rows(src, dst, table, cols)
            report.saved[table] = saved
            for after, until in gaps:
                start = "the first row" if after is None else f"row {after}"
                end = "the end" if until is None else f"row {until}"
                report.lost.append(f"{table}: rows between {start} and {end} could not be read.")
            if refused:
                report.lost.append(f"{table}: {refused} rows were garbled and left out.")
        report.lost += _drop_orphans(dst, report.saved)
        dst.execute("COMMIT")
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        src.close()
        dst.close()
    report.indexed = rebuild_text_index(new_path)
    with _connect(new_path) as conn:
        problems = _integrity(conn)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if problems:  # never put a bad file in the old one's place
        raise LibraryError(f"The salvaged copy {new_path} is not sound either: {problems[0]}")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    damaged = db_path.with_name(f"{DB_NAME}.damaged-{stamp}")
    os.replace(db_path, damaged)
    wal = db_path.with_name(DB_NAME + "-wal")
    if wal.exists():
        os.replace(wal, damaged.with_name(damaged.name + "-wal"))
    with contextlib.suppress(FileNotFoundError):
        db_path.with_name(DB_NAME + "-shm").unlink()
    os.replace(new_path, db_path)
    report.salvaged = True
    report.damaged_copy = damaged
    report.notes += _originals_notes(db_path, library_dir)


def _tables(dst: sqlite3.Connection) -> list[str]:
    """The tables of the new schema whose rows are the library's (not Alembic's, not the
    full-text index, which is rebuilt from the documents)."""
    return [
        name
        for (name,) in dst.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' AND name NOT LIKE ? ORDER BY name",
            (FTS_TABLE + "%",),
        )
    ]


def _common_columns(
    src: sqlite3.Connection, dst: sqlite3.Connection, table: str
) -> list[str] | None:
    try:
        have = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
    except sqlite3.DatabaseError:
        return None
    if not have:
        return None
    wanted = [r[1] for r in dst.execute(f'PRAGMA table_info("{table}")')]
    return [c for c in wanted if c in have]


def _copy_rows(
    src: sqlite3.Connection, dst: sqlite3.Connection, table: str, cols: list[str]
) -> tuple[int, list[tuple[int | None, int | None]], int]:
    """Copy a table's rows in rowid order. Where a damaged page stops the read, the next
    readable row is found by seeking further and further (1, 2, 4, … rowids on): a seek
    goes down the tree beside the damaged page. Returns the rows saved, the rowid gaps that
    could not be read, and the rows the new schema refused (garbled values)."""
    names = ", ".join(f'"{c}"' for c in cols)
    insert = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({", ".join("?" * len(cols))})'
    select = f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ? ORDER BY rowid'
    saved = refused = 0
    gaps: list[tuple[int | None, int | None]] = []
    last: int | None = None

    def put(row) -> None:
        nonlocal saved, refused
        try:
            dst.execute(insert, row[1:])
            saved += 1
        except sqlite3.IntegrityError:
            refused += 1

    while True:
        try:
            for row in src.execute(select, (-MAX_ROWID if last is None else last,)):
                put(row)
                last = row[0]
            return saved, gaps, refused
        except sqlite3.DatabaseError:
            pass
        base, step, found = (0 if last is None else last), 1, None
        while base + step < MAX_ROWID:
            try:
                found = src.execute(
                    f'SELECT rowid, {names} FROM "{table}" WHERE rowid >= ? ORDER BY rowid LIMIT 1',
                    (base + step,),
                ).fetchone()
                break
            except sqlite3.DatabaseError:
                step *= 2
        if found is None:
            gaps.append((last, None))
            return saved, gaps, refused
        if found[0] > base + 1:  # else no row can lie between the two
            gaps.append((last, found[0]))
        put(found)
        last = found[0]


def _drop_orphans(dst: sqlite3.Connection, saved: dict[str, int]) -> list[str]:
    """Rows whose parent was lost: a workspace that is gone is made again (so its documents
    stay); anything else that points at nothing is left out, and said."""
    lost: list[str] = []
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    orgs = [
        r[0]
        for r in dst.execute(
            "SELECT DISTINCT organization_id FROM documents WHERE organization_id NOT IN "
            "(SELECT id FROM organizations)"
        )
    ]
    for org in orgs:
        dst.execute(
            "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)",
            (org, f"Recovered workspace {org[-6:]}", now),
        )
    if orgs:
        lost.append(
            f"organizations: {len(orgs)} workspaces could not be read; they are made again "
            "as 'Recovered workspace …' with their documents (rename them in the window)."
        )
    dropped: dict[str, int] = {}
    while True:
        orphans = list(dst.execute("PRAGMA foreign_key_check"))
        if not orphans:
            break
        for table, rowid, _parent, _fk in orphans:
            dst.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
            dropped[table] = dropped.get(table, 0) + 1
            saved[table] = saved.get(table, 1) - 1
    for table, n in sorted(dropped.items()):
        lost.append(f"{table}: {n} rows belonged to documents that could not be read.")
    return lost


def _originals_notes(db_path: Path, library_dir: Path) -> list[str]:
    with _connect(db_path) as conn:
        known = {r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM documents")}
        missing = _missing_originals(conn, library_dir)
    store = library_dir / "originals"
    unclaimed = sum(
        1
        for sub in (store.iterdir() if store.is_dir() else [])
        if sub.is_dir()
        for p in sub.iterdir()
        if p.name not in known
    )
    notes = list(missing)
    if unclaimed:
        notes.append(
            f"{unclaimed} files in {store} belong to no saved document: they are the "
            "originals of documents that could not be read (named by their SHA-256). Add "
            "them again to get those documents back."
        )
    return notes


# --- backup ----------------------------------------------------------------------------------


def backup(library_dir: Path, dest: Path) -> BackupReport:
    """A consistent copy of the library into ``dest`` (new or empty), itself a library."""
    library_dir, dest = Path(library_dir), Path(dest)
    db_path = _db_path(library_dir)
    if _within(dest, library_dir):
        raise UsageError(f"The backup cannot go inside the library itself ({library_dir}).")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} is not an empty folder: back up into a new or empty one.")
    made = not dest.exists()
    try:
        return _backup(db_path, library_dir, dest)
    except BaseException as exc:
        # Half a backup is not one: what was made is taken away again.
        if made:
            shutil.rmtree(dest, ignore_errors=True)
        elif dest.is_dir():
            for p in dest.iterdir():
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _backup_error(dest, exc) from None
        if isinstance(exc, sqlite3.DatabaseError) and "full" in str(exc).lower():
            raise AppError(
                f"The backup to {dest} stopped: the disk holding it is full. Free some space "
                "or choose another disk, then back up again."
            ) from None
        raise


def _backup(db_path: Path, library_dir: Path, dest: Path) -> BackupReport:
    dest.mkdir(parents=True, exist_ok=True)
    copy_path = dest / DB_NAME
    with _connect(db_path) as src, contextlib.closing(sqlite3.connect(copy_path)) as dst:
        src.backup(dst)  # page by page, consistent while other programs write
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        rows = dst.execute(
            "SELECT sha256, min(document_name), count(*) FROM documents GROUP BY sha256"
        ).fetchall()
    source, target = BlobStore(library_dir / "originals"), BlobStore(dest / "originals")
    copied = size = documents = 0
    missing = []
    for sha, name, n in rows:
        documents += n
        path = source.path_for(sha)
        if not path.is_file():
            missing.append(name)
            continue
        out = target.path_for(sha)
        out.parent.mkdir(exist_ok=True)
        shutil.copy2(path, out)
        copied += 1
        size += out.stat().st_size
    (dest / "RESTORE.txt").write_text(restore_text(dest), encoding="utf-8")
    return BackupReport(dest, documents, copied, size, missing)


def restore_text(dest: Path) -> str:
    return (
        "This folder is a backup of a DocRouter Desktop library, and a library itself.\n\n"
        f"Open it as it is:   docrouter-desktop --library {dest} list\n\n"
        "Restore it in place of a library: close the window and stop any `serve`, `watch` or\n"
        "batch; move the old library folder aside; copy this folder (library.sqlite3 and\n"
        "originals/) to where the library was. Tokens of remotes stay in the system keyring\n"
        "and are not part of a backup.\n"
    )


def _backup_error(dest: Path, exc: OSError) -> AppError:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        why = "the disk holding it is full. Free some space or choose another disk"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = f"it cannot be written ({exc.strerror}). Choose a writable folder"
    else:
        why = f"{exc.strerror or exc}. Check the folder"
    return AppError(f"The backup to {dest} stopped: {why}, then back up again.")


# --- shared ----------------------------------------------------------------------------------


def _db_path(library_dir: Path) -> Path:
    db_path = Path(library_dir) / DB_NAME
    if not db_path.is_file():
        raise LibraryError(f"There is no library at {library_dir} (no {DB_NAME} in it).")
    return db_path


@contextlib.contextmanager
def _connect(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection in autocommit; a locked or unusable file as the project's error.
    In a folder that cannot be written (a read-only disk) the file is opened as immutable:
    SQLite could not make the files WAL mode needs, and nothing can be writing it there."""
    timeout = busy_timeout_ms() / 1000
    try:
        if is_writable(db_path.parent):
            conn = sqlite3.connect(db_path, timeout=timeout, isolation_level=None)
        else:
            uri = f"{db_path.resolve().as_uri()}?immutable=1"
            conn = sqlite3.connect(uri, timeout=timeout, isolation_level=None, uri=True)
    except sqlite3.Error as exc:
        raise sqlite_fault(exc, db_path.parent) from None
    try:
        yield conn
    except sqlite3.OperationalError as exc:
        if not _is_damage(exc):
            raise sqlite_fault(exc, db_path.parent) from None
        raise
    finally:
        conn.close()


def _is_busy(exc: sqlite3.Error) -> bool:
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()


def _is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is damaged (not locked, full or read-only)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "malformed" in text
        or "not a database" in text
    )


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _within(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(folder))
    except ValueError:
        return False
    return True
