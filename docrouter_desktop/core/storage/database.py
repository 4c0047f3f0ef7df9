"""The library database: one engine and one sessionmaker per process, migrated at start-up.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the window, ``serve`` and
a batch can share one library file. Schema changes ship as Alembic migrations in
``core/migrations`` and are applied under a file lock the first time a process opens the library.

When a process is done with the library (``dispose``, and at exit for any still open) the
write-ahead log is folded into ``library.sqlite3`` (``wal_checkpoint(TRUNCATE)``), so that file
alone holds the whole library: a user who copies just it copies everything.
"""

from __future__ import annotations

import atexit
import logging
import os
import sqlite3
import weakref
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from docrouter_desktop.core.errors import LibraryError, LibraryLockedError
from docrouter_desktop.core.filelock import FileLock
from docrouter_desktop.core.library_lock import InUseLock

log = logging.getLogger(__name__)


class ReadOnlyLibrary(LibraryError):
    """A write was asked of a library opened read-only (a bug: it should have gone through
    the engine)."""


BUSY_TIMEOUT_MS = 30_000
# How long a process waits for another's write lock, in seconds, when not BUSY_TIMEOUT_MS.
ENV_BUSY_TIMEOUT = "DOCROUTER_DESKTOP_BUSY_TIMEOUT"
# How long a checkpoint at exit waits for another process's transaction to end: an exit is
# not held up for long by a window or ``serve`` that is busy with the same library.
EXIT_CHECKPOINT_TIMEOUT_MS = 1_000


def busy_timeout_ms() -> int:
    """The busy timeout: ``$DOCROUTER_DESKTOP_BUSY_TIMEOUT`` seconds, else 30 s."""
    value = os.environ.get(ENV_BUSY_TIMEOUT)
    if value:
        try:
            return max(0, int(float(value) * 1000))
        except ValueError:
            log.warning("%s=%r is not a number of seconds: ignored", ENV_BUSY_TIMEOUT, value)
    return BUSY_TIMEOUT_MS


def _on_connect(dbapi_conn, _record) -> None:
    # The sqlite3 driver's own transaction handling is replaced by explicit BEGINs below,
    # so that a write transaction takes the lock up front (BEGIN IMMEDIATE) where asked.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _on_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _query_only(dbapi_conn, _record) -> None:
    dbapi_conn.execute("PRAGMA query_only = 1")


def make_engine(db_path: Path, read_only: bool = False) -> Engine:
    engine = create_engine(
        f"sqlite:///{db_path}", connect_args={"timeout": busy_timeout_ms() / 1000}
    )
    event.listen(engine, "connect", _on_connect)
    if read_only:
        event.listen(engine, "connect", _query_only)
    event.listen(engine, "begin", _on_begin)
    return engine


def _migrations():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option(
        "script_location", str(resources.files("docrouter_desktop.core") / "migrations")
    )
    return cfg, ScriptDirectory.from_config(cfg).get_current_head()


def _revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_is_current(db_path: Path) -> bool:
    """Whether the library file exists with the newest schema (so a reader can open it
    without waiting for the process that migrates it)."""
    if not db_path.is_file():
        return False
    engine = make_engine(db_path, read_only=True)
    try:
        return _revision(engine) == _migrations()[1]
    except Exception:
        return False
    finally:
        engine.dispose()


def migrate(engine: Engine, library_dir: Path) -> None:
    """Bring the schema to the newest revision (a later version opens an older library)."""
    from alembic import command

    cfg, head = _migrations()
    current = _revision(engine)
    if current == head:
        return
    with FileLock(library_dir / ".migrate.lock"):
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    log.info("library schema migrated from %s to %s", current, head)


class Database:
    """The engine and the one sessionmaker of this process, for one library file.

    ``read_only``: every connection refuses writes (``PRAGMA query_only``) and nothing is
    migrated: the window's process reads the library its engine process writes."""

    def __init__(self, db_path: Path, read_only: bool = False):
        self.path = db_path
        self.read_only = read_only
        self._in_use = InUseLock(db_path)
        if not self._in_use.acquire_shared():
            raise LibraryLockedError(
                f"The library at {db_path.parent} is being repaired by another command: wait "
                "for it to finish, then run this one again."
            )
        try:
            self.engine = make_engine(db_path, read_only)
            if not read_only:
                migrate(self.engine, db_path.parent)
        except Exception as exc:  # sqlite3 or alembic failures: the library is unusable
            self._in_use.release()
            from docrouter_desktop.core.environment_faults import library_fault

            fault = library_fault(exc, db_path.parent)
            if isinstance(fault, LibraryError):
                raise fault from exc
            raise LibraryError(f"Cannot open the library database {db_path}: {exc}") from exc
        _open_databases.add(self)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self.WriteSession = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )

    def session(self) -> Session:
        return self.Session()

    def write(self):
        """A session whose transaction takes the write lock at once (``BEGIN IMMEDIATE``)."""
        if self.read_only:
            raise ReadOnlyLibrary(
                "This process only reads the library: changes go through the engine."
            )
        return self.WriteSession.begin()

    def read(self):
        return self.Session.begin()

    def reader(self) -> sqlite3.Connection:
        """A connection of its own for single-row reads from one thread (an event loop).

        It never waits: its busy timeout is 0, so in the rare moment a read would have to
        wait for a lock (a WAL recovery, a checkpoint resetting the log) it fails at once with
        ``sqlite3.OperationalError`` and the caller reads through the pool instead. In WAL mode
        readers never wait for writers. Autocommit: every statement sees the newest commit.
        """
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        conn.execute("PRAGMA query_only = 1")
        return conn

    def check(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def checkpoint(self, timeout_ms: int | None = None) -> tuple[int, int, int]:
        """Fold the write-ahead log into the database file and empty it
        (``wal_checkpoint(TRUNCATE)``). Returns SQLite's (busy, log pages, pages folded in):
        busy is 1 when another process's transaction kept it from finishing."""
        timeout = busy_timeout_ms() if timeout_ms is None else timeout_ms
        conn = sqlite3.connect(self.path, timeout=timeout / 1000, isolation_level=None)
        try:
            row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
        return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)

    def dispose(self) -> None:
        """Close the pooled connections, then fold the log into the database file (a read-only
        process leaves that to the writers)."""
        self.engine.dispose()
        _open_databases.discard(self)
        if not self.read_only and self.path.exists():
            try:
                busy, _, _ = self.checkpoint(EXIT_CHECKPOINT_TIMEOUT_MS)
                if busy:
                    log.info("the log of %s is in use by another process: not folded", self.path)
            except sqlite3.Error as exc:
                log.info("the log of %s was not folded in: %s", self.path, exc)
        self._in_use.release()


_open_databases: weakref.WeakSet[Database] = weakref.WeakSet()


def open_databases() -> list[Database]:
    """The databases this process has opened and not disposed of yet."""
    return list(_open_databases)


def dispose_all() -> None:
    """Dispose of every database this process still has open (a clean exit's last step)."""
    for db in list(_open_databases):
        try:
            db.dispose()
        except Exception as exc:  # at exit, a failure here must not hide the command's own
            log.info("closing %s failed: %s", db.path, exc)


atexit.register(dispose_all)
