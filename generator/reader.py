"""Read a docs folder into an ``ApiModel``: discovery, worker processes, shared knowledge.

- Pages are read from ``api-reference/`` when the folder has one (the layout of the real
  docs), else from the whole folder; ``_includes`` fragments are never pages.
- ``system-errors.md`` is read once into ``ApiModel.system_errors``; other fragments that
  carry tables are spliced into the pages that include them (cached per process).
- Pages are split across worker processes (fork) when there are enough of them to pay for
  it; results are merged in path order, so the model does not depend on scheduling.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from generator.extract.errors import read_error_table
from generator.extract.sections import nested_object_name
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
                # "## Объект time {#time}", "### crm_status"
                name = nested_object_name(b.text)
                if name and name.replace("_", "").isalnum() and name.isascii() and name not in seen:
                    seen[name] = TypeDef(name, "", rel)
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


class PageCache:
    """Per-page reader results in one pickle, keyed by content hashes (see ``read_docs``)."""

    def __init__(self, cache_dir: Path, root: Path, pages: list[str]) -> None:
        self.pages = pages
        self.file = cache_dir / "reader-pages.pickle"
        salt = hashlib.sha256(_reader_fingerprint().encode())
        for frag in sorted(root.rglob("_includes/**/*.md")):
            salt.update(frag.as_posix().encode())
            salt.update(frag.read_bytes())
        self.keys: dict[str, str] = {}
        for rel in pages:
            h = salt.copy()
            h.update(rel.encode())
            h.update((root / rel).read_bytes())
            self.keys[rel] = h.hexdigest()
        self.stored: dict[str, tuple[str, PageResult]] = {}
        try:
            with self.file.open("rb") as fh:
                self.stored = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.stored = {}

    def missing(self) -> list[str]:
        return [p for p in self.pages if self.stored.get(p, ("",))[0] != self.keys[p]]

    def merge(self, fresh: Iterable[PageResult]) -> list[PageResult]:
        new = {r.source: r for r in fresh}
        out = [new[p] if p in new else self.stored[p][1] for p in self.pages]
        if new or len(self.stored) != len(self.pages):
            data = {r.source: (self.keys[r.source], r) for r in out}
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        return out


def _reader_fingerprint() -> str:
    """Hash of the reader's own sources: a changed reader invalidates every cached page."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted([here / "reader.py", here / "model.py", *(here / "yfm").glob("*.py"), *(here / "extract").glob("*.py")]):
        h.update(f.read_bytes())
    return h.hexdigest()


def read_docs(
    path: Path | str,
    *,
    progress: bool = False,
    jobs: int | None = None,
    cache_dir: Path | str | None = None,
) -> ApiModel:
    """Read the docs folder ``path`` into a model.

    With ``cache_dir``, each page's result is kept under a key made of the page's bytes, the
    bytes of every ``_includes`` fragment and the reader's own source, so a run after a
    one-page edit re-reads one page.
    """
    root = Path(path)
    if not root.is_dir():
        raise DocsError(f"{root}: not a folder of docs")
    pages = discover(root)
    if not pages:
        raise DocsError(f"{root}: no Markdown pages found")
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    cache = PageCache(Path(cache_dir), root, pages) if cache_dir is not None else None
    todo = cache.missing() if cache is not None else pages
    fresh: Iterable[PageResult] = _results(root, todo, jobs)
    if progress and todo:
        from tqdm import tqdm

        fresh = tqdm(fresh, total=len(todo), desc=f"reading {root.name}", unit="page", file=sys.stderr)
    results: Iterable[PageResult] = cache.merge(fresh) if cache is not None else fresh
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
