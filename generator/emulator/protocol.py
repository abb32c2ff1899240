"""uvicorn's h11 protocol with the read timeouts a portal's front end has.

uvicorn times out only the idle gap *between* requests (``timeout_keep_alive``): a client
that connects and sends nothing, or trickles its headers a byte at a time, holds the
connection forever. Here the request head must arrive within ``header_timeout`` of its first
byte (or of the connection), and a body may not stall longer than ``body_timeout``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 30.0


class TimedH11Protocol(H11Protocol):
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None
        self._waiting_for = ""  # "head", "body" or "" (nothing owed by the client)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm("head", self.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow_state()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next request's idle wait is uvicorn's keep-alive timer; ours restarts with its
        # first byte (data_received).
        self._disarm()

    def _follow_state(self) -> None:
        if self.transport.is_closing():
            self._disarm()
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            if self._waiting_for != "head":  # a new head has begun: its deadline is fixed
                self._arm("head", self.header_timeout)
        elif state is h11.SEND_BODY:
            self._arm("body", self.body_timeout)  # every chunk restarts the stall clock
        else:
            self._disarm()

    def _arm(self, what: str, seconds: float) -> None:
        self._disarm()
        self._waiting_for = what
        self._read_timer = self.loop.call_later(seconds, self._on_timeout)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
        self._read_timer = None
        self._waiting_for = ""

    def _on_timeout(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        if self._waiting_for == "body" and self.flow.read_paused:
            # We stopped reading (the app has not taken the last chunk yet): not the
            # client's stall.
            self._arm("body", self.body_timeout)
            return
        self._waiting_for = ""
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.close()


def timed_protocol(header_timeout: float, body_timeout: float) -> type[TimedH11Protocol]:
    """A protocol class with these timeouts (uvicorn's ``http=`` takes a class)."""
    return type(
        "TimedH11Protocol",
        (TimedH11Protocol,),
        {"header_timeout": header_timeout, "body_timeout": body_timeout},
    )
