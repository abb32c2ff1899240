"""Integration tests: the generated client against the emulator over real loopback HTTP.

The client package is rendered from docs_src/ into a temporary folder (so it always carries
the current templates/runtime) and imported as ``b24it``. The emulator serves the same model.

Every log record, exception text and client repr met during the session is kept by
:data:`WATCH`; ``test_zz_no_secrets.py`` scans them for every secret the tests used.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

PACKAGE = "b24it"


class _Watch(logging.Handler):
    """Keeps the text of everything that could leak a secret."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []
        self.secrets: set[str] = set()
        self.records = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            self.texts.append(f"{record.name}: {record.getMessage()}")
        except Exception as exc:  # noqa: BLE001 - a broken record is itself worth a look
            self.texts.append(f"unformattable record {record.msg!r}: {exc!r}")
        if record.exc_info and record.exc_info[1] is not None:
            self.exception(record.exc_info[1])

    def exception(self, exc: BaseException) -> None:
        import traceback

        self.texts.append(repr(exc))
        self.texts.append("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))

    def repr_of(self, obj: object) -> None:
        self.texts.append(repr(obj))
        self.texts.append(str(obj))


WATCH = _Watch()


@pytest.fixture(scope="session", autouse=True)
def _watch_everything() -> Iterator[_Watch]:
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(WATCH)
    root.setLevel(logging.DEBUG)
    # httpx/httpcore log every request at INFO/DEBUG: the URL of a webhook call carries its
    # secret, so these are the records most likely to leak.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield WATCH
    root.removeHandler(WATCH)
    root.setLevel(old_level)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.longrepr is not None:
        WATCH.texts.append(str(report.longrepr))


@pytest.fixture(scope="session")
def b24_emulator_model(docs_src_model: Any) -> Any:
    """The emulator serves the model the client is generated from."""
    return docs_src_model


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


def remember_secrets(emulator: Any) -> None:
    """Every secret of ``emulator``: webhook token, client secret, all tokens issued."""
    portal = emulator.portal
    WATCH.secrets.add(emulator.token)
    WATCH.secrets.add(portal.options.client_secret)
    tokens = portal.tokens
    with tokens.lock:
        for grant in [*tokens.by_access.values(), *tokens.by_refresh.values()]:
            WATCH.secrets.update((grant.access_token, grant.refresh_token))


@pytest.fixture
def emulator(b24_emulator: Any) -> Iterator[Any]:
    """The session emulator (limits off), emptied; its secrets remembered for the scan."""
    yield b24_emulator
    remember_secrets(b24_emulator)


@pytest.fixture
def client(emulator: Any, client_pkg: ModuleType) -> Iterator[Any]:
    c = client_pkg.Client.from_webhook(
        emulator.webhook_url, allow_insecure_http=True, rate_limit="none"
    )
    WATCH.repr_of(c)
    yield c
    c.close()
