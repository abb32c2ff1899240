"""The official ``b24pysdk`` against ``b24gen serve`` over TLS (it builds ``https://{domain}``
itself), serving the real ru corpus: CRUD, ``as_list``/``as_list_fast``, batch with
``$result``, the documented errors, a burst over the rate limit, OAuth refresh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from b24pysdk import BitrixApp, BitrixToken, BitrixWebhook, Client  # the dev extra has it
from b24pysdk.errors import BitrixAPIError, BitrixAPIUnauthorized

from generator.emulator.limits import Limits, ManualClock
from generator.emulator.server import start_emulator

TOKEN = "b24pysdk-emulator-secret"


@pytest.fixture(scope="module")
def tls_emulator(ru_model: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    emu = start_emulator(
        ru_model, {"limits": "none", "token": TOKEN, "tls": True}, tmp_path_factory.mktemp("tls")
    )
    yield emu
    emu.stop()


@pytest.fixture
def emu(tls_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls_emulator.ca_file)  # requests trusts our CA
    tls_emulator.reset()
    return tls_emulator


@pytest.fixture
def client(emu: Any) -> Client:
    assert emu.base_url.startswith("https://")
    return Client(BitrixWebhook(domain=emu.domain, webhook_token=f"1/{TOKEN}"))


def test_crud_over_tls_in_portal_wire_types(client: Client) -> None:
    deal_id = client.crm.deal.add(fields={"TITLE": "sdk", "OPPORTUNITY": 12500}).result
    assert deal_id == 1
    deal = client.crm.deal.get(bitrix_id=deal_id).result
    # as a portal sends it: strings, money with two decimals, the first stage, defaults
    assert deal["ID"] == "1" and deal["TITLE"] == "sdk" and deal["OPPORTUNITY"] == "12500.00"
    assert deal["STAGE_ID"] == "NEW" and deal["CATEGORY_ID"] == "0" and deal["OPENED"] == "Y"
    assert client.crm.deal.update(bitrix_id=deal_id, fields={"TITLE": "renamed"}).result is True
    assert client.crm.deal.get(bitrix_id=deal_id).result["TITLE"] == "renamed"
    # crm.item with entityTypeId=2 is the same deal, in crm.item's camelCase
    item = client.crm.item.get(entity_type_id=2, bitrix_id=deal_id).result["item"]
    assert item["id"] == 1 and item["title"] == "renamed"
    assert client.crm.deal.delete(bitrix_id=deal_id).result is True
    with pytest.raises(BitrixAPIError) as err:
        _ = client.crm.deal.get(bitrix_id=deal_id).result  # the SDK calls on .result
    assert err.value.error_description == "Not found"


def test_as_list_and_as_list_fast_give_every_record_once(client: Client, emu: Any) -> None:
    ids = emu.portal.seed("crm.deal", [{"TITLE": f"D{i}"} for i in range(237)])
    listed = client.crm.deal.list(select=["ID", "TITLE"]).as_list().result
    assert sorted(int(r["ID"]) for r in listed) == ids
    fast = list(client.crm.deal.list(select=["ID"]).as_list_fast().result)
    assert sorted(int(r["ID"]) for r in fast) == ids and len(fast) == 237


def test_batch_with_result_references(client: Client) -> None:
    answer = client.call_batch(
        {
            "deal": client.crm.deal.add(fields={"TITLE": "batched"}),
            # the SDK types ids as int, so the reference goes through a filter
            "read": client.crm.deal.list(filter={"ID": "$result[deal]"}, select=["ID", "TITLE"]),
        }
    ).result
    assert answer.result["deal"] == 1
    assert answer.result["read"] == [{"ID": "1", "TITLE": "batched"}]


def test_documented_errors(client: Client, emu: Any) -> None:
    with pytest.raises(BitrixAPIError) as err:
        _ = client.crm.deal.get(bitrix_id=0).result  # the SDK calls on .result
    assert err.value.error == "" and err.value.error_description == "ID is not defined or invalid"
    # OAuth applications only: a webhook gets the error each page documents for that
    with pytest.raises(BitrixAPIError) as err:
        _ = client.placement.bind(
            placement="CRM_DEAL_DETAIL_TAB", handler="https://x.test/"
        ).result  # the SDK calls on .result
    assert err.value.error == "WRONG_AUTH_TYPE"
    with pytest.raises(BitrixAPIError) as err:
        _ = client.app.option.get().result  # the SDK calls on .result
    assert (err.value.error, err.value.error_description) == (
        "AccessException",
        "Application context required",
    )
    wrong = Client(BitrixWebhook(domain=emu.domain, webhook_token="1/not-the-secret"))
    with pytest.raises(BitrixAPIUnauthorized) as err:
        _ = wrong.crm.deal.list().result  # the SDK calls on .result
    assert err.value.error == "NO_AUTH_FOUND"


def test_user_current_is_the_caller_and_server_time_the_clock(client: Client, emu: Any) -> None:
    import time
    from datetime import datetime

    assert client.user.current().result["ID"] == "1"
    assert [u["ID"] for u in client.user.get().result] == ["1"]
    stamp = datetime.fromisoformat(client.server.time().result).timestamp()
    assert abs(stamp - time.time()) < 5


def test_burst_over_the_rate_limit_is_absorbed(ru_model: Any, tls_emulator: Any, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls_emulator.ca_file)
    emu = start_emulator(
        ru_model, {"limits": Limits(burst=10, drain=20), "token": TOKEN, "tls": True}
    )
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", emu.ca_file)
        client = Client(BitrixWebhook(domain=emu.domain, webhook_token=f"1/{TOKEN}"))
        ids = [client.crm.lead.add(fields={"TITLE": f"L{i}"}).result for i in range(40)]
        assert ids == list(range(1, 41))  # each written once, in order
        assert emu.portal.stats["limited"] > 0  # the bucket did refuse, the SDK retried
    finally:
        emu.stop()


def test_oauth_refresh_on_expired_token(ru_model: Any, monkeypatch, tmp_path) -> None:
    from b24pysdk.api.requesters.bitrix_oauth_requester import BitrixOAuthRequester

    clock = ManualClock()
    emu = start_emulator(
        ru_model, {"limits": "none", "clock": clock, "token_lifetime": 60, "tls": True}, tmp_path
    )
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", emu.ca_file)
        # the SDK's token host is fixed; point it at the emulator's endpoint
        monkeypatch.setattr(
            BitrixOAuthRequester, "_OAUTH_TOKEN_URL", f"{emu.base_url}/oauth/token/"
        )
        grant = emu.portal.tokens.issue()
        opts = emu.portal.options
        app = BitrixApp(client_id=opts.client_id, client_secret=opts.client_secret)
        token = BitrixToken(
            domain=emu.domain,
            auth_token=grant.access_token,
            refresh_token=grant.refresh_token,
            bitrix_app=app,
        )
        client = Client(token)
        assert client.crm.lead.add(fields={"TITLE": "before"}).result == 1
        clock.advance(120)  # the access token is now expired
        assert client.crm.lead.add(fields={"TITLE": "after"}).result == 2
        assert emu.portal.tokens.refreshes == 1
        assert token.auth_token != grant.access_token
    finally:
        emu.stop()
