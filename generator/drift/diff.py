"""The API changelog between two models: what was added, removed, deprecated and changed.

Changes are found in the docs (a parameter removed, a type respelled, a result field
added) and judged by what they do to the generated SDK (``classify``): every change carries
``breaking``, true exactly when a call that type-checked against the old generated SDK no
longer does, or code using the old return value no longer does:

- method/event removed; a parameter gone from the signature (or from a TypedDict); a
  required argument or key added; one made required; an annotation that accepts less
  (``str`` -> ``int``, ``Any`` -> ``int``, ``dict[str, Any]`` -> a TypedDict); a return
  annotation a user of the old one cannot use (a key gone, a new ``| bool``, a list
  instead of a record): breaking;
- added, deprecated, optional parameters and keys, parameters made optional, widened
  argument annotations, narrowed return annotations, error codes, result fields added:
  not breaking;
- a type change that maps to the same annotation (``int[]`` and ``integer[]``) is not a
  change at all and is not reported.

Events have no generated signature; their payload types are compared through the same
annotation mapping (a respelling is no change, a removed field breaks a handler).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.drift.change import KINDS as KINDS  # re-exported: the diff's vocabulary
from generator.drift.change import Change
from generator.drift.classify import judge_method
from generator.drift.compat import reads
from generator.drift.surface import method_surfaces, surface_key, type_shape
from generator.model import ApiModel, ErrorCode, Event, Method, Param, walk_params


@dataclass(frozen=True)
class ItemChanges:
    name: str
    changes: tuple[Change, ...]

    @property
    def namespace(self) -> str:
        """The top-level namespace (``crm`` for ``crm.lead.add``), as the SDK groups it."""
        return namespace_of(self.name)

    @property
    def breaking(self) -> bool:
        return any(c.breaking for c in self.changes)


@dataclass(frozen=True)
class ApiDiff:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    deprecated: tuple[str, ...] = ()  # deprecated in NEW, not in OLD (also under changed)
    changed: tuple[ItemChanges, ...] = ()
    events_added: tuple[str, ...] = ()
    events_removed: tuple[str, ...] = ()
    events_deprecated: tuple[str, ...] = ()
    events_changed: tuple[ItemChanges, ...] = ()

    @property
    def breaking_count(self) -> int:
        return (
            len(self.removed)
            + len(self.events_removed)
            + sum(c.breaking for item in self.changed + self.events_changed for c in item.changes)
        )

    @property
    def breaking(self) -> bool:
        return self.breaking_count > 0

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.events_added
            or self.events_removed
            or self.events_changed
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (docs/drift.md): ``added``/``removed``/``changed`` are fixed."""
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "deprecated": list(self.deprecated),
            "changed": [
                {
                    "method": item.name,
                    "namespace": item.namespace,
                    "changes": [c.to_dict() for c in item.changes],
                }
                for item in self.changed
            ],
            "events": {
                "added": list(self.events_added),
                "removed": list(self.events_removed),
                "deprecated": list(self.events_deprecated),
                "changed": [
                    {"event": item.name, "changes": [c.to_dict() for c in item.changes]}
                    for item in self.events_changed
                ],
            },
            "breaking": self.breaking_count,
        }


# -- comparing ---------------------------------------------------------------


def namespace_of(label: str) -> str:
    """``crm.lead.add`` -> ``crm``; ``tasks.task.get@v3`` -> ``tasks``; ``user`` -> ``user``."""
    return label.split("@", 1)[0].split(".", 1)[0]


def method_label(m: Method) -> str:
    """How a method is named in the changelog: REST 3 pages get an ``@v3`` suffix."""
    return m.name if m.api_version == 2 else f"{m.name}@v{m.api_version}"


