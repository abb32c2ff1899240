"""``ApiDiff`` as text (terminal), Markdown (PR comments, job summaries) or JSON (tools)."""

from __future__ import annotations

import json
from typing import Any

from generator.drift.diff import KINDS, ApiDiff, Change, ItemChanges, namespace_of


def render_diff(
    diff: ApiDiff,
    fmt: str,
    *,
    old_label: str = "OLD",
    new_label: str = "NEW",
    budget: int | None = None,
) -> str:
    """``budget``: at most this many bytes of Markdown besides the breaking changes."""
    if fmt == "json":
        return json.dumps(diff.to_dict(), ensure_ascii=False, indent=1) + "\n"
    if fmt == "markdown":
        return _markdown(diff, old_label, new_label, budget or MARKDOWN_BUDGET)
    if fmt == "text":
        return _text(diff, old_label, new_label)
    raise ValueError(f"unknown format {fmt!r}")


def _headline(diff: ApiDiff) -> str:
    if diff.empty:
        return "No API changes."
    n_changes = sum(len(i.changes) for i in diff.changed)
    parts = [
        f"{len(diff.added)} methods added",
        f"{len(diff.removed)} removed",
        f"{len(diff.deprecated)} deprecated",
        f"{len(diff.changed)} changed ({n_changes} changes)",
        (
            f"events: {len(diff.events_added)} added, {len(diff.events_removed)} removed, "
            f"{len(diff.events_changed)} changed"
        ),
    ]
    return "; ".join(parts) + f". Breaking changes: {diff.breaking_count}."


