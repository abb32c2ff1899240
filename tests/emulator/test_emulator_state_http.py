"""The stateful families of this stage over real loopback HTTP (the pytest plugin's factory,
the ru corpus), sent as integrations send them: PHP form bodies (``rows[0][PRICE]=…``), JSON,
and batch commands with ``$result`` references."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.corpus


@pytest.fixture
def url(b24_emulator_factory: Any, ru_model: Any) -> str:
    return b24_emulator_factory(ru_model, limits="none").webhook_url


def ok(r: Any) -> Any:
    assert r.status_code == 200, r.text
    return r.json()["result"]


def test_product_rows_sent_as_a_php_form(url: str, http: Any) -> None:
    deal = ok(http.post(url + "crm.deal.add", data={"fields[TITLE]": "form"}))
    form = {
        "id": str(deal),
        "rows[0][PRODUCT_NAME]": "A",
        "rows[0][PRICE]": "100",
        "rows[0][SORT]": "20",
        "rows[1][PRODUCT_NAME]": "B",
        "rows[1][PRICE]": "50.5",
        "rows[1][QUANTITY]": "2",
        "rows[1][SORT]": "10",
    }
    assert ok(http.post(url + "crm.deal.productrows.set", data=form)) is True
    rows = ok(http.post(url + "crm.deal.productrows.get", json={"id": deal}))
    assert [(r["PRODUCT_NAME"], r["PRICE"], r["QUANTITY"]) for r in rows] == [
        ("B", 50.5, 2),
        ("A", 100, 1),
    ]
    assert rows[0]["PRICE_ACCOUNT"] == "50.50" and rows[0]["OWNER_ID"] == str(deal)


def test_codes_and_lists_in_a_batch(url: str, http: Any) -> None:
    cmd = {
        "cur": "crm.currency.add?"
        + urlencode({"fields[CURRENCY]": "CNY", "fields[AMOUNT]": "12.2251", "fields[SORT]": "9"}),
        "got": "crm.currency.get?id=$result[cur]",
        "list": "lists.add?"
        + urlencode({"IBLOCK_TYPE_ID": "lists", "IBLOCK_CODE": "cars", "FIELDS[NAME]": "Cars"}),
        "el": "lists.element.add?"
        + urlencode(
            {
                "IBLOCK_TYPE_ID": "lists",
                "IBLOCK_CODE": "cars",
                "ELEMENT_CODE": "v",
                "FIELDS[NAME]": "Volvo",
            }
        ),
        "els": "lists.element.get?IBLOCK_TYPE_ID=lists&IBLOCK_ID=$result[list]&ELEMENT_ID=$result[el]",
    }
    body = ok(http.post(url + "batch", json={"halt": 1, "cmd": cmd}))
    assert body["result_error"] == []
    result = body["result"]
    assert result["cur"] == "CNY" and result["got"]["CURRENCY"] == "CNY"
    assert result["got"]["SORT"] == "9"  # a string, as crm-currency-get.md shows it
    assert [e["NAME"] for e in result["els"]] == ["Volvo"]
    assert result["els"][0]["CODE"] == "v"


def test_a_mix_of_call_variants_is_refused_over_http(url: str, http: Any) -> None:
    r = http.post(url + "vote.AttachedVote.get", json={"attachId": 1, "signedAttachId": "s"})
    assert r.status_code == 400 and r.json()["error"] == "100"
    assert set(r.json()) == {"error", "error_description"}
    assert ok(http.post(url + "vote.AttachedVote.get", json={"attachId": 1}))
