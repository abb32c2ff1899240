"""Render the package from the docs, reusing earlier work wherever the inputs are unchanged.

``render_files`` is what ``check`` (and ``generate``) call: with nothing changed it only
stats the docs folder and loads the cached result; after a change it reads the docs
through the reader's per-page cache (when the reader offers one) and renders again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.drift.cache import Fingerprinter, RenderCache
from generator.render.files import WriteReport, write_tree


@dataclass(frozen=True)
class RenderResult:
    files: dict[str, str]
    cache_hit: bool
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
) -> RenderResult:
    """Path -> text of everything the generator owns for ``docs``; ``cache_dir=None``
    renders from scratch and stores nothing. ``key``: from ``render_key``, if computed.
    ``finish``: applied to the render before it is cached (the release layer,
    ``generator.release.finish``); ``salt`` names what it adds, for the cache key."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    cache = RenderCache(cache_dir) if cache_dir is not None else None
    if cache is not None and cache_dir is not None:
        key = key or render_key(docs, package_name=package_name, cache_dir=cache_dir, salt=salt)
        files = cache.get(key)
        timings["fingerprint"] = time.perf_counter() - t0
        if files is not None:
            return RenderResult(files, True, timings)
    from generator.drift.commands import read_model
    from generator.render import render_package

    t1 = time.perf_counter()
    pages = None if cache_dir is None else cache_dir / "pages"
    model = read_model(docs, jobs=jobs, cache_dir=pages, progress=progress)
    t2 = time.perf_counter()
    memo = None
    if cache_dir is not None:
        from generator.drift.cache import PartCache

        memo = PartCache(cache_dir)
    files = dict(render_package(model, package_name=package_name, memo=memo))
    if finish is not None:
        files = finish(files)
    t3 = time.perf_counter()
    if memo is not None:
        memo.prune()
    timings.update(read=t2 - t1, render=t3 - t2)
    if cache is not None and key is not None:
        cache.put(key, files)
    return RenderResult(files, False, timings)


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
    finish: Callable[[dict[str, str]], dict[str, str]] | None = None,
    salt: str = "",
) -> tuple[WriteReport, RenderResult]:
    """``generate`` through the caches: render what changed, write what differs.

    Raises ``generator.reader.DocsError`` for unreadable docs, ``ValueError`` for a bad
    package name and ``generator.render.files.WriteConflict`` for a user's file in the way.
    """
    rendered = render_files(
        docs,
        package_name=package_name,
        cache_dir=cache_dir,
        jobs=jobs,
        progress=progress,
        finish=finish,
        salt=salt,
    )
    t0 = time.perf_counter()
    report = write_tree(Path(out), rendered.files, force=force)
    rendered.timings["write"] = time.perf_counter() - t0
    return report, rendered
