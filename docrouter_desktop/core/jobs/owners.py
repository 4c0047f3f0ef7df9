"""Who holds a job: an owner is a process (host, pid, start time); a claim is held for a
lease that the owner renews, and a job whose owner is gone is claimed again."""

from __future__ import annotations

import os
import socket
import time

LEASE_SECONDS = 90.0


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{int(_process_start())}"


def _process_start() -> float:
    return _START


_START = time.time()


def owner_alive(owner: str) -> bool:
    try:
        host, pid, _start = owner.rsplit(":", 2)
        pid_n = int(pid)
    except ValueError:
        return False
    if host != socket.gethostname():
        return True  # cannot tell; the lease decides
    if pid_n == os.getpid():
        return owner == owner_id()
    try:
        os.kill(pid_n, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
