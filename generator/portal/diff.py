"""``b24gen portal diff OLD.json NEW.json``: what changed in a portal's own fields.

The same breaking rules as ``b24gen diff`` (``generator.drift.diff``), applied to fields:
a field (or smart process) removed, a required field added, a field made required, a type
or multiplicity changed, list values removed: breaking (code written against OLD fails or
gets another shape); a field or smart process added (optional), a field made optional, list
values added, labels changed: not breaking. Changes use ``drift.diff.Change`` and its kind
names, so tools reading one JSON read the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from generator.drift.diff import KINDS, Change
from generator.portal.snapshot import PortalField, PortalSnapshot

LABELS = "param_labels"
PORTAL_KINDS = {**KINDS, LABELS: "labels changed", "param_multiple": "multiplicity changed"}


@dataclass(frozen=True)
class Changed:
    name: str  # "crm.deal", "crm.smart.invoice"
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class PortalDiff:
    added: tuple[str, ...] = ()  # smart processes (crm.smart.<name>)
    removed: tuple[str, ...] = ()
    changed: tuple[Changed, ...] = ()

    @property
    def breaking_count(self) -> int:
        return len(self.removed) + sum(c.breaking for i in self.changed for c in i.changes)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [
                {"name": i.name, "changes": [c.to_dict() for c in i.changes]} for i in self.changed
            ],
            "breaking": self.breaking_count,
        }


def _groups(snap: PortalSnapshot) -> dict[str, tuple[PortalField, ...]]:
    out = {e.name: e.fields for e in snap.entities}
    for s in snap.smart_processes:
        out[f"crm.smart.{s.name}"] = s.fields
    return out


def _field_changes(old: PortalField, new: PortalField) -> list[Change]:
    name = new.name
    out: list[Change] = []
    if old.type != new.type:
        out.append(Change("param_type", name, old.type, new.type, True))
    if old.multiple != new.multiple:
        out.append(Change("param_multiple", name, old.multiple, new.multiple, True))
    if old.required != new.required:
        kind = "param_required" if new.required else "param_optional"
        out.append(Change(kind, name, old.required, new.required, new.required))
    if old.read_only != new.read_only:
        # A field that became read-only can no longer be written: breaking for writers.
        out.append(Change("param_type", name, "read-only" if old.read_only else "writable",
                          "read-only" if new.read_only else "writable", new.read_only))  # fmt: skip
    old_ids = {v.id for v in old.values}
    new_ids = {v.id for v in new.values}
    if old_ids != new_ids:
        out.append(
            Change("param_values", name, sorted(old_ids), sorted(new_ids), bool(old_ids - new_ids))
        )
    old_texts = (old.labels, tuple((v.id, v.value) for v in old.values if v.id in new_ids))
    new_texts = (new.labels, tuple((v.id, v.value) for v in new.values if v.id in old_ids))
    if old_texts != new_texts:
        out.append(Change(LABELS, name, dict(old.labels), dict(new.labels), False))
    return out


def _process_changes(old: PortalSnapshot, new: PortalSnapshot, group: str) -> list[Change]:
    """A smart process kept its name: did its number (breaking) or its title change?"""
    if not group.startswith("crm.smart."):
        return []
    name = group.removeprefix("crm.smart.")
    a = next(s for s in old.smart_processes if s.name == name)
    b = next(s for s in new.smart_processes if s.name == name)
    out = []
    if a.entity_type_id != b.entity_type_id:
        out.append(Change("param_type", "entityTypeId", a.entity_type_id, b.entity_type_id, True))
    if a.title != b.title:
        out.append(Change(LABELS, "title", a.title, b.title, False))
    return out


def diff_snapshots(old: PortalSnapshot, new: PortalSnapshot) -> PortalDiff:
    a, b = _groups(old), _groups(new)
    added = tuple(sorted(n for n in b.keys() - a.keys() if n.startswith("crm.smart.")))
    removed = tuple(sorted(n for n in a.keys() - b.keys() if n.startswith("crm.smart.")))
    changed = []
    for group in sorted(a.keys() | b.keys()):
        if group in added or group in removed:
            continue
        fa = {f.name: f for f in a.get(group, ())}
        fb = {f.name: f for f in b.get(group, ())}
        changes: list[Change] = []
        for name in sorted(fa.keys() | fb.keys()):
            if name not in fb:
                changes.append(Change("param_removed", name, fa[name].type, None, True))
            elif name not in fa:
                req = fb[name].required and not fb[name].read_only
                changes.append(Change("param_added", name, None, fb[name].type, req))
            else:
                changes.extend(_field_changes(fa[name], fb[name]))
        changes = _process_changes(old, new, group) + changes
        if changes:
            changed.append(Changed(group, tuple(changes)))
    return PortalDiff(added, removed, tuple(changed))


def render_portal_diff(diff: PortalDiff, fmt: str, *, old_label: str, new_label: str) -> str:
    if fmt == "json":
        return json.dumps(diff.to_dict(), ensure_ascii=False, indent=1) + "\n"
    md = fmt == "markdown"
    if diff.empty:
        return f"No portal changes between {old_label} and {new_label}.\n"
    n = sum(len(i.changes) for i in diff.changed)
    lines = [
        ("## " if md else "")
        + f"Portal changes {old_label} -> {new_label}: {len(diff.added)} smart processes "
        f"added, {len(diff.removed)} removed, {n} field changes, "
        f"{diff.breaking_count} breaking",
        "",
    ]
    bullet = "- " if md else "  "
    for name in diff.added:
        lines.append(f"{bullet}added    {name}")
    for name in diff.removed:
        lines.append(f"{bullet}removed  {name}  [breaking]")
    for item in diff.changed:
        lines.append(("### " if md else "") + item.name)
        for c in item.changes:
            mark = "  [breaking]" if c.breaking else ""
            what = PORTAL_KINDS.get(c.kind, c.kind)
            detail = "" if c.kind in ("param_added", "param_removed") else f": {c.old} -> {c.new}"
            code = f"`{c.param}`" if md else c.param
            lines.append(f"{bullet}{what} {code}{detail}{mark}")
    return "\n".join(lines) + "\n"
