"""The typed call's own paging, batch, raw answer and per-call options (issue 16), against
the emulator over loopback HTTP: the same requests and results as the string API."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytestmark = pytest.mark.filterwarnings("ignore:crm.*is deprecated:DeprecationWarning")


def _seed(emulator: Any, n: int) -> list[int]:
    return emulator.portal.seed("crm.deal", [{"TITLE": f"deal {i}"} for i in range(n)])


def test_typed_iterate_reads_every_record_fast_where_it_may(client: Any, emulator: Any) -> None:
    ids = _seed(emulator, 2_600)
    before = emulator.portal.stats["requests"]
    got = [int(r["ID"]) for r in client.crm.deal.list.iterate(select=["ID", "TITLE"])]
    assert got == ids
    # fast: one plain page, then up to 2,500 records a request
    assert emulator.portal.stats["requests"] - before == 1 + 2
    seen: list[tuple[int, int | None]] = []
    before = emulator.portal.stats["requests"]
    plain = client.crm.deal.list.iterate_with(
        fast=False, progress=lambda done, total: seen.append((done, total))
    )
    odd = [int(r["ID"]) for r in plain(filter={">ID": ids[2_499]}, select=["ID"])]
    assert odd == ids[2_500:] and seen[-1] == (100, 100)
    assert emulator.portal.stats["requests"] - before == 2  # 50 a page
    with pytest.raises(ValueError, match="fast iteration"):
        list(client.crm.deal.list.iterate_with(fast=True)(start=50))
    with pytest.raises(TypeError, match="fitler"):
        client.crm.deal.list.iterate(fitler={"ID": 1})  # what mypy/pyright reject statically


def test_prepared_calls_in_a_batch_come_back_as_their_methods_return(
    client: Any, emulator: Any
) -> None:
    ids = _seed(emulator, 3)
    get = client.crm.deal.get.prepare(id=ids[1])
    listed = client.crm.deal.list.prepare(filter={"ID": get.ref("ID")}, select=["ID", "TITLE"])
    added = client.crm.deal.add.prepare(fields={"TITLE": get.ref("TITLE")}).named("copy")
    missing = client.crm.deal.get.prepare(id=987654)
    result = client.batch([get, listed, added, ("crm.deal.fields", {}), missing])
    assert result.requests == 1
    assert result[get]["TITLE"] == "deal 1"
    page = result[listed]
    assert [int(r["ID"]) for r in page.items] == [ids[1]] and page.total == 1
    assert client.crm.deal.get(id=result["copy"])["TITLE"] == "deal 1"
    assert "TITLE" in result["3"]
    assert missing in result and missing.key in result.errors
    with pytest.raises(type(result.errors[missing.key])):
        result[missing]
    stray = client.crm.deal.get.prepare(id=1)
    with pytest.raises(KeyError, match="not sent"):
        result[stray]
    halted = client.batch([missing, client.crm.deal.get.prepare(id=ids[0])], halt=True)
    assert list(halted.errors) == [missing.key] and len(halted.skipped) == 1


def test_raw_answer_and_per_call_options(client: Any, emulator: Any) -> None:
    ids = _seed(emulator, 60)
    answer = client.crm.deal.get.raw(id=ids[0])
    assert answer.result["TITLE"] == "deal 0" and "operating" in (answer.time or {})
    assert answer.http is not None and answer.http.status_code == 200
    listed = client.crm.deal.list.raw(select=["ID"])
    assert len(listed.result.items) == 50 and listed.total == 60 and listed.next == 50
    assert listed.result.total == 60
    narrowed = client.with_options(extra_params={"select": ["ID"]})
    assert all(set(r) == {"ID"} for r in narrowed.crm.deal.list().items)
    assert set(client.crm.deal.list().items[0]) != {"ID"}  # the client itself is unchanged
    bound = client.crm.deal.get.with_options(extra_params={"select": ["ID"]}, timeout=5.0)
    assert bound(id=ids[0])["TITLE"] == "deal 0"
    assert narrowed._attempt_timeout == client._attempt_timeout
    assert client.with_options(timeout=1.5)._attempt_timeout == 1.5
    assert client.crm is client.crm and client.crm.deal is client.crm.deal  # cached
    assert narrowed.crm is not client.crm
    narrowed.close()  # closes nothing: the copy shares the client's pool
    assert client.crm.deal.get(id=ids[1])["TITLE"] == "deal 1"


def test_async_typed_iterate_raw_and_batch(client_pkg: Any, emulator: Any) -> None:
    ids = _seed(emulator, 120)

    async def run() -> tuple[list[int], Any, Any]:
        async with client_pkg.AsyncClient.from_webhook(
            emulator.webhook_url, allow_insecure_http=True, rate_limit="none"
        ) as client:
            got = [int(r["ID"]) async for r in client.crm.deal.list.iterate(select=["ID"])]
            raw = await client.with_options(timeout=5.0).crm.deal.list.raw()
            get = client.crm.deal.get.prepare(id=ids[5])
            batch = await client.batch([get])
            return got, raw, batch[get]

    got, raw, deal = asyncio.run(run())
    assert got == ids and raw.total == 120 and len(raw.result.items) == 50
    assert deal["TITLE"] == "deal 5"
