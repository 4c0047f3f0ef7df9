"""One window per library: a second start hands its files to the running window.

The running window holds an exclusive lock on ``.window.lock`` in the library folder (the OS
releases it when the process dies, so a killed window never leaves it stale) and listens on a
local socket named after the library. A second start that cannot take the lock sends its file
paths over that socket and exits. The command line and ``serve`` never take the lock.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from docrouter_desktop.core.filelock import FileLock

CONNECT_TIMEOUT_MS = 2000


def socket_name(library_dir: Path) -> str:
    digest = hashlib.sha256(str(Path(library_dir).resolve()).encode()).hexdigest()[:16]
    return f"docrouter-desktop-{digest}"


class WindowServer(QObject):
    """Listens for files handed over by later starts (in the running window's thread)."""

    files_received = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.server = QLocalServer(self)
        QLocalServer.removeServer(name)  # a socket file left by a killed window
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(name):
            raise RuntimeError(self.server.errorString())
        self.server.newConnection.connect(self._on_server_new_connection)

    def _on_server_new_connection(self) -> None:
        while self.server.hasPendingConnections():
            conn = self.server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: self._on_conn_ready(c))
            conn.disconnected.connect(conn.deleteLater)

    def _on_conn_ready(self, conn: QLocalSocket) -> None:
        data = bytes(conn.readAll().data())
        buf = getattr(conn, "_buf", b"") + data
        conn._buf = buf
        if not buf.endswith(b"\n"):
            return
        try:
            paths = json.loads(buf.decode("utf-8"))
        except ValueError:
            return
        conn.write(b"ok\n")
        conn.flush()
        self.files_received.emit([str(p) for p in paths])


def claim_window(library_dir: Path) -> FileLock | None:
    """The lock if this process is to be the library's window, else None (one is running)."""
    lock = FileLock(Path(library_dir) / ".window.lock")
    return lock if lock.acquire(blocking=False) else None


def hand_over(library_dir: Path, paths: list[str], attempts: int = 10) -> bool:
    """Send file paths to the running window; True when it acknowledged them."""
    payload = (json.dumps([str(Path(p).resolve()) for p in paths]) + "\n").encode("utf-8")
    for _ in range(attempts):  # the running window may still be starting up
        sock = QLocalSocket()
        sock.connectToServer(socket_name(library_dir))
        if sock.waitForConnected(CONNECT_TIMEOUT_MS):
            sock.write(payload)
            sock.waitForBytesWritten(CONNECT_TIMEOUT_MS)
            ok = sock.waitForReadyRead(CONNECT_TIMEOUT_MS) and bytes(
                sock.readAll().data()
            ).startswith(b"ok")
            sock.disconnectFromServer()
            return ok
        time.sleep(0.3)
    return False
