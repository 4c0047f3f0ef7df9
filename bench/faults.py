"""Fault cases too long for the test suite: memory and time bombs, files that are not files,
and workers killed in a loop, each run by the real command line on a fresh library.

    python bench/faults.py [--only NAME,...] [--workers 2] [--out DIR]

Prints one row a case: what was expected, what was observed (the bad document's status and
message, how many good documents completed), the peak resident memory of the whole process
tree (the command and its workers, Tesseract included, sampled every 20 ms) and the time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import factories, fault_files  # noqa: E402

GOOD = 3  # good receipts beside each bad file: the batch must go on
TIMEOUT = float(os.environ.get("FAULTS_TIMEOUT", "900"))  # a case still running is killed


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            parent, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def _run(args: list[str], library: Path, kill_workers: float = 0.0, timeout: float = TIMEOUT):
    """Run the command line; returns (rc, stderr, peak tree RSS, seconds, workers killed)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1", PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "docrouter_desktop", "--library", str(library), *args]
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    peak, killed = 0, 0
    done = threading.Event()
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    next_kill = start + kill_workers if kill_workers else None
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        now = time.monotonic()
        if next_kill and now >= next_kill:
            workers = _workers_of(proc.pid)
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed += 1
            next_kill = now + kill_workers
        if now - start > timeout:
            proc.kill()
        time.sleep(0.02)
    done.set()
    reader.join(5)
    return (
        proc.returncode,
        b"".join(err).decode(errors="replace"),
        peak,
        time.monotonic() - start,
        killed,
    )


def _workers_of(pid: int) -> list[int]:
    """The pool's worker processes under the command: the children of its forkserver."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(
                    Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    servers = []
    for child, parent in parents.items():
        if parent == pid:
            try:
                if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                    servers.append(child)
            except OSError:
                continue
    return sorted(c for c, p in parents.items() if p in servers)


def _documents(library: Path) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "docrouter_desktop",
            "--library",
            str(library),
            "list",
            "--json",
            "--limit",
            "10000",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        return json.loads(out.stdout)
    except ValueError:
        return []


def _good_files(folder: Path) -> None:
    for i in range(GOOD):
        factories.text_image(folder / f"good{i}.png", [*factories.RECEIPT_LINES, f"RECEIPT NO {i}"])


def _case_file(name: str, make, expected: str, settings: dict[str, str] | None = None):
    def run(work: Path, workers: int):
        folder = work / "in"
        folder.mkdir()
        _good_files(folder)
        bad = make(folder / name)
        library = work / "lib"
        for key, value in (settings or {}).items():
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "docrouter_desktop",
                    "--library",
                    str(library),
                    "config",
                    "set",
                    key,
                    value,
                ],
                env=dict(os.environ, PYTHONPATH=str(ROOT)),
                cwd=ROOT,
                capture_output=True,
            )
        rc, err, peak, seconds, _ = _run(["batch", str(folder), "--workers", str(workers)], library)
        docs = _documents(library)
        shown = os.fsencode(Path(bad).name).decode("utf-8", "replace")
        bad_doc = next((d for d in docs if d.get("document_name") == shown), None)
        good = sum(
            1
            for d in docs
            if d.get("document_name", "").startswith("good") and d.get("status") == "completed"
        )
        if bad_doc is None:
            line = [ln for ln in err.splitlines() if Path(bad).name in ln]
            observed = f"not added: {line[-1].strip() if line else 'no line'}"
        else:
            observed = f"{bad_doc['status']}: {bad_doc.get('error') or ''}"
        traceback = "Traceback" in err
        return expected, observed + (" [TRACEBACK]" if traceback else ""), good, peak, seconds, rc

    return run


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _dev_zero(path: Path) -> Path:
    os.symlink("/dev/zero", path)
    return path


def _bad_utf8(path: Path) -> Path:
    raw = os.fsencode(path.parent) + b"/receipt-\xff\xfe.png"
    factories.text_image(Path(os.fsdecode(raw)), factories.RECEIPT_LINES)
    return Path(os.fsdecode(raw))


KILL_LOOP_DOCUMENTS = int(os.environ.get("FAULTS_KILL_DOCUMENTS", "40"))


def _kill_loop(work: Path, workers: int):
    total = KILL_LOOP_DOCUMENTS
    folder = work / "in"
    folder.mkdir()
    for i in range(total):
        factories.text_image(folder / f"r{i:02}.png", [*factories.RECEIPT_LINES, f"RECEIPT NO {i}"])
    library = work / "lib"
    rc, err, peak, seconds, killed = _run(
        ["batch", str(folder), "--workers", str(workers)], library, kill_workers=3.0
    )
    docs = _documents(library)
    completed = sum(1 for d in docs if d.get("status") == "completed")
    observed = f"{completed}/{total} completed, {killed} workers killed, rc {rc}"
    if "Traceback" in err:
        observed += " [TRACEBACK]"
    return f"{total}/{total} completed, rc 0", observed, completed, peak, seconds, rc


CASES = {
    "inflate-bomb": _case_file("bomb.pdf", fault_files.inflate_bomb_pdf, "failed: memory limit"),
    "huge-mediabox": _case_file(
        "mediabox.pdf", fault_files.huge_media_box_pdf, "completed or failed, bounded memory"
    ),
    "vector-paths": _case_file(
        "paths.pdf", fault_files.vector_paths_pdf, "failed: memory or time limit"
    ),
    "big-text": _case_file("big.txt", fault_files.big_text, "failed: a limit"),
    "huge-png": _case_file("huge.png", fault_files.huge_png, "failed: image too large"),
    "zero-pages": _case_file("zero.pdf", fault_files.zero_page_pdf, "failed: no pages"),
    "page-tree-cycle": _case_file("cycle.pdf", fault_files.page_tree_cycle_pdf, "failed: damaged"),
    "grey16-png": _case_file(
        "grey16.png",
        lambda p: fault_files.grey16_png(p, factories.RECEIPT_LINES),
        "completed with text",
    ),
    "fifo": _case_file("pipe.pdf", _fifo, "skipped: a named pipe"),
    "dev-zero": _case_file("zero.bin", _dev_zero, "skipped: a device"),
    "bad-utf8-name": _case_file("x", _bad_utf8, "completed"),
    "kill-loop": _kill_loop,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated case names")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    names = [n for n in args.only.split(",") if n] or list(CASES)
    print(f"{'case':<16} {'good':>4} {'peak MB':>8} {'s':>6} {'rc':>3}  expected -> observed")
    for name in names:
        work = Path(tempfile.mkdtemp(prefix=f"fault-{name}-"))
        try:
            expected, observed, good, peak, seconds, rc = CASES[name](work, args.workers)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(
            f"{name:<16} {good:>4} {peak / 1e6:>8.0f} {seconds:>6.1f} {rc:>3}  {expected} -> {observed[:160]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
