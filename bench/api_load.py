"""Load on the local API: concurrent clients uploading, polling status and reading results.

Starts ``docrouter-desktop serve`` in its own process over a fresh library (its job runner
and workers really process every upload, below the server's CPU priority), gives each client
its own workspace token, and drives it over loopback HTTP: every client uploads a small
generated invoice PDF, polls its status every ``--poll`` seconds until it is done, reads its
results, and starts again, until the fixed count of requests is spent. It prints requests per
second, the p50/p99 latency of status calls (overall, and while documents were being
processed), the same for a separate probe client, the status codes seen, errors (anything but the intended
replies; 429s are counted apart), and the CPU time per request of the server, of its job
runner, and of the load generator itself.

What the latencies measure, and why there are two sets of them:

- The load clients' figures are the time from writing a request to having read its whole
  reply, as one of 50 clients sees it. They include the load generator's own queueing: the
  50 clients share one event loop (or ``--processes`` loops), and on a 2-core machine that
  also runs the server and the workers, a reply that has arrived waits until the loop gets
  to it. To keep that part small the clients speak HTTP/1.1 themselves over asyncio streams
  (``HttpConnection``: one keep-alive connection per client, requests written as bytes, the
  reply read by its Content-Length, JSON parsed only where a field is needed). httpx's
  ``AsyncClient`` spent 2.2-2.8 ms of CPU per request here, more than the server spent
  answering, so its p99 measured the load generator; this client spends about 0.2 ms.
  Spreading the clients over 2 processes (``--processes 2``) measured the same, so one is
  the default.
- The probe is one client in a process of its own that asks for a document's status every
  50 ms for the whole run, while the load clients keep documents queued and processing. Its
  event loop has nothing else to do, so its latencies are the server's (plus loopback),
  taken under the full load.
- "While processing": a thread of this process reads the library's queue every 100 ms
  (read-only, two indexed counts); a status call counts when documents were queued or
  processing at either end of its 100 ms, or some finished within it. The share of the run
  that was busy is printed too.

Both talk to the real server over real sockets; nothing is mocked or cached on the client.

    python bench/api_load.py [--clients 50] [--requests 3000] [--poll 0.5] [--workers 1]
                             [--processes 1] [--runner process]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import multiprocessing
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docrouter_desktop.core.api_tokens import ApiTokenService  # noqa: E402
from docrouter_desktop.core.library import Library  # noqa: E402
from docrouter_desktop.server.serve import free_port  # noqa: E402
from tests import factories  # noqa: E402

BOUNDARY = b"docrouter-bench-boundary"


# -- a small HTTP/1.1 client


@dataclass
class Reply:
    status: int
    headers: dict[bytes, bytes]
    body: bytes

    def json(self):
        return json.loads(self.body)


class HttpError(Exception):
    pass


class HttpConnection:
    """One keep-alive HTTP/1.1 connection to the server: a request goes out as one write;
    the reply is read by its Content-Length (or chunks, or until the server closes)."""

    def __init__(self, host: str, port: int, token: str):
        self.host, self.port = host, port
        self._fixed = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: bytes | None = None
    ) -> Reply:
        head = f"{method} {path} HTTP/1.1\r\n".encode() + self._fixed
        if body or method in ("POST", "PUT", "PATCH"):
            head += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        if content_type:
            head += b"Content-Type: " + content_type + b"\r\n"
        message = head + b"\r\n" + body
        reused = self._writer is not None and not self._reader.at_eof()
        if not reused:
            await self._connect()
        try:
            return await self._exchange(message)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            # The server may close an idle keep-alive connection just as a request is sent
            # (uvicorn's keep-alive timeout): once, on a fresh connection, like any client.
            await self.close()
            if not reused or getattr(exc, "partial", b""):
                raise HttpError(f"{type(exc).__name__}: {exc}") from None
            await self._connect()
            return await self._exchange(message)

    async def _connect(self) -> None:
        await self.close()
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def _exchange(self, message: bytes) -> Reply:
        self._writer.write(message)
        reader = self._reader
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers:
            body = await reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            chunks = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
            body = b"".join(chunks)
        else:
            body = await reader.read()
            await self.close()
        if headers.get(b"connection", b"").lower() == b"close":
            await self.close()
        return Reply(status, headers, body)

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass


def multipart(name: str, data: bytes, processor_type: str | None = "invoice") -> bytes:
    parts = [
        b"--" + BOUNDARY + b"\r\n",
        b'Content-Disposition: form-data; name="file"; filename="' + name.encode() + b'"\r\n',
        b"Content-Type: application/pdf\r\n\r\n",
        data,
        b"\r\n",
    ]
    if processor_type:
        parts += [
            b"--" + BOUNDARY + b"\r\n",
            b'Content-Disposition: form-data; name="processor_type"\r\n\r\n',
            processor_type.encode(),
            b"\r\n",
        ]
    parts.append(b"--" + BOUNDARY + b"--\r\n")
    return b"".join(parts)


MULTIPART = b"multipart/form-data; boundary=" + BOUNDARY


# -- the load clients


@dataclass
class Stats:
    budget: int
    sent: int = 0
    codes: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    status: list[tuple[float, float]] = field(default_factory=list)  # (sent at, ms)
    completed: int = 0
    uploads: int = 0
    cpu: float = 0.0
    finished: float = 0.0

    def take(self) -> bool:
        if self.sent >= self.budget:
            return False
        self.sent += 1
        return True


async def call(stats: Stats, conn: HttpConnection, method: str, path: str, ok, **kw):
    try:
        r = await conn.request(method, path, **kw)
    except (HttpError, OSError) as exc:
        stats.errors.append(f"{method} {path}: {type(exc).__name__} {exc}")
        return None
    stats.codes[r.status] += 1
    if r.status == 429:
        await asyncio.sleep(float(r.headers.get(b"retry-after", b"1")))
        return None
    if r.status not in ok:
        stats.errors.append(f"{method} {path}: {r.status} {r.body[:200]!r}")
        return None
    return r


async def client_loop(
    name: str, port: int, token: str, org: str, pdfs: list[bytes], stats: Stats, poll: float
):
    conn = HttpConnection("127.0.0.1", port, token)
    base = f"/v0/orgs/{org}/documents"
    i = 0
    try:
        while stats.take():
            data = pdfs[stats.uploads % len(pdfs)]  # a new document each time, while they last
            stats.uploads += 1
            i += 1
            r = await call(
                stats,
                conn,
                "POST",
                f"{base}/upload",
                (200, 202),
                body=multipart(f"{name}-{i}.pdf", data),
                content_type=MULTIPART,
            )
            if r is None:
                continue
            reply = r.json()
            doc, status = reply["document_id"], reply["status"]
            while status in ("queued", "processing") and stats.take():
                await asyncio.sleep(poll)
                sent_at, started = time.monotonic(), time.perf_counter()
                r = await call(stats, conn, "GET", f"{base}/{doc}/status", (200,))
                ms = (time.perf_counter() - started) * 1000
                if r is None:
                    continue
                stats.status.append((sent_at, ms))
                status = r.json()["status"]
            if status == "completed" and stats.take():
                r = await call(stats, conn, "GET", f"{base}/{doc}/results", (200,))
                if r is not None and r.json()["fields"].get("total") is not None:
                    stats.completed += 1
    finally:
        await conn.close()


def new_event_loop_policy() -> None:
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def load_process(n, port, tokens, org, pdfs, budget, poll, ready, go, out) -> None:
    """One process of load clients: waits for the start, runs its clients, reports."""
    new_event_loop_policy()
    stats = Stats(budget)

    async def run():
        await asyncio.gather(
            *(
                client_loop(f"p{n}c{k}", port, t, org, pdfs, stats, poll)
                for k, t in enumerate(tokens)
            )
        )

    ready.set()
    go.wait()
    cpu = time.process_time()
    asyncio.run(run())
    stats.cpu = time.process_time() - cpu
    stats.finished = time.monotonic()
    out.put(stats)


def probe(port: int, token: str, org: str, pdf: bytes, stop, out) -> None:
    """In its own process: one client asking for a status every 50 ms during the load, so
    the latency it sees is the server's, not the load generator's own event loop queueing."""
    new_event_loop_policy()

    async def run():
        conn = HttpConnection("127.0.0.1", port, token)
        r = await conn.request(
            "POST",
            f"/v0/orgs/{org}/documents/upload",
            body=multipart("probe.pdf", pdf, None),
            content_type=MULTIPART,
        )
        path = f"/v0/orgs/{org}/documents/{r.json()['document_id']}/status"
        times: list[tuple[float, float, bool]] = []  # (sent at, ms, ok)
        while not stop.is_set():
            sent_at, started = time.monotonic(), time.perf_counter()
            try:
                ok = (await conn.request("GET", path)).status == 200
            except (HttpError, OSError):
                ok = False
            times.append((sent_at, (time.perf_counter() - started) * 1000, ok))
            await asyncio.sleep(0.05)
        await conn.close()
        return times

    out.put(asyncio.run(run()))


# -- measuring


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class QueueSampler(threading.Thread):
    """Reads the library's queue every 100 ms (straight from its file, read-only): how many
    documents are queued or processing, and how many jobs have completed. A 100 ms interval
    is busy when documents were waiting or being processed at either end of it, or some were
    finished within it; a status call made in a busy interval was made while documents were
    processing."""

    SQL = (
        "SELECT (SELECT count(*) FROM documents WHERE status IN ('queued', 'processing')), "
        "(SELECT count(*) FROM jobs WHERE status = 'completed')"
    )

    def __init__(self, db_path: Path):
        super().__init__(daemon=True)
        self.db_path = db_path
        self.samples: list[tuple[float, int, int]] = []  # (at, pending, completed so far)
        self.stop = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5)
        while True:
            try:
                self.samples.append((time.monotonic(), *conn.execute(self.SQL).fetchone()))
            except sqlite3.OperationalError:
                pass
            if self.stop.wait(0.1):
                break
        conn.close()

    def busy(self, at: float) -> bool:
        i = bisect.bisect(self.samples, (at, float("inf")))
        if i == 0 or i == len(self.samples):
            return False
        (_t0, pending0, done0), (_t1, pending1, done1) = self.samples[i - 1], self.samples[i]
        return pending0 > 0 or pending1 > 0 or done1 > done0

    def busy_share(self, start: float, end: float) -> float:
        times = [t for t, _p, _d in self.samples if start <= t < end]
        return sum(1 for t in times if self.busy(t + 1e-6)) / max(1, len(times))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def wait_for_server(port: int, server: subprocess.Popen) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--poll", type=float, default=0.5, help="seconds between status polls")
    ap.add_argument("--runner", choices=["process", "thread"], default="process")
    ap.add_argument("--workers", type=int, default=1, help="the server's worker processes")
    ap.add_argument("--documents", type=int, default=1600, help="distinct small PDFs to upload")
    ap.add_argument(
        "--processes", type=int, default=1, help="processes the clients are spread over"
    )
    args = ap.parse_args()
    procs = max(1, min(args.processes, args.clients))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        library = Library(root / "library")
        org = library.default_org_id()
        service = ApiTokenService(library)
        tokens = [service.create(f"client {n}", org)[1] for n in range(args.clients)]
        probe_token = service.create("probe", org)[1]
        library.close()
        pdfs = [
            factories.invoice_pdf(
                root / f"in{i}.pdf", number=f"INV-L{i:05d}", total=100 + i
            ).read_bytes()
            for i in range(args.documents)
        ]
        probe_pdf = factories.invoice_pdf(root / "probe.pdf", number="PROBE").read_bytes()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "docrouter_desktop", "--library", str(root / "library")]
            + ["serve", "--port", str(port), "--workers", str(args.workers)]
            + ["--runner", args.runner],
            env=dict(os.environ, OMP_THREAD_LIMIT="1"),
            stderr=subprocess.DEVNULL,
        )
        loaders = []
        try:
            if not wait_for_server(port, server):
                print("the server did not start", file=sys.stderr)
                return 2
            ctx = multiprocessing.get_context("spawn")
            stop, probed_q, out, go = ctx.Event(), ctx.Queue(), ctx.Queue(), ctx.Event()
            prober = ctx.Process(
                target=probe, args=(port, probe_token, org, probe_pdf, stop, probed_q)
            )
            prober.start()
            for n in range(procs):
                ready = ctx.Event()
                share = args.requests // procs + (1 if n < args.requests % procs else 0)
                p = ctx.Process(
                    target=load_process,
                    args=(
                        n,
                        port,
                        tokens[n::procs],
                        org,
                        pdfs[n::procs],
                        share,
                        args.poll,
                        ready,
                        go,
                        out,
                    ),
                )
                p.start()
                loaders.append((p, ready))
            for _p, ready in loaders:
                ready.wait(120)
            time.sleep(1.0)
            sampler = QueueSampler(root / "library" / "library.sqlite3")
            sampler.start()
            runners = child_pids(server.pid)
            cpu_before = cpu_seconds(server.pid)
            runner_before = sum(cpu_seconds(p) for p in runners)
            started = time.monotonic()
            go.set()
            parts = [out.get(timeout=900) for _ in loaders]
            elapsed = max(s.finished for s in parts) - started
            server_cpu = cpu_seconds(server.pid) - cpu_before
            runner_cpu = sum(cpu_seconds(p) for p in runners) - runner_before
            sampler.stop.set()
            stop.set()
            probed = probed_q.get(timeout=60)
            prober.join(30)
            for p, _ready in loaders:
                p.join(30)
        finally:
            for p, _ready in loaders:
                if p.is_alive():
                    p.terminate()
            server.terminate()
            server.wait(60)
    stats = Stats(args.requests)
    for s in parts:
        stats.sent += s.sent
        stats.codes.update(s.codes)
        stats.errors += s.errors
        stats.status += s.status
        stats.completed += s.completed
        stats.uploads += s.uploads
        stats.cpu += s.cpu
    print(
        f"{args.clients} clients in {procs} process(es), {stats.sent} requests in "
        f"{elapsed:.1f} s: {stats.sent / elapsed:.0f} requests/s; server workers: "
        f"{args.workers}; each client polls every {args.poll:g} s"
    )
    print(
        f"CPU per request: server {server_cpu / stats.sent * 1000:.2f} ms ({server_cpu:.1f} s); "
        f"load generator {stats.cpu / stats.sent * 1000:.2f} ms ({stats.cpu:.1f} s); "
        f"job runner (a {args.runner}) {runner_cpu:.1f} s, "
        f"{runner_cpu / max(1, stats.uploads) * 1000:.1f} ms per upload"
    )
    print(f"uploads: {stats.uploads}; documents processed and read back: {stats.completed}")
    ended = started + elapsed
    print(
        f"documents queued, processing or finishing during {sampler.busy_share(started, ended):.0%} "
        f"of the run (the library's queue read every 100 ms); status calls made in that time "
        f"are counted as 'while processing'"
    )
    status_ms = [ms for _at, ms in stats.status]
    busy_ms = [ms for at, ms in stats.status if sampler.busy(at)]
    print(
        f"status calls: {len(status_ms)}, p50 {pct(status_ms, 50):.1f} ms, "
        f"p99 {pct(status_ms, 99):.1f} ms, max {max(status_ms, default=0):.1f} ms"
    )
    print(
        f"status calls while processing: {len(busy_ms)}, "
        f"p50 {pct(busy_ms, 50):.1f} ms, p99 {pct(busy_ms, 99):.1f} ms"
    )
    during = [(at, ms, ok) for at, ms, ok in probed if started <= at <= ended]
    probe_ms = [ms for at, ms, ok in during if ok and sampler.busy(at)]
    print(
        f"status calls of a separate probe process (every 50 ms) while processing: "
        f"{len(probe_ms)}, p50 {pct(probe_ms, 50):.1f} ms, p99 {pct(probe_ms, 99):.1f} ms, "
        f"max {max(probe_ms, default=0):.1f} ms; failed {sum(1 for *_x, ok in during if not ok)}"
    )
    print(f"status codes: {dict(sorted(stats.codes.items()))}; 429s: {stats.codes.get(429, 0)}")
    print(f"errors: {len(stats.errors)}")
    for line in stats.errors[:10]:
        print("  " + line)
    return 1 if stats.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
