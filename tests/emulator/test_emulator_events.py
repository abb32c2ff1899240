"""Events: after a create/update/delete the emulator POSTs the portal's form-encoded call to
the configured handler. The handler here is the runtime's own EventRouter on uvicorn."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from b24gen_templates.runtime.events import EventRouter

from generator.emulator.events import encode_event
from generator.emulator.params import parse_php_query
from generator.emulator.server import free_port


@pytest.fixture
def handler() -> Iterator[tuple[str, list[Any], EventRouter]]:
    router = EventRouter(application_token="app-secret")
    received: list[Any] = []

    @router.on()
    def record(event: Any) -> None:
        received.append(event)

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(router, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "event handler did not start"
            time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/events", received, router
    server.should_exit = True
    thread.join(timeout=5)


def _wait_for(received: list[Any], n: int, emu: Any = None) -> None:
    """Until the handler saw ``n`` events and the emulator saw them acknowledged."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if len(received) >= n and (emu is None or len(emu.portal.events.sent) >= n):
            return
        time.sleep(0.01)


def test_lead_add_update_delete_fire_events_in_order(b24_emulator_factory, handler, http) -> None:
    url, received, _ = handler
    emu = b24_emulator_factory(limits="none", event_handler=url, application_token="app-secret")
    lead = http.post(emu.webhook_url + "crm.lead.add", json={"fields": {"TITLE": "e"}})
    lead_id = lead.json()["result"]
    http.post(emu.webhook_url + "crm.lead.update", json={"id": lead_id, "fields": {"NAME": "n"}})
    http.post(emu.webhook_url + "crm.lead.delete", json={"id": lead_id})
    _wait_for(received, 3, emu)
    assert [e.name for e in received] == ["ONCRMLEADADD", "ONCRMLEADUPDATE", "ONCRMLEADDELETE"]
    assert received[0].data == {"FIELDS": {"ID": str(lead_id)}}
    assert received[0].auth["application_token"] == "app-secret"
    assert received[0].ts.isdigit()
    assert len(emu.portal.events.sent) == 3 and emu.portal.events.failed == 0


def test_crm_item_and_batch_writes_fire_events(b24_emulator_factory, handler, http) -> None:
    url, received, _ = handler
    emu = b24_emulator_factory(limits="none", event_handler=url, application_token="app-secret")
    http.post(
        emu.webhook_url + "crm.item.add", json={"entityTypeId": 1038, "fields": {"title": "smart"}}
    )
    http.post(emu.webhook_url + "crm.item.add", json={"entityTypeId": 2, "fields": {"title": "d"}})
    http.post(
        emu.webhook_url + "batch",
        json={"cmd": {"a": "crm.lead.add?fields[TITLE]=x", "b": "crm.lead.get?id=$result[a]"}},
    )
    _wait_for(received, 3)
    assert [e.name for e in received] == ["ONCRMDYNAMICITEMADD", "ONCRMDEALADD", "ONCRMLEADADD"]
    assert received[0].data["FIELDS"] == {"ID": "1", "ENTITY_TYPE_ID": "1038"}


def test_a_wrong_application_token_is_rejected_by_the_handler(
    b24_emulator_factory, handler, http
) -> None:
    url, received, _ = handler
    emu = b24_emulator_factory(limits="none", event_handler=url, application_token="forged")
    http.post(emu.webhook_url + "crm.lead.add", json={"fields": {"TITLE": "e"}})
    deadline = time.monotonic() + 5
    while emu.portal.events.failed == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert emu.portal.events.failed == 1 and received == []


def test_no_handler_no_events(emu, http) -> None:
    http.post(emu.webhook_url + "crm.lead.add", json={"fields": {"TITLE": "quiet"}})
    assert emu.portal.events.sent == []


def test_event_body_is_php_form_encoded() -> None:
    body = encode_event(
        {
            "event": "ONCRMLEADADD",
            "data": {"FIELDS": {"ID": "1"}},
            "ts": "5",
            "auth": {"application_token": "t", "domain": "d"},
        }
    )
    assert "data%5BFIELDS%5D%5BID%5D=1" in body
    assert parse_php_query(body) == {
        "event": "ONCRMLEADADD",
        "data": {"FIELDS": {"ID": "1"}},
        "ts": "5",
        "auth": {"application_token": "t", "domain": "d"},
    }
