"""Load on the local API: concurrent clients uploading, polling status and reading results.

Starts ``docrouter-desktop serve`` in its own process over a fresh library, gives each client
its own workspace token, and drives it over loopback from this process: every client uploads
a small generated invoice PDF, polls its status until it is done, reads its results, and
starts again, until the fixed count of requests is spent. Prints requests per second, the
p50/p99 latency of status calls (overall, and while documents were being processed), the
status codes seen, and errors (anything but the intended replies, 429s counted apart).

    python bench/api_load.py [--clients 50] [--requests 3000] [--poll 0.5] [--workers 1] [--runner process]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docrouter_desktop.core.library import Library  # noqa: E402
from docrouter_desktop.core.tokens import TokenService  # noqa: E402
from docrouter_desktop.server.serve import free_port  # noqa: E402
from tests import factories  # noqa: E402


class Stats:
    def __init__(self, budget: int):
        self.budget = budget
        self.sent = 0
        self.codes: Counter = Counter()
        self.errors: list[str] = []
        self.status_ms: list[float] = []
        self.status_busy_ms: list[float] = []  # while some document was queued or processing
        self.completed = 0
        self.uploads = 0
        self.in_flight_docs = 0

    def take(self) -> bool:
        if self.sent >= self.budget:
            return False
        self.sent += 1
        return True


async def call(stats: Stats, client: httpx.AsyncClient, method: str, url: str, ok, **kw):
    try:
        r = await client.request(method, url, **kw)
    except httpx.HTTPError as exc:
        stats.errors.append(f"{method} {url}: {type(exc).__name__} {exc}")
        return None
    stats.codes[r.status_code] += 1
    if r.status_code == 429:
        await asyncio.sleep(float(r.headers.get("retry-after", "1")))
        return None
    if r.status_code not in ok:
        stats.errors.append(f"{method} {url}: {r.status_code} {r.text[:200]}")
        return None
    return r


async def client_loop(
    n: int, url: str, token: str, org: str, pdfs: list[bytes], stats: Stats, poll: float
):
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        i = 0
        while stats.take():
            data = pdfs[stats.uploads % len(pdfs)]  # a new document each time, while they last
            stats.uploads += 1
            i += 1
            r = await call(
                stats,
                client,
                "POST",
                f"/v0/orgs/{org}/documents/upload",
                (200, 202),
                files={"file": (f"c{n}-{i}.pdf", data, "application/pdf")},
                data={"processor_type": "invoice"},
            )
            if r is None:
                continue
            doc = r.json()["document_id"]
            stats.in_flight_docs += 1
            status = r.json()["status"]
            try:
                while status in ("queued", "processing") and stats.take():
                    await asyncio.sleep(poll)
                    started = time.perf_counter()
                    r = await call(
                        stats, client, "GET", f"/v0/orgs/{org}/documents/{doc}/status", (200,)
                    )
                    ms = (time.perf_counter() - started) * 1000
                    if r is None:
                        continue
                    stats.status_ms.append(ms)
                    status = r.json()["status"]
                    if status in ("queued", "processing"):
                        stats.status_busy_ms.append(ms)
            finally:
                stats.in_flight_docs -= 1
            if status == "completed" and stats.take():
                r = await call(
                    stats, client, "GET", f"/v0/orgs/{org}/documents/{doc}/results", (200,)
                )
                if r is not None and r.json()["fields"].get("total") is not None:
                    stats.completed += 1


def probe(url: str, token: str, org: str, pdf: bytes, stop, out) -> None:
    """In its own process: one plain client polling a status every 50 ms during the load, so
    the latency it sees is the server's, not the load generator's own event loop queueing."""
    headers = {"Authorization": f"Bearer {token}"}
    times: list[tuple[float, bool]] = []
    with httpx.Client(base_url=url, headers=headers, timeout=60) as c:
        doc = c.post(f"/v0/orgs/{org}/documents/upload", files={"file": ("probe.pdf", pdf)}).json()[
            "document_id"
        ]
        while not stop.is_set():
            started = time.perf_counter()
            r = c.get(f"/v0/orgs/{org}/documents/{doc}/status")
            times.append(((time.perf_counter() - started) * 1000, r.status_code == 200))
            time.sleep(0.05)
    out.put(times)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def drive(url, tokens: list[str], org: str, pdfs: list[bytes], budget: int, poll: float):
    stats = Stats(budget)
    started = time.perf_counter()
    await asyncio.gather(
        *(client_loop(n, url, t, org, pdfs, stats, poll) for n, t in enumerate(tokens))
    )
    return stats, time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--poll", type=float, default=0.5, help="seconds between status polls")
    ap.add_argument("--runner", choices=["process", "thread"], default="process")
    ap.add_argument("--workers", type=int, default=1, help="the server's worker processes")
    ap.add_argument("--documents", type=int, default=1000, help="distinct small PDFs to upload")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        library = Library(root / "library")
        org = library.default_org_id()
        service = TokenService(library)
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
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "docrouter_desktop", "--library", str(root / "library")]
            + ["serve", "--port", str(port), "--workers", str(args.workers)]
            + ["--runner", args.runner],
            env=dict(os.environ, OMP_THREAD_LIMIT="1"),
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{url}/openapi.json", timeout=1)
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        print("the server did not start", file=sys.stderr)
                        return 2
                    time.sleep(0.2)
            ctx = multiprocessing.get_context("spawn")
            stop, out = ctx.Event(), ctx.Queue()
            prober = ctx.Process(target=probe, args=(url, probe_token, org, probe_pdf, stop, out))
            prober.start()
            time.sleep(1.0)
            cpu_before = cpu_seconds(server.pid)
            own_before = cpu_seconds(os.getpid())
            stats, elapsed = asyncio.run(drive(url, tokens, org, pdfs, args.requests, args.poll))
            server_cpu = cpu_seconds(server.pid) - cpu_before
            own_cpu = cpu_seconds(os.getpid()) - own_before
            stop.set()
            probed = out.get(timeout=60)
            prober.join(30)
        finally:
            server.terminate()
            server.wait(60)
    print(
        f"{args.clients} clients, {stats.sent} requests in {elapsed:.1f} s: "
        f"{stats.sent / elapsed:.0f} requests/s; server workers: {args.workers}; "
        f"each client polls every {args.poll:g} s"
    )
    print(
        f"server process CPU: {server_cpu:.1f} s ({server_cpu / stats.sent * 1000:.2f} ms per "
        f"request; job runner in a {args.runner}); load generator CPU: {own_cpu:.1f} s"
    )
    print(f"uploads: {stats.uploads}; documents processed and read back: {stats.completed}")
    print(
        f"status calls: {len(stats.status_ms)}, p50 {pct(stats.status_ms, 50):.1f} ms, "
        f"p99 {pct(stats.status_ms, 99):.1f} ms, max {max(stats.status_ms, default=0):.1f} ms"
    )
    print(
        f"status calls while processing: {len(stats.status_busy_ms)}, "
        f"p50 {pct(stats.status_busy_ms, 50):.1f} ms, p99 {pct(stats.status_busy_ms, 99):.1f} ms"
    )
    probe_ms = [ms for ms, ok in probed if ok]
    print(
        f"status calls of a separate probe process (every 50 ms): {len(probe_ms)}, "
        f"p50 {pct(probe_ms, 50):.1f} ms, p99 {pct(probe_ms, 99):.1f} ms, "
        f"failed {sum(1 for _ms, ok in probed if not ok)}"
    )
    print(f"status codes: {dict(sorted(stats.codes.items()))}; 429s: {stats.codes.get(429, 0)}")
    print(f"errors: {len(stats.errors)}")
    for line in stats.errors[:10]:
        print("  " + line)
    return 1 if stats.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
