"""The ``b24gen`` command line: click commands only; the work lives in the pipeline modules.

The conventions every command follows (``--docs``, one ``error:`` line, exit codes 0 success,
1 the command's own "no", 2 usage errors or unreadable input) are in
``generator.cli_conventions``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__
from generator.cli_conventions import (
    B24Group,
    UnreadableInput,
    docs_from,
    docs_option,
    legacy_docs_argument,
    want_progress,
)
from generator.emulator.cli import serve_cmd
from generator.portal.cli import portal_extender as _portal_extender
from generator.portal.cli import portal_group
from generator.portal.cli import portal_option as _portal_option
from generator.portal.cli import portal_setup as _portal_setup  # noqa: F401 (tests use it)
from generator.release.options import release_options

DEFAULT_OUT = "generated"
DEFAULT_PACKAGE = "b24client"


_docs_option = docs_option
_want_progress = want_progress


@click.group(
    cls=B24Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="b24gen")
def main() -> None:
    """Generate a typed Python SDK for the Bitrix24 REST API from its documentation.

    \b
    Typical use:
      b24gen generate                  regenerate generated/ from docs_src/
      b24gen check                     exit 1 if generated/ is stale (pre-commit, CI)
      b24gen diff --docs DOCS HEAD~10  what changed in the API since a docs revision
      b24gen diff OLD NEW              ... or between two docs folders (FOLDER@REV too)
      b24gen coverage --docs DOCS      what the reader understood of a docs folder
      b24gen model --docs DOCS         the intermediate model as JSON
      b24gen serve --docs DOCS         a local portal emulator for tests
      b24gen openapi --docs DOCS       an OpenAPI 3.1 description of the API

    \b
    Every command that reads docs takes --docs DOCS (default: docs_src).
    Errors are one line on stderr, "error: ...", naming the file (and line).
    Exit status: 0 success; 1 the command's own "no" (check: stale,
    diff/portal diff --fail-on: changes found); 2 usage error or unreadable input.
    """


def _read(docs: Path, *, progress: bool, jobs: int | None = None):
    from generator.reader import DocsError, read_docs

    try:
        return read_docs(docs, progress=progress, jobs=jobs)
    except DocsError as exc:
        raise UnreadableInput(str(exc)) from exc


@main.command("model")
@_docs_option()
@legacy_docs_argument
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the model here instead of standard output.",
)
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
@click.option(
    "--indent",
    type=int,
    default=None,
    help="Pretty-print with this indent (default: compact, which is several times faster).",
)
def model_cmd(
    docs: Path,
    legacy_docs: Path | None,
    json_file: Path | None,
    jobs: int | None,
    progress: bool | None,
    indent: int | None,
) -> None:
    """Read DOCS and write the intermediate model as JSON.

    The JSON layout is a public contract, documented in README.md ("The model JSON").
    """
    docs = docs_from(docs, legacy_docs)
    model = _read(docs, progress=_want_progress(progress), jobs=jobs)
    text = model.to_json(indent=indent)
    if json_file is None:
        click.echo(text)
    else:
        from generator.render.files import write_text_atomic

        write_text_atomic(json_file, text + "\n")
        click.echo(
            f"wrote {json_file}: {len(model.methods)} methods, {len(model.events)} events, "
            f"{len(model.diagnostics)} diagnostics",
            err=True,
        )


@main.command("coverage")
@_docs_option()
@legacy_docs_argument
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
@click.option("--quiet", "-q", is_flag=True, help="Print the summary only, not each diagnostic.")
def coverage_cmd(
    docs: Path, legacy_docs: Path | None, jobs: int | None, progress: bool | None, quiet: bool
) -> None:
    """Report what the reader found in DOCS, and every diagnostic as path:line: message."""
    docs = docs_from(docs, legacy_docs)
    model = _read(docs, progress=_want_progress(progress), jobs=jobs)
    from generator.vocabulary.disagreements import disagreements

    found = disagreements(model)
    if not quiet:
        for d in (*model.diagnostics, *found):
            click.echo(str(d))
    from generator.coverage import summary_lines

    for line in summary_lines(model):
        click.echo(line)
    click.echo(f"example/table disagreements: {len(found)} (listed above as path:line: message)")


@main.command("openapi")
@_docs_option()
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the document here (atomically) instead of standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "yaml"]),
    default=None,
    help="Output format (default: from the --out suffix, else json).",
)
@click.option(
    "--docs-url",
    default=None,
    metavar="URL",
    help="Base address of the published docs (e.g. https://apidocs.bitrix24.com/); "
    "adds an externalDocs link to every operation.",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
def openapi_cmd(
    docs: Path, out: Path | None, fmt: str | None, docs_url: str | None, progress: bool | None
) -> None:
    """Export the API described by DOCS as an OpenAPI 3.1 document.

    One POST operation per method (/crm.lead.add; REST 3.0 methods under /api/), request
    bodies from the parameter tables, the 200 answer in the portal's {result, time}
    envelope, documented error codes per HTTP status, webhook and OAuth access. The output
    is byte-for-byte the same for the same docs.
    """
    from generator.openapi import build_spec, dump_spec

    if fmt is None:
        fmt = "yaml" if out is not None and out.suffix in (".yaml", ".yml") else "json"
    model = _read(docs, progress=_want_progress(progress))
    text = dump_spec(build_spec(model, docs_url=docs_url), fmt)
    if out is None:
        click.echo(text, nl=False)
        return
    from generator.render.files import write_text_atomic

    write_text_atomic(out, text)
    click.echo(f"wrote {out}: {text.count(chr(10))} lines, {len(model.methods)} methods", err=True)


@main.command("diff", exit_no="with --fail-on, when such changes are found")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="[NEW]", required=False)
@_docs_option(
    None,
    "A docs checkout (git): OLD and NEW that are no folders are its revisions, and NEW "
    "defaults to its working tree ('diff --docs DOCS HEAD~10').",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for PR comments / job summaries, json for tools "
    "(keys documented in docs/drift.md).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "any", "never"]),
    default="never",
    show_default=True,
    help="Exit 1 when any breaking change (or any change at all) is found: a CI gate.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Per-page reader cache, shared by OLD and NEW: pages equal in both are read once "
    "(default: ~/.cache/b24gen/diff, or under $B24GEN_CACHE_DIR).",
)
@click.option("--no-cache", is_flag=True, help="Read both from scratch; store nothing.")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
def diff_cmd(
    old: str,
    new: str | None,
    docs: Path | None,
    fmt: str,
    fail_on: str,
    cache_dir: Path | None,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """The API changelog between two revisions of the docs.

    OLD and NEW are docs folders, or FOLDER@GITREV to read a git revision of a docs
    checkout without touching the working tree (e.g. docs@origin/main, docs@HEAD~10);
    with --docs DOCS, bare revisions of DOCS (diff --docs docs HEAD~10 HEAD), NEW
    defaulting to DOCS as it is now.
    Reports methods and events added, removed and deprecated; parameters added, removed,
    made required or optional, retyped; error codes added and removed; result shape
    changes, each marked breaking or not. Exit 2 when a folder or revision cannot be read.
    """
    from generator.drift.cache import diff_cache_dir
    from generator.drift.commands import run_diff

    if docs is not None:
        old, new = _revision_of(docs, old), str(docs) if new is None else _revision_of(docs, new)
    elif new is None:
        raise click.UsageError("missing NEW: give OLD NEW, or --docs DOCS OLDREV [NEWREV]")
    cache = None if no_cache else (cache_dir or diff_cache_dir())
    sys.exit(run_diff(old, new, fmt=fmt, fail_on=fail_on, jobs=jobs, cache_dir=cache))


def _revision_of(docs: Path, spec: str) -> str:
    """``diff --docs DOCS REV``: a folder stays itself, anything else is ``DOCS@REV``."""
    return spec if Path(spec).is_dir() else f"{docs}@{spec}"


@main.command("check", exit_no="when the generated files are stale")
@_docs_option()
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder holding the generated SDK.",
)
@click.option(
    "--package-name",
    default=DEFAULT_PACKAGE,
    show_default=True,
    help="Import name of the generated package (as given to generate).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Content-hash cache (default: in the user's cache folder, ~/.cache/b24gen or "
    "$B24GEN_CACHE_DIR, one per docs folder; see docs/drift.md).",
)
@click.option("--no-cache", is_flag=True, help="Read and render from scratch; store nothing.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when in sync.")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
@_portal_option()
@click.option(
    "--docs-revision",
    default=None,
    metavar="REV",
    help="The docs revision generate was given (default: git's, as generate does).",
)
def check_cmd(
    docs: Path,
    out: Path,
    package_name: str,
    cache_dir: Path | None,
    no_cache: bool,
    quiet: bool,
    jobs: int | None,
    portal: Path | None,
    docs_revision: str | None = None,
) -> None:
    """Exit 1 if the generated SDK in OUT is not what the docs give now.

    Renders in memory and compares with OUT through its manifest (.b24gen-manifest.json):
    lists every stale, missing and orphaned generated file, with a short diff. Files the
    generator did not write are ignored. Exit 0 in sync, 1 out of date, 2 when the docs
    cannot be read. Fast when nothing changed: results are cached by content hash.
    """
    from generator.drift.cache import default_cache_dir
    from generator.drift.commands import run_check

    cache = None if no_cache else (cache_dir or default_cache_dir(docs))
    extend = _portal_extender(portal, package_name)
    sys.exit(
        run_check(
            docs, out, package_name=package_name, cache_dir=cache, jobs=jobs, quiet=quiet,
            extend=extend, fix_args=() if portal is None else ("--portal", str(portal)),
            docs_revision=docs_revision,
        )  # fmt: skip
    )


@main.command("generate")
@_docs_option()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder of the generated project (pyproject.toml, README.md, the package, docs/).",
)
@click.option(
    "--package-name",
    default=DEFAULT_PACKAGE,
    show_default=True,
    help="Import name of the generated package (a Python identifier).",
)
@click.option(
    "--force", is_flag=True, help="Overwrite files in OUT that the generator does not own."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Content-hash cache (default: in the user's cache folder, ~/.cache/b24gen or "
    "$B24GEN_CACHE_DIR, one per docs folder; see docs/drift.md).",
)
@click.option("--no-cache", is_flag=True, help="Read and render from scratch; store nothing.")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
@_portal_option()
@release_options
def generate_cmd(
    docs: Path,
    out: Path,
    package_name: str,
    force: bool,
    cache_dir: Path | None,
    no_cache: bool,
    jobs: int | None,
    progress: bool | None,
    portal: Path | None,
    bump: bool = False,
    set_version: str | None = None,
    docs_revision: str | None = None,
    release_notes: Path | None = None,
) -> None:
    """Render the typed client, its stubs and reference docs from DOCS into OUT.

    OUT receives an installable project: pyproject.toml, README.md (with the naming rule),
    the package (sync and async clients, TypedDicts, errors, py.typed) and
    docs/ (a Markdown page per namespace). Writing is atomic: on failure OUT is unchanged;
    files of removed methods are deleted; files the generator did not write are never
    touched. Pages and renders are cached by content hash, so a run after a small docs
    change re-reads only the changed pages and rewrites only the files that differ.

    Every output is a release: it records the docs revision (pyproject.toml [tool.b24gen],
    <pkg>.__docs_revision__, the manifest), its version and CHANGELOG.md; the first
    generate is the first release (0.1.0). --bump makes a new release from the API diff.
    """
    from generator.drift.cache import default_cache_dir
    from generator.drift.commands import run_generate

    cache = None if no_cache else (cache_dir or default_cache_dir(docs))
    code = run_generate(
        docs,
        out,
        package_name=package_name,
        cache_dir=cache,
        force=force,
        jobs=jobs,
        progress=_want_progress(progress),
        extend=_portal_extender(portal, package_name),
        bump=bump,
        set_version=set_version,
        docs_revision=docs_revision,
        release_notes=release_notes,
    )
    sys.exit(code)


main.add_command(portal_group)
main.add_command(serve_cmd)

if __name__ == "__main__":  # pragma: no cover  (after add_command: `python -m` has them all)
    main()
