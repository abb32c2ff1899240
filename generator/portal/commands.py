"""The work behind ``b24gen portal pull``/``portal diff`` and the ``--portal`` options of
``generate``, ``check`` and ``serve``; the ``run_*`` functions return the exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from generator.portal.snapshot import PortalSnapshot, SnapshotError, load_snapshot

EXIT_OK, EXIT_NO, EXIT_USAGE = 0, 1, 2

Extend = Callable[[dict[str, str]], dict[str, str]]


def _error(message: str) -> int:
    click.echo(f"error: {message}", err=True)
    return EXIT_USAGE


def run_pull(
    *,
    out: Path,
    webhook: str | None,
    domain: str | None,
    access_token: str | None,
    langs: tuple[str, ...],
    timeout: float,
) -> int:
    from generator.portal.pull import PullError, connect, pull, where
    from generator.render.files import write_text_atomic

    if (webhook is None) == (domain is None):
        return _error("give either --webhook URL or --domain DOMAIN --access-token TOKEN")
    if domain is not None and not access_token:
        return _error("--domain needs --access-token")
    if out.exists() and out.is_dir():
        return _error(f"{out}: is a folder, not a snapshot file")
    label = where(webhook or domain or "")
    try:
        client = connect(webhook=webhook, domain=domain, access_token=access_token,
                         timeout=timeout)  # fmt: skip
        try:
            snapshot = pull(client, label=label, langs=langs)
        finally:
            client.close()
    except PullError as exc:
        return _error(str(exc))
    text = snapshot.to_json()
    try:
        write_text_atomic(out, text)
    except OSError as exc:
        return _error(f"{out}: cannot write ({exc.strerror or exc})")
    fields = sum(len(e.fields) for e in snapshot.entities)
    click.echo(
        f"wrote {out}: {fields} user fields on {len(snapshot.entities)} CRM entities, "
        f"{len(snapshot.smart_processes)} smart processes",
        err=True,
    )
    return EXIT_OK


def load_or_fail(path: Path) -> PortalSnapshot:
    """The snapshot, or a click error (exit 2) with the one-line reason."""
    try:
        return load_snapshot(path)
    except SnapshotError as exc:
        raise _Unreadable(str(exc)) from None


class _Unreadable(click.ClickException):
    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"error: {self.message}", err=True)


def extender(path: Path, *, package_name: str) -> Extend:
    """The post-step ``generate``/``check`` apply to the docs' file map."""
    snapshot = load_or_fail(path)

    def extend(files: dict[str, str]) -> dict[str, str]:
        from generator.portal.render import extend_files

        return extend_files(
            files, snapshot, package_name=package_name, snapshot_name=Path(path).name
        )

    return extend


def run_portal_diff(old: Path, new: Path, *, fmt: str, fail_on: str) -> int:
    from generator.portal.diff import diff_snapshots, render_portal_diff

    try:
        a, b = load_snapshot(old), load_snapshot(new)
    except SnapshotError as exc:
        return _error(str(exc))
    diff = diff_snapshots(a, b)
    click.echo(render_portal_diff(diff, fmt, old_label=str(old), new_label=str(new)), nl=False)
    if fail_on == "breaking" and diff.breaking_count:
        click.echo(f"{diff.breaking_count} breaking change(s)", err=True)
        return EXIT_NO
    if fail_on == "any" and not diff.empty:
        return EXIT_NO
    return EXIT_OK
