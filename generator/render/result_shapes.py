"""The shape of a response example: records in a page, a map keyed by id or field name, a
wrapper level around the record the table documents (read by ``render/annotations.py``)."""

from __future__ import annotations

from typing import Any

from generator.model import Param


def records_in(value: Any) -> list[dict[str, Any]]:
    """The objects of a list (none for anything else)."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def keyed_records(value: dict[str, Any], members: tuple[Param, ...]) -> list[dict] | None:
    """The records of a map keyed by id or field name ({"12": {...}}, {"TITLE": {...}}), or
    None when ``value`` is itself the record the members describe."""
    if len(value) < 1 or not all(isinstance(v, dict) for v in value.values()):
        return None
    if all(k.isdigit() for k in value):
        return list(value.values())
    names = {m.name for m in members}
    if not names:
        return None
    inner_hits = sum(1 for v in value.values() for k in v if k in names) / len(value)
    outer_hits = sum(1 for k in value if k in names)
    if len(value) >= 2 and inner_hits >= 1 and outer_hits <= len(value) / 4:
        return list(value.values())
    return None


def page_items(example: object) -> list[dict[str, Any]]:
    """The records of a list method's example: a list, ``{"items": [...]}``, ``{"tasks": [...]}``
    or a map keyed by id."""
    if isinstance(example, list):
        return [v for v in example if isinstance(v, dict)]
    if isinstance(example, dict):
        lists = [v for v in example.values() if isinstance(v, list)]
        if len(lists) == 1 or "items" in example:
            chosen = example.get("items", lists[0] if lists else [])
            return [v for v in chosen if isinstance(v, dict)] if isinstance(chosen, list) else []
        if example and all(isinstance(v, dict) for v in example.values()):
            return list(example.values())
    return []


def names_in(members: tuple[Param, ...], recs: list[dict[str, Any]]) -> bool:
    """Whether the first record shows a documented key (no records: whether any is documented)."""
    if not recs:
        return bool(members)
    names = {m.name for m in members}
    return any(k in names for k in recs[0])


def merge_rows(members: tuple[Param, ...], found: tuple[Param, ...]) -> tuple[Param, ...]:
    """The documented rows, then those only the example shows."""
    names = {m.name for m in members}
    return members + tuple(f for f in found if f.name not in names)


def wrapper_level(example: dict[str, Any], members: tuple[Param, ...]) -> tuple[str, dict] | None:
    """``{"booking": {...}}`` where the table documents the inner record: the wrapper key."""
    if len(example) != 1 or not members:
        return None
    ((key, inner),) = example.items()
    names = {m.name for m in members}
    if key in names:
        return None
    recs = [inner] if isinstance(inner, dict) else records_in(inner)
    if recs and any(k in names for k in recs[0]):
        return key, recs[0]
    return None