def diff_models(old: ApiModel, new: ApiModel) -> ApiDiff:
    old_methods = _index(old.methods, lambda m: (m.name.lower(), m.api_version))
    new_methods = _index(new.methods, lambda m: (m.name.lower(), m.api_version))
    added = [method_label(new_methods[k]) for k in new_methods.keys() - old_methods.keys()]
    removed = [method_label(old_methods[k]) for k in old_methods.keys() - new_methods.keys()]
    deprecated: list[str] = []
    changed: list[ItemChanges] = []
    old_sdk, new_sdk = method_surfaces(old), method_surfaces(new)
    for key in sorted(old_methods.keys() & new_methods.keys()):
        a, b = old_methods[key], new_methods[key]
        changes = judge_method(
            _method_changes(a, b),
            old_sdk.get(surface_key(a.name, a.api_version, a.source, a.line)),
            new_sdk.get(surface_key(b.name, b.api_version, b.source, b.line)),
        )
        if b.deprecated and not a.deprecated:
            deprecated.append(method_label(b))
        if changes:
            changed.append(ItemChanges(method_label(b), tuple(changes)))

    old_events = _index(old.events, lambda e: e.name.lower())
    new_events = _index(new.events, lambda e: e.name.lower())
    ev_deprecated: list[str] = []
    ev_changed: list[ItemChanges] = []
    for key in sorted(old_events.keys() & new_events.keys()):
        a, b = old_events[key], new_events[key]
        changes = _event_changes(a, b)
        if b.deprecated and not a.deprecated:
            ev_deprecated.append(b.name)
        if changes:
            ev_changed.append(ItemChanges(b.name, tuple(changes)))
    return ApiDiff(
        added=tuple(sorted(added, key=str.lower)),
        removed=tuple(sorted(removed, key=str.lower)),
        deprecated=tuple(sorted(deprecated, key=str.lower)),
        changed=tuple(sorted(changed, key=lambda i: i.name.lower())),
        events_added=tuple(
            sorted(
                (new_events[k].name for k in new_events.keys() - old_events.keys()), key=str.lower
            )
        ),
        events_removed=tuple(
            sorted(
                (old_events[k].name for k in old_events.keys() - new_events.keys()), key=str.lower
            )
        ),
        events_deprecated=tuple(sorted(ev_deprecated, key=str.lower)),
        events_changed=tuple(sorted(ev_changed, key=lambda i: i.name.lower())),
    )


def _index(items: Iterable[Any], key) -> dict[Any, Any]:
    # A name documented twice (copies of a page) counts once: the first by source path,
    # so the choice does not depend on the order pages were read in.
    found: dict[Any, Any] = {}
    for item in sorted(items, key=lambda i: (i.source, i.line, i.name)):
        found.setdefault(key(item), item)
    return found


def _method_changes(a: Method, b: Method) -> list[Change]:
    out: list[Change] = []
    if a.name != b.name:
        out.append(Change("name_case", None, a.name, b.name, False))
    if a.deprecated != b.deprecated:
        kind = "deprecated" if b.deprecated else "undeprecated"
        out.append(Change(kind, None, a.deprecated, b.deprecated, False))
    if b.deprecated and a.replacement != b.replacement and b.replacement:
        out.append(Change("replacement", None, a.replacement, b.replacement, False))
    out += _param_changes(a.params, b.params)
    out += _error_changes(a.errors, b.errors)
    out += _result_changes(a, b)
    return out


def _event_changes(a: Event, b: Event) -> list[Change]:
    out: list[Change] = []
    if a.deprecated != b.deprecated:
        kind = "deprecated" if b.deprecated else "undeprecated"
        out.append(Change(kind, None, a.deprecated, b.deprecated, False))
    # An event payload is what the handler receives: a field that disappears breaks the
    # handler, a new one does not; "required" means nothing for a payload.
    for c in _param_changes(a.params, b.params):
        if c.kind in ("param_required", "param_optional"):
            continue
        if c.kind == "param_added":
            c = Change(c.kind, c.param, c.old, c.new, False)
        if c.kind == "param_type":
            (old_shape, old_text), (new_shape, new_text) = type_shape(c.old), type_shape(c.new)
            if old_shape == new_shape:
                continue  # a respelling: the handler sees the same annotation
            breaking = not reads(new_shape, old_shape)
            c = Change(c.kind, c.param, c.old, c.new, breaking, old_text, new_text)
        out.append(c)
    return out


def _paths(params: Iterable[Param]) -> dict[str, Param]:
    found: dict[str, Param] = {}
    for path, p in walk_params(params):
        found.setdefault(path, p)
    return found


def _pair_paths(old: dict[str, Param], new: dict[str, Param]):
    """Match parameter paths exactly, then case-insensitively among the leftovers."""
    pairs = [(p, p) for p in old if p in new]
    left_old = {p.lower(): p for p in old if p not in new}
    left_new = {p.lower(): p for p in new if p not in old}
    pairs += [(left_old[k], left_new[k]) for k in left_old.keys() & left_new.keys()]
    gone = sorted(v for k, v in left_old.items() if k not in left_new)
    came = sorted(v for k, v in left_new.items() if k not in left_old)
    return sorted(pairs), gone, came


