"""Render the package from the docs, reusing earlier work wherever the inputs are unchanged.

``render_files`` is what ``check`` (and ``generate``) call: with nothing changed it only
stats the docs folder and loads the cached result; after a change it reads the docs
through the reader's per-page cache (when the reader offers one) and renders again.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.drift.cache import Fingerprinter, RenderCache
from generator.model import ApiModel
from generator.render.files import WriteReport, write_tree


class NameTooLong(Exception):
    """A name from the docs makes a generated file name longer than the file system
    allows; the message names the page it comes from (CLI exit 2)."""


def _too_long(docs: Path, model, exc: OSError) -> str:
    """Which page's name is too long, from the formatter's failed temporary path."""
    parts = Path(str(exc.filename or "")).parts
    long = max(parts, key=lambda p: len(os.fsencode(p)), default="")
    stem = long.split(".", 1)[0]
    pages = sorted({m.source for m in model.methods if stem and stem in m.name})
    where = f"{Path(docs) / pages[0]}" if pages else str(docs)
    return (
        f"{where}: the name {stem[:40]}… ({len(stem)} characters) makes a generated file "
        f"name longer than the file system allows ({exc.strerror})"
    )


@dataclass(frozen=True)
class RenderResult:
    files: dict[str, str]
    cache_hit: bool
    diagnostics: int  # how many diagnostics the reader gave for these docs
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds


def render_files(
    docs: Path,
    *,
    package_name: str,
    cache_dir: Path | None,
    jobs: int | None = None,
    progress: bool = False,
    key: str | None = None,
    finish: Callable[[dict[str, str]], dict[str, str]] | None = None,
    salt: str = "",
    load_model: Callable[[], ApiModel] | None = None,
) -> RenderResult:
    """Path -> text of everything the generator owns for ``docs``; ``cache_dir=None``
    renders from scratch and stores nothing. ``key``: from ``render_key``, if computed.
    ``finish``: applied to the render before it is cached (the release layer,
    ``generator.release.finish``); ``salt`` names what it adds, for the cache key.
    ``load_model``: the model of ``docs`` when the caller reads it anyway (the release
    layer), so that a run without a page cache does not read the docs twice."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    cache = RenderCache(cache_dir) if cache_dir is not None else None
    if cache is not None and cache_dir is not None:
        key = key or render_key(docs, package_name=package_name, cache_dir=cache_dir, salt=salt)
        hit = cache.get(key)
        timings["fingerprint"] = time.perf_counter() - t0
        if hit is not None:
            return RenderResult(hit.files, True, hit.diagnostics, timings)
    from generator.render import render_package

    t1 = time.perf_counter()
    if load_model is not None:
        model = load_model()
    else:
        model = read_model(docs, jobs=jobs, cache_dir=cache_dir, progress=progress)
    t2 = time.perf_counter()
    memo = None
    if cache_dir is not None:
        from generator.drift.cache import PartCache

        memo = PartCache(cache_dir)
    try:
        files = dict(render_package(model, package_name=package_name, memo=memo))
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
        raise NameTooLong(_too_long(docs, model, exc)) from None
    if finish is not None:
        files = finish(files)
    t3 = time.perf_counter()
    if memo is not None:
        memo.prune()
    timings.update(read=t2 - t1, render=t3 - t2)
    if cache is not None and key is not None:
        cache.put(key, files, len(model.diagnostics))
    return RenderResult(files, False, len(model.diagnostics), timings)


def read_model(
    docs: Path, *, jobs: int | None = None, cache_dir: Path | None = None, progress: bool = False
) -> ApiModel:
    """The reader, with its per-page cache in ``cache_dir/pages`` when given."""
    from generator.drift.cache import CacheStore
    from generator.reader import read_docs

    if cache_dir is not None:
        store = CacheStore(cache_dir)
        pages = Path(cache_dir) / "pages"
        return read_docs(docs, progress=progress, jobs=jobs, cache_dir=pages, cache_store=store)
    return read_docs(docs, progress=progress, jobs=jobs)


def render_key(docs: Path, *, package_name: str, cache_dir: Path, salt: str = "") -> str:
    """The cache key of the render of ``docs``: a stat per docs file when nothing changed."""
    docs_hash = Fingerprinter(cache_dir).folder(docs)
    return RenderCache.key(docs_hash, package_name + (f"\0{salt}" if salt else ""))


def generate_incremental(
    docs: Path,
    out: Path,
    *,
    package_name: str,
    cache_dir: Path | None,
    force: bool = False,
    jobs: int | None = None,
    progress: bool = False,
    extend: Callable[[dict[str, str]], dict[str, str]] | None = None,
    finish: Callable[[dict[str, str]], dict[str, str]] | None = None,
    salt: str = "",
    load_model: Callable[[], ApiModel] | None = None,
) -> tuple[WriteReport, RenderResult]:
    """``generate`` through the caches: render what changed, write what differs.

    Raises ``generator.reader.DocsError`` for unreadable docs, ``ValueError`` for a bad
    package name and ``generator.render.files.WriteConflict`` for a user's file in the way.
    ``extend``: a post-step adding files to the rendered map (``generate --portal``).
    """
    rendered = render_files(
        docs,
        package_name=package_name,
        cache_dir=cache_dir,
        jobs=jobs,
        progress=progress,
        finish=finish,
        salt=salt,
        load_model=load_model,
    )
    t0 = time.perf_counter()
    files = rendered.files if extend is None else extend(rendered.files)
    report = write_tree(Path(out), files, force=force)
    rendered.timings["write"] = time.perf_counter() - t0
    return report, rendered
