"""The work behind ``b24gen diff`` and ``b24gen check``; each returns the exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

EXIT_OK, EXIT_DRIFT, EXIT_USAGE = 0, 1, 2


def _error(message: str) -> int:
    click.echo(f"error: {message}", err=True)
    return EXIT_USAGE


def input_error(exc: BaseException) -> str | None:
    """The one-line message for an error that means "this input cannot be used" (exit 2),
    or None for a bug (which must keep its traceback). The reader's ``DocsError`` is
    recognised without importing the reader: a no-change ``check`` never loads it."""
    from generator.drift.cache import CacheError
    from generator.drift.incremental import NameTooLong
    from generator.render.files import WriteConflict
    from generator.render.owned import UnsafeOutput

    reader = sys.modules.get("generator.reader")
    docs_error = getattr(reader, "DocsError", None)
    if isinstance(exc, (CacheError, UnsafeOutput, WriteConflict, NameTooLong)) or (
        docs_error is not None and isinstance(exc, docs_error)
    ):
        return str(exc)
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else "output"
        return f"{where}: {exc.strerror or exc}"
    return None


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
    from generator.drift.incremental import read_model
    from generator.drift.report import render_diff
    from generator.drift.sources import SourceError, docs_folder
    from generator.reader import DocsError

    try:
        # One page cache for both sides: its keys are page paths and bytes, so a page that
        # did not change between OLD and NEW is parsed once.
        with docs_folder(old) as old_dir:
            old_model = read_model(old_dir, jobs=jobs, cache_dir=cache_dir)
        with docs_folder(new) as new_dir:
            new_model = read_model(new_dir, jobs=jobs, cache_dir=cache_dir)
    except (SourceError, DocsError) as exc:
        return _error(str(exc))
    except OSError as exc:
        return _error(input_error(exc) or str(exc))
    diff = diff_models(old_model, new_model)
    click.echo(render_diff(diff, fmt, old_label=old, new_label=new), nl=False)
    if fail_on == "breaking" and diff.breaking:
        click.echo(f"{diff.breaking_count} breaking change(s)", err=True)
        return EXIT_DRIFT
    if fail_on == "any" and not diff.empty:
        return EXIT_DRIFT
    return EXIT_OK


def run_generate(
    docs: Path,
    out: Path,
    *,
    package_name: str,
    cache_dir: Path | None,
    force: bool = False,
    jobs: int | None = None,
    progress: bool = False,
    extend: Callable[[dict[str, str]], dict[str, str]] | None = None,
    bump: bool = False,
    set_version: str | None = None,
    docs_revision: str | None = None,
    release_notes: Path | None = None,
) -> int:
    """``b24gen generate``: exit 2 with one line naming the path for any input it cannot
    use (docs, OUT, cache, a release record, a full disk); OUT is then unchanged
    (``write_tree``). Every output is a release (generator.release)."""
    from generator.release import ReleaseError
    from generator.release.run import generate_release

    if not docs.is_dir():
        return _error(f"{docs}: no such docs folder")
    try:
        report, outcome, diagnostics = generate_release(
            docs,
            out,
            package_name=package_name,
            cache_dir=cache_dir,
            force=force,
            jobs=jobs,
            progress=progress,
            bump=bump,
            set_version=set_version,
            docs_revision=docs_revision,
            extend=extend,
        )
        if release_notes is not None:
            from generator.render.files import write_text_atomic

            write_text_atomic(release_notes, outcome.notes())
    except (ValueError, ReleaseError) as exc:  # a bad package name, manifest or record
        return _error(str(exc))
    except Exception as exc:
        message = input_error(exc)
        if message is None:
            raise
        return _error(message)
    click.echo(report.summary(), err=True)
    click.echo(f"{out}: {outcome.summary()}", err=True)
    if diagnostics:
        click.echo(
            f"{diagnostics} diagnostic(s): parts of the docs were not understood; "
            f"`b24gen coverage --docs {docs}` lists them",
            err=True,
        )
    return EXIT_OK


def run_check(
    docs: Path,
    out: Path,
    *,
    package_name: str,
    cache_dir: Path | None,
    jobs: int | None = None,
    quiet: bool = False,
    extend: Callable[[dict[str, str]], dict[str, str]] | None = None,
    fix_args: tuple[str, ...] = (),
    docs_revision: str | None = None,
) -> int:
    """``extend``/``fix_args``: a post-step on the rendered files and the options that
    ask ``generate`` for it (``--portal FILE``); with one, the cached fast path is skipped."""
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
    try:
        if cache_dir is not None and extend is None:
            # Fast path: the cached render's manifest against the hashes of the files on
            # disk, without loading any generated text. The entry is authenticated
            # (generator.drift.cache), so a planted one is a miss, never a pass.
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
        rendered = render_files(
            docs,
            package_name=package_name,
            cache_dir=cache_dir,
            jobs=jobs,
            key=key,
            finish=lambda files: finish(files, state, package_name),
            salt=salt,
        )
        files = rendered.files
        if extend is not None:
            try:
                files = extend(files)
            except ValueError as exc:  # the post-step's input does not fit the package
                return _error(str(exc))
        result = check_tree(out, files)
    except ValueError as exc:  # a damaged manifest
        return _error(str(exc))
    except Exception as exc:
        message = input_error(exc)
        if message is None:
            raise
        return _error(message)
    hint = "b24gen generate " + " ".join(
        shlex.quote(a)
        for a in ("--docs", str(docs), "--out", str(out), "--package-name", package_name) + fix_args
    )
    lines = report_lines(result, files, fix_hint=hint)
    if result.in_sync:
        if not quiet:
            click.echo(lines[0])
        return EXIT_OK
    click.echo("\n".join(lines), err=False)
    return EXIT_DRIFT
