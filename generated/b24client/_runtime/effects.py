"""What the sans-IO core asks its drivers to do, and what they answer.

The core's flows are generators: they yield an effect (send this request, sleep this long,
refresh the token, hand these records to the caller) and receive its outcome. The sync and
async drivers perform effects with httpx and ``time``/``asyncio``; nothing else differs.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from .redact import scrub

__all__ = [
    "Effect",
    "Emit",
    "FailureKind",
    "Flow",
    "HttpReply",
    "HttpRequest",
    "Refresh",
    "Send",
    "Sleep",
    "TransportFailure",
]

T = TypeVar("T")


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request, fully built (URL with its query, headers, encoded body)."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes | None = None

    def __repr__(self) -> str:
        return scrub(f"HttpRequest({self.method} {self.url})")


@dataclass(frozen=True)
class HttpReply:
    """An HTTP answer: status, headers with lower-case names, raw body."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    http: Any = field(default=None, compare=False)  # the httpx.Response, for .raw(...)

    def __repr__(self) -> str:
        return f"HttpReply(status={self.status}, {len(self.content)} bytes)"


# connect: refused or unreachable, the request never left (safe to repeat any call);
# timeout/reset/protocol: the request may have been received and executed.
FailureKind = Literal["connect", "timeout", "reset", "protocol", "other"]


@dataclass(frozen=True)
class TransportFailure:
    """The HTTP library raised instead of answering; already scrubbed of secrets."""

    kind: FailureKind
    sent: bool
    detail: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", scrub(self.detail))


@dataclass(frozen=True)
class Send:
    """Send ``request``; ``timeout`` caps this attempt in total (seconds left of the call's
    deadline), on top of the client's own per-attempt ``timeout``."""

    request: HttpRequest
    timeout: float | None = None


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Refresh:
    """Refresh the OAuth tokens unless their generation moved on since ``generation``."""

    generation: int


@dataclass(frozen=True)
class Emit:
    """Records for the caller of a streaming flow (``iterate``)."""

    items: list[Any]


Effect = Send | Sleep | Refresh | Emit
# Outcomes sent back: Send -> HttpReply | TransportFailure; Sleep, Refresh, Emit -> None.
Flow = Generator[Effect, Any, T]