def _value(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(str(x) for x in v) or "—"
    return str(v) if v != "" else '""'


def describe(c: Change) -> str:
    """One change as a phrase: ``parameter made required: fields.TITLE (no -> yes)``."""
    what = KINDS.get(c.kind, c.kind)
    subject = f": {c.param}" if c.param else ""
    if c.kind in ("param_added", "result_field_added"):
        detail = f" ({c.new})" if c.new else ""
    elif (
        c.kind in ("param_removed", "result_field_removed")
        or c.kind.startswith("error_")
        or c.kind in ("deprecated", "undeprecated")
    ):
        detail = ""
    else:
        detail = f" ({_value(c.old)} -> {_value(c.new)})"
    moved = c.old_annotation is not None and (c.old, c.new) != (c.old_annotation, c.new_annotation)
    if moved:
        detail += f" [SDK: {c.old_annotation} -> {c.new_annotation}]"
    return f"{what}{subject}{detail}"


# -- text --------------------------------------------------------------------


def _text(diff: ApiDiff, old_label: str, new_label: str) -> str:
    lines = [f"API changes {old_label} -> {new_label}", _headline(diff)]

    def names(title: str, items: tuple[str, ...], mark: str, note: str = "") -> None:
        if items:
            lines.append("")
            lines.append(f"{title} ({len(items)}){note}:")
            lines.extend(f"  {mark} {n}" for n in items)

    def changed(title: str, items: tuple[ItemChanges, ...]) -> None:
        if items:
            lines.append("")
            lines.append(f"{title} ({len(items)}):")
            for item in items:
                lines.append(f"  {item.name}")
                for c in item.changes:
                    flag = "!" if c.breaking else " "
                    tail = "  [breaking]" if c.breaking else ""
                    lines.append(f"   {flag} {describe(c)}{tail}")

    names("Removed methods", diff.removed, "-", " [breaking]")
    names("Added methods", diff.added, "+")
    names("Deprecated methods", diff.deprecated, "~")
    changed("Changed methods", diff.changed)
    names("Removed events", diff.events_removed, "-", " [breaking]")
    names("Added events", diff.events_added, "+")
    names("Deprecated events", diff.events_deprecated, "~")
    changed("Changed events", diff.events_changed)
    return "\n".join(lines) + "\n"


# -- Markdown ----------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# GitHub refuses a job summary over 1 MiB; stay well under it, whatever the diff.
MARKDOWN_BUDGET = 800_000


def grouped(
    diff: ApiDiff, *, breaking: bool, events: bool = False
) -> dict[str, dict[str, list[str]]]:
    """namespace -> item label -> phrases, of the breaking (or the other) changes.

    Removed items are breaking entries of their own ("removed"); added and deprecated ones
    are listed by the caller. Namespaces, and items within each, in name order.
    """
    out: dict[str, dict[str, list[str]]] = {}
    removed = diff.events_removed if events else diff.removed
    changed = diff.events_changed if events else diff.changed
    # event names are not dotted ("onCrmLeadAdd"): they make one group
    ns_of = (lambda name: "events") if events else namespace_of
    if breaking:
        for name in removed:
            out.setdefault(ns_of(name), {}).setdefault(name, []).append("removed")
    for item in changed:
        phrases = [describe(c) for c in item.changes if c.breaking == breaking]
        if phrases:
            out.setdefault(ns_of(item.name), {}).setdefault(item.name, []).extend(phrases)
    return {ns: dict(sorted(out[ns].items(), key=lambda kv: kv[0].lower())) for ns in sorted(out)}


def grouped_lines(groups: dict[str, dict[str, list[str]]], heading: str = "####") -> list[str]:
    """Markdown: a heading per namespace, a bullet per method, a sub-bullet per change."""
    lines: list[str] = []
    for ns, items in groups.items():
        count = sum(len(p) for p in items.values())
        lines += ["", f"{heading} `{ns}` ({len(items)} item(s), {count} change(s))", ""]
        for name, phrases in items.items():
            if phrases == ["removed"]:
                lines.append(f"- `{name}`: removed")
                continue
            lines.append(f"- `{name}`")
            lines.extend(f"  - {_md_escape(p)}" for p in phrases)
    return lines


def _names_by_namespace(items: tuple[str, ...]) -> list[str]:
    by_ns: dict[str, list[str]] = {}
    for name in items:
        by_ns.setdefault(namespace_of(name), []).append(name)
    return [
        f"- `{ns}`: " + ", ".join(f"`{n}`" for n in names) for ns, names in sorted(by_ns.items())
    ]


def _markdown(diff: ApiDiff, old_label: str, new_label: str, budget: int = MARKDOWN_BUDGET) -> str:
    """Breaking changes in full and first, grouped by namespace and method; the rest folded
    in <details>, cut to ``budget`` bytes (with a note saying how much was left out) so
    that it fits a job summary."""
    head = [f"## API changes: `{old_label}` → `{new_label}`", "", _headline(diff)]
    breaking: list[str] = []
    if diff.breaking:
        head += ["", f"> **{diff.breaking_count} breaking change(s).**"]
        for title, events in (("Breaking changes", False), ("Breaking changes to events", True)):
            lines = grouped_lines(grouped(diff, breaking=True, events=events))
            if lines:
                breaking += ["", f"### {title}", *lines]
    folded: list[tuple[str, list[str]]] = []  # (title, lines) shown folded, cut if needed
    for title, items in (
        ("Added methods", diff.added),
        ("Deprecated methods", diff.deprecated),
        ("Added events", diff.events_added),
        ("Deprecated events", diff.events_deprecated),
    ):
        if items:
            folded.append((f"{title} ({len(items)})", _names_by_namespace(items)))
    for title, events in (("Other changes", False), ("Other changes to events", True)):
        groups = grouped(diff, breaking=False, events=events)
        count = sum(len(p) for items in groups.values() for p in items.values())
        if count:
            folded.append((f"{title} ({count})", grouped_lines(groups)[1:]))

    out = head + breaking
    room = budget - sum(len(line.encode()) + 1 for line in out)
    left_out = 0
    for title, lines in folded:
        keep: list[str] = []
        for line in lines:
            size = len(line.encode()) + 1
            if size > room:
                break
            keep.append(line)
            room -= size
        left_out += sum(1 for line in lines[len(keep) :] if line)
        if keep:
            out += ["", "<details>", f"<summary>{title}</summary>", "", *keep, "", "</details>"]
    if left_out:
        note = f"_{left_out} more line(s) left out to fit a job summary; run `b24gen diff` "
        out += ["", note + "locally for the full list._"]
    return "\n".join(out) + "\n"
