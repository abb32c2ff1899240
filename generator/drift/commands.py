"""The work behind ``b24gen diff`` and ``b24gen check``; each returns the exit code."""

from __future__ import annotations

from pathlib import Path

import click

EXIT_OK, EXIT_DRIFT, EXIT_USAGE = 0, 1, 2


def _error(message: str) -> int:
    click.echo(f"error: {message}", err=True)
    return EXIT_USAGE


def read_model(
    docs: Path, *, jobs: int | None = None, cache_dir: Path | None = None, progress: bool = False
):
    """The reader, with its per-page cache in ``cache_dir`` when given."""
    from generator.reader import read_docs

    if cache_dir is not None:
        return read_docs(docs, progress=progress, jobs=jobs, cache_dir=cache_dir)
    return read_docs(docs, progress=progress, jobs=jobs)


def run_diff(
    old: str,
    new: str,
    *,
    fmt: str,
    fail_on: str,
    jobs: int | None = None,
    cache_dir: Path | None = None,
) -> int:
    from generator.drift.diff import diff_models
    from generator.drift.report import render_diff
    from generator.drift.sources import SourceError, docs_folder
    from generator.reader import DocsError

    try:
        # One page cache for both sides: its keys are page paths and bytes, so a page that
        # did not change between OLD and NEW is parsed once.
        pages = None if cache_dir is None else cache_dir / "pages"
        with docs_folder(old) as old_dir:
            old_model = read_model(old_dir, jobs=jobs, cache_dir=pages)
        with docs_folder(new) as new_dir:
            new_model = read_model(new_dir, jobs=jobs, cache_dir=pages)
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


def run_check(
    docs: Path,
    out: Path,
    *,
    package_name: str,
    cache_dir: Path | None,
    jobs: int | None = None,
    quiet: bool = False,
    docs_revision: str | None = None,
) -> int:
    import shlex

    from generator.drift.check import check_tree, report_lines
    from generator.drift.incremental import render_files
    from generator.render.files import pending_transaction

    if not docs.is_dir():
        return _error(f"{docs}: no such docs folder")
    if out.exists() and not out.is_dir():
        return _error(f"{out}: not a folder")
    # The release layer (version, provenance, changelog) as generate would write it now.
    from generator.release import ReleaseError, finish
    from generator.release.run import check_state

    try:
        state = check_state(
            docs,
            out,
            package_name=package_name,
            cache_dir=cache_dir,
            jobs=jobs,
            docs_revision=docs_revision,
        ).state
    except ReleaseError as exc:
        return _error(str(exc))
    except Exception as exc:
        from generator.reader import DocsError

        if isinstance(exc, DocsError):
            return _error(str(exc))
        raise
    salt = state.salt()
    key = None
    if cache_dir is not None:
        # Fast path: the cached render's manifest against the hashes of the files on disk,
        # without loading any generated text.
        from generator.drift.cache import RenderCache
        from generator.drift.check import matches_manifest
        from generator.drift.incremental import render_key

        key = render_key(docs, package_name=package_name, cache_dir=cache_dir, salt=salt)
        manifest = RenderCache(cache_dir).get_manifest(key)
        count = None if manifest is None else matches_manifest(out, manifest)
        if count is not None and pending_transaction(out) is None:
            if not quiet:
                click.echo(f"{out}: in sync ({count} generated files)")
            return EXIT_OK
    try:
        rendered = render_files(
            docs,
            package_name=package_name,
            cache_dir=cache_dir,
            jobs=jobs,
            key=key,
            finish=lambda files: finish(files, state, package_name),
            salt=salt,
        )
    except Exception as exc:
        # The reader is imported only when the cache misses; a no-change check skips it.
        from generator.reader import DocsError

        if isinstance(exc, DocsError):
            return _error(str(exc))
        raise
    try:
        result = check_tree(out, rendered.files)
    except ValueError as exc:  # a damaged manifest
        return _error(str(exc))
    hint = "b24gen generate " + " ".join(
        shlex.quote(a)
        for a in ("--docs", str(docs), "--out", str(out), "--package-name", package_name)
    )
    lines = report_lines(result, rendered.files, fix_hint=hint)
    if result.in_sync:
        if not quiet:
            click.echo(lines[0])
        return EXIT_OK
    click.echo("\n".join(lines), err=False)
    return EXIT_DRIFT
