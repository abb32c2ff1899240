"""Events end to end, over loopback HTTP, with the events module generated from the ru docs.

The emulator (serving the ru model) fires ONCRMLEADADD after crm.lead.add at the generated
package's EventRouter, run by uvicorn on a free port; the handler, annotated with the
generated ``OnCrmLeadAddEvent``, gets the new lead's ID. A portal with the wrong application
token and a malformed body are turned away. Also: the modules generated from the ru and en
docs pass ``mypy --strict`` together with handler code that uses them.
"""

from __future__ import annotations

import ast
import importlib
import socket
import sys
import threading
import time
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from test_events_render import run_mypy, write_package

from generator.render.events import render_events_module

APP_TOKEN = "app-secret-2f0c"


@pytest.fixture(scope="module")
def ru_events(ru_model: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The ru docs' events module, importable as ``rtpkg.events``."""
    root = tmp_path_factory.mktemp("rtpkg")
    write_package(root, render_events_module(ru_model, "rtpkg"), "rtpkg")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("rtpkg.events")
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == "rtpkg" or n.startswith("rtpkg.")]:
            del sys.modules[name]


@pytest.fixture
def handler(ru_events: Any) -> Iterator[tuple[str, list[Any]]]:
    """The generated EventRouter on uvicorn; yields its URL and the events it handled."""
    from generator.emulator.server import free_port

    router = ru_events.EventRouter(application_token=APP_TOKEN)
    received: list[Any] = []

    @router.on("ONCRMLEADADD")
    def lead_added(event: Any) -> None:  # annotated OnCrmLeadAddEvent in user code
        received.append(event)

    port = free_port()
    config = uvicorn.Config(router, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the event handler did not start"
            time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/b24/events", received
    server.should_exit = True
    thread.join(timeout=5)


def _wait(condition: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.corpus
def test_lead_add_reaches_a_typed_handler(
    ru_model: Any, ru_events: Any, handler: tuple[str, list[Any]], b24_emulator_factory: Any
) -> None:
    url, received = handler
    portal = b24_emulator_factory(
        model=ru_model, limits="none", event_handler=url, application_token=APP_TOKEN
    )
    answer = httpx.post(
        portal.webhook_url + "crm.lead.add", json={"fields": {"TITLE": "From the docs"}}
    )
    assert answer.status_code == 200, answer.text
    lead_id = answer.json()["result"]
    assert _wait(lambda: len(received) == 1), "no event reached the handler"
    event = received[0]
    assert isinstance(event, ru_events.Event)
    assert event.name == "ONCRMLEADADD"
    assert event.data["FIELDS"]["ID"] == str(lead_id)
    assert event.auth["application_token"] == APP_TOKEN
    assert event.ts.isdigit()
    # the type the docs give this event's data: FIELDS with ID
    data_type = ru_events.data_type(event.name)
    assert data_type is ru_events.OnCrmLeadAddData
    fields_type = typing.get_type_hints(data_type)["FIELDS"]
    assert typing.get_type_hints(fields_type)["ID"] is str
    assert ru_events.EVENTS["ONCRMLEADADD"].source.endswith("on-crm-lead-add.md")


@pytest.mark.corpus
def test_forged_token_and_malformed_body_are_rejected(
    ru_model: Any, handler: tuple[str, list[Any]], b24_emulator_factory: Any
) -> None:
    url, received = handler
    forger = b24_emulator_factory(
        model=ru_model, limits="none", event_handler=url, application_token="not-the-app"
    )
    answer = httpx.post(forger.webhook_url + "crm.lead.add", json={"fields": {"TITLE": "x"}})
    assert answer.status_code == 200
    events = forger.portal.events
    assert _wait(lambda: events.failed == 1), "the forged call was not answered with an error"
    assert received == [] and events.sent == []

    forged = httpx.post(
        url,
        content=f"event=ONCRMLEADADD&data[FIELDS][ID]=1&auth[application_token]={APP_TOKEN[:-1]}X",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert forged.status_code == 401 and forged.json()["error"] == "forged_event"
    # a body without the genuine token is refused as forged before the rest is judged
    form = {"content-type": "application/x-www-form-urlencoded"}
    for body in ("data[FIELDS=1", "event=ONCRMLEADADD&data[FIELDS][ID]=1", "%%%"):
        tokenless = httpx.post(url, content=body, headers=form)
        assert tokenless.status_code == 401 and tokenless.json()["error"] == "forged_event"
    genuine = f"&auth[application_token]={APP_TOKEN}"
    for body in (
        "data[FIELDS=1" + genuine,
        "event=ONCRMLEADADD&data=1" + genuine,
        "%%%" + genuine,
        "",
    ):
        bad = httpx.post(
            url, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert bad.status_code == 400, (body, bad.text)
        assert bad.json()["error"] == "malformed_event" and bad.json()["error_description"]
    assert httpx.get(url).status_code == 405
    assert received == []


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_event_modules_pass_mypy_strict(
    ru_model: Any, en_model: Any, tmp_path: Path
) -> None:
    user = tmp_path / "handlers.py"
    lines = ["from typing import Any"]
    for corpus, model in (("ru", ru_model), ("en", en_model)):
        source = render_events_module(model, f"ev_{corpus}")
        tree = ast.parse(source)
        aliases = [  # OnCrmLeadAddEvent = Event[OnCrmLeadAddData, EventAuth], one per event
            n
            for n in tree.body
            if isinstance(n, ast.Assign)
            and isinstance(n.value, ast.Subscript)
            and isinstance(n.value.value, ast.Name)
            and n.value.value.id == "Event"
        ]
        unique = {e.name.upper() for e in model.events}
        assert len(aliases) == len(unique) >= 150
        assert "'CATALOG.PRODUCT.ON.ADD'" in source or '"CATALOG.PRODUCT.ON.ADD"' in source
        write_package(tmp_path, source, f"ev_{corpus}")
        lines += [
            f"from ev_{corpus}.events import EventRouter as Router_{corpus}",
            f"from ev_{corpus}.events import OnCrmLeadAddEvent as Lead_{corpus}",
            f"router_{corpus} = Router_{corpus}(application_token='t')",
            f"@router_{corpus}.on('ONCRMLEADADD')",
            f"def on_lead_{corpus}(event: Lead_{corpus}) -> None:",
            "    lead_id: str = event.data['FIELDS']['ID']",
            "    domain: str = event.auth['domain']",
            "    print(lead_id, domain)",
        ]
    user.write_text("\n".join(lines) + "\n")
    result = run_mypy(tmp_path / "ev_ru", tmp_path / "ev_en", user)
    assert result.returncode == 0, result.stdout[-3000:]
