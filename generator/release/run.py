"""``generate`` and ``check`` with the release layer: the glue to the drift pipeline.

``extend``: the portal post-step (``generate --portal``), applied after the release layer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.release.apply import Outcome, finish, plan


def _loader(docs: Path, cache_dir: Path | None, jobs: int | None, progress: bool):
    """The docs' model, read on the first call only: the release plan and the render both
    need it, and without a page cache a second read is a second cold read."""
    read: list = []

    def load():
        if not read:
            from generator.drift.incremental import read_model

            read.append(read_model(docs, jobs=jobs, cache_dir=cache_dir, progress=progress))
        return read[0]

    return load


def generate_release(
    docs: Path,
    out: Path,
    *,
    package_name: str,
    cache_dir: Path | None,
    force: bool = False,
    jobs: int | None = None,
    progress: bool = False,
    bump: bool = False,
    set_version: str | None = None,
    docs_revision: str | None = None,
    extend: Callable[[dict[str, str]], dict[str, str]] | None = None,
):
    """``generate``: render, add the release (carried, first, or bumped), write atomically.

    Returns (WriteReport, Outcome, the reader's diagnostic count). Raises what ``generate_incremental`` raises, and
    ``ReleaseError`` for an unusable release record or a hand-edited version.
    """
    from generator.drift.incremental import generate_incremental, render_files
    from generator.render.files import write_tree

    load = _loader(docs, cache_dir, jobs, progress)
    if not bump:
        outcome = plan(
            out,
            docs,
            load_model=load,
            set_version=set_version,
            docs_revision=docs_revision,
            package=package_name,
        )
        report, rendered = generate_incremental(
            docs,
            out,
            package_name=package_name,
            cache_dir=cache_dir,
            force=force,
            jobs=jobs,
            progress=progress,
            finish=lambda files: finish(files, outcome.state, package_name),
            salt=outcome.state.salt(),
            extend=extend,
            load_model=load,
        )
        return report, outcome, rendered.diagnostics
    plain = render_files(
        docs,
        package_name=package_name,
        cache_dir=cache_dir,
        jobs=jobs,
        progress=progress,
        load_model=load,
    )
    outcome = plan(
        out,
        docs,
        load_model=load,
        bump=True,
        set_version=set_version,
        docs_revision=docs_revision,
        rendered=plain.files,
        package=package_name,
    )
    files = finish(plain.files, outcome.state, package_name)
    if extend is not None:
        files = extend(files)
    return write_tree(Path(out), files, force=force), outcome, plain.diagnostics


def check_state(
    docs: Path,
    out: Path,
    *,
    package_name: str,
    cache_dir: Path | None,
    jobs: int | None = None,
    docs_revision: str | None = None,
) -> Outcome:
    """The release state ``generate`` (without ``--bump``) would give OUT now."""
    return plan(
        out,
        docs,
        load_model=_loader(docs, cache_dir, jobs, False),
        docs_revision=docs_revision,
        package=package_name,
    )
