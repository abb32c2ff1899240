"""A total time limit per HTTP attempt, for the sync driver.

httpx's ``timeout`` bounds each socket operation, so a server trickling one byte per second
holds a ``timeout=1.0`` request for as long as it likes. The sync driver wraps the network
backend of the connection pool it owns: every connect, read and write waits at most until
the attempt's deadline (a per-thread value set around each request), so the whole attempt,
headers and body, ends by it. The async driver needs none of this (``asyncio.wait_for``).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["attempt_deadline", "bounded", "install_deadlines"]

# monotonic time by which the current thread's attempt must be over; None: no limit
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "b24_attempt_deadline", default=None
)


@contextmanager
def attempt_deadline(seconds: float | None) -> Iterator[None]:
    """Bound the socket operations of the current thread by ``seconds`` from now."""
    token = _DEADLINE.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def bounded(timeout: float | None, kind: type[Exception]) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise kind("the attempt's total timeout is over")
    return left if timeout is None else min(timeout, left)


def install_deadlines(transport: Any) -> bool:
    """Wrap the network backend of an ``httpx.HTTPTransport``'s pool; False when its shape is
    not the one known (then only httpx's per-operation timeouts apply)."""
    # httpcore only when a pool is built: ``import httpx`` does not import it either
    from .bounded import BoundedBackend

    pool: Any = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if pool is None or backend is None or isinstance(backend, BoundedBackend):
        return False
    pool._network_backend = BoundedBackend(backend)
    return True
