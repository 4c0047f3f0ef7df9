"""Per-token rate limits: a fixed window of N requests per W seconds, kept in memory."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


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
    """Counts requests per key (a token id, or a client address for requests without a valid
    token). Used from the event loop only, so it needs no lock."""

    def __init__(self, limit: int, window: float = 60.0, clock=time.monotonic):
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs at least 1 request per a positive window")
        self.limit = limit
        self.window = window
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> Allowance:
        now = self.clock()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        if len(self._windows) > 10_000:
            self._forget_old(now)
        reset = max(1, math.ceil(start + self.window - now))
        if count >= self.limit:
            self._windows[key] = (start, count)
            return Allowance(False, self.limit, 0, reset)
        count += 1
        self._windows[key] = (start, count)
        return Allowance(True, self.limit, self.limit - count, reset)

    def _forget_old(self, now: float) -> None:
        self._windows = {k: v for k, v in self._windows.items() if now - v[0] < self.window}
