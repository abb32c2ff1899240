"""Receiving the portal's event calls: parse, verify, route.

The portal POSTs every event form-encoded, PHP style::

    event=ONCRMLEADADD&event_handler_id=7&data[FIELDS][ID]=1&ts=1742807175
    &auth[domain]=x.bitrix24.com&auth[application_token]=51856f…

``parse_event`` turns such a body into an :class:`Event` and checks
``auth[application_token]`` against the application's own token in constant time: the
token is the only thing that tells a real call from a forged one, since the handler's
address is public. :class:`EventRouter` is a small ASGI application that does the same for
every request and calls the functions registered for the event's name.

Standard library only; the typed ``data`` of each documented event is in the generated
``events`` module of the package (``Event[OnCrmLeadAddData, EventAuth]``).
"""

from __future__ import annotations

import hmac
import inspect
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import unquote_plus

__all__ = [
    "Event",
    "EventError",
    "EventRouter",
    "ForgedEventError",
    "MalformedEventError",
    "parse_event",
    "parse_form",
    "verify_token",
]

D = TypeVar("D")
A = TypeVar("A")

MAX_BODY = 1 << 20  # bytes; an event call is a few kilobytes
MAX_FIELDS = 100_000  # the body limit caps them anyway; parsing is linear
MAX_DEPTH = 16

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


class EventError(ValueError):
    """An event call that must not be processed; ``status`` is the HTTP answer to give."""

    status = 400


class MalformedEventError(EventError):
    """The body is not a well-formed event call."""


class ForgedEventError(EventError):
    """The call's application_token is missing or is not the application's own."""

    status = 401


@dataclass(frozen=True)
class Event(Generic[D, A]):
    """One event call. ``name`` is upper-cased (``ONCRMLEADADD``) whatever the docs' case.

    Every value is a string, as form encoding gives it (``data["FIELDS"]["ID"] == "1"``);
    lists arrive as ``[0]``, ``[1]``… keys and are turned into Python lists.
    """

    name: str
    data: D
    auth: A
    ts: str = ""
    handler_id: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


def _text_of(body: bytes | str) -> str:
    if isinstance(body, bytes):
        if len(body) > MAX_BODY:
            raise MalformedEventError(f"body too large: {len(body)} bytes (limit {MAX_BODY})")
        try:
            text = body.decode("ascii")
        except UnicodeDecodeError as exc:
            raise MalformedEventError(
                f"body is not form-encoded: non-ASCII byte at offset {exc.start}"
            ) from None
    else:
        if len(body) > MAX_BODY:
            raise MalformedEventError(f"body too large: {len(body)} characters (limit {MAX_BODY})")
        text = body
    if not text.strip():
        raise MalformedEventError("empty body: expected event=…&data[…]=…&auth[…]=…")
    return text


def _split_pairs(text: str) -> list[tuple[str, str]]:
    """``key=value`` pieces, still percent-encoded; one linear pass."""
    pieces = text.split("&")
    if len(pieces) > MAX_FIELDS:
        raise MalformedEventError(f"body is not form-encoded: more than {MAX_FIELDS} fields")
    pairs = []
    for piece in pieces:
        key, eq, value = piece.partition("=")
        if not eq:
            raise MalformedEventError(f"body is not form-encoded: bad field {piece[:40]!r}")
        pairs.append((key, value))
    return pairs


