"""The ``b24gen serve`` command (click only; its options are in ``options.py``, the work in
``serve.py``). ``generator.cli`` adds it to the command group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from generator.cli_conventions import B24Command, UnreadableInput, docs_option, read_docs_cached
from generator.emulator.options import front_options, portal_options
from generator.portal.cli import portal_option, portal_setup


@click.command("serve", cls=B24Command)
@docs_option()
@portal_options
@portal_option("Behave like the portal of this snapshot: its user fields, list values and "
                "smart processes.")  # fmt: skip
@front_options
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
        model = _model_file(model_json)
    else:
        from generator.drift.cache import default_cache_dir

        cache = None if no_cache else (cache_dir or default_cache_dir(docs))
        model = read_docs_cached(docs, cache_dir=cache)
    setup = portal_setup(portal, scopes)
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
    except OSError as exc:  # the address cannot be listened on: an unusable --host/--port
        raise UnreadableInput(f"{host}:{port}: cannot listen ({exc.strerror or exc})") from exc


def _model_file(path: Path) -> Any:
    """``serve --model FILE``: the model JSON, or exit 2 naming the file (and line)."""
    import json

    from generator.model import ApiModel

    try:
        return ApiModel.from_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise UnreadableInput(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise UnreadableInput(f"{path}: not a b24gen model ({exc})") from exc
