"""The ``b24gen portal`` commands and the ``--portal`` option of generate, check and serve
(click only; the work is in generator.portal.commands). ``generator.cli`` adds the group."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.cli_conventions import B24Group


def portal_option(help_text: str | None = None) -> Callable[[Any], Any]:
    return click.option(
        "--portal",
        "portal",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="SNAPSHOT",
        help=help_text
        or "A snapshot from `b24gen portal pull`: add that portal's user fields and smart "
        "processes to the package (offline).",
    )


def portal_extender(portal: Path | None, package_name: str) -> Any:
    if portal is None:
        return None
    from generator.portal.commands import extender

    return extender(portal, package_name=package_name)


def portal_setup(portal: Path | None, scopes: str | None) -> Any:
    if portal is None and scopes is None:
        return None
    snapshot = None
    if portal is not None:
        from generator.portal.commands import load_or_fail

        snapshot = load_or_fail(portal)
    allowed = None if scopes is None else frozenset(s.strip() for s in scopes.split(",") if s)

    def setup(app: Any) -> None:
        if snapshot is not None:
            app.portal.userfields.load(snapshot)
        app.portal.userfields.scopes = allowed

    return setup


@click.group("portal", cls=B24Group)
def portal_group() -> None:
    """One portal's own user fields and smart processes: snapshot and changelog.

    \b
      b24gen portal pull --webhook URL         write portal-schema.json
      b24gen generate --portal portal-schema.json
      b24gen check --portal portal-schema.json exit 1 when the package no longer matches
      b24gen portal diff OLD.json NEW.json     fields added, removed, changed

    These commands read a portal or its snapshots, never docs: they take no --docs.
    """


@portal_group.command("pull")
@click.option("--webhook", default=None, metavar="URL", help="Inbound webhook address.")
@click.option("--domain", default=None, help="Portal address for OAuth (with --access-token).")
@click.option("--access-token", default=None, help="OAuth access token (never written).")
@click.option(
    "--out",
    type=click.Path(dir_okay=True, path_type=Path),
    default="portal-schema.json",
    show_default=True,
    help="Snapshot file to write (atomically).",
)
@click.option(
    "--lang",
    "langs",
    multiple=True,
    default=("en",),
    show_default=True,
    help="Language of the labels to read; repeat for several (--lang en --lang ru).",
)
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds per call.")
def portal_pull_cmd(
    webhook: str | None,
    domain: str | None,
    access_token: str | None,
    out: Path,
    langs: tuple[str, ...],
    timeout: float,
) -> None:
    """Read the portal's user fields, list values and smart processes into a snapshot.

    The snapshot is deterministic (sorted, no timestamps) and holds no secret: commit it
    next to the generated SDK. Exit 2, writing nothing, when the portal cannot be read.
    """
    from generator.portal.commands import run_pull

    sys.exit(
        run_pull(out=out, webhook=webhook, domain=domain, access_token=access_token,
                 langs=langs, timeout=timeout)  # fmt: skip
    )


@portal_group.command("diff", exit_no="with --fail-on, when such changes are found")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text, markdown (PR comments) or json (the keys of `b24gen diff`).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "any", "never"]),
    default="never",
    show_default=True,
    help="Exit 1 when any breaking change (or any change at all) is found.",
)
def portal_diff_cmd(old: Path, new: Path, fmt: str, fail_on: str) -> None:
    """Fields added, removed and changed between two snapshots, marked breaking as by
    `b24gen diff` (removed, made required, retyped, list values removed)."""
    from generator.portal.commands import run_portal_diff

    sys.exit(run_portal_diff(old, new, fmt=fmt, fail_on=fail_on))
