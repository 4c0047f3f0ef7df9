"""Per-document limits in the worker processes, and how the runner tells why a worker died.

A worker reading a document may use at most ``memory_mb`` of memory and ``page_seconds`` of
wall time per page of its task. Both are enforced by the worker's own operating system
process, so they hold while a C library (the PDF engine, the image decoder) is running:

- memory: a watchdog thread reads the process's resident size a few times a second and, over
  the limit, notes it and ends the process; an address-space limit above it stops one huge
  allocation at once (it becomes a ``MemoryError``, or ends the process);
- time: ``alarm()`` is armed for the task's pages; its signal ends the process (no handler).

Each task writes the job it is reading into a small file named after the worker's pid (the
"marker"), so that when the pool breaks the runner knows which document the dead worker held:
only that one is charged an attempt or failed for its limit, the others are queued again.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

MARKER_SIZE = 64
WATCH_EVERY = 0.05  # seconds between two looks at the resident size
ADDRESS_SPACE_MARGIN_MB = 1024  # above the memory limit: libraries reserve more than they use


@dataclass(frozen=True)
class WorkerLimits:
    """The limits of every worker of a pool (plain data, handed to each worker at start)."""

    memory_mb: int = 1024
    page_seconds: int = 60
    marker_dir: str | None = None


@dataclass(frozen=True)
class Death:
    """Why a worker process ended while it held a job."""

    job_id: int
    kind: str  # "memory" | "time" | "crash"


# -- in the worker


class _State:
    limits: WorkerLimits | None = None
    marker_fd: int | None = None
    over_memory = False


_state = _State()


def install(limits: WorkerLimits | None) -> None:
    """Run once in a worker process (the pool's initializer)."""
    if limits is None:
        return
    _state.limits = limits
    if limits.marker_dir:
        path = Path(limits.marker_dir) / str(os.getpid())
        _state.marker_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        os.pwrite(_state.marker_fd, b" " * MARKER_SIZE, 0)
    _limit_address_space(limits.memory_mb + ADDRESS_SPACE_MARGIN_MB)
    if limits.memory_mb > 0 and _resident_bytes() is not None:
        threading.Thread(
            target=_watch_memory,
            args=(limits.memory_mb << 20,),
            name="docrouter-memory-watch",
            daemon=True,
        ).start()


def current() -> WorkerLimits | None:
    """The limits of this worker (None outside a pool's worker)."""
    return _state.limits


def begin(job_id: int) -> None:
    """A task for ``job_id`` starts in this worker."""
    if _state.marker_fd is not None:
        os.pwrite(_state.marker_fd, f"{job_id} run".encode().ljust(MARKER_SIZE), 0)


def arm(pages: int) -> None:
    """The task reads ``pages`` pages: it may take ``page_seconds`` each from now on."""
    limits = _state.limits
    if limits is not None and limits.page_seconds > 0 and hasattr(signal, "alarm"):
        signal.alarm(max(1, pages) * limits.page_seconds)


def end() -> None:
    """The task returned: no limit runs until the next one starts."""
    if _state.limits is not None and hasattr(signal, "alarm"):
        signal.alarm(0)
    if _state.marker_fd is not None:
        os.pwrite(_state.marker_fd, b" " * MARKER_SIZE, 0)


def _limit_address_space(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on this system
        return
    wanted = megabytes << 20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        pass


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _watch_memory(limit: int) -> None:
    while True:
        time.sleep(WATCH_EVERY)
        rss = _resident_bytes()
        if rss is not None and rss > limit:
            if _state.marker_fd is not None:
                current = os.pread(_state.marker_fd, MARKER_SIZE, 0).split()
                if current:
                    os.pwrite(_state.marker_fd, f"{current[0].decode()} memory".encode(), 0)
            os.kill(os.getpid(), signal.SIGKILL)


# -- in the runner


def make_marker_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="docrouter-workers-")


def remove_marker_dir(path: str | None) -> None:
    if not path:
        return
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def deaths(marker_dir: str | None, exit_codes: dict[int, int | None]) -> list[Death]:
    """The jobs held by workers that died of their own (``exit_codes``: pid -> exit code, None
    while alive): a worker the pool stopped itself (SIGTERM) or that is alive held no blame."""
    if not marker_dir:
        return []
    found = []
    for pid, code in exit_codes.items():
        if code is None or code == -signal.SIGTERM or code == 0:
            continue
        try:
            words = (Path(marker_dir) / str(pid)).read_bytes().split()
        except OSError:
            continue
        if len(words) < 2 or not words[0].isdigit():
            continue  # it was between two tasks
        alarm = getattr(signal, "SIGALRM", None)
        kind = (
            "memory"
            if words[1] == b"memory"
            else "time"
            if alarm is not None and code == -alarm
            else "crash"
        )
        found.append(Death(int(words[0]), kind))
    return found


def limit_message(kind: str, limits: WorkerLimits) -> str:
    """What a document over a limit says: which limit, and how to raise it."""
    if kind == "memory":
        return (
            f"Stopped: reading this document needed more than the memory limit of "
            f"{limits.memory_mb} MB a worker. If it is a real document, raise the limit "
            f"(`docrouter-desktop config set worker_memory_mb {limits.memory_mb * 2}`) and "
            "retry it."
        )
    return (
        f"Stopped: reading this document took longer than the time limit of "
        f"{limits.page_seconds} s a page. If it is a real document, raise the limit "
        f"(`docrouter-desktop config set page_time_limit {limits.page_seconds * 4}`) and "
        "retry it."
    )
