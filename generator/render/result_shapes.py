"""The shape of a response example: records in a page, a map keyed by id or field name (of
records, or of plain values: ``dict[str, T]``), a wrapper level around the record the table
documents, keys the example shows and the table does not (read by
``render/annotations.py``)."""

from __future__ import annotations

import re
from typing import Any

from generator.model import Param, is_wire_name
from generator.render.user_keys import family_prefixes
from generator.vocabulary import examples as vx
from generator.vocabulary import types as vocab
from generator.vocabulary.annotation import Ann, union


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


_ID_KEY = re.compile(r"-?[0-9]+")


def id_keyed_values(value: Any) -> list[Any] | None:
    """The values of a map keyed by id whose values are not records (``{"1417": "n5065"}``,
    ``{"0": ["read"], "5": ["read"]}``), or None for anything else."""
    if not isinstance(value, dict) or not value:
        return None
    if not all(_ID_KEY.fullmatch(k) for k in value):
        return None
    if all(isinstance(v, dict) for v in value.values()):
        return None  # records keyed by id: ``keyed_records``
    return list(value.values())


def undocumented_keys(params: tuple[Param, ...], recs: list[dict[str, Any]]) -> tuple[Param, ...]:
    """Keys the response example shows and the table does not list: the portal sends them
    (a key of a documented user-field family, ``UF_CRM_1721...``, stays out: it is not a
    key of every portal)."""
    names = {p.name for p in params if is_wire_name(p.name)}
    prefixes = family_prefixes(params)
    extra: dict[str, str] = {}
    for rec in recs:
        for key, value in rec.items():
            if key not in names and not key.startswith(prefixes) and not key.isdigit():
                extra.setdefault(key, vx.example_type(value))
    return tuple(Param(name=key, type=typ) for key, typ in extra.items())


def id_map_ann(values: list[Any], by_id: list[list[Any] | None], api_version: int) -> Ann:
    """``dict[str, T]`` of the id-keyed maps shown, with whatever else the example shows."""
    inner = [x for found in by_id if found for x in found]
    ann = Ann("dict", (vocab.STR, vx.narrow_to_example("", inner, api_version)))
    others = [v for v, found in zip(values, by_id) if not found]
    return union(ann, vx.narrow_to_example("", others, api_version)) if others else ann
