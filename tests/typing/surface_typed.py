"""The typed surface of paging, batch, raw answers and per-call options, for mypy --strict
and pyright (standard mode): ``assert_type`` lines must hold, lines marked E fail.

Checked by tests/typing/test_typed_surface.py against generated/ (``b24client``) and the
full ru package (``b24_ru``): ``PKG`` is replaced by the package name. Not collected by
pytest (no test_ prefix).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from typing_extensions import assert_type

from PKG import AsyncClient, Client
from PKG._runtime.batch import BatchResult, Prepared
from PKG._runtime.response import Page, Response
from PKG.types.crm import CrmDealGetResult, CrmDealListItem


def paging(client: Client) -> None:
    page = client.crm.deal.list(filter={"STAGE_ID": "WON"}, select=["ID", "TITLE"])
    assert_type(page, Page[CrmDealListItem])
    records = client.crm.deal.list.iterate(filter={"STAGE_ID": "WON"}, select=["ID"])
    assert_type(records, Iterator[CrmDealListItem])
    for deal in records:
        assert_type(deal, CrmDealListItem)
    every = client.crm.deal.list.iterate_with(fast=True, progress=lambda done, total: None)
    for deal in every(filter={"STAGE_ID": "WON"}):
        assert_type(deal, CrmDealListItem)
    every(fitler={})  # E: misspelt
    client.crm.deal.list.iterate(fitler={"STAGE_ID": "WON"})  # E: misspelt
    client.crm.deal.list(fitler={"STAGE_ID": "WON"})  # E: misspelt


def batch(client: Client) -> None:
    deal = client.crm.deal.get.prepare(id=1)
    assert_type(deal, Prepared[CrmDealGetResult])
    deals = client.crm.deal.list.prepare(filter={"ID": deal.ref("ID")})
    result = client.batch([deal, deals])
    assert_type(result, BatchResult)
    assert_type(result[deal], CrmDealGetResult)
    assert_type(result[deals], Page[CrmDealListItem])
    client.crm.deal.get.prepare(idd=1)  # E: misspelt
    wrong: int = result[deal]  # E: not an int


def raw_and_options(client: Client) -> None:
    answer = client.crm.deal.get.raw(id=1)
    assert_type(answer, Response[CrmDealGetResult])
    assert_type(answer.result, CrmDealGetResult)
    assert_type(answer.total, int | None)
    assert_type(client.with_options(timeout=5.0).crm.deal.get(id=1), CrmDealGetResult)
    assert_type(client.crm.deal.get.with_options(timeout=5.0)(id=1), CrmDealGetResult)
    listed = client.with_options(headers={"X-Trace": "1"}).crm.deal.list.raw()
    assert_type(listed.result, Page[CrmDealListItem])
    client.with_options(timeout="5")  # E: not a float


async def async_usage(client: AsyncClient) -> None:
    assert_type(await client.crm.deal.get(id=1), CrmDealGetResult)
    records = client.crm.deal.list.iterate(select=["ID"])
    assert_type(records, AsyncIterator[CrmDealListItem])
    async for deal in records:
        assert_type(deal, CrmDealListItem)
    answer = await client.with_options(timeout=2.0).crm.deal.list.raw()
    assert_type(answer, Response[Page[CrmDealListItem]])
    assert_type((await client.batch([client.crm.deal.get.prepare(id=1)])), BatchResult)
    client.crm.deal.list.iterate(fitler={})  # E: misspelt
