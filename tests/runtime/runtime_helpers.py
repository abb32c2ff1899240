"""Helpers for runtime tests: run a sans-IO flow by hand, answering its effects."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from b24gen_templates.runtime.auth import WebhookAuth
from b24gen_templates.runtime.core import CallContext
from b24gen_templates.runtime.effects import Emit, HttpReply, Refresh, Send, Sleep
from b24gen_templates.runtime.ratelimit import Limiter
from b24gen_templates.runtime.retry import RetryPolicy

SECRET = "whk5ecretTOKENxyz"
WEBHOOK = f"https://portal.example.com/rest/7/{SECRET}/"


def context(*, max_retries: int = 3, rate_limit: Any = None) -> CallContext:
    import random

    return CallContext(
        auth=WebhookAuth(WEBHOOK),
        limiter=Limiter(rate_limit),
        policy=RetryPolicy(max_retries=max_retries, backoff_base=0.1, rng=random.Random(1)),
    )


def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpReply:
    return HttpReply(
        status, {k.lower(): v for k, v in (headers or {}).items()}, json.dumps(body).encode()
    )


class Run:
    """The outcome of driving a flow: its value or exception, and every effect it yielded."""

    def __init__(self) -> None:
        self.sends: list[Send] = []
        self.sleeps: list[float] = []
        self.refreshes: list[int] = []
        self.emitted: list[Any] = []
        self.value: Any = None
        self.error: BaseException | None = None

    def bodies(self) -> list[Any]:
        return [json.loads(s.request.content or b"null") for s in self.sends]


def drive(flow: Any, answer: Callable[[Send, int], Any]) -> Run:
    """Run ``flow``; ``answer(send, index)`` gives the outcome of the index-th Send."""
    run = Run()
    value: Any = None
    while True:
        try:
            effect = flow.send(value)
        except StopIteration as stop:
            run.value = stop.value
            return run
        except Exception as exc:  # noqa: BLE001 - recorded for the test to check
            run.error = exc
            return run
        value = None
        if isinstance(effect, Send):
            run.sends.append(effect)
            value = answer(effect, len(run.sends) - 1)
        elif isinstance(effect, Sleep):
            run.sleeps.append(effect.seconds)
        elif isinstance(effect, Refresh):
            run.refreshes.append(effect.generation)
        elif isinstance(effect, Emit):
            run.emitted.extend(effect.items)
        else:  # pragma: no cover
            raise TypeError(effect)
