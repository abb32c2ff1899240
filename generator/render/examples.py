"""Returned-data rows completed from a page's response example.

Where a returned-data table leaves an object without its keys (or there is no table), the
example shows them; the rows made here carry the types the example's JSON values have.
"""

from __future__ import annotations

from dataclasses import replace

from generator.model import Param

_EXAMPLE_TYPES = ((bool, "boolean"), (int, "integer"), (float, "double"), (str, "string"))


def record(value: object) -> dict[str, object] | None:
    """``value`` when it is a record (string keys, not a numeric-keyed map), else None."""
    if not isinstance(value, dict) or not value:
        return None
    if any(not isinstance(k, str) or k.isdigit() for k in value):
        return None
    return value


def params_from_example(rec: dict[str, object], depth: int = 0) -> tuple[Param, ...]:
    """What the response example shows, as returned-data rows (types as the example has them)."""
    out = []
    for key, value in rec.items():
        children: tuple[Param, ...] = ()
        sub = record(value)
        if isinstance(value, list) and value:
            sub = record(value[0])
        if sub is not None and depth < 3:
            children = params_from_example(sub, depth + 1)
            typ = "object[]" if isinstance(value, list) else "object"
        elif isinstance(value, list):
            typ = "array"
        elif isinstance(value, dict):
            typ = "object"
        else:
            typ = next((t for py, t in _EXAMPLE_TYPES if isinstance(value, py)), "")
        out.append(Param(name=key, type=typ, children=children))
    return tuple(out)


def with_example(members: tuple[Param, ...], example: object) -> tuple[Param, ...]:
    """Returned-data rows, completed from the example where the table leaves objects empty."""
    rec = record(example)
    if rec is None:
        return members
    if not members:
        return params_from_example(rec)
    done = []
    for m in members:
        value = rec.get(m.name)
        sub = record(value[0] if isinstance(value, list) and value else value)
        if not m.children and sub is not None:
            m = replace(m, children=params_from_example(sub, 1))
        done.append(m)
    return tuple(done)
