"""Read a docs folder into an ``ApiModel``: discovery, worker processes, shared knowledge.

- Pages are read from ``api-reference/`` when the folder has one (the layout of the real
  docs), else from the whole folder; ``_includes`` fragments are never pages.
- ``system-errors.md`` is read once into ``ApiModel.system_errors``; other fragments that
  carry tables are spliced into the pages that include them (cached per process).
- Pages are split across worker processes (fork) when there are enough of them to pay for
  it; results are merged in path order, so the model does not depend on scheduling.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from generator.extract.errors import read_error_table
from generator.extract.page import PageResult, extract_page
from generator.extract.text import code_spans, plain
from generator.model import ApiModel, Diagnostic, ErrorCode, Event, Method, TypeDef
from generator.yfm.parser import Block, Heading, Table, blank_unused_sections, parse_blocks

PARALLEL_THRESHOLD = 200  # below this many pages, worker start-up costs more than it saves


class DocsError(Exception):
    """The docs folder cannot be read at all (missing, not a folder, no pages)."""


_ROOT: Path | None = None
_FRAGMENTS: dict[str, list[Block] | None] = {}


def _load_fragment(rel: str, target: str) -> list[Block] | None:
    assert _ROOT is not None
    if target.startswith("/"):
        path = (_ROOT / target.lstrip("/")).resolve()
    else:
        path = ((_ROOT / rel).parent / target).resolve()
    key = str(path)
    if key not in _FRAGMENTS:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            _FRAGMENTS[key] = None
        else:
            _FRAGMENTS[key] = parse_blocks(blank_unused_sections(text))
    return _FRAGMENTS[key]


def _read_one(args: tuple[str, str]) -> PageResult:
    root, rel = args
    global _ROOT
    if _ROOT is None or str(_ROOT) != root:
        _ROOT = Path(root)
        _FRAGMENTS.clear()
    try:
        text = (Path(root) / rel).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        res = PageResult(source=rel, kind="skipped")
        res.diagnostics.append(Diagnostic(rel, 0, f"cannot read: {exc}", "unreadable"))
        return res
    res = extract_page(rel, text, _load_fragment)
    if "\ufffd" in text:
        res.diagnostics.append(Diagnostic(rel, 1, "file is not valid UTF-8; bad bytes replaced", "encoding"))
    return res


def discover(root: Path) -> list[str]:
    """Page paths relative to ``root``, POSIX style, sorted by code point (locale-free)."""
    base = root / "api-reference" if (root / "api-reference").is_dir() else root
    out = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        for f in filenames:
            if f.endswith(".md") and not f.startswith("_"):
                p = Path(dirpath) / f
                out.append(PurePosixPath(p.relative_to(root)).as_posix())
    out.sort()
    return out


def _find_system_errors(root: Path) -> Path | None:
    for cand in (root / "_includes" / "system-errors.md", root / "api-reference" / "_includes" / "system-errors.md"):
        if cand.is_file():
            return cand
    return None


def read_system_errors(root: Path) -> tuple[ErrorCode, ...]:
    path = _find_system_errors(root)
    if path is None:
        return ()
    blocks = parse_blocks(path.read_text(encoding="utf-8", errors="replace"))
    out: list[ErrorCode] = []
    for b in blocks:
        if isinstance(b, Table):
            out.extend(read_error_table(b) or [])
    return tuple(out)


def read_types(root: Path) -> tuple[TypeDef, ...]:
    """Type names defined on the data-types.md pages (tables of `name` | meaning, or headings)."""
    base = root / "api-reference" if (root / "api-reference").is_dir() else root
    pages = sorted(base.rglob("data-types.md"))
    seen: dict[str, TypeDef] = {}
    for page in pages:
        rel = PurePosixPath(page.relative_to(root)).as_posix()
        blocks = parse_blocks(page.read_text(encoding="utf-8", errors="replace"))
        for b in blocks:
            if isinstance(b, Table):
                for row in b.rows[1:]:
                    if len(row) < 2:
                        continue
                    spans = code_spans(row[0].text)
                    for name in spans[:1]:
                        if name and name not in seen and len(name) < 60:
                            seen[name] = TypeDef(name, plain(row[1].text)[:500], rel)
            elif isinstance(b, Heading) and b.level >= 2:
                words = b.text.replace("`", "").split()
                if len(words) == 1 and words[0].replace("_", "").isalnum() and words[0] not in seen:
                    seen[words[0]] = TypeDef(words[0], "", rel)
    return tuple(sorted(seen.values(), key=lambda t: t.name))


def _results(root: Path, pages: list[str], jobs: int) -> Iterator[PageResult]:
    args = [(str(root), p) for p in pages]
    if jobs <= 1 or len(pages) < PARALLEL_THRESHOLD:
        yield from map(_read_one, args)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(jobs) as pool:
        yield from pool.imap(_read_one, args, chunksize=16)


def read_docs(path: Path | str, *, progress: bool = False, jobs: int | None = None) -> ApiModel:
    root = Path(path)
    if not root.is_dir():
        raise DocsError(f"{root}: not a folder of docs")
    pages = discover(root)
    if not pages:
        raise DocsError(f"{root}: no Markdown pages found")
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    results: Iterable[PageResult] = _results(root, pages, jobs)
    if progress:
        from tqdm import tqdm

        results = tqdm(results, total=len(pages), desc=f"reading {root.name}", unit="page", file=sys.stderr)
    methods: list[Method] = []
    events: list[Event] = []
    diagnostics: list[Diagnostic] = []
    stats: Counter[str] = Counter(pages=len(pages))
    for res in results:
        diagnostics.extend(res.diagnostics)
        stats.update(res.stats)
        if res.method is not None:
            methods.append(res.method)
        if res.event is not None:
            events.append(res.event)
    return ApiModel(
        methods=tuple(methods),
        events=tuple(events),
        diagnostics=tuple(diagnostics),
        system_errors=read_system_errors(root),
        types=read_types(root),
        stats=tuple(sorted(stats.items())),
    )
