"""pytest fixtures that run the portal emulator on a free loopback port.

Registered as the ``b24gen_emulator`` pytest11 plugin, so installing b24gen is enough::

    def test_lead_roundtrip(b24_emulator):
        client = b24_emulator.client(Client)  # Client of your generated package
        lead_id = client.crm.lead.add(fields={"TITLE": "x"})
        assert client.crm.lead.get(id=lead_id)["TITLE"] == "x"

Fixtures
- ``b24_emulator``: an emulator started once per session for each model/options pair,
  emptied before each test (fast).
- ``b24_emulator_factory``: ``factory(**options)`` starts another emulator with its own
  options (limits, faults, clock, event_handler …); stopped when the test ends.
- ``b24_emulator_model`` (session): the ``ApiModel`` served. By default read from the docs
  folder named by the ``b24_emulator_docs`` ini option, or ``b24_emulator_model_json`` (a
  ``b24gen model --json`` file), or ``docs_src/`` beside the rootdir. Override it in your
  conftest.py (session scope) to serve something else.
- ``b24_emulator_options`` (session): keyword arguments of ``create_app`` for the session
  emulator; default ``{"limits": "none"}`` so test suites are not throttled. Override to test
  under the portal's limits: ``{"limits": "standard"}``. Server options go in the same dict:
  ``tls=True`` serves https with a throwaway certificate (needs ``trustme``; the handle's
  ``.ca_file`` is the authority to trust), or ``certfile=``/``keyfile=`` your own;
  ``header_timeout=``/``body_timeout=`` (seconds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("b24_emulator_docs", "Docs folder the b24_emulator fixture serves", default="")
    parser.addini(
        "b24_emulator_model_json", "Model JSON (b24gen model --json) the emulator serves",
        default="",
    )  # fmt: skip


@pytest.fixture(scope="session")
def b24_emulator_model(pytestconfig: pytest.Config) -> Any:
    from generator.model import ApiModel

    root = Path(str(pytestconfig.rootpath))
    model_json = pytestconfig.getini("b24_emulator_model_json")
    if model_json:
        return ApiModel.from_json((root / model_json).read_text(encoding="utf-8"))
    docs = pytestconfig.getini("b24_emulator_docs") or "docs_src"
    path = root / docs
    if not path.is_dir():
        raise pytest.UsageError(
            f"b24_emulator: no docs folder at {path}; set the b24_emulator_docs or "
            "b24_emulator_model_json ini option, or override the b24_emulator_model fixture"
        )
    from generator.reader import read_docs

    return read_docs(path, progress=False)


@pytest.fixture(scope="session")
def b24_emulator_options() -> dict[str, Any]:
    return {"limits": "none"}


@pytest.fixture(scope="session")
def _b24_emulator_pool() -> Iterator[dict[Any, Any]]:
    """Running emulators by (model, options). A conftest deeper in the tree may override the
    model or options fixtures; each combination gets its own emulator, started once."""
    pool: dict[Any, Any] = {}
    yield pool
    for _model, running in pool.values():
        running.stop()


@pytest.fixture
def b24_emulator(
    _b24_emulator_pool: dict[Any, Any],
    b24_emulator_model: Any,
    b24_emulator_options: dict[str, Any],
) -> Any:
    """A running emulator with an empty database: ``.webhook_url``, ``.base_url``,
    ``.token``, ``.app``, ``.portal``, ``.reset()``, ``.client(ClientClass)``."""
    key = (id(b24_emulator_model), repr(sorted(b24_emulator_options.items())))
    entry = _b24_emulator_pool.get(key)
    if entry is None:
        from generator.emulator.server import start_emulator

        running = start_emulator(b24_emulator_model, dict(b24_emulator_options))
        # the model is kept with it, so that its id() is not reused while the key lives
        entry = _b24_emulator_pool[key] = (b24_emulator_model, running)
    running = entry[1]
    running.reset()
    return running


@pytest.fixture
def b24_emulator_factory(
    b24_emulator_model: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Any]]:
    from generator.emulator.server import start_emulator

    started: list[Any] = []

    def factory(model: Any = None, **options: Any) -> Any:
        tls_dir = tmp_path_factory.mktemp("tls") if options.get("tls") else None
        running = start_emulator(model or b24_emulator_model, options, tls_dir)
        started.append(running)
        return running

    yield factory
    for running in started:
        running.stop()
