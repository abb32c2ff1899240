"""REST 3.0 ``Idempotency-Key``: a write sent again with the same key runs once.

As the REST 3.0 docs describe it: the portal keeps the answer of a write that carried an
``Idempotency-Key`` for 24 hours; the same key with the same body within that time gets the
saved answer again, marked ``Idempotent-Replayed: true``, without running the write; the same
key with another body is refused with 422. A key is 1 to 255 printable ASCII characters.
Keys are per caller and method. The answers live in ``Portal.idempotency`` (emptied by
``Portal.reset``), keyed by ``(caller, method, key)``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.emulator.errors import V3_BAD_IDEMPOTENCY_KEY, V3_IDEMPOTENCY_REUSED, ApiError

__all__ = ["TTL", "Admitted", "Replay", "admit", "answer_headers", "remember"]

TTL = 24 * 3600.0


@dataclass(frozen=True)
class Replay:
    """The saved answer to send again; the write is not run."""

    body: Any
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Idempotency-Key": self.key, "Idempotent-Replayed": "true"}


@dataclass(frozen=True)
class Admitted:
    """A first use of the key: run the write, then :func:`remember` its answer."""

    slot: tuple[str, str, str]
    fingerprint: str
    key: str


def _valid(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(32 <= ord(c) <= 126 for c in key)


def admit(
    portal: Any,
    *,
    version: int,
    headers: Mapping[str, str],
    caller: str,
    method: str,
    params: Mapping[str, Any],
) -> Replay | Admitted | ApiError | None:
    """What to do with a request: replay, run and remember, refuse, or (no key) nothing."""
    key = headers.get("idempotency-key") if version == 3 else None
    if key is None:
        return None
    if not _valid(key):
        return ApiError(
            V3_BAD_IDEMPOTENCY_KEY,
            "Idempotency-Key must be 1 to 255 printable ASCII characters",
            400,
        )
    slot = (caller, method.lower(), key)
    fingerprint = json.dumps(params, sort_keys=True, ensure_ascii=False, default=str)
    saved = portal.idempotency.get(slot)
    if saved is not None and portal.clock() <= saved[0] + TTL:
        if saved[1] != fingerprint:
            return ApiError(
                V3_IDEMPOTENCY_REUSED,
                "The Idempotency-Key was used with another request body",
                422,
            )
        return Replay(saved[2], key)
    return Admitted(slot, fingerprint, key)


def remember(portal: Any, admitted: Admitted, body: Any) -> None:
    """Keep the answer of a write that ran (before it is sent: a lost answer is replayed)."""
    portal.idempotency[admitted.slot] = (portal.clock(), admitted.fingerprint, body)


def answer_headers(admitted: Admitted | None) -> dict[str, str] | None:
    return None if admitted is None else {"Idempotency-Key": admitted.key}
