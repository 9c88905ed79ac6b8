"""In-process limiter for failed sign-in attempts (upstream had none)."""

from __future__ import annotations

import math
import time
from collections import deque


class AttemptLimiter:
    """At most `limit` failures per key within `window` seconds."""

    def __init__(self, limit: int, window: int, max_keys: int = 100_000):
        self.limit = limit
        self.window = window
        self._max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, *keys: str) -> int:
        """Seconds to wait before another attempt is allowed; 0 when allowed now."""
        if self.limit <= 0:
            return 0
        now = time.monotonic()
        wait = 0.0
        for key in keys:
            stamps = self._failures.get(key)
            if not stamps:
                continue
            while stamps and stamps[0] <= now - self.window:
                stamps.popleft()
            if len(stamps) >= self.limit:
                wait = max(wait, stamps[0] + self.window - now)
        return math.ceil(wait) if wait > 0 else 0

    def fail(self, *keys: str) -> None:
        if self.limit <= 0:
            return
        if len(self._failures) > self._max_keys:
            self._failures.clear()
        now = time.monotonic()
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)

    def reset(self, key: str) -> None:
        self._failures.pop(key, None)
