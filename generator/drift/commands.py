"""The work behind ``b24gen diff`` and ``b24gen check``; each returns the exit code."""

from __future__ import annotations

from pathlib import Path

import click

EXIT_OK, EXIT_DRIFT, EXIT_USAGE = 0, 1, 2


def _error(message: str) -> int:
    click.echo(f"error: {message}", err=True)
    return EXIT_USAGE


def read_model(docs: Path, *, jobs: int | None = None, cache_dir: Path | None = None):
    """The reader, with the per-page cache when this reader version accepts one."""
    from generator.reader import read_docs

    if cache_dir is not None:
        try:
            return read_docs(docs, progress=False, jobs=jobs, cache_dir=cache_dir)
        except TypeError as exc:
            if "cache_dir" not in str(exc):
                raise
    return read_docs(docs, progress=False, jobs=jobs)


def run_diff(old: str, new: str, *, fmt: str, fail_on: str, jobs: int | None = None) -> int:
    from generator.drift.diff import diff_models
    from generator.drift.report import render_diff
    from generator.drift.sources import SourceError, docs_folder
    from generator.reader import DocsError

    try:
        with docs_folder(old) as old_dir:
            old_model = read_model(old_dir, jobs=jobs)
        with docs_folder(new) as new_dir:
            new_model = read_model(new_dir, jobs=jobs)
    except (SourceError, DocsError) as exc:
        return _error(str(exc))
    diff = diff_models(old_model, new_model)
    click.echo(render_diff(diff, fmt, old_label=old, new_label=new), nl=False)
    if fail_on == "breaking" and diff.breaking:
        click.echo(f"{diff.breaking_count} breaking change(s)", err=True)
        return EXIT_DRIFT
    if fail_on == "any" and not diff.empty:
        return EXIT_DRIFT
    return EXIT_OK
