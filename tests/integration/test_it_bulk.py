"""Reading many records and batching many calls, over loopback HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


def _seed(emulator: Any, n: int) -> list[int]:
    return emulator.portal.seed("crm.deal", [{"TITLE": f"deal {i}"} for i in range(n)])


@pytest.mark.parametrize("fast", [True, False])
def test_iterating_10000_records_returns_each_once(client: Any, emulator: Any, fast: bool) -> None:
    ids = _seed(emulator, 10_000)
    assert len(ids) == 10_000
    before = emulator.portal.stats["requests"]
    seen: list[tuple[int, int | None]] = []
    records = list(
        client.iterate(
            "crm.deal.list",
            {"select": ["ID", "TITLE"]},
            fast=fast,
            progress=lambda done, total: seen.append((done, total)),
        )
    )
    got = [int(r["ID"]) for r in records]
    assert len(got) == 10_000 and set(got) == set(ids)
    requests = emulator.portal.stats["requests"] - before
    if fast:
        # one plain page, then 2,500 records per request
        assert requests == 1 + 4 and got == sorted(ids)
        assert seen[-1] == (10_000, None)
    else:
        assert requests == 200 and seen[-1] == (10_000, 10_000)


def test_fast_iteration_respects_the_users_filter_and_crm_item(client: Any, emulator: Any) -> None:
    emulator.portal.seed(
        "crm.item", [{"title": f"i{n}", "opportunity": n % 3} for n in range(3000)],
        entity_type_id=1036,
    )  # fmt: skip
    got = list(
        client.iterate(
            "crm.item.list", {"entityTypeId": 1036, "filter": {"opportunity": 1}}, fast=True
        )
    )
    assert len(got) == 1000 and all(r["opportunity"] == 1 for r in got)
    assert len({r["id"] for r in got}) == 1000


def test_async_iteration_reads_the_same(client_pkg: Any, emulator: Any) -> None:
    ids = _seed(emulator, 2_600)

    async def read() -> list[int]:
        async with client_pkg.AsyncClient.from_webhook(
            emulator.webhook_url, allow_insecure_http=True, rate_limit="none"
        ) as client:
            return [int(r["ID"]) async for r in client.iterate("crm.deal.list")]

    assert asyncio.run(read()) == ids


def test_batch_of_120_with_references_in_3_requests(client: Any, emulator: Any) -> None:
    commands: dict[str, tuple[str, dict[str, Any]]] = {}
    for n in range(40):
        commands[f"add{n}"] = ("crm.deal.add", {"fields": {"TITLE": f"batch {n}"}})
        commands[f"get{n}"] = ("crm.deal.get", {"id": f"$result[add{n}]"})
        commands[f"upd{n}"] = (
            "crm.deal.update",
            {"id": f"$result[add{n}]", "fields": {"COMMENTS": f"$result[get{n}][TITLE]!"}},
        )
    commands["upd7"] = ("crm.deal.update", {"id": 987654, "fields": {"TITLE": "nobody"}})
    assert len(commands) == 120
    before = emulator.portal.stats["requests"]
    result = client.batch(commands)
    assert emulator.portal.stats["requests"] - before == 3 == result.requests
    assert set(result.errors) == {"upd7"} and result.errors["upd7"].code
    assert len(result.results) == 119
    # references resolved inside a chunk (add0/get0 in chunk 1) and across chunks (add16 is in
    # chunk 1, upd16 in chunk 2; add33 is in chunk 2, upd33 in chunk 3)
    for n in (0, 16, 33, 39):
        deal_id = result[f"add{n}"]
        assert result[f"get{n}"]["TITLE"] == f"batch {n}"
        assert client.crm.deal.get(id=deal_id)["COMMENTS"] == f"batch {n}!"
    assert emulator.portal.count("crm.deal") == 40
    assert result.times["get5"]["operating"] >= 0


def test_batch_halt(client: Any, emulator: Any) -> None:
    commands = [("crm.deal.add", {"fields": {"TITLE": "a"}}), ("crm.nothing.here", {})]
    commands += [("crm.deal.add", {"fields": {"TITLE": "b"}})] * 60
    result = client.batch(commands, halt=True)
    assert set(result.errors) == {"1"} and set(result.results) == {"0"}
    assert result.requests == 1 and emulator.portal.count("crm.deal") == 1
