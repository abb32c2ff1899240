"""Read a docs folder into an ``ApiModel``: discovery, worker processes, shared knowledge.

- Pages are read from ``api-reference/`` when the folder has one (the layout of the real
  docs), else from the whole folder; ``_includes`` fragments are never pages.
- ``system-errors.md`` is read once into ``ApiModel.system_errors``; other fragments that
  carry tables are spliced into the pages that include them (``generator.yfm.includes``:
  only regular files inside the docs folder, each page recording the files it read).
- Pages are split across worker processes (fork) when there are enough of them to pay for
  it; results are merged in path order, so the model does not depend on scheduling.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from generator.extract.errors import read_error_table
from generator.extract.page import PageResult, extract_page
from generator.extract.sections import nested_object_name
from generator.extract.text import code_spans, plain
from generator.model import (
    MODEL_FORMAT_VERSION,
    ApiModel,
    Diagnostic,
    ErrorCode,
    Event,
    Method,
    TypeDef,
    _event_from_dict,
    _event_to_dict,
    _method_from_dict,
    _method_to_dict,
)
from generator.yfm.includes import (
    ABSENT,
    OUTSIDE,
    IncludeLoader,
    InputError,
    current_digest,
    file_digest,
    read_docs_file,
    resolve_inside,
)
from generator.yfm.parser import Heading, Table, parse_blocks

PARALLEL_THRESHOLD = 200  # below this many pages, worker start-up costs more than it saves
CHUNK_PAGES = 16  # pages per worker task


class DocsError(Exception):
    """The docs folder cannot be read at all (missing, not a folder, no pages)."""


def _read_page(root: Path, rel: str, loader: IncludeLoader) -> tuple[PageResult, dict[str, str]]:
    """One page's result and the files it depended on (path -> digest, the page too; see
    ``IncludeLoader``)."""
    real, why = loader.resolve(rel)
    if real is None:
        res = PageResult(source=rel, kind="skipped")
        res.diagnostics.append(Diagnostic(rel, 0, f"page is {why}: skipped", "page-outside"))
        return res, {rel: OUTSIDE}
    try:
        data = read_docs_file(root / real)
    except FileNotFoundError as exc:  # removed while reading: the next run sees it gone
        res = PageResult(source=rel, kind="skipped")
        res.diagnostics.append(Diagnostic(rel, 0, f"cannot read: {exc}", "unreadable"))
        return res, {rel: ABSENT}
    except InputError as exc:
        raise DocsError(str(exc)) from None
    text = data.decode("utf-8", errors="replace")
    loader.begin(rel)
    res = extract_page(rel, text, loader.load)
    deps, diagnostics, fatal = loader.finish()
    if fatal is not None:  # raised here: extract_page turns exceptions into diagnostics
        raise DocsError(str(fatal)) from None
    res.diagnostics.extend(diagnostics)
    if "\ufffd" in text:
        res.diagnostics.append(
            Diagnostic(rel, 1, "file is not valid UTF-8; bad bytes replaced", "encoding")
        )
    deps[rel] = file_digest(data)
    return res, deps


def _read_chunk(args: tuple[str, list[str]]) -> list[tuple[PageResult, dict[str, str]]]:
    """A run of pages with one include loader (fragments parsed once per chunk)."""
    root, pages = args
    loader = IncludeLoader(Path(root))
    return [_read_page(Path(root), rel, loader) for rel in pages]


def discover(root: Path) -> list[str]:
    """Page paths relative to ``root``, POSIX style, sorted by code point (locale-free)."""
    base = root / "api-reference" if (root / "api-reference").is_dir() else root
    out = []

    def refuse(exc: OSError) -> None:
        raise DocsError(f"{exc.filename}: cannot list ({exc.strerror})")

    for dirpath, dirnames, filenames in os.walk(base, onerror=refuse):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        for name in [*dirnames, *filenames]:
            if not _utf8(name):
                shown = os.fsencode(os.path.join(dirpath, name)).decode("utf-8", "backslashreplace")
                raise DocsError(f"{shown}: file name is not valid UTF-8")
        for f in filenames:
            if f.endswith(".md") and not f.startswith("_"):
                p = Path(dirpath) / f
                out.append(PurePosixPath(p.relative_to(root)).as_posix())
    out.sort()
    return out


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes arrive as lone surrogates
        return False
    return True


def _read_text(root: Path, path: Path) -> str:
    """A docs file that is not a page (system errors, data types), read by the same rule."""
    try:
        return read_docs_file(path).decode("utf-8", errors="replace")
    except InputError as exc:
        raise DocsError(str(exc)) from None


def _find_system_errors(root: Path) -> Path | None:
    for cand in (
        root / "_includes" / "system-errors.md",
        root / "api-reference" / "_includes" / "system-errors.md",
    ):
        if cand.is_file():
            return cand
    return None


def read_system_errors(root: Path) -> tuple[ErrorCode, ...]:
    path = _find_system_errors(root)
    if path is None:
        return ()
    blocks = parse_blocks(_read_text(root, path))
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
        if resolve_inside(root, rel)[0] is None:
            continue
        blocks = parse_blocks(_read_text(root, page))
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


def _results(
    root: Path, pages: list[str], jobs: int
) -> Iterator[tuple[PageResult, dict[str, str]]]:
    if jobs <= 1 or len(pages) < PARALLEL_THRESHOLD:
        yield from _read_chunk((str(root), pages))
        return
    import multiprocessing as mp

    # Small chunks, each with its own include loader: a few big ones leave a worker idle
    # while the last one runs and hand the parent their results in bursts, and re-parsing
    # a chunk's fragments costs next to nothing. Results come in page order whatever the
    # scheduling.
    size = CHUNK_PAGES
    chunks = [(str(root), pages[i : i + size]) for i in range(0, len(pages), size)]
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(jobs) as pool:
        for chunk in pool.imap(_read_chunk, chunks):
            yield from chunk


class PageCache:
    """Per-page reader results in ``cache_dir/reader-pages.json`` (JSON: data, never code).

    A page's result is reused when the bytes of the page and of every file it included
    last time (wherever they live, or their absence) are unchanged, under the same reader
    code. Docs-wide inputs (system errors, data types) are read on every run, not cached.
    """

    FILE = "reader-pages.json"

    def __init__(self, cache_dir: Path, root: Path, pages: list[str], store=None) -> None:
        self.pages = pages
        self.root = root
        self.file = Path(cache_dir) / self.FILE
        self.store = store  # signs and checks the file (generator.drift.cache.CacheStore)
        self.salt = f"{MODEL_FORMAT_VERSION}:{_reader_fingerprint()}"
        self.stored: dict[str, dict] = self._load()
        digests: dict[str, str] = {}  # each file hashed once per run
        folders: dict[str, str] = {}  # each folder resolved once per run

        def digest(real: str) -> str:
            if real not in digests:
                try:
                    digests[real] = current_digest(root, real, memo=folders)
                except InputError:
                    digests[real] = "unreadable"
            return digests[real]

        self.valid: set[str] = set()
        for rel in pages:
            entry = self.stored.get(rel)
            if not isinstance(entry, dict) or not isinstance(entry.get("deps"), dict):
                continue
            if entry["deps"] and all(digest(f) == d for f, d in entry["deps"].items()):
                self.valid.add(rel)

    def _load(self) -> dict[str, dict]:
        if self.store is not None:
            raw = self.store.read(self.file)
        else:
            try:
                raw = self.file.read_bytes()
            except OSError:
                raw = None
        try:
            doc = json.loads(raw) if raw is not None else None
        except ValueError:
            return {}
        if not isinstance(doc, dict) or doc.get("salt") != self.salt:
            return {}
        pages = doc.get("pages")
        return pages if isinstance(pages, dict) else {}

    def missing(self) -> list[str]:
        return [p for p in self.pages if p not in self.valid]

    def merge(self, fresh: Iterable[tuple[PageResult, dict[str, str]]]) -> list[PageResult]:
        new = {res.source: (res, deps) for res, deps in fresh}
        out = []
        entries: dict[str, dict] = {}
        for rel in self.pages:
            if rel in new:
                res, deps = new[rel]
                entries[rel] = {"deps": deps, "result": _result_to_dict(res)}
                out.append(res)
            else:
                entries[rel] = self.stored[rel]
                out.append(_result_from_dict(self.stored[rel]["result"], rel))
        if new or len(self.stored) != len(self.pages):
            text = json.dumps({"salt": self.salt, "pages": entries}, ensure_ascii=False)
            if self.store is not None:
                self.store.write(self.file, text.encode("utf-8"))
            else:
                from generator.render.files import write_text_atomic

                write_text_atomic(self.file, text)
        return out


def _result_to_dict(res: PageResult) -> dict:
    return {
        "kind": res.kind,
        "method": None if res.method is None else _method_to_dict(res.method),
        "event": None if res.event is None else _event_to_dict(res.event),
        "diagnostics": [[d.source, d.line, d.message, d.code] for d in res.diagnostics],
        "stats": dict(res.stats),
    }


def _result_from_dict(d: dict, rel: str) -> PageResult:
    return PageResult(
        source=rel,
        kind=str(d["kind"]),
        method=None if d["method"] is None else _method_from_dict(d["method"]),
        event=None if d["event"] is None else _event_from_dict(d["event"]),
        diagnostics=[Diagnostic(str(s), int(n), str(m), str(c)) for s, n, m, c in d["diagnostics"]],
        stats=Counter({str(k): int(v) for k, v in d["stats"].items()}),
    )


def _reader_fingerprint() -> str:
    """Hash of the reader's own sources: a changed reader invalidates every cached page."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(
        [
            here / "reader.py",
            here / "model.py",
            *(here / "yfm").glob("*.py"),
            *(here / "extract").glob("*.py"),
        ]
    ):
        h.update(f.read_bytes())
    return h.hexdigest()


