"""Integration tests: the generated client against the emulator over real loopback HTTP.

The client package is rendered from docs_src/ into a temporary folder (so it always carries
the current templates/runtime) and imported as ``b24it``. The emulator serves the same model.

Every log record, exception text and client repr met during the session is kept by
:data:`WATCH`; ``test_zz_no_secrets.py`` scans them for every secret the tests used.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PACKAGE = "b24it"
# The third-party clients the emulator is tested with (tests/integration/test_it_clients_*):
# they put the webhook secret in their own URLs, logs and errors, which we cannot change.
OTHER_CLIENTS = frozenset({"b24pysdk", "fast_bitrix24", "requests", "urllib3", "aiohttp"})


class _Watch(logging.Handler):
    """Keeps the text of everything that could leak a secret."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []
        self.secrets: set[str] = set()
        self.records = 0
        self.frames_seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in OTHER_CLIENTS:
            return  # their logs and errors are theirs: our guarantee is about our own code
        self.records += 1
        try:
            self.texts.append(f"{record.name}: {record.getMessage()}")
        except Exception as exc:  # noqa: BLE001 - a broken record is itself worth a look
            self.texts.append(f"unformattable record {record.msg!r}: {exc!r}")
        if record.exc_info and record.exc_info[1] is not None:
            self.exception(record.exc_info[1])

    def exception(self, exc: BaseException) -> None:
        import traceback

        if type(exc).__module__.split(".")[0] in OTHER_CLIENTS:
            return
        self.texts.append(repr(exc))
        self.texts.append("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        self.frames(exc)

    def frames(self, exc: BaseException) -> None:
        """What a traceback with locals shows (Sentry's default, ``pytest -l``, rich): the
        repr of every local of every frame the exception passed through, below the frame
        that caught it (a test's own locals are the test's business), along its chain."""
        seen: set[int] = set()
        current: BaseException | None = exc
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            tb = current.__traceback__
            while tb is not None:
                if _is_test_frame(tb.tb_frame.f_code.co_filename):
                    tb = tb.tb_next  # the tests' own locals (they hold secrets on purpose)
                    continue
                self.frames_seen += 1
                for value in list(tb.tb_frame.f_locals.values()):
                    try:
                        self.texts.append(repr(value))
                    except Exception as err:  # noqa: BLE001 - a broken repr shows nothing
                        self.texts.append(f"<repr raised {type(err).__name__}>")
                    if isinstance(value, (str, bytes)):
                        self.texts.append(str(value))
                tb = tb.tb_next
            current = current.__cause__ or current.__context__

    def repr_of(self, obj: object) -> None:
        self.texts.append(repr(obj))
        self.texts.append(str(obj))


WATCH = _Watch()
_TESTS = str(Path(__file__).resolve().parent.parent)


def _is_test_frame(filename: str) -> bool:
    return filename.startswith(_TESTS) or filename.endswith("contextlib.py")


@pytest.fixture(autouse=True)
def _watch_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every exception a test here catches with ``pytest.raises`` is scanned by the watch
    (its text, repr and the locals of its frames)."""
    real = pytest.raises

    @contextlib.contextmanager
    def watched(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with real(*args, **kwargs) as info:
            yield info
        WATCH.exception(info.value)

    def raises(*args: Any, **kwargs: Any) -> Any:
        if len(args) > 1:  # the callable form: pytest.raises(E, fn, *args)
            return real(*args, **kwargs)
        return watched(*args, **kwargs)

    monkeypatch.setattr(pytest, "raises", raises)


@pytest.fixture(scope="session", autouse=True)
def _install_watch() -> Iterator[None]:
    """Watch from the first test of this folder to the end of the session (tests of other
    folders that run later are watched too; earlier ones may post to webhook URLs with bare
    httpx, which is their own business). Only the HTTP libraries' and the runtimes' loggers
    are opened to DEBUG; the root level is left alone."""
    logging.getLogger().addHandler(WATCH)
    for name in ("httpx", "httpcore", "b24gen_templates.runtime", f"{PACKAGE}._runtime"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield


def all_known_secrets() -> set[str]:
    """The secrets the tests noted, and every secret any runtime copy in this process was
    given (the template's and each generated package's ``_runtime.redact`` registry)."""
    found = {s for s in WATCH.secrets if s}
    for name, module in list(sys.modules.items()):
        if name.endswith("runtime.redact") and hasattr(module, "_secrets"):
            found.update(module._secrets)
    return found


def leaks() -> list[tuple[str, str]]:
    secrets = all_known_secrets()
    return [(secret, text[:200]) for text in WATCH.texts for secret in secrets if secret in text]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """test_zz_no_secrets scans what was seen up to its turn; this rescans the whole session."""
    found = leaks()
    if found:
        terminalreporter.write_sep("=", "SECRETS LEAKED into logs/exceptions/reprs", red=True)
        for secret, text in found[:20]:
            terminalreporter.write_line(f"{secret[:4]}…: {text}")
    else:
        terminalreporter.write_line(
            f"secrets scan: {WATCH.records} log records, {len(WATCH.texts)} texts, "
            f"{len(all_known_secrets())} secrets: no leak"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.longrepr is not None:
        WATCH.texts.append(str(report.longrepr))


@pytest.fixture(scope="session")
def client_pkg(docs_src_model: Any, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    from generator.render import render_package

    root = tmp_path_factory.mktemp("generated")
    for rel, text in render_package(docs_src_model, package_name=PACKAGE).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))


# Every (method, REST version, result) the docs_src emulators answered in this session;
# test_zz_answers_fit_types.py checks each against the generated return type.
ANSWERS: list[tuple[str, int, Any]] = []


def record_answers(running: Any) -> Any:
    portal = running.portal
    inner = portal.call

    def call(name: str, params: Any, version: int, caller: str, user: int = 1) -> Any:
        out = inner(name, params, version, caller, user)
        ANSWERS.append((name, version, out.result))
        return out

    portal.call = call  # batch commands go through it too
    return running


def remember_secrets(emulator: Any) -> None:
    """Every secret of ``emulator``: webhook token, client secret, all tokens issued."""
    portal = emulator.portal
    WATCH.secrets.add(emulator.token)
    WATCH.secrets.add(portal.options.client_secret)
    tokens = portal.tokens
    with tokens.lock:
        for grant in [*tokens.by_access.values(), *tokens.by_refresh.values()]:
            WATCH.secrets.update((grant.access_token, grant.refresh_token))


# Our own emulators, not the plugin's session ``b24_emulator``: that one is cached once per
# session with whichever model the first folder using it asked for, and this folder needs the
# docs_src model the client is generated from.


@pytest.fixture(scope="session")
def _session_emulator(docs_src_model: Any) -> Iterator[Any]:
    from generator.emulator.app import create_app
    from generator.emulator.server import start_in_thread

    running = record_answers(start_in_thread(create_app(docs_src_model, limits="none")))
    yield running
    running.stop()


@pytest.fixture
def emulator(_session_emulator: Any) -> Iterator[Any]:
    """The session emulator (limits off), emptied; its secrets remembered for the scan."""
    _session_emulator.reset()
    yield _session_emulator
    remember_secrets(_session_emulator)


@pytest.fixture
def emulator_factory(docs_src_model: Any) -> Iterator[Callable[..., Any]]:
    """``factory(**create_app options)``: another emulator of the docs_src model."""
    from generator.emulator.app import create_app
    from generator.emulator.server import start_in_thread

    started: list[Any] = []

    def factory(**options: Any) -> Any:
        running = record_answers(start_in_thread(create_app(docs_src_model, **options)))
        started.append(running)
        return running

    yield factory
    for running in started:
        remember_secrets(running)
        running.stop()


@pytest.fixture
def client(emulator: Any, client_pkg: ModuleType) -> Iterator[Any]:
    c = client_pkg.Client.from_webhook(
        emulator.webhook_url, allow_insecure_http=True, rate_limit="none"
    )
    WATCH.repr_of(c)
    yield c
    c.close()
