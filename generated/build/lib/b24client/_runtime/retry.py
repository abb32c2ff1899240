"""When to try a call again, and how long to wait first.

The rule that keeps writes from being duplicated: a write is repeated only when it cannot have
executed (the portal refused it before running it: QUERY_LIMIT_EXCEEDED, OPERATION_TIME_LIMIT,
expired_token; or the connection was refused before anything was sent), or when it carries an
Idempotency-Key (REST 3.0). Any other failure of a write raises
:class:`~.errors.WriteOutcomeUnknownError`. Reads are repeated on server errors, resets and
timeouts too.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["NOT_EXECUTED_CODES", "RetryPolicy", "is_write", "retry_after"]

# Answers that mean the portal refused the call before executing it.
NOT_EXECUTED_CODES = frozenset({"QUERY_LIMIT_EXCEEDED", "OPERATION_TIME_LIMIT"})

_READ_VERBS = frozenset(
    {
        "get",
        "list",
        "fields",
        "search",
        "count",
        "current",
        "info",
        "scope",
        "methods",
        "method",
        "profile",
        "time",
        "access",
        "version",
        "filter",
        "items",
        "find",
        "read",
        "status",
        "getlist",
        "getfields",
        "getchildren",
        "getbyid",
        "getall",
        "tail",
    }
)
_READ_PREFIXES = ("get", "list", "fields", "search", "is", "has", "check", "count")
_WRITE_VERBS = frozenset(
    {"add", "update", "delete", "set", "bind", "unbind", "remove", "create", "send", "upload"}
)


def is_write(method: str) -> bool:
    """Whether ``method`` changes state, judged by its last name segment.

    Unknown verbs count as writes: wrongly treating a read as a write only costs a retry,
    wrongly treating a write as a read can duplicate it.
    """
    verb = method.rsplit(".", 1)[-1].lower()
    if verb in _WRITE_VERBS or any(verb.endswith(v) for v in ("add", "update", "delete", "set")):
        return True
    return not (verb in _READ_VERBS or verb.startswith(_READ_PREFIXES))


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date), if any."""
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryPolicy:
    """``max_retries`` repeats at most, waiting ``base * 2**attempt`` (capped, jittered)."""

    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    # Retry-After longer than this is not waited for: the error surfaces instead.
    max_wait: float = 600.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def backoff(self, attempt: int) -> float:
        """The wait before retry number ``attempt + 1``: equal jitter, half fixed, half random."""
        ceiling = min(self.backoff_max, self.backoff_base * (2.0**attempt))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def jitter(self, seconds: float) -> float:
        """``seconds`` plus up to 10% so that concurrent callers do not retry in step."""
        return seconds + self.rng.uniform(0, seconds / 10 if seconds > 0 else 0.05)
