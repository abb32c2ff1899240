"""The portal's limits (docs: limits.md): the leaky bucket on request intensity, the
per-method operating-time budget in ten one-minute baskets, and OAuth token lifetime.

Every piece reads time from an injected clock, so tests move time instead of sleeping.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass(frozen=True)
class Limits:
    burst: float  # X: requests the counter may hold before the portal answers 503
    drain: float  # Y: how much the counter drops per second
    operating_limit: float = 480.0  # seconds of method time per ten minutes
    # Seconds of operating time one call adds. None: the real processing time, which on a
    # local SQLite is tiny; tests and demos set it to reach the limit in a few calls.
    operating_cost: float | None = None

    @classmethod
    def preset(cls, name: str, **overrides: float | None) -> Limits | None:
        presets = {
            "standard": cls(burst=50, drain=2),
            "enterprise": cls(burst=250, drain=5),
        }
        if name == "none":
            return None
        if name not in presets:
            raise ValueError(f"unknown limits preset {name!r}: use standard, enterprise or none")
        base = presets[name]
        return cls(
            burst=float(overrides.get("burst") or base.burst),
            drain=float(overrides.get("drain") or base.drain),
            operating_limit=float(overrides.get("operating_limit") or base.operating_limit),
            operating_cost=overrides.get("operating_cost"),
        )


class LeakyBucket:
    """Each request adds 1; the level drains at ``drain`` per second; above ``burst``
    the request is refused (and not counted)."""

    def __init__(self, burst: float, drain: float, clock: Clock) -> None:
        self.burst = burst
        self.drain = drain
        self.clock = clock
        self.level = 0.0
        self.last = clock()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = self.clock()
            self.level = max(0.0, self.level - (now - self.last) * self.drain)
            self.last = now
            if self.level + 1 > self.burst + 1e-9:
                return False
            self.level += 1
            return True

    def reset(self) -> None:
        with self.lock:
            self.level = 0.0
            self.last = self.clock()


class OperatingMeter:
    """Accumulated method time per (caller, method), kept in one-minute baskets that each
    leave the sum ten minutes after their first call."""

    WINDOW = 600.0
    BASKET = 60.0

    def __init__(self, limit: float, clock: Clock) -> None:
        self.limit = limit
        self.clock = clock
        self.baskets: dict[tuple[str, str], list[list[float]]] = {}  # [opened_at, seconds]
        self.lock = threading.Lock()

    def _live(self, key: tuple[str, str], now: float) -> list[list[float]]:
        live = [b for b in self.baskets.get(key, []) if now < b[0] + self.WINDOW]
        self.baskets[key] = live
        return live

    def blocked(self, caller: str, method: str) -> bool:
        with self.lock:
            live = self._live((caller, method), self.clock())
            return sum(b[1] for b in live) > self.limit

    def add(self, caller: str, method: str, seconds: float) -> tuple[float, float | None]:
        """Record ``seconds``; returns (operating total, operating_reset_at)."""
        with self.lock:
            now = self.clock()
            live = self._live((caller, method), now)
            if live and now < live[-1][0] + self.BASKET:
                live[-1][1] += seconds
            else:
                live.append([now, seconds])
            total = sum(b[1] for b in live)
            return total, live[0][0] + self.WINDOW

    def reset(self) -> None:
        with self.lock:
            self.baskets.clear()


@dataclass
class Grant:
    access_token: str
    refresh_token: str
    expires_at: float


class TokenStore:
    """OAuth access tokens with a lifetime, refreshed through ``/oauth/token/``."""

    def __init__(self, clock: Clock, lifetime: float, client_id: str, client_secret: str) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.client_id = client_id
        self.client_secret = client_secret
        self.by_access: dict[str, Grant] = {}
        self.by_refresh: dict[str, Grant] = {}
        self.refreshes = 0
        self.lock = threading.Lock()

    def issue(self) -> Grant:
        with self.lock:
            grant = Grant(
                secrets.token_hex(16), secrets.token_hex(16), self.clock() + self.lifetime
            )
            self.by_access[grant.access_token] = grant
            self.by_refresh[grant.refresh_token] = grant
            return grant

    def check(self, access_token: str) -> str:
        """'ok', 'expired' or 'unknown'."""
        with self.lock:
            grant = self.by_access.get(access_token)
        if grant is None:
            return "unknown"
        return "ok" if self.clock() < grant.expires_at else "expired"

    def refresh(self, refresh_token: str) -> Grant | None:
        with self.lock:
            old = self.by_refresh.pop(refresh_token, None)
            if old is None:
                return None
            # The old access token is not revoked: it lives out its lifetime, and calls made
            # with it afterwards still get ``expired_token`` (not "unknown token"), as on a
            # portal. Only the refresh token is single-use.
            self.refreshes += 1
        return self.issue()

    def reset(self) -> None:
        with self.lock:
            self.by_access.clear()
            self.by_refresh.clear()
            self.refreshes = 0


class ManualClock:
    """A clock tests move by hand: ``clock.advance(1.5)``."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds
