"""The runtime client of the generated package (templates/runtime) against the emulator,
through the pytest plugin's handle: the loop our users run in their own tests."""

from __future__ import annotations

from typing import Any

import pytest
from b24gen_templates.runtime.client import AsyncTransportClient, SyncTransportClient
from b24gen_templates.runtime.errors import Bitrix24Error


@pytest.fixture
def emu(b24_emulator_factory) -> Any:
    """Its own emulator and secret: the runtime registers the secret it is given, and the
    raw-HTTP tests' log records must not contain it (see emulator_model.RAW_TOKEN)."""
    return b24_emulator_factory(limits="none", token="runtime-client-tests")


@pytest.fixture
def client(emu) -> Any:
    with emu.client(SyncTransportClient, rate_limit="none") as c:
        yield c


def test_handle_client_round_trips(emu, client) -> None:
    lead_id = client.call("crm.lead.add", {"fields": {"TITLE": "via runtime", "OPPORTUNITY": 5}})
    assert lead_id == 1
    got = client.call("crm.lead.get", {"id": lead_id})
    assert got["TITLE"] == "via runtime" and got["OPPORTUNITY"] == "5.00"
    raw = client.call_raw("crm.lead.list", {"select": ["ID"]})
    assert raw.total == 1 and raw.result == [{"ID": "1"}]
    assert raw.time["start"] <= raw.time["finish"]


def test_documented_errors_reach_the_client_typed(client) -> None:
    with pytest.raises(Bitrix24Error) as missing:
        client.call("crm.lead.get", {})
    assert missing.value.code == "ERROR_ID_EMPTY"
    with pytest.raises(Bitrix24Error) as unknown:
        client.call("crm.nothing.here", {})
    assert unknown.value.code == "ERROR_METHOD_NOT_FOUND"


def test_iterating_ten_thousand_records_returns_each_once(emu, client) -> None:
    ids = emu.portal.seed("crm.lead", ({"TITLE": f"L{i}"} for i in range(10_000)))
    before = emu.portal.stats["requests"]
    seen = [int(r["ID"]) for r in client.iterate("crm.lead.list", {"select": ["ID"]})]
    requests = emu.portal.stats["requests"] - before
    assert sorted(seen) == ids and len(set(seen)) == 10_000
    assert requests <= 10  # ID-cursor pages chained in batch: up to 2,500 records a request


def test_batch_of_120_calls_is_three_requests_with_references(emu, client) -> None:
    commands: dict[str, tuple[str, dict[str, Any]]] = {}
    for i in range(60):
        commands[f"add{i}"] = ("crm.lead.add", {"fields": {"TITLE": f"t{i}"}})
        commands[f"get{i}"] = ("crm.lead.get", {"id": f"$result[add{i}]"})
    commands["get59"] = ("crm.lead.get", {"id": 99_999})  # one failing command
    before = emu.portal.stats["requests"]
    result = client.batch(commands)
    assert emu.portal.stats["requests"] - before == 3
    assert emu.portal.count("crm.lead") == 60
    assert result.results["get10"]["TITLE"] == "t10"
    assert set(result.errors) == {"get59"}
    assert len(result.results) == 119


def test_expired_oauth_token_is_refreshed_once(b24_emulator_factory) -> None:
    from generator.emulator.limits import ManualClock

    clock = ManualClock(1_000_000.0)
    emu = b24_emulator_factory(limits="none", clock=clock, token_lifetime=60)
    persisted: list[Any] = []
    with emu.oauth_client(SyncTransportClient, on_token_refresh=persisted.append,
                          rate_limit="none") as client:  # fmt: skip
        assert client.call("crm.lead.add", {"fields": {"TITLE": "a"}}) == 1
        clock.advance(120)
        assert client.call("crm.lead.get", {"id": 1})["TITLE"] == "a"
    assert emu.portal.tokens.refreshes == 1 and len(persisted) == 1


async def _async_roundtrip(emu: Any) -> list[Any]:
    async with emu.client(AsyncTransportClient, rate_limit="none") as client:
        await client.call("crm.lead.add", {"fields": {"TITLE": "async"}})
        return [r async for r in client.iterate("crm.lead.list", {"select": ["ID", "TITLE"]})]


def test_async_client_against_the_emulator(emu) -> None:
    import asyncio

    assert asyncio.run(_async_roundtrip(emu)) == [{"ID": "1", "TITLE": "async"}]
