"""Running the emulator: in the foreground for ``b24gen serve``, or in a background thread
for tests (the pytest plugin), on a free loopback port."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from generator.emulator.app import EmulatorApp
from generator.emulator.protocol import BODY_TIMEOUT, HEADER_TIMEOUT, timed_protocol


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class ServerOptions:
    """How the emulator listens: TLS files (PEM) and the read timeouts."""

    certfile: str | None = None
    keyfile: str | None = None
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    keep_alive: float = 30.0

    @property
    def tls(self) -> bool:
        return self.certfile is not None


def _config(
    app: EmulatorApp, host: str, port: int, log_level: str, opts: ServerOptions | None = None
) -> uvicorn.Config:
    opts = opts or ServerOptions()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_keep_alive=int(max(1, opts.keep_alive)),
        # h11: faults reset connections through the h11 cycle's transport, and the read
        # timeouts live in its protocol class.
        http=timed_protocol(opts.header_timeout, opts.body_timeout),
        ssl_certfile=opts.certfile,
        ssl_keyfile=opts.keyfile,
    )


class ForegroundServer(uvicorn.Server):
    """uvicorn re-raises the signal that stopped it; for ``b24gen serve`` a signal is the
    normal way to stop, so we shut down gracefully and exit 0 instead."""

    on_started: Callable[[], None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        # Announce only once the port accepts connections: scripts read the URL and connect.
        if self.started and self.on_started is not None:
            self.on_started()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        sigs = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in sigs}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def serve_forever(app: EmulatorApp, host: str, port: int, *, log_level: str = "warning") -> None:
    """Blocks; uvicorn handles SIGINT/SIGTERM and shuts down cleanly."""
    ForegroundServer(_config(app, host, port, log_level)).run()


@dataclass
class RunningEmulator:
    """A live emulator in a background thread."""

    app: EmulatorApp
    host: str
    port: int
    token: str
    server: uvicorn.Server
    thread: threading.Thread
    tls: bool = False
    ca_file: str | None = None  # the authority to trust when the emulator made its own cert

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def domain(self) -> str:
        """``host:port``, what clients that build ``https://{domain}/rest/`` expect."""
        return f"{self.host}:{self.port}"

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/rest/1/{self.token}/"

    @property
    def portal(self) -> Any:
        return self.app.portal

    def reset(self) -> None:
        """Empty the database and the limits' counters; keep the server running."""
        self.app.portal.reset()

    def client(self, client_class: Any, **options: Any) -> Any:
        """A ready client of the generated package: ``handle.client(Client)``."""
        return client_class.from_webhook(self.webhook_url, allow_insecure_http=True, **options)

    def oauth_client(self, client_class: Any, **options: Any) -> Any:
        """A client authorised by OAuth, with a fresh access/refresh token pair."""
        grant = self.app.portal.tokens.issue()
        return client_class.from_oauth(
            self.base_url,
            grant.access_token,
            refresh_token=grant.refresh_token,
            client_id=self.app.portal.options.client_id,
            client_secret=self.app.portal.options.client_secret,
            token_url=f"{self.base_url}/oauth/token/",
            allow_insecure_http=True,
            **options,
        )

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.portal.store.close()


SERVER_OPTION_NAMES = ("tls", "certfile", "keyfile", "header_timeout", "body_timeout")


def start_emulator(model: Any, options: dict[str, Any], tls_dir: Any = None) -> RunningEmulator:
    """``create_app(model, **options)`` in a thread; ``tls=True`` (with ``tls_dir``) makes a
    throwaway certificate, ``certfile``/``keyfile`` serve yours; timeouts pass through."""
    import tempfile
    from pathlib import Path

    from generator.emulator.app import create_app

    app_options = {k: v for k, v in options.items() if k not in SERVER_OPTION_NAMES}
    server = {k: v for k, v in options.items() if k in SERVER_OPTION_NAMES}
    ca_file = None
    if server.pop("tls", False) and "certfile" not in server:
        from generator.emulator.tls import self_signed

        files = self_signed(Path(tls_dir or tempfile.mkdtemp(prefix="b24gen-tls-")))
        server["certfile"], ca_file = files.certfile, files.ca_file
    running = start_in_thread(
        create_app(model, **app_options), server_options=ServerOptions(**server)
    )
    running.ca_file = ca_file
    return running


def start_in_thread(
    app: EmulatorApp,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    timeout: float = 10.0,
    server_options: ServerOptions | None = None,
) -> RunningEmulator:
    """Start uvicorn in a daemon thread and wait until the emulator answers."""
    port = port or free_port(host)
    opts = server_options or ServerOptions()
    server = uvicorn.Server(_config(app, host, port, "warning", opts))
    thread = threading.Thread(target=server.run, name=f"b24gen-emulator-{port}", daemon=True)
    thread.start()
    running = RunningEmulator(
        app, host, port, app.portal.options.token, server, thread, tls=opts.tls
    )
    deadline = time.monotonic() + timeout
    # The readiness probe only asks whether our own server is up; the clients under test
    # verify its certificate themselves.
    probe_verify = False
    while True:
        try:
            health = f"{running.base_url}/_emulator/health"
            if httpx.get(health, timeout=1.0, verify=probe_verify).status_code == 200:
                return running
        except httpx.HTTPError:
            pass
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the emulator did not start on {host}:{port}")
        time.sleep(0.02)
