"""Per-token rate limits: a fixed window of N requests per W seconds, kept in memory."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

SWEEP_AT = 10_000  # keys kept before the windows that ended are swept out


@dataclass(frozen=True)
class Allowance:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the window starts again

    def headers(self) -> list[tuple[bytes, bytes]]:
        out = [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset).encode()),
        ]
        if not self.allowed:
            out.append((b"retry-after", str(self.reset).encode()))
        return out


class RateLimiter:
    """Counts requests per key (a token id, or a client connection for requests without a
    valid token). Used from the event loop only, so it needs no lock.

    The windows are kept in the order they started, so those that ended are swept from the
    front, and only once the keys have doubled since the last sweep: a hit costs the same
    however many keys there are (a client opening thousands of connections cannot make every
    request walk them all). With ``max_keys``, the oldest windows past that many are dropped
    as well (for keys a client makes up, such as its connections)."""

    def __init__(
        self, limit: int, window: float = 60.0, clock=time.monotonic, max_keys: int | None = None
    ):
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs at least 1 request per a positive window")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._windows: dict[str, tuple[float, int]] = {}
        self._sweep_at = SWEEP_AT if max_keys is None else min(SWEEP_AT, max_keys)

    def hit(self, key: str) -> Allowance:
        now = self.clock()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
            del self._windows[key]  # to the end: the newest window
        reset = max(1, math.ceil(start + self.window - now))
        allowed = count < self.limit
        if allowed:
            count += 1
        self._windows[key] = (start, count)
        if len(self._windows) > self._sweep_at:
            self._sweep(now)
        return Allowance(allowed, self.limit, self.limit - count, reset)

    def __len__(self) -> int:
        return len(self._windows)

    def _sweep(self, now: float) -> None:
        ended = []
        for key, (start, _count) in self._windows.items():
            if now - start < self.window:
                break
            ended.append(key)
        for key in ended:
            del self._windows[key]
        if self.max_keys is not None and len(self._windows) > self.max_keys:
            keep = self.max_keys * 3 // 4
            for key in list(self._windows)[: len(self._windows) - keep]:
                del self._windows[key]
        self._sweep_at = max(SWEEP_AT, 2 * len(self._windows))
        if self.max_keys is not None:
            self._sweep_at = min(self._sweep_at, self.max_keys)