def _decode(text: str) -> str:
    if "%" not in text and "+" not in text:
        return text
    try:
        return unquote_plus(text, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise MalformedEventError("a percent-encoded value is not valid UTF-8") from None


def _build(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    # next "[]" index of each container (by id): keeps appends O(1) whatever their number
    counters: dict[int, int] = {}
    # a key repeated (data[A][]=…) is decoded and split once
    paths: dict[str, tuple[str, list[str]]] = {}
    # "name[x][]" keys: the list they append to (a container, once made, stays that object)
    appends: dict[str, dict[str, Any]] = {}
    for key, value in pairs:
        target = appends.get(key)
        if target is not None:
            n = counters.get(id(target), 0)
            counters[id(target)] = n + 1
            target[str(n)] = _decode(value)
            continue
        known = paths.get(key)
        if known is None:
            name = _decode(key)
            known = paths[key] = (name, _key_path(name))
        node = _insert(root, known[1], _decode(value), known[0], counters)
        path = known[1]
        if path[-1] == "" and len(path) > 1 and all(path[:-1]):
            appends[key] = node
    # the top level stays a mapping even when its names are digits
    return {k: _listify(v) if isinstance(v, dict) else v for k, v in root.items()}


def parse_form(body: bytes | str) -> dict[str, Any]:
    """A PHP-style form body -> nested dicts/lists of strings, in time linear in its size.

    ``a[b][c]=1`` -> ``{"a": {"b": {"c": "1"}}}``; ``a[]=x&a[]=y`` and ``a[0]=x&a[1]=y`` ->
    lists. Raises :class:`MalformedEventError` for anything ambiguous or broken: bad
    percent-encoding or UTF-8, unbalanced brackets, a key used both as a value and as a
    container, too many fields or too deep a nesting.
    """
    return _build(_split_pairs(_text_of(body)))


# the auth[...] fields, found in the raw body by one scan (the rest is not even split)
_AUTH_PAIR = re.compile(r"(?:^|&)(auth(?:\[|%5[Bb])[^&=]*)=([^&]*)")


def _key_path(key: str) -> list[str]:
    m = _KEY.match(key)
    if m is None:
        raise MalformedEventError(f"malformed key {key[:80]!r}: unbalanced or misplaced brackets")
    path = [m.group(1)] + _PART.findall(m.group(2))
    if len(path) > MAX_DEPTH:
        raise MalformedEventError(f"key {key[:80]!r} nests deeper than {MAX_DEPTH} levels")
    return path


def _insert(
    node: dict[str, Any], path: list[str], value: str, key: str, counters: dict[int, int]
) -> dict[str, Any]:
    """Put ``value`` at ``path``; the container it went into."""
    last = len(path) - 1
    for i, part in enumerate(path):
        if not part:
            if i == 0:
                raise MalformedEventError(f"malformed key {key[:80]!r}: empty name")
            n = counters.get(id(node), 0)
            counters[id(node)] = n + 1
            part = str(n)
        elif part.isdigit() and _INDEX.match(part):
            n = int(part) + 1
            if n > counters.get(id(node), 0):
                counters[id(node)] = n
        if i == last:
            if part in node:
                raise MalformedEventError(f"key {key[:80]!r} is given twice or also as a container")
            node[part] = value
            return node
        child = node.setdefault(part, {})
        if type(child) is not dict:
            raise MalformedEventError(f"key {key[:80]!r} uses a plain value as a container")
        node = child
    raise AssertionError("a key path is never empty")  # pragma: no cover


# a list index as PHP writes one: no sign, no leading zero, ASCII digits (str.isdigit would
# also take "²" and "٣", and int() refuses strings of more than 4300 digits)
_INDEX = re.compile(r"^(?:0|[1-9][0-9]{0,8})$")


def _listify(node: dict[str, Any]) -> Any:
    """Dicts keyed exactly 0..n-1 become lists, recursively; other dicts stay dicts."""
    out = {k: _listify(v) if isinstance(v, dict) else v for k, v in node.items()}
    if out and all(_INDEX.match(k) for k in out) and {int(k) for k in out} == set(range(len(out))):
        return [out[str(i)] for i in range(len(out))]
    return out


def verify_token(given: object, expected: str) -> None:
    """Raise :class:`ForgedEventError` unless ``given`` is ``expected``; constant time."""
    if not expected:
        raise ValueError("the application's token must be a non-empty string")
    if not isinstance(given, str) or not given:
        raise ForgedEventError("auth[application_token] is missing")
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise ForgedEventError("auth[application_token] is not this application's token")


TokenSource = str | Callable[[Mapping[str, Any]], str | None]


def parse_event(
    body: bytes | str,
    *,
    application_token: TokenSource,
    content_type: str = "application/x-www-form-urlencoded",
) -> Event[dict[str, Any], dict[str, Any]]:
    """Parse and verify one event call.

    ``application_token`` is the token the portal gave the application (in
    ``ONAPPINSTALL``'s ``auth[application_token]``), or a function of the call's ``auth``
    block returning it (an application installed on several portals keys it by
    ``member_id``); a function returning None rejects the call.
    A JSON body is accepted too when ``content_type`` says so.
    """
    if content_type.split(";")[0].strip().lower() == "application/json":
        payload = _parse_json(body)
        if not isinstance(payload, dict):
            raise MalformedEventError("the body must be a set of named fields, not a list")
        auth = payload.get("auth")
        _check_token(auth if isinstance(auth, dict) else {}, application_token)
    else:
        # The token is checked before the rest of the body is decoded: a forged call costs
        # one split of the body, whatever it holds.
        text = _text_of(body)
        auth_pairs = [(m.group(1), m.group(2)) for m in _AUTH_PAIR.finditer(text)]
        auth = _build(auth_pairs).get("auth")
        _check_token(auth if isinstance(auth, dict) else {}, application_token)
        payload = _build(_split_pairs(text))
    name = payload.get("event")
    if not isinstance(name, str) or not name.strip():
        raise MalformedEventError("the 'event' field is missing or empty")
    auth = payload.get("auth")
    if not isinstance(auth, dict):
        raise MalformedEventError("the 'auth' block is missing: auth[application_token]=…")
    data = payload.get("data", {})
    if isinstance(data, list):  # a data block keyed 0..n: keep it addressable by key
        data = {str(i): v for i, v in enumerate(data)}
    if not isinstance(data, dict):
        raise MalformedEventError("'data' must be a block of fields (data[KEY]=…)")
    for scalar in ("ts", "event_handler_id"):
        if not isinstance(payload.get(scalar, ""), (str, int)):
            raise MalformedEventError(f"'{scalar}' must be a single value")
    return Event(
        name=name.strip().upper(),
        data=data,
        auth=auth,
        ts=str(payload.get("ts", "")),
        handler_id=str(payload.get("event_handler_id", "")),
        raw=payload,
    )


def _check_token(auth: Mapping[str, Any], application_token: TokenSource) -> None:
    expected = application_token(auth) if callable(application_token) else application_token
    if expected is None:
        raise ForgedEventError("no application token is known for this portal")
    verify_token(auth.get("application_token"), expected)


def _parse_json(body: bytes | str) -> Any:
    if isinstance(body, bytes) and len(body) > MAX_BODY:
        raise MalformedEventError(f"body too large: {len(body)} bytes (limit {MAX_BODY})")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedEventError(f"body is not valid JSON: {exc}") from None
    except RecursionError:
        raise MalformedEventError("body is not valid JSON: nested too deeply") from None


# -- ASGI --------------------------------------------------------------------------------

Handler = Callable[[Event[Any, Any]], None | Awaitable[None]]
Scope = Mapping[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]


class EventRouter:
    """An ASGI application that receives event calls and routes them by event name.

    ::

        router = EventRouter(application_token=os.environ["B24_APP_TOKEN"])

        @router.on("ONCRMLEADADD")
        async def lead_added(event: OnCrmLeadAddEvent) -> None:
            print(event.data["FIELDS"]["ID"])

        # uvicorn module:router

    Answers: 200 when handled (or when no function is registered for the name: the portal
    need not retry those), 400 for a malformed body, 401 for a wrong token, 405 for
    anything but POST, 413 for an oversized body, 500 when a handler raised.
    """

    def __init__(self, *, application_token: TokenSource, max_body: int = MAX_BODY) -> None:
        if isinstance(application_token, str) and not application_token:
            raise ValueError("application_token must be a non-empty string")
        self._token = application_token
        self._max_body = max_body
        self._handlers: dict[str, list[Handler]] = {}
        self._fallback: list[Handler] = []

    def on(self, *names: str) -> Callable[[Handler], Handler]:
        """Register the decorated function for these event names (any case); none: every event."""

        def register(fn: Handler) -> Handler:
            if not names:
                self._fallback.append(fn)
            for n in names:
                self._handlers.setdefault(n.strip().upper(), []).append(fn)
            return fn

        return register

    def handlers_for(self, name: str) -> list[Handler]:
        return self._handlers.get(name.upper(), []) + self._fallback

    @property
    def event_names(self) -> Iterable[str]:
        return sorted(self._handlers)

    async def dispatch(self, event: Event[Any, Any]) -> int:
        """Call every function registered for ``event``; the number called."""
        called = 0
        for fn in self.handlers_for(event.name):
            result = fn(event)
            if inspect.isawaitable(result):
                await result
            called += 1
        return called

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope.get("method") != "POST":
            await _answer(send, 405, "method_not_allowed", "event calls are POST requests")
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body = await _read_body(receive, self._max_body)
        if body is None:
            await _answer(send, 413, "body_too_large", f"more than {self._max_body} bytes")
            return
        try:
            event = parse_event(
                body,
                application_token=self._token,
                content_type=headers.get("content-type", "application/x-www-form-urlencoded"),
            )
        except EventError as exc:
            code = "forged_event" if isinstance(exc, ForgedEventError) else "malformed_event"
            await _answer(send, exc.status, code, str(exc))
            return
        try:
            called = await self.dispatch(event)
        except Exception as exc:  # noqa: BLE001 -- the portal only needs to know it failed
            await _answer(send, 500, "handler_error", f"{type(exc).__name__} in handler")
            return
        await _send_json(send, 200, {"result": "handled" if called else "ignored"})


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _answer(send: Send, status: int, error: str, description: str) -> None:
    await _send_json(send, status, {"error": error, "error_description": description})


async def _send_json(send: Send, status: int, payload: Mapping[str, Any]) -> None:
    body = json.dumps(payload).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
