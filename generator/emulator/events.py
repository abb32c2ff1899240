"""Outgoing event calls, as a portal makes them: a form-encoded POST with PHP-style keys
(``event=ONCRMLEADADD&data[FIELDS][ID]=1&ts=…&auth[application_token]=…``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx

log = logging.getLogger("b24gen.emulator.events")


def php_pairs(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested dicts/lists into ``a[b][0]=x`` pairs."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        if value is None:
            text = ""
        elif isinstance(value, bool):
            text = "1" if value else "0"
        else:
            text = str(value)
        return [(prefix, text)]
    out: list[tuple[str, str]] = []
    for k, v in items:
        key = f"{prefix}[{k}]" if prefix else str(k)
        out.extend(php_pairs(v, key))
    return out


def encode_event(payload: dict[str, Any]) -> str:
    return urlencode(php_pairs(payload))


class EventSender:
    def __init__(
        self,
        handler_url: str | None,
        *,
        application_token: str,
        domain: str,
        clock: Callable[[], float],
        timeout: float = 5.0,
    ) -> None:
        self.handler_url = handler_url
        self.application_token = application_token
        self.domain = domain
        self.clock = clock
        self.timeout = timeout
        self.sent: list[dict[str, Any]] = []  # payloads delivered (2xx), in order
        self.failed = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._last: asyncio.Task[None] | None = None
        self._handler_id = 1

    def payload(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "event": event,
            "event_handler_id": str(self._handler_id),
            "data": data,
            "ts": str(int(self.clock())),
            "auth": {
                "domain": self.domain,
                "client_endpoint": f"http://{self.domain}/rest/",
                "server_endpoint": f"http://{self.domain}/rest/",
                "member_id": "b24gen-emulator",
                "application_token": self.application_token,
            },
        }

    def fire(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        """Queue the events; they go out after the answer, in the order they happened."""
        if not self.handler_url or not events:
            return
        payloads = [self.payload(name, data) for name, data in events]
        # Each batch of events waits for the previous one: the handler sees them in order.
        task = asyncio.get_running_loop().create_task(self._send(payloads, self._last))
        self._last = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(
        self, payloads: list[dict[str, Any]], previous: asyncio.Task[None] | None
    ) -> None:
        assert self.handler_url
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            for payload in payloads:
                try:
                    resp = await client.post(
                        self.handler_url,
                        content=encode_event(payload),
                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                    )
                    if resp.is_success:
                        self.sent.append(payload)
                    else:
                        self.failed += 1
                        log.warning(
                            "event handler answered %s for %s", resp.status_code, payload["event"]
                        )
                except httpx.HTTPError as exc:
                    self.failed += 1
                    log.warning("event %s not delivered: %s", payload["event"], type(exc).__name__)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
