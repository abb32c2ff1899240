"""The runtime of a generated Bitrix24 client (copied verbatim as ``<pkg>/_runtime``).

Depends on httpx only. The logic is a sans-IO core (``core``, ``batch``, ``paging``,
``ratelimit``, ``retry``, ``auth``, ``response``) run by thin sync and async drivers
(``client``).
"""

from .auth import OAuthTokens
from .batch import BatchResult
from .client import AsyncTransportClient, SyncTransportClient
from .errors import (
    Bitrix24Error,
    TransportError,
    WriteOutcomeUnknownError,
    register,
)
from .ratelimit import RateLimit
from .response import Page, Response
from .types import NOT_GIVEN, NotGiven

__all__ = [
    "NOT_GIVEN",
    "AsyncTransportClient",
    "BatchResult",
    "Bitrix24Error",
    "NotGiven",
    "OAuthTokens",
    "Page",
    "RateLimit",
    "Response",
    "SyncTransportClient",
    "TransportError",
    "WriteOutcomeUnknownError",
    "register",
]