def _param_changes(old_params: tuple[Param, ...], new_params: tuple[Param, ...]) -> list[Change]:
    old, new = _paths(old_params), _paths(new_params)
    pairs, gone, came = _pair_paths(old, new)
    out: list[Change] = []
    gone_set = set(gone)
    for path in gone:
        # Reported once at the top: the children of a removed object go with it.
        if _has_ancestor(path, gone_set):
            continue
        out.append(Change("param_removed", path, old[path].type or None, None, True))
    came_set = set(came)
    for path in came:
        p = new[path]
        if _has_ancestor(path, came_set):
            continue
        # A new required member of an existing object binds every caller who sends it.
        out.append(Change("param_added", path, None, p.type or None, p.required))
    for op, np in pairs:
        a, b = old[op], new[np]
        if a.required != b.required:
            kind = "param_required" if b.required else "param_optional"
            out.append(Change(kind, np, a.required, b.required, b.required))
        if a.type != b.type:
            out.append(
                Change("param_type", np, a.type, b.type, _type_change_breaks(a.type, b.type))
            )
        if a.values and b.values and set(a.values) != set(b.values):
            dropped = set(a.values) - set(b.values)
            out.append(Change("param_values", np, list(a.values), list(b.values), bool(dropped)))
    return out


def _has_ancestor(path: str, paths: set[str]) -> bool:
    parts = path.split(".")
    return any(".".join(parts[:i]) in paths for i in range(1, len(parts)))


# Spellings the docs use interchangeably; "unknown" is the docs saying nothing.
_TYPE_ALIASES = {"int": "integer", "bool": "boolean", "str": "string", "unknown": ""}


def _alternatives(type_expr: str) -> frozenset[str]:
    found = set()
    for t in type_expr.split("|"):
        t = t.strip().lower()
        t = _TYPE_ALIASES.get(t, t)
        if t:
            found.add(t)
    return frozenset(found)


def _same_type(old: str, new: str) -> bool:
    return _alternatives(old) == _alternatives(new)


def _type_change_breaks(old: str, new: str) -> bool:
    a, b = _alternatives(old), _alternatives(new)
    if not a or not b:
        return False  # documented for the first time, or the docs lost it
    return not a <= b


def _error_changes(old: tuple[ErrorCode, ...], new: tuple[ErrorCode, ...]) -> list[Change]:
    a = {e.code for e in old if e.code}
    b = {e.code for e in new if e.code}
    out = [Change("error_added", code, None, code, False) for code in sorted(b - a)]
    out += [Change("error_removed", code, code, None, False) for code in sorted(a - b)]
    return out


_VAGUE_SHAPES = {"unknown", ""}


def _result_changes(a: Method, b: Method) -> list[Change]:
    ra, rb = a.returns, b.returns
    out: list[Change] = []
    if ra.shape != rb.shape:
        vague = ra.shape in _VAGUE_SHAPES or rb.shape in _VAGUE_SHAPES
        out.append(Change("result_shape", None, ra.shape, rb.shape, not vague))
    if not _same_type(ra.type, rb.type):
        out.append(
            Change("result_type", None, ra.type, rb.type, _type_change_breaks(ra.type, rb.type))
        )
    if ra.paged != rb.paged:
        out.append(Change("result_paged", None, ra.paged, rb.paged, True))
    old, new = _paths(ra.fields), _paths(rb.fields)
    pairs, gone, came = _pair_paths(old, new)
    gone_set, came_set = set(gone), set(came)
    for path in gone:
        if not _has_ancestor(path, gone_set):
            out.append(Change("result_field_removed", path, old[path].type or None, None, True))
    for path in came:
        if not _has_ancestor(path, came_set):
            out.append(Change("result_field_added", path, None, new[path].type or None, False))
    for op, np in pairs:
        ta, tb = old[op].type, new[np].type
        if not _same_type(ta, tb):
            # A result field that gains alternatives can surprise a reader of the old
            # type, so for results only a newly documented type is harmless.
            breaking = bool(_alternatives(ta) and _alternatives(tb))
            out.append(Change("result_field_type", np, ta, tb, breaking))
    return out
