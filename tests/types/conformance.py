"""Does a JSON value (a response example's ``result``) fit a generated annotation?

A small structural checker over ``typing.get_type_hints``: the annotation is taken as a
user's type checker reads it. ``strict`` also rejects keys a TypedDict does not declare
(a user reading them gets a type error), unless the TypedDict declares extra items.
"""

from __future__ import annotations

import types
import typing
from typing import Any

import typing_extensions

_REQ = {
    typing.Required,
    typing.NotRequired,
    typing_extensions.Required,
    typing_extensions.NotRequired,
}
_REQ |= {getattr(typing, "ReadOnly", typing.Required), typing_extensions.ReadOnly}


def problem(value: Any, hint: Any, *, strict: bool = True, path: str = "result") -> str | None:
    """The first place ``value`` does not fit ``hint`` ("path: why"), or None when it fits."""
    if hint is Any or hint is object:
        return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in _REQ or origin is typing.Annotated:
        return problem(value, args[0], strict=strict, path=path)
    if hint is None or hint is type(None):
        return None if value is None else f"{path}: {_show(value)} where None is declared"
    if origin is typing.Union or origin is types.UnionType:
        found = [problem(value, a, strict=strict, path=path) for a in args]
        if any(f is None for f in found):
            return None
        return min((f for f in found if f), key=len)
    if origin is typing.Literal:
        return (
            None
            if any(value == a and type(value) is type(a) for a in args)
            else (f"{path}: {_show(value)} is not one of {list(args)}")
        )
    if hint is bool:
        return None if isinstance(value, bool) else f"{path}: {_show(value)} is not bool"
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else f"{path}: {_show(value)} is not int"
    if hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else f"{path}: {_show(value)} is not float"
    if hint is str:
        return None if isinstance(value, str) else f"{path}: {_show(value)} is not str"
    if origin in (list, typing.Sequence, tuple) or hint is list:
        if not isinstance(value, list):
            return f"{path}: {_show(value)} is not a list"
        item = args[0] if args else Any
        for i, v in enumerate(value):
            p = problem(v, item, strict=strict, path=f"{path}[{i}]")
            if p:
                return p
        return None
    if origin in (dict, typing.Mapping) or hint is dict:
        if not isinstance(value, dict):
            return f"{path}: {_show(value)} is not a map"
        item = args[1] if len(args) == 2 else Any
        for k, v in value.items():
            p = problem(v, item, strict=strict, path=f"{path}[{k!r}]")
            if p:
                return p
        return None
    if typing_extensions.is_typeddict(hint):
        return _typeddict(value, hint, strict, path)
    if isinstance(hint, type) and getattr(hint, "__name__", "") == "Page":
        return None  # a bare Page: its items are list[Any]
    if origin is not None and getattr(origin, "__name__", "") == "Page":
        return None  # checked by the caller on the extracted items
    return f"{path}: annotation {hint!r} is not understood by the checker"


def _typeddict(value: Any, td: Any, strict: bool, path: str) -> str | None:
    if not isinstance(value, dict):
        return f"{path}: {_show(value)} is not an object ({td.__name__})"
    hints = typing.get_type_hints(td, include_extras=True)
    for key in getattr(td, "__required_keys__", ()):
        if key not in value:
            return f"{path}: required key {key!r} is missing ({td.__name__})"
    extra = getattr(td, "__extra_items__", None)
    closed = getattr(td, "__closed__", None)
    for k, v in value.items():
        if k in hints:
            p = problem(v, hints[k], strict=strict, path=f"{path}[{k!r}]")
        elif extra is not None and extra is not typing_extensions.NoExtraItems:
            p = problem(v, extra, strict=strict, path=f"{path}[{k!r}]")
        elif strict or closed:
            p = f"{path}: key {k!r} is not declared ({td.__name__})"
        else:
            p = None
        if p:
            return p
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_any(hint: Any) -> bool:
    return hint is Any


def untyped_page(hint: Any) -> bool:
    """A bare ``Page`` or ``Page[Any]``: the records are not typed."""
    origin = typing.get_origin(hint) or hint
    args = typing.get_args(hint)
    return getattr(origin, "__name__", "") == "Page" and (not args or args[0] is Any)
