"""``ApiDiff`` as text (terminal), Markdown (PR comments, job summaries) or JSON (tools)."""

from __future__ import annotations

import json
from typing import Any

from generator.drift.diff import KINDS, ApiDiff, Change, ItemChanges


def render_diff(diff: ApiDiff, fmt: str, *, old_label: str = "OLD", new_label: str = "NEW") -> str:
    if fmt == "json":
        return json.dumps(diff.to_dict(), ensure_ascii=False, indent=1) + "\n"
    if fmt == "markdown":
        return _markdown(diff, old_label, new_label)
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
    if c.kind in ("param_added", "result_field_added") and c.new:
        detail = f" ({c.new})"
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


def _markdown(diff: ApiDiff, old_label: str, new_label: str) -> str:
    out = [f"## API changes: `{old_label}` → `{new_label}`", "", _headline(diff)]
    if diff.breaking:
        out += ["", f"> **{diff.breaking_count} breaking change(s).**"]

    def names(title: str, items: tuple[str, ...]) -> None:
        if items:
            out.extend(["", f"### {title} ({len(items)})", ""])
            out.extend(f"- `{n}`" for n in items)

    def table(title: str, items: tuple[ItemChanges, ...], who: str) -> None:
        if not items:
            return
        out.extend(["", f"### {title} ({len(items)})", ""])
        breaking = [i for i in items if i.breaking]
        rest = [i for i in items if not i.breaking]
        out.extend([f"| {who} | Change | Breaking |", "|---|---|---|"])
        for item in breaking + rest:
            for c in item.changes:
                mark = "**yes**" if c.breaking else "no"
                out.append(f"| `{item.name}` | {_md_escape(describe(c))} | {mark} |")

    names("Removed methods (breaking)", diff.removed)
    names("Added methods", diff.added)
    names("Deprecated methods", diff.deprecated)
    table("Changed methods", diff.changed, "Method")
    names("Removed events (breaking)", diff.events_removed)
    names("Added events", diff.events_added)
    names("Deprecated events", diff.events_deprecated)
    table("Changed events", diff.events_changed, "Event")
    return "\n".join(out) + "\n"
