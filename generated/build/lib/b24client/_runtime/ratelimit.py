"""Client-side limits mirroring the portal's, so a well-configured client is never refused.

* The leaky bucket: every request adds one; the bucket drains ``drain`` per second; a request
  that would overflow ``burst`` waits. Slots are reserved under a lock, so threads and asyncio
  tasks of one client share one bucket and each learns how long to wait before sending.
* Operating time: the portal allows each method a budget of execution time per window
  (480 s per 10 minutes) and answers 429 ``OPERATION_TIME_LIMIT`` beyond it. The client reads
  the accumulated ``time.operating`` it reports and waits for ``operating_reset_at`` when the
  sum is over the budget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "PRESETS",
    "LeakyBucket",
    "Limiter",
    "OperatingBudget",
    "RateLimit",
    "resolve_rate_limit",
]


@dataclass(frozen=True)
class RateLimit:
    """A leaky bucket: ``burst`` requests at once, refilled at ``drain`` per second."""

    burst: float
    drain: float

    def __post_init__(self) -> None:
        if self.burst < 1 or self.drain <= 0:
            raise ValueError("a rate limit needs burst >= 1 and drain > 0")


PRESETS: dict[str, RateLimit | None] = {
    "standard": RateLimit(burst=50, drain=2),
    "enterprise": RateLimit(burst=250, drain=5),
    "none": None,
}

RateLimitOption = Literal["standard", "enterprise", "none"] | RateLimit | None


def resolve_rate_limit(option: RateLimitOption) -> RateLimit | None:
    if option is None or isinstance(option, RateLimit):
        return option
    try:
        return PRESETS[option]
    except KeyError:
        raise ValueError(
            f"rate_limit must be one of {sorted(PRESETS)} or a RateLimit, got {option!r}"
        ) from None


Clock = Callable[[], float]


class LeakyBucket:
    """Reservations against a leaky bucket; :meth:`reserve` says how long to wait."""

    # A request reaches the portal some time after its slot is taken here, so the portal's
    # bucket drains later than this model of it: by up to ``drain * latency``, and by more
    # when latencies vary between requests. One request of headroom under the burst covers
    # half a second of that at the standard drain, and costs nothing of the sustained rate.
    HEADROOM = 1.0
    MARGIN = 0.002

    def __init__(self, limit: RateLimit, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._level = 0.0
        self._stamp = clock()
        self._capacity = max(1.0, limit.burst - self.HEADROOM)

    def _drain(self, now: float) -> None:
        if now > self._stamp:
            self._level = max(0.0, self._level - (now - self._stamp) * self.limit.drain)
            self._stamp = now

    def reserve(self) -> float:
        """Take a slot; return the seconds to wait before using it (0 when there is room)."""
        with self._lock:
            now = self._clock()
            self._drain(now)
            self._level += 1.0
            excess = self._level - self._capacity
            return excess / self.limit.drain + self.MARGIN if excess > 0 else 0.0

    def saturate(self) -> float:
        """The portal said the bucket is full: assume so; return the wait for one slot."""
        with self._lock:
            self._drain(self._clock())
            self._level = max(self._level, float(self.limit.burst))
            return 1.0 / self.limit.drain


class OperatingBudget:
    """The portal's per-method operating time, as it reports it, to wait instead of a 429.

    Each answer's ``time.operating`` is the method's time accumulated over the last ten
    minutes (for this app or webhook), and ``time.operating_reset_at`` when the oldest minute
    leaves the sum. The portal refuses a call once the sum exceeds the limit (480 s), so when
    the last reported sum is over ``budget`` the client waits until that reset moment.
    """

    def __init__(self, budget: float = 480.0, clock: Clock = time.time) -> None:
        self.budget = budget
        self._clock = clock  # wall time: operating_reset_at is a Unix timestamp
        self._lock = threading.Lock()
        self._last: dict[str, tuple[float, float]] = {}  # method -> (operating, reset_at)
        self._blocked_until: dict[str, float] = {}

    def observe(self, method: str, timing: Mapping[str, Any] | None) -> None:
        """Remember what an answer's ``time`` block says about ``method``."""
        if not timing:
            return
        operating = timing.get("operating")
        reset_at = timing.get("operating_reset_at")
        if not isinstance(operating, (int, float)) or not isinstance(reset_at, (int, float)):
            return
        key = method.lower()
        with self._lock:
            known = self._last.get(key)
            if known is None or known[1] != reset_at:
                self._last[key] = (float(operating), float(reset_at))
            else:  # answers of concurrent calls arrive out of order: keep the larger sum
                self._last[key] = (max(known[0], float(operating)), known[1])

    def block(self, method: str, seconds: float) -> None:
        """The portal refused ``method`` for its operating time; hold it for ``seconds``."""
        with self._lock:
            key = method.lower()
            until = self._clock() + seconds
            self._blocked_until[key] = max(until, self._blocked_until.get(key, 0.0))

    def wait_for(self, method: str) -> float:
        """Seconds to wait before ``method`` may run without being refused."""
        key = method.lower()
        with self._lock:
            now = self._clock()
            wait = max(0.0, self._blocked_until.get(key, 0.0) - now)
            known = self._last.get(key)
            if known is None:
                return wait
            operating, reset_at = known
            if now >= reset_at:
                del self._last[key]  # the sum dropped by an unknown amount; the next answer says
                return wait
            if operating > self.budget:
                return max(wait, reset_at - now)
            return wait


class Limiter:
    """Both limits of one client."""

    def __init__(
        self,
        rate_limit: RateLimit | None,
        *,
        operating_budget: float = 480.0,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        self.bucket = LeakyBucket(rate_limit, clock) if rate_limit is not None else None
        self.operating = OperatingBudget(operating_budget, wall_clock)

    def before_send(self, method: str) -> float:
        """Seconds to wait before sending a call of ``method`` (the bucket slot is taken)."""
        wait = self.operating.wait_for(method)
        if self.bucket is not None:
            wait = max(wait, self.bucket.reserve())
        return wait

    def limit_exceeded(self) -> float:
        """The portal answered QUERY_LIMIT_EXCEEDED; the wait before trying again."""
        return self.bucket.saturate() if self.bucket is not None else 1.0
