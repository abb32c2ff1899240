"""Reading the portal's answers: results with their metadata, or typed errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .effects import HttpReply
from .errors import Bitrix24Error, InvalidAnswerError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Page",
    "Response",
    "error_from_body",
    "extract_items",
    "items_key",
    "parse_reply",
]


ResultT_co = TypeVar("ResultT_co", covariant=True)
OtherT = TypeVar("OtherT")


@dataclass(frozen=True)
class Response(Generic[ResultT_co]):
    """A successful answer: ``result`` and the metadata around it.

    ``replayed`` is true when a REST 3.0 portal answered a repeated write from its
    idempotency store (``Idempotent-Replayed: true``): the write ran once, earlier.
    ``http`` is the ``httpx.Response`` the answer came in (``None`` inside a batch).
    Typed methods' ``.raw(...)`` give ``Response[TheirResult]``; ``call_raw`` gives
    ``Response[Any]``.
    """

    result: ResultT_co
    time: Mapping[str, Any] | None = None
    total: int | None = None
    next: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    http: httpx.Response | None = field(default=None, repr=False, compare=False)

    def replace(self, *, result: OtherT) -> Response[OtherT]:
        """The same answer with another ``result`` (a ``Page`` made of the records)."""
        return _replace(self, result=result)  # type: ignore[return-value,arg-type]

    @property
    def replayed(self) -> bool:
        return str(self.headers.get("idempotent-replayed", "")).strip().lower() in ("true", "1")

    @property
    def operating(self) -> float:
        """Seconds of the method's operating-time budget this call used."""
        value = (self.time or {}).get("operating")
        return float(value) if isinstance(value, (int, float)) else 0.0


ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class Page(Generic[ItemT]):
    """One page of a ``*.list`` method: its records and where the next page starts.

    Generated methods say what a record is (``Page[DealItem]``); ``Page`` alone is
    ``Page[Any]``."""

    items: list[ItemT]
    total: int | None = None
    next: int | None = None
    time: Mapping[str, Any] | None = None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def error_from_body(body: Any, *, status: int | None, method: str | None) -> Bitrix24Error | None:
    """The error an answer body carries (REST 2 or REST 3.0 format), or ``None``.

    The code is kept exactly as sent: ``{"error": "", "error_description": "Not found."}`` is
    an error with an empty code (its class is found by its text). Only ``null``/``false``, or
    an empty code with no description beside a ``result``, mean "no error".
    A ``result`` sent beside an error is kept on the exception (``.result``).
    """
    if not isinstance(body, Mapping) or "error" not in body:
        return None
    error = body["error"]
    if error is None or error is False:
        return None
    if isinstance(error, Mapping):  # REST 3.0: {"error": {"code", "message", "validation"}}
        code = error.get("code")
        message = error.get("message") or error.get("description") or ""
        validation = error.get("validation") or ()
        if not isinstance(validation, (list, tuple)):
            validation = ()
        items = [v if isinstance(v, Mapping) else {"message": str(v)} for v in validation]
        exc = Bitrix24Error.from_answer(
            "" if code is None else str(code),
            str(message),
            status=status,
            method=method,
            validation=items,
        )
    else:
        code = "" if error is True else str(error)
        description = body.get("error_description") or body.get("error_message") or ""
        if not code.strip() and not description and "result" in body:
            return None  # {"result": ..., "error": ""}: a success with an empty error field
        exc = Bitrix24Error.from_answer(code, str(description), status=status, method=method)
    if "result" in body:
        exc.result = body["result"]
    return exc


def parse_reply(reply: HttpReply, method: str) -> Response[Any] | Bitrix24Error:
    """A :class:`Response`, or the error the answer means (returned, for the retry logic)."""
    try:
        body = json.loads(reply.content) if reply.content.strip() else None
    except ValueError:
        body = None
    error = error_from_body(body, status=reply.status, method=method)
    if error is not None:
        return error
    if reply.status >= 400 or not isinstance(body, Mapping) or "result" not in body:
        code = {
            401: "UNAUTHORIZED",
            403: "ACCESS_DENIED",
            404: "NOT_FOUND",
            429: "OPERATION_TIME_LIMIT",
        }.get(reply.status, f"HTTP_{reply.status}")
        if reply.status == 503 and body is None:
            code = "SERVICE_UNAVAILABLE"
        text = reply.content[:200].decode("utf-8", "replace").strip()
        if reply.status < 400:
            return InvalidAnswerError(
                description=(
                    f"an answer that is not a portal answer: {text}"
                    if text
                    else ("an empty answer")
                ),
                status=reply.status,
                method=method,
            )
        what = "an error page"
        return Bitrix24Error.from_answer(
            code, f"{what}: {text}" if text else what, status=reply.status, method=method
        )
    time = body.get("time")
    return Response(
        result=body["result"],
        time=time if isinstance(time, Mapping) else None,
        total=_int_or_none(body.get("total")),
        next=_int_or_none(body.get("next")),
        raw=body,
        headers=reply.headers,
        http=reply.http,
    )


def items_key(result: Any) -> str | None:
    """The key under which a list result keeps its records (``items``, ``tasks``...), if any."""
    if isinstance(result, Mapping):
        if isinstance(result.get("items"), list):
            return "items"
        lists = [key for key, value in result.items() if isinstance(value, list)]
        if len(lists) == 1:
            return str(lists[0])
    return None


def extract_items(result: Any) -> list[Any]:
    """The records of a ``*.list`` result: a bare list or a ``{"items": [...]}``-style wrapper."""
    if isinstance(result, list):
        return result
    if result is None:
        return []
    if isinstance(result, Mapping):
        key = items_key(result)
        if key is not None:
            items: list[Any] = result[key]
            return items
        if not result:
            return []
        values = list(result.values())
        # Some methods key records by ID: {"12": {...}, "15": {...}}.
        if all(isinstance(value, Mapping) for value in values):
            return values
    raise TypeError(
        f"a list method answered a {type(result).__name__} that holds no list of records"
    )
