"""``b24gen serve``: the emulator in the foreground until SIGINT/SIGTERM."""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Callable
from typing import Any

from generator.emulator.app import create_app
from generator.emulator.server import ForegroundServer, ServerOptions, _config
from generator.model import ApiModel


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    model: ApiModel,
    *,
    host: str,
    port: int,
    echo: Callable[[str], Any] = print,
    setup: Callable[[Any], None] | None = None,
    server_options: ServerOptions | None = None,
    **options: Any,
) -> None:
    """Check the address (port 0 picks a free one we can print), announce, then serve.

    uvicorn binds the port itself: a socket handed over with ``sockets=`` loses TCP_NODELAY
    on its connections and every answer then waits ~40 ms for a delayed ACK."""
    app = create_app(model, **options)
    if setup is not None:  # e.g. `serve --portal`: the snapshot's user fields and types
        setup(app)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        real_port = probe.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    portal = app.portal
    lim = portal.options.limits
    echo(
        f"b24gen emulator: {len(model.methods)} methods, {len(portal.families)} entity "
        f"families; limits: "
        + (f"burst {lim.burst:g}, drain {lim.drain:g}/s" if lim else "none")
        + (f"; faults: {options.get('faults')}" if options.get("faults") else "")
        + (f"; events -> {options.get('event_handler')}" if options.get("event_handler") else "")
    )
    opts = server_options or ServerOptions()
    server = ForegroundServer(_config(app, host, real_port, "warning", opts))
    scheme = "https" if opts.tls else "http"

    def announce() -> None:
        echo(f"webhook: {scheme}://{shown}:{real_port}/rest/1/{portal.options.token}/")
        echo(f"oauth token endpoint: {scheme}://{shown}:{real_port}/oauth/token/")
        grant = portal.tokens.issue()
        echo(
            f"oauth: access_token={grant.access_token} refresh_token={grant.refresh_token} "
            f"client_id={portal.options.client_id} client_secret={portal.options.client_secret}"
        )
        if not is_loopback(host):
            echo(f"warning: listening on {host}, which is not a loopback address")
        sys.stdout.flush()

    server.on_started = announce
    try:
        server.run()
    finally:
        portal.store.close()
    echo("b24gen emulator: stopped")
