"""``fast_bitrix24`` (aiohttp, batches of its own) against the emulator serving the real ru
corpus: CRUD, ``get_all`` (every record once), batch with ``$result``, the documented
errors, a burst over the rate limit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fast_bitrix24 import Bitrix, BitrixAsync  # the dev extra has it
from fast_bitrix24.server_response import ErrorInServerResponseException

from generator.emulator.server import start_emulator

TOKEN = "fast-bitrix24-emulator-secret"


@pytest.fixture(scope="module")
def running(ru_model: Any) -> Iterator[Any]:
    emu = start_emulator(ru_model, {"limits": "standard", "token": TOKEN})
    yield emu
    emu.stop()


@pytest.fixture
def emu(running: Any) -> Any:
    running.reset()
    return running


@pytest.fixture
def bx(emu: Any) -> Bitrix:
    return Bitrix(emu.webhook_url, verbose=False)


def test_crud(bx: Bitrix, emu: Any) -> None:
    deal_id = bx.call("crm.deal.add", {"fields": {"TITLE": "fast", "OPPORTUNITY": 99.5}})
    assert deal_id == 1
    # get_by_ID: fast_bitrix24's call() of one dict answers {batch key: record}
    deal = bx.get_by_ID("crm.deal.get", [deal_id])
    assert deal["TITLE"] == "fast" and deal["OPPORTUNITY"] == "99.50" and deal["ID"] == "1"
    assert bx.call("crm.deal.update", {"id": deal_id, "fields": {"TITLE": "faster"}}) is True
    assert bx.get_by_ID("crm.deal.get", [deal_id])["TITLE"] == "faster"
    assert bx.call("crm.deal.delete", {"id": deal_id}) is True
    assert emu.portal.count("crm.deal") == 0


def test_get_all_gives_every_record_once(bx: Bitrix, emu: Any) -> None:
    ids = emu.portal.seed("crm.lead", [{"TITLE": f"L{i}"} for i in range(1234)])
    got = bx.get_all("crm.lead.list", {"select": ["ID", "TITLE"]})
    assert len(got) == 1234 and sorted(int(r["ID"]) for r in got) == ids
    # the portal's ">ID" filter, with an id past any integer, matches nothing
    assert bx.get_all("crm.lead.list", {"filter": {">ID": 10**30}}) == []


def test_batch_with_result_reference(bx: Bitrix) -> None:
    out = bx.call_batch(
        {
            "halt": 0,
            "cmd": {
                "lead": "crm.lead.add?fields[TITLE]=from batch",
                "read": "crm.lead.get?id=$result[lead]",
            },
        }
    )
    assert out["lead"] == 1 and out["read"]["TITLE"] == "from batch"
    assert out["read"]["STATUS_ID"] == "NEW"  # leads start NEW


def test_contact_ids_are_bindings(bx: Bitrix) -> None:
    c1 = bx.call("crm.contact.add", {"fields": {"NAME": "A"}})
    c2 = bx.call("crm.contact.add", {"fields": {"NAME": "B"}})
    deal = bx.call("crm.deal.add", {"fields": {"TITLE": "bound", "CONTACT_IDS": [c1, c2]}})
    items = bx.get_by_ID("crm.deal.contact.items.get", [deal])
    assert [(i["CONTACT_ID"], i["IS_PRIMARY"]) for i in items] == [(c1, "Y"), (c2, "N")]
    assert bx.get_by_ID("crm.deal.get", [deal])["CONTACT_ID"] == str(c1)


def test_documented_error_reaches_the_caller(bx: Bitrix) -> None:
    with pytest.raises(ErrorInServerResponseException) as err:
        bx.get_by_ID("crm.deal.get", [424242])
    # the docs' classic CRM error: an empty code, the message alone
    (answer,) = err.value.args[0].values()
    assert answer == {"error": "", "error_description": "Not found"}


def test_burst_over_the_rate_limit(emu: Any) -> None:
    """60 concurrent adds at the standard limits (burst 50, drain 2/s): the emulator's
    bucket refuses some with 503 QUERY_LIMIT_EXCEEDED, fast_bitrix24 retries them, and
    every lead is written exactly once."""

    async def burst() -> list[Any]:
        b = BitrixAsync(emu.webhook_url, verbose=False)
        calls = [b.call("crm.lead.add", {"fields": {"TITLE": f"B{i}"}}) for i in range(60)]
        return await asyncio.gather(*calls)

    ids = asyncio.run(burst())
    assert sorted(ids) == list(range(1, 61))
    assert emu.portal.count("crm.lead") == 60
    assert emu.portal.stats["limited"] > 0  # the limit was met, not avoided
