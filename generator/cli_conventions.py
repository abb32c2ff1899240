"""What every ``b24gen`` command shares: ``--docs``, one error line, three exit codes.

- ``--docs DOCS`` names the docs folder on every command that reads docs, with one default
  (``docs_src``) wherever a default makes sense. ``model`` and ``coverage`` took DOCS as an
  argument before: that form still works, with a warning, and is left out of the usage.
- A failure is one line on stderr, ``error: <what went wrong>`` (lowercase, naming the file
  and line where there is one), never a traceback for bad input. click's own usage errors
  are shown the same way, with the command's help hint on the same line.
- Exit codes: 0 success, 1 the command's own "no" (stale output, breaking changes, ...),
  2 usage errors and unreadable input.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

EXIT_OK, EXIT_NO, EXIT_USAGE = 0, 1, 2
PROG = "b24gen"
DEFAULT_DOCS = "docs_src"
_CAPITALISED_WORD = re.compile(r"^[A-Z][a-z]+(?= )")  # "No such option", not "Makefile:"


def error_line(message: str) -> str:
    """``error: <message>`` on one line, starting lowercase ("No such option" -> "no ...")."""
    text = " ".join(str(message).split())
    if _CAPITALISED_WORD.match(text):
        text = text[0].lower() + text[1:]
    return f"error: {text}"


def echo_error(message: str) -> int:
    """Print the error line to stderr; the exit code of unreadable input, for ``return``."""
    click.echo(error_line(message), err=True)
    return EXIT_USAGE


class UnreadableInput(click.ClickException):
    """Input that cannot be used (a docs folder, a model file): exit 2, as a usage error."""

    exit_code = EXIT_USAGE


class B24Command(click.Command):
    """A command whose help ends with its exit codes (``exit_no``: what exit 1 means)."""

    def __init__(self, *args: Any, exit_no: str | None = None, **kwargs: Any) -> None:
        no = f"1 {exit_no}; " if exit_no else ""
        kwargs.setdefault(
            "epilog",
            f"Exit status: 0 success; {no}2 usage error or unreadable input "
            "(one 'error: ...' line on stderr).",
        )
        super().__init__(*args, **kwargs)


class B24Group(click.Group):
    """The command group that shows every click error in the house style (see the module)."""

    command_class = B24Command

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        prog_name = prog_name or PROG
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            return super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `b24gen`: the help
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
            sys.exit(EXIT_USAGE)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} -h')" if exc.ctx is not None else ""
            click.echo(error_line(exc.format_message()) + hint, err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(error_line(exc.format_message()), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(error_line("aborted"), err=True)
            sys.exit(EXIT_NO)


def docs_option(default: str | None = DEFAULT_DOCS, help_text: str | None = None) -> Any:
    return click.option(
        "--docs",
        "docs",
        type=click.Path(file_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help_text
        or "Folder of YFM Markdown docs (a checkout of b24-rest-docs, or docs_src/).",
    )


class _UnlistedArgument(click.Argument):
    """An argument kept for old command lines: accepted, never shown in the usage line."""

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        return []


def legacy_docs_argument(f: Callable[..., Any]) -> Callable[..., Any]:
    """``b24gen model DOCS``: the old spelling of ``--docs DOCS`` (see ``docs_from``)."""
    return click.argument(
        "legacy_docs",
        cls=_UnlistedArgument,
        required=False,
        type=click.Path(file_okay=False, path_type=Path),
    )(f)


def docs_from(docs: Path, legacy_docs: Path | None) -> Path:
    """The docs folder of a command with ``docs_option`` and ``legacy_docs_argument``."""
    if legacy_docs is None:
        return docs
    ctx = click.get_current_context()
    if ctx.get_parameter_source("docs") == ParameterSource.COMMANDLINE:
        raise click.UsageError("DOCS given twice, as --docs and as an argument: give --docs only")
    click.echo(f"warning: DOCS as an argument is deprecated; give --docs {legacy_docs}", err=True)
    return legacy_docs


def want_progress(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


def read_docs_cached(docs: Path, *, cache_dir: Path | None) -> Any:
    """The reader with its authenticated per-page cache (what ``check`` and ``generate`` use
    too; ``cache_dir=None`` reads every page afresh); unreadable docs exit 2."""
    from generator.drift.incremental import read_model
    from generator.reader import DocsError

    try:
        return read_model(docs, cache_dir=cache_dir, progress=want_progress(None))
    except DocsError as exc:
        raise UnreadableInput(str(exc)) from exc
