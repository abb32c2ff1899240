"""The sans-IO heart of the client: one call, with limits, retries and token refresh.

:func:`call_flow` is a generator of effects (``effects.py``); the sync and async drivers in
``client.py`` run it. Batches and paging (``batch.py``, ``paging.py``) are built from it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .auth import Auth
from .effects import Flow, HttpReply, HttpRequest, Refresh, Send, Sleep, TransportFailure
from .encoding import dumps
from .errors import (
    Bitrix24Error,
    ExpiredTokenError,
    InvalidAnswerError,
    TransportError,
    WriteOutcomeUnknownError,
)
from .ratelimit import Limiter
from .response import Response, parse_reply
from .retry import NOT_EXECUTED_CODES, RetryPolicy, is_write, retry_after

__all__ = ["CallContext", "build_request", "call_flow"]

logger = logging.getLogger(__name__.rsplit(".", 1)[0])

_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Accept": "application/json",
}
# A call is refreshed-and-retried at most this often (a loop guard; one is the normal case).
_MAX_REFRESHES = 2


@dataclass(frozen=True)
class CallContext:
    """Everything a call needs besides its method and parameters; shared by sync and async."""

    auth: Auth
    limiter: Limiter
    policy: RetryPolicy
    # seconds one call may take in all (attempts, waits between them); None: no limit
    deadline: float | None = None
    clock: Callable[[], float] = field(default=time.monotonic, compare=False, repr=False)


def _unknown_outcome(method: str, what: str, *, status: int | None, received: bytes) -> Exception:
    return WriteOutcomeUnknownError(
        description=(
            f"{what}: the write may or may not have happened; it was not retried to avoid a "
            "duplicate"
        ),
        status=status,
        method=method,
        received=received,
    )


def build_request(
    auth: Auth,
    method: str,
    params: Mapping[str, Any],
    api_version: int,
    idempotency_key: str | None = None,
) -> HttpRequest:
    headers = _HEADERS
    if idempotency_key is not None:
        headers = {**_HEADERS, "Idempotency-Key": idempotency_key}
    return HttpRequest("POST", auth.url_for(method, api_version), headers, dumps(params))


def call_flow(
    ctx: CallContext,
    method: str,
    params: Mapping[str, Any],
    *,
    api_version: int = 2,
    write: bool | None = None,
) -> Flow[Response[Any]]:
    """Call ``method`` until it succeeds, fails for good, or its outcome cannot be known.

    ``write=None`` judges by the method name (see :func:`~.retry.is_write`). A write that
    reached the portal and got no readable answer raises :class:`WriteOutcomeUnknownError`
    and is never repeated, unless it is a REST 3.0 write: those carry one ``Idempotency-Key``
    for all their attempts, so the portal runs them once and replays the answer.
    """
    writes = is_write(method) if write is None else write
    key = uuid.uuid4().hex if writes and api_version == 3 else None
    repeatable = not writes or key is not None
    policy = ctx.policy
    started = ctx.clock()
    attempt = 0
    refreshes = 0
    while True:
        wait = ctx.limiter.before_send(method)
        if wait > 0:
            yield Sleep(wait)
        left = None if ctx.deadline is None else ctx.deadline - (ctx.clock() - started)
        if left is not None and left <= 0:
            raise TransportError(
                "TRANSPORT_ERROR",
                f"the call's deadline of {ctx.deadline:g}s passed before attempt {attempt + 1}",
                method=method,
            )
        generation = ctx.auth.generation
        outcome = yield Send(build_request(ctx.auth, method, params, api_version, key), left)

        if isinstance(outcome, TransportFailure):
            if outcome.sent and not repeatable:
                raise _unknown_outcome(
                    method,
                    f"{outcome.kind} after the request was sent ({outcome.detail})",
                    status=None,
                    received=b"",
                )
            delay = policy.backoff(attempt)
            if attempt < policy.max_retries and _fits(ctx, started, delay):
                logger.info(
                    "%s: %s (%s), retry %d in %.2fs",
                    method,
                    outcome.kind,
                    outcome.detail,
                    attempt + 1,
                    delay,
                )
                attempt += 1
                yield Sleep(delay)
                continue
            never = "" if outcome.sent else "; the request was never sent"
            raise TransportError(
                "TRANSPORT_ERROR",
                f"{outcome.kind}: {outcome.detail} (after {attempt + 1} attempts{never})",
                method=method,
            )

        assert isinstance(outcome, HttpReply)
        parsed = parse_reply(outcome, method)
        if isinstance(parsed, Response):
            ctx.limiter.operating.observe(method, parsed.time)
            if parsed.replayed:
                logger.info("%s: answered from the portal's idempotency store", method)
            return parsed

        error: Bitrix24Error = parsed
        stale = outcome.status == 401 and ctx.auth.generation != generation
        if stale and refreshes < _MAX_REFRESHES:
            # Sent with tokens another caller has since replaced: the portal may call the old
            # ones expired or unknown; either way the call did not run. Repeat it.
            refreshes += 1
            continue
        if error.code == "expired_token" or isinstance(error, ExpiredTokenError):
            if ctx.auth.can_refresh and refreshes < _MAX_REFRESHES:
                refreshes += 1
                yield Refresh(generation)
                continue
            raise error

        hint = retry_after(outcome.headers)
        if error.code in NOT_EXECUTED_CODES:
            if error.code == "QUERY_LIMIT_EXCEEDED":
                delay = max(hint or 0.0, ctx.limiter.limit_exceeded())
            else:
                delay = hint if hint is not None else policy.backoff(attempt + 2)
                ctx.limiter.operating.block(method, delay)
        elif outcome.status >= 500 or isinstance(error, InvalidAnswerError):
            if not repeatable:
                shown = f"HTTP {outcome.status} {error.code}"
                if error.description:
                    shown += f": {error.description}"
                raise _unknown_outcome(
                    method,
                    f"the portal answered {shown}",
                    status=outcome.status,
                    received=outcome.content,
                )
            delay = hint if hint is not None else policy.backoff(attempt)
        else:
            raise error

        if attempt >= policy.max_retries or delay > policy.max_wait:
            raise error
        if not _fits(ctx, started, delay):
            raise error
        logger.info("%s: %s, retry %d in %.2fs", method, error.code, attempt + 1, delay)
        attempt += 1
        yield Sleep(policy.jitter(delay))


def _fits(ctx: CallContext, started: float, delay: float) -> bool:
    """Whether waiting ``delay`` still leaves time for another attempt within the deadline."""
    return ctx.deadline is None or ctx.clock() - started + delay < ctx.deadline
