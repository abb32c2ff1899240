"""The ``b24gen`` command line: click commands only; the work lives in the pipeline modules.

Exit codes, for every command: 0 success, 1 the command's own "no" (drift found, breaking
change found), 2 usage errors or unreadable input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__
from generator.portal.cli import portal_extender as _portal_extender
from generator.portal.cli import portal_group
from generator.portal.cli import portal_option as _portal_option
from generator.portal.cli import portal_setup as _portal_setup
from generator.emulator.options import front_options as serve_front_options
from generator.emulator.options import portal_options as serve_portal_options
from generator.release.options import release_options

DEFAULT_DOCS = "docs_src"
DEFAULT_OUT = "generated"
DEFAULT_PACKAGE = "b24client"


class UnreadableInput(click.ClickException):
    """Unreadable input is a usage-class error: exit 2, like click's own usage errors."""

    exit_code = 2


def _docs_option(default: str | None = DEFAULT_DOCS) -> click.Option:
    return click.option(
        "--docs",
        "docs",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=True,
        help="Folder of YFM Markdown docs (a checkout of b24-rest-docs, or docs_src/).",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="b24gen")
def main() -> None:
    """Generate a typed Python SDK for the Bitrix24 REST API from its documentation.

    \b
    Typical use:
      b24gen generate                  regenerate generated/ from docs_src/
      b24gen check                     exit 1 if generated/ is stale (pre-commit, CI)
      b24gen diff OLD NEW              what changed in the API between two doc revisions
      b24gen coverage DOCS             what the reader understood of a docs folder
      b24gen serve --docs DOCS         a local portal emulator for tests
      b24gen openapi --docs DOCS       an OpenAPI 3.1 description of the API
    """


def _read(docs: Path, *, progress: bool, jobs: int | None = None):
    from generator.reader import DocsError, read_docs

    try:
        return read_docs(docs, progress=progress, jobs=jobs)
    except DocsError as exc:
        raise UnreadableInput(str(exc)) from exc


def _read_cached(docs: Path, *, cache_dir: Path | None):  # noqa: ANN202
    """The reader with its authenticated per-page cache (what ``check`` and ``generate``
    use too; ``cache_dir=None`` reads every page afresh)."""
    from generator.drift.incremental import read_model
    from generator.reader import DocsError

    try:
        return read_model(docs, cache_dir=cache_dir, progress=_want_progress(None))
    except DocsError as exc:
        raise UnreadableInput(str(exc)) from exc


@main.command("model")
@click.argument("docs", type=click.Path(file_okay=False, path_type=Path))
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
    docs: Path, json_file: Path | None, jobs: int | None, progress: bool | None, indent: int | None
) -> None:
    """Read DOCS and write the intermediate model as JSON.

    The JSON layout is a public contract, documented in README.md ("The model JSON").
    """
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
@click.argument("docs", type=click.Path(file_okay=False, path_type=Path))
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
@click.option("--quiet", "-q", is_flag=True, help="Print the summary only, not each diagnostic.")
def coverage_cmd(docs: Path, jobs: int | None, progress: bool | None, quiet: bool) -> None:
    """Report what the reader found in DOCS, and every diagnostic as path:line: message."""
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
    from generator.reader import DocsError, read_docs

    class Unreadable(click.ClickException):
        exit_code = 2  # the module's convention for unreadable input

    if fmt is None:
        fmt = "yaml" if out is not None and out.suffix in (".yaml", ".yml") else "json"
    try:
        model = read_docs(docs, progress=_want_progress(progress))
    except DocsError as exc:
        raise Unreadable(str(exc)) from exc
    text = dump_spec(build_spec(model, docs_url=docs_url), fmt)
    if out is None:
        click.echo(text, nl=False)
        return
    from generator.render.files import write_text_atomic

    write_text_atomic(out, text)
    click.echo(f"wrote {out}: {text.count(chr(10))} lines, {len(model.methods)} methods", err=True)


@main.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
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
    new: str,
    fmt: str,
    fail_on: str,
    cache_dir: Path | None,
    no_cache: bool,
    jobs: int | None,
) -> None:
    """The API changelog between two revisions of the docs.

    OLD and NEW are docs folders, or FOLDER@GITREV to read a git revision of a docs
    checkout without touching the working tree (e.g. docs@origin/main, docs@HEAD~10).
    Reports methods and events added, removed and deprecated; parameters added, removed,
    made required or optional, retyped; error codes added and removed; result shape
    changes, each marked breaking or not. Exit 2 when a folder or revision cannot be read.
    """
    from generator.drift.cache import diff_cache_dir
    from generator.drift.commands import run_diff

    cache = None if no_cache else (cache_dir or diff_cache_dir())
    sys.exit(run_diff(old, new, fmt=fmt, fail_on=fail_on, jobs=jobs, cache_dir=cache))


@main.command("check")
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


@main.command("serve")
@_docs_option()
@serve_portal_options
@_portal_option("Behave like the portal of this snapshot: its user fields, list values and "
                "smart processes.")  # fmt: skip
@serve_front_options
def serve_cmd(
    docs: Path,
    model_json: Path | None,
    host: str,
    port: int,
    token: str | None,
    db: str,
    limits: str,
    faults: str | None,
    event_handler: str | None,
    application_token: str,
    token_lifetime: float,
    portal: Path | None,
    scopes: str | None,
    certfile: Path | None,
    keyfile: Path | None,
    read_timeout: float,
    max_body: int,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Run a local Bitrix24 portal emulator built from the docs, for tests.

    It answers webhook (/rest/1/TOKEN/method) and OAuth (/rest/method?auth=…) calls, REST 3.0
    under /rest/api/, keeps records in SQLite, and stops cleanly on Ctrl-C or SIGTERM.
    """
    import secrets

    from generator.emulator.faults import Faults
    from generator.emulator.serve import serve
    from generator.emulator.server import ServerOptions

    try:
        Faults.parse(faults)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from exc
    if model_json is not None:
        from generator.model import ApiModel

        model = ApiModel.from_json(model_json.read_text(encoding="utf-8"))
    else:
        from generator.drift.cache import default_cache_dir

        cache = None if no_cache else (cache_dir or default_cache_dir(docs))
        model = _read_cached(docs, cache_dir=cache)
    setup = _portal_setup(portal, scopes)
    if keyfile is not None and certfile is None:
        raise click.BadParameter("--keyfile needs --certfile", param_hint="--keyfile")
    server_options = ServerOptions(
        certfile=None if certfile is None else str(certfile),
        keyfile=None if keyfile is None else str(keyfile),
        header_timeout=read_timeout,
        body_timeout=read_timeout,
    )
    try:
        serve(
            model,
            host=host,
            port=port,
            echo=lambda line: click.echo(line),
            setup=setup,
            token=token or secrets.token_hex(8),
            db=db,
            limits=limits,
            faults=faults,
            event_handler=event_handler,
            application_token=application_token,
            token_lifetime=token_lifetime,
            max_body=max_body,
            server_options=server_options,
        )
    except OSError as exc:
        raise click.ClickException(str(exc)) from exc


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


def _want_progress(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


if __name__ == "__main__":  # pragma: no cover
    main()


main.add_command(portal_group)