def read_docs(
    path: Path | str,
    *,
    progress: bool = False,
    jobs: int | None = None,
    cache_dir: Path | str | None = None,
    cache_store=None,
) -> ApiModel:
    """Read the docs folder ``path`` into a model.

    With ``cache_dir``, each page's result is kept with the hashes of the page and of every
    file it included (``PageCache``), so a run after a one-page edit re-reads one page;
    ``cache_store`` (a ``generator.drift.cache.CacheStore``) authenticates that file.
    Raises ``DocsError`` naming the path for docs that cannot be read: not a folder, no
    pages, a FIFO or oversized file, a symlink loop, a file name that is not UTF-8.
    """
    root = Path(path)
    if not root.is_dir():
        raise DocsError(f"{root}: not a folder of docs")
    pages = discover(root)
    if not pages:
        raise DocsError(f"{root}: no Markdown pages found")
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    cache = PageCache(Path(cache_dir), root, pages, cache_store) if cache_dir is not None else None
    todo = cache.missing() if cache is not None else pages
    fresh: Iterable[tuple[PageResult, dict[str, str]]] = _results(root, todo, jobs)
    if progress and todo:
        from tqdm import tqdm

        fresh = tqdm(
            fresh, total=len(todo), desc=f"reading {root.name}", unit="page", file=sys.stderr
        )
    results: Iterable[PageResult] = (
        cache.merge(fresh) if cache is not None else (res for res, _ in fresh)
    )
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
