"""The release options of ``b24gen generate`` (click only; the work is in ``run.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

_OPTIONS = [
    click.option(
        "--bump",
        is_flag=True,
        help="Release: compare with the model recorded in OUT, set the version by the API diff "
        "(major: breaking, minor: additions, patch: other output changes) and prepend a "
        "CHANGELOG.md section. Without it the version and changelog are kept as they are.",
    ),
    click.option(
        "--set-version",
        default=None,
        metavar="X.Y.Z",
        help="With --bump: release as this version instead of the computed one.",
    ),
    click.option(
        "--docs-revision",
        default=None,
        metavar="REV",
        help="The docs revision to record (default: git's, when DOCS is a git checkout).",
    ),
    click.option(
        "--release-notes",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write this release's changelog section here (an empty file when nothing was "
        "released): the body of an upstream-sync pull request.",
    ),
]


def release_options(command: Callable) -> Callable:
    """``--bump``, ``--set-version``, ``--docs-revision``, ``--release-notes``."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command
