"""Is the generated tree in sync with the docs? Only generator-owned files count."""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass
from importlib.machinery import BYTECODE_SUFFIXES, EXTENSION_SUFFIXES
from pathlib import Path

from generator.render.files import (
    MANIFEST_NAME,
    content_hash,
    pending_transaction,
    plan_tree,
)
from generator.render.owned import PathGuard

DIFF_LINES = 12  # per file: enough to see what changed, short enough for a hook's output


@dataclass(frozen=True)
class CheckResult:
    out: Path
    stale: tuple[str, ...]  # generated file differs from what the docs give now
    missing: tuple[str, ...]  # should exist, does not
    orphaned: tuple[str, ...]  # generated earlier, no longer part of the output
    unowned: tuple[str, ...]  # a file we did not write sits where a generated one goes
    manifest_stale: bool
    interrupted: Path | None  # an interrupted `generate` left its transaction here
    shadows: tuple[str, ...] = ()  # not generated, imported instead of a generated module
    unsafe: tuple[str, ...] = ()  # generated path behind a symlinked folder

    @property
    def in_sync(self) -> bool:
        return not (
            self.stale
            or self.missing
            or self.orphaned
            or self.unowned
            or self.manifest_stale
            or self.shadows
            or self.unsafe
        )

    @property
    def problem_count(self) -> int:
        return sum(
            map(
                len,
                (self.stale, self.missing, self.orphaned, self.unowned, self.shadows, self.unsafe),
            )
        )


def check_tree(out: Path, files: dict[str, str]) -> CheckResult:
    out = Path(out)
    plan = plan_tree(out, files)
    return CheckResult(
        out=out,
        stale=plan.update,
        missing=plan.create,
        orphaned=plan.delete,
        unowned=plan.conflicts,
        manifest_stale=plan.manifest_stale,
        interrupted=pending_transaction(out),
        shadows=shadowing_files(out, files),
        unsafe=plan.unsafe,
    )


def _shadow_candidates(rel: str) -> list[str]:
    """Paths that Python (or a type checker) would take instead of the module ``rel``:
    a package of the same name (``crm/__init__.py``, even compiled only) or an extension
    module (``crm.cpython-311-x86_64-linux-gnu.so``), which the import system tries first."""
    for ext in (".py", ".pyi"):
        if rel.endswith(ext) and not rel.endswith("/__init__" + ext):
            base = rel[: -len(ext)]
            inits = [".py", ".pyi", *BYTECODE_SUFFIXES, *EXTENSION_SUFFIXES]
            return [f"{base}/__init__{s}" for s in inits] + [base + s for s in EXTENSION_SUFFIXES]
    return []


def shadowing_files(out: Path, files: dict[str, str]) -> tuple[str, ...]:
    """Files the generator did not write that shadow a generated module."""
    found = {
        cand
        for rel in files
        for cand in _shadow_candidates(rel)
        if cand not in files and os.path.lexists(Path(out) / cand)
    }
    return tuple(sorted(found))


def matches_manifest(out: Path, manifest: str) -> int | None:
    """The number of generated files when ``out`` holds exactly what ``manifest`` (the
    text ``write_tree`` writes) lists, byte for byte, each reached without a symlink and
    none shadowed; ``None`` when anything differs (the full check then says what)."""
    out = Path(out)
    guard = PathGuard(out)
    try:
        if (out / MANIFEST_NAME).read_text(encoding="utf-8") != manifest:
            return None
        files = json.loads(manifest)["files"]
        for rel, digest in files.items():
            if guard.blocker(rel) is not None or guard.is_link(rel):
                return None
            if content_hash((out / rel).read_bytes()) != digest:
                return None
        if shadowing_files(out, files):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return len(files)


def short_diff(old: str, new: str, name: str, limit: int = DIFF_LINES) -> list[str]:
    lines = list(
        difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            f"{name} (on disk)",
            f"{name} (from the docs)",
            n=1,
            lineterm="",
        )
    )
    if len(lines) > limit + 2:
        hidden = len(lines) - limit - 2
        lines = lines[: limit + 2] + [f"... {hidden} more diff line(s)"]
    return lines


def report_lines(result: CheckResult, files: dict[str, str], *, fix_hint: str) -> list[str]:
    out = result.out
    if result.in_sync:
        return [f"{out}: in sync ({len(files)} generated files)"]
    counts = []
    for label, items in (
        ("stale", result.stale),
        ("missing", result.missing),
        ("orphaned", result.orphaned),
        ("not ours", result.unowned),
        ("shadowing", result.shadows),
        ("behind a symlink", result.unsafe),
    ):
        if items:
            counts.append(f"{len(items)} {label}")
    head = f"{out}: out of date with the docs"
    lines = [f"{head} ({', '.join(counts) or 'manifest only'}):"]
    for rel in result.stale:
        current = (out / rel).read_text(encoding="utf-8", errors="replace")
        lines.append(f"stale     {out / rel}")
        lines.extend("    " + d for d in short_diff(current, files[rel], rel))
    for rel in result.missing:
        lines.append(f"missing   {out / rel}")
    for rel in result.orphaned:
        lines.append(f"orphaned  {out / rel}  (no longer generated; generate deletes it)")
    for rel in result.unowned:
        lines.append(
            f"not ours  {out / rel}  (not in {MANIFEST_NAME}; generate refuses to overwrite it)"
        )
    for rel in result.shadows:
        lines.append(f"shadows   {out / rel}  (not generated; Python imports it instead)")
    for rel in result.unsafe:
        lines.append(f"symlink   {out / rel}  (a folder on its way is a symlink; generate refuses)")
    if result.manifest_stale and not result.problem_count:
        lines.append(f"stale     {out / MANIFEST_NAME}  (the list of generated files)")
    if result.interrupted is not None:
        lines.append(
            f"note: an interrupted generate left {result.interrupted}; generate completes it"
        )
    lines.append(f"Fix: {fix_hint}")
    return lines
