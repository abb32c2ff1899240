"""``ApiDiff`` as text (terminal), Markdown (PR comments, job summaries) or JSON (tools)."""

from __future__ import annotations

import json
from typing import Any

from generator.drift.diff import KINDS, ApiDiff, Change, ItemChanges


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


def _markdown(diff: ApiDiff, old_label: str, new_label: str, budget: int = MARKDOWN_BUDGET) -> str:
    """Breaking changes in full and first; the rest folded in <details>, cut to ``budget``
    bytes (with a note saying how much was left out) so that it fits a job summary."""
    head = [f"## API changes: `{old_label}` → `{new_label}`", "", _headline(diff)]
    if diff.breaking:
        head += ["", f"> **{diff.breaking_count} breaking change(s).**"]
    breaking: list[str] = []
    folded: list[tuple[str, list[str]]] = []  # (title, lines) shown folded, cut if needed

    def names(title: str, items: tuple[str, ...], *, important: bool) -> None:
        if not items:
            return
        lines = [f"- `{n}`" for n in items]
        if important:
            breaking.extend(["", f"### {title} ({len(items)})", "", *lines])
        else:
            folded.append((f"{title} ({len(items)})", lines))

    def table(title: str, items: tuple[ItemChanges, ...], who: str) -> None:
        if not items:
            return
        header = [f"| {who} | Change | Breaking |", "|---|---|---|"]
        hard = [
            f"| `{i.name}` | {_md_escape(describe(c))} | **yes** |"
            for i in items
            for c in i.changes
            if c.breaking
        ]
        soft = [
            f"| `{i.name}` | {_md_escape(describe(c))} | no |"
            for i in items
            for c in i.changes
            if not c.breaking
        ]
        if hard:
            breaking.extend(["", f"### {title}: breaking ({len(hard)})", "", *header, *hard])
        if soft:
            folded.append((f"{title}: other changes ({len(soft)})", header + soft))

    names("Removed methods (breaking)", diff.removed, important=True)
    names("Removed events (breaking)", diff.events_removed, important=True)
    table("Changed methods", diff.changed, "Method")
    table("Changed events", diff.events_changed, "Event")
    names("Added methods", diff.added, important=False)
    names("Deprecated methods", diff.deprecated, important=False)
    names("Added events", diff.events_added, important=False)
    names("Deprecated events", diff.events_deprecated, important=False)

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
        is_table = lines[0].startswith("| ")
        if is_table and len(keep) <= 2:
            keep = []  # a table header without rows
        left_out += len(lines) - len(keep) - (2 if is_table and not keep else 0)
        if keep:
            out += ["", "<details>", f"<summary>{title}</summary>", "", *keep, "", "</details>"]
    if left_out:
        note = f"_{left_out} more line(s) left out to fit a job summary; run `b24gen diff` "
        out += ["", note + "locally for the full list._"]
    return "\n".join(out) + "\n"
