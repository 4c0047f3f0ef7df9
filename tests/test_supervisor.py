"""The one child-process supervisor: messages come back, a killed child is started again, stop
stops it, and a parent that dies or fails never leaves a child behind or hangs on it."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from docrouter_desktop.core.supervisor import ChildProcess
from tests.supervised_child import echo_child

ROOT = Path(__file__).resolve().parents[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for every purpose here.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_messages_commands_restart_after_a_kill_and_stop():
    got: queue.Queue = queue.Queue()
    exits: list[int | None] = []
    child = ChildProcess(
        echo_child,
        ("hi",),
        name="echo",
        on_message=got.put,
        on_exit=exits.append,
        restart=True,
        restart_delays=(0.1,),
    )
    child.start()
    kind, first_pid, greeting = got.get(timeout=30)
    assert (kind, greeting) == ("hello", "hi") and first_pid == child.pid
    assert child.send({"n": 1})
    assert got.get(timeout=10) == ("echo", {"n": 1})

    os.kill(first_pid, signal.SIGKILL)
    kind, second_pid, _ = got.get(timeout=30)  # started again, after its pause
    assert kind == "hello" and second_pid != first_pid
    assert exits == [-signal.SIGKILL] and child.restarts == 1
    assert child.send("again") and got.get(timeout=10) == ("echo", "again")

    child.stop(timeout=10)
    assert _wait_gone(second_pid, 10)
    assert child.pid is None and not child.send("anything")
    assert exits[-1] == 0


def _parent_script(body: str) -> subprocess.Popen:
    script = textwrap.dedent(
        """
        import sys, time
        from docrouter_desktop.core.supervisor import ChildProcess
        from tests.supervised_child import echo_child
        seen = []
        child = ChildProcess(echo_child, ("x",), name="echo", on_message=seen.append)
        child.start()
        while not seen:
            time.sleep(0.02)
        print(seen[0][1], flush=True)
        """
    ) + textwrap.dedent(body)
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_killed_parent_leaves_no_child():
    parent = _parent_script("time.sleep(600)\n")
    child_pid = int(parent.stdout.readline())
    assert _alive(child_pid)
    parent.kill()
    parent.communicate(timeout=10)
    assert _wait_gone(child_pid, 15), "the child outlived its killed parent"


def test_a_parent_that_fails_without_stopping_its_child_exits_at_once():
    parent = _parent_script('raise RuntimeError("a script that forgot to stop its child")\n')
    child_pid = int(parent.stdout.readline())
    try:
        _out, err = parent.communicate(timeout=30)  # it used to wait for the child for ever
    finally:
        parent.kill()
    assert parent.returncode == 1 and "forgot to stop" in err
    assert _wait_gone(child_pid, 10)
