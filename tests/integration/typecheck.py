"""Does a JSON value fit a generated return annotation? A structural check of what the
generated package promises: TypedDicts (their keys' types; required keys present), lists,
unions, Literals, scalars. ``Any`` fits everything; a TypedDict is open (records carry
fields the docs do not list, UF_* among them)."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

_SCALARS = {int: (int,), float: (int, float), str: (str,), bool: (bool,)}


def mismatch(value: Any, annotation: Any, path: str = "result") -> str | None:
    """Where ``value`` breaks ``annotation``, or None when it fits."""
    if annotation is Any or annotation is object:
        return None
    if annotation is None or annotation is type(None):
        return None if value is None else f"{path}: {type(value).__name__}, not None"
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        found = [mismatch(value, arm, path) for arm in get_args(annotation)]
        return None if any(f is None for f in found) else found[0]
    if origin is Literal:
        return None if value in get_args(annotation) else f"{path}: {value!r} not in {annotation}"
    if origin in (typing.Required, typing.NotRequired):
        return mismatch(value, get_args(annotation)[0], path)
    if typing.is_typeddict(annotation):
        if not isinstance(value, dict):
            return f"{path}: {type(value).__name__}, not {annotation.__name__}"
        hints = typing.get_type_hints(annotation)
        for key in annotation.__required_keys__:
            if key not in value:
                return f"{path}: required key {key!r} of {annotation.__name__} missing"
        for key, hint in hints.items():
            if key in value:
                found = mismatch(value[key], hint, f"{path}.{key}")
                if found:
                    return found
        return None
    if origin in (list, typing.Sequence) or annotation in (list,):
        if not isinstance(value, list):
            return f"{path}: {type(value).__name__}, not a list"
        (item,) = get_args(annotation) or (Any,)
        for i, v in enumerate(value):
            found = mismatch(v, item, f"{path}[{i}]")
            if found:
                return found
        return None
    if origin in (dict, typing.Mapping) or annotation in (dict,):
        return None if isinstance(value, dict) else f"{path}: {type(value).__name__}, not dict"
    if annotation in _SCALARS:
        ok = isinstance(value, _SCALARS[annotation]) and (
            annotation is bool or not isinstance(value, bool)
        )
        return (
            None if ok else f"{path}: {type(value).__name__} {value!r}, not {annotation.__name__}"
        )
    return None  # a runtime class (Page, …): its own tests cover it
