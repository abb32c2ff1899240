"""Injected faults, drawn per request at configured rates.

Kinds and what they mean for the caller:
- ``500``: INTERNAL_SERVER_ERROR before the method runs (nothing is written);
- ``503``: QUERY_LIMIT_EXCEEDED before the method runs (safe to retry, as on a portal);
- ``reset``: the connection is dropped before the method runs;
- ``slow``: the answer comes ``slow_seconds`` late (to trip client timeouts);
- ``lost_write``: a write is committed, then the connection is dropped before the answer:
  the caller cannot tell whether it happened. Only drawn for writing methods.

Spec syntax (``--faults``): ``500=0.05,503=0.05,reset=0.05,slow=0.05,lost_write=0.05``,
with optional ``slow_seconds=2``, ``seed=7``, and ``all=0.1`` as a shorthand for every kind.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

KINDS = ("500", "503", "reset", "slow", "lost_write")
_ALIASES = {"lost": "lost_write", "drop": "reset", "connection_reset": "reset"}


@dataclass(frozen=True)
class Faults:
    rates: tuple[tuple[str, float], ...] = ()
    slow_seconds: float = 1.0
    seed: int | None = None

    @classmethod
    def parse(cls, spec: str | None) -> Faults:
        if not spec:
            return cls()
        rates: dict[str, float] = {}
        slow, seed = 1.0, None
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            if "=" not in part:
                raise ValueError(f"fault {part!r}: expected KIND=RATE, e.g. 500=0.05")
            key, value = (s.strip() for s in part.split("=", 1))
            key = _ALIASES.get(key, key)
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"fault {part!r}: {value!r} is not a number") from None
            if key == "slow_seconds":
                slow = number
            elif key == "seed":
                seed = int(number)
            elif key == "all":
                for kind in KINDS:
                    rates[kind] = number
            elif key in KINDS:
                if not 0 <= number <= 1:
                    raise ValueError(f"fault {part!r}: a rate is between 0 and 1")
                rates[key] = number
            else:
                raise ValueError(f"unknown fault kind {key!r}: use one of {', '.join(KINDS)}")
        total = sum(rates.values())
        if total > 1:
            raise ValueError(f"fault rates add up to {total:g}, more than 1")
        return cls(tuple(sorted(rates.items())), slow, seed)

    @property
    def active(self) -> bool:
        return any(r > 0 for _, r in self.rates)


@dataclass
class FaultDraw:
    faults: Faults
    rng: random.Random = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.faults.seed)

    def draw(self, *, writes: bool) -> str | None:
        """One fault kind for this request, or None. ``lost_write`` only for writes."""
        if not self.faults.active:
            return None
        with self.lock:
            x = self.rng.random()
        acc = 0.0
        for kind, rate in self.faults.rates:
            acc += rate
            if x < acc:
                if kind == "lost_write" and not writes:
                    return None
                self.counts[kind] = self.counts.get(kind, 0) + 1
                return kind
        return None
