"""The sans-IO heart of the client: one call, with limits, retries and token refresh.

:func:`call_flow` is a generator of effects (``effects.py``); the sync and async drivers in
``client.py`` run it. Batches and paging (``batch.py``, ``paging.py``) are built from it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .auth import Auth
from .effects import Flow, HttpReply, HttpRequest, Refresh, Send, Sleep, TransportFailure
from .encoding import dumps
from .errors import (
    Bitrix24Error,
    ExpiredTokenError,
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
) -> Flow[Response]:
    """Call ``method`` until it succeeds, fails for good, or its outcome cannot be known.

    ``write=None`` judges by the method name (see :func:`~.retry.is_write`).
    """
    writes = is_write(method) if write is None else write
    # REST 3.0 deduplicates writes carrying the same key, which makes them safe to repeat.
    key = uuid.uuid4().hex if writes and api_version == 3 else None
    repeatable = not writes or key is not None
    policy = ctx.policy
    attempt = 0
    refreshes = 0
    while True:
        wait = ctx.limiter.before_send(method)
        if wait > 0:
            yield Sleep(wait)
        generation = ctx.auth.generation
        outcome = yield Send(build_request(ctx.auth, method, params, api_version, key))

        if isinstance(outcome, TransportFailure):
            if not outcome.sent or repeatable:
                if attempt < policy.max_retries:
                    delay = policy.backoff(attempt)
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
            raise WriteOutcomeUnknownError(
                description=(
                    f"{outcome.kind} after the request was sent ({outcome.detail}): the write "
                    "may or may not have happened; it was not retried to avoid a duplicate"
                ),
                method=method,
            )

        assert isinstance(outcome, HttpReply)
        parsed = parse_reply(outcome, method)
        if isinstance(parsed, Response):
            ctx.limiter.operating.observe(method, parsed.time)
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
        elif outcome.status >= 500:
            if not repeatable:
                raise WriteOutcomeUnknownError(
                    description=(
                        f"the portal answered HTTP {outcome.status} {error.code}"
                        f"{': ' + error.description if error.description else ''}; the write "
                        "may or may not have happened; it was not retried to avoid a duplicate"
                    ),
                    status=outcome.status,
                    method=method,
                )
            delay = hint if hint is not None else policy.backoff(attempt)
        else:
            raise error

        if attempt >= policy.max_retries or delay > policy.max_wait:
            raise error
        logger.info("%s: %s, retry %d in %.2fs", method, error.code, attempt + 1, delay)
        attempt += 1
        yield Sleep(policy.jitter(delay))
