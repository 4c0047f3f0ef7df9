"""Single-row reads done on the event loop itself: the token of every request, and the
status that polling clients ask for again and again.

A hop to a worker thread and back costs far more than these reads (one indexed SELECT each,
tens of microseconds): under load the hop waits for a free thread and for the interpreter
lock, twice per request. So they run on the loop over a connection of its own
(``Database.reader()``), which never waits for a lock: when a read would have to wait, it
fails at once and the same read goes through the pool in a worker thread.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading

import anyio

log = logging.getLogger(__name__)


class LoopReads:
    """``await reads.run(fn, *args)`` calls ``fn(*args, conn=...)`` on the loop's own
    connection, or ``fn(*args)`` in a worker thread when there is none or it is busy."""

    def __init__(self, database):
        self.database = database
        self._conn: sqlite3.Connection | None = None
        self._thread: int | None = None

    def open(self) -> None:
        """Call from the event loop's thread (the app's lifespan): the connection is its own."""
        self._conn = self.database.reader()
        self._thread = threading.get_ident()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    async def run(self, fn, *args):
        conn = self._conn
        if conn is not None and threading.get_ident() == self._thread:
            try:
                return fn(*args, conn=conn)
            except sqlite3.OperationalError as exc:  # a lock to wait for: not on the loop
                log.debug("read moved to a worker thread: %s", exc)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args))
