"""Product rows persist, on the real ru corpus, in process: crm.deal/lead/quote.productrows.set
then .get return what was set in the pages' wire form, the same rows crm.item.productrow.*
reads and writes; plus the documented errors."""

from __future__ import annotations

from typing import Any

import pytest
from ru_portal import call, refused, ru_portal


@pytest.fixture
def portal(ru_model: Any) -> Any:
    return ru_portal(ru_model)


# The rows of crm-deal-productrows-set.md's own example.
ROWS = [
    {"PRODUCT_NAME": "Товар #2", "PRICE": 500, "QUANTITY": 5, "DISCOUNT_TYPE_ID": 2,
     "DISCOUNT_RATE": 10, "TAX_RATE": 10, "MEASURE_CODE": 166, "MEASURE_NAME": "кг", "SORT": 20},
    {"PRICE": 1000, "QUANTITY": 10, "DISCOUNT_TYPE_ID": 1, "DISCOUNT_SUM": 100, "SORT": 10},
]  # fmt: skip
OWNERS = {"crm.deal": "D", "crm.lead": "L", "crm.quote": "Q"}


@pytest.mark.parametrize("owner", sorted(OWNERS))
def test_rows_set_are_the_rows_got(portal: Any, owner: str) -> None:
    name = "NAME" if owner == "crm.contact" else "TITLE"
    owner_id = call(portal, f"{owner}.add", {"fields": {name: "with rows"}})
    assert call(portal, f"{owner}.productrows.get", {"id": owner_id}) == []
    assert call(portal, f"{owner}.productrows.set", {"id": owner_id, "rows": ROWS}) is True
    first, second = call(portal, f"{owner}.productrows.get", {"id": owner_id})
    # ordered by SORT; ids and the owner's id are strings, prices numbers, as the get page shows
    assert (first["SORT"], second["SORT"]) == (10, 20)
    assert isinstance(first["ID"], str) and first["OWNER_ID"] == str(owner_id)
    assert first["OWNER_TYPE"] == second["OWNER_TYPE"] == OWNERS[owner]
    assert second["PRODUCT_NAME"] == second["ORIGINAL_PRODUCT_NAME"] == "Товар #2"
    assert first["PRODUCT_NAME"] == f"[{first['ID']}]"  # no product, no name: "[{id}]"
    assert (second["PRICE"], second["QUANTITY"], second["MEASURE_NAME"]) == (500, 5, "кг")
    # documented defaults of a row sent without them
    assert (first["TAX_INCLUDED"], first["MEASURE_CODE"], first["MEASURE_NAME"]) == ("N", 0, "")
    # prices the portal derives: PRICE includes the tax and the discount
    assert second["PRICE_EXCLUSIVE"] == pytest.approx(454.55)  # 500 / 1.10
    assert second["PRICE_NETTO"] == pytest.approx(505.05)  # before the 10% discount
    assert second["DISCOUNT_SUM"] == pytest.approx(50.51)
    assert first["PRICE_NETTO"] == 1100 and first["DISCOUNT_RATE"] == pytest.approx(9.09)
    # a string with the example's decimals: "899.10" on the deal page, "10.00000000" on the lead and quote pages
    account = {"crm.deal": "500.00", "crm.lead": "500.00000000", "crm.quote": "500.00000000"}
    assert second["PRICE_ACCOUNT"] == account[owner]
    # set replaces the rows: those not sent are removed
    assert call(portal, f"{owner}.productrows.set", {"id": owner_id, "rows": ROWS[:1]})
    assert [r["PRICE"] for r in call(portal, f"{owner}.productrows.get", {"id": owner_id})] == [500]
    assert call(portal, f"{owner}.productrows.set", {"id": owner_id, "rows": []})
    assert call(portal, f"{owner}.productrows.get", {"id": owner_id}) == []


def test_classic_rows_are_the_rows_of_crm_item_productrow(portal: Any) -> None:
    deal = call(portal, "crm.deal.add", {"fields": {"TITLE": "d"}})
    call(portal, "crm.deal.productrows.set", {"id": deal, "rows": ROWS})
    listed = call(
        portal, "crm.item.productrow.list", {"filter": {"=ownerType": "D", "=ownerId": deal}}
    )
    rows = listed["productRows"]
    assert sorted(r["price"] for r in rows) == [500, 1000] and all(
        r["ownerId"] == deal for r in rows
    )
    row_id = next(r["id"] for r in rows if r["price"] == 500)
    updated = call(portal, "crm.item.productrow.update", {"id": row_id, "fields": {"price": 800}})
    assert updated["productRow"]["price"] == 800 and updated["productRow"]["ownerId"] == deal
    assert updated["productRow"]["priceExclusive"] == pytest.approx(727.27)  # re-derived
    got = call(portal, "crm.deal.productrows.get", {"id": deal})
    assert {r["ID"]: r["PRICE"] for r in got}[str(row_id)] == 800
    made = call(
        portal,
        "crm.item.productrow.add",
        {
            "fields": {
                "ownerType": "D",
                "ownerId": deal,
                "productName": "third",
                "price": 5,
                "sort": 30,
            }
        },
    )["productRow"]
    assert made["quantity"] == 1 and made["taxIncluded"] == "N"
    assert [r["PRODUCT_NAME"] for r in call(portal, "crm.deal.productrows.get", {"id": deal})][
        -1
    ] == ("third")
    call(portal, "crm.item.productrow.delete", {"id": made["id"]})
    assert len(call(portal, "crm.deal.productrows.get", {"id": deal})) == 2


def test_item_productrow_set_and_available_for_payment(portal: Any) -> None:
    lead = call(portal, "crm.lead.add", {"fields": {"TITLE": "l"}})
    rows = [
        {"productName": "a", "price": 10, "sort": 2},
        {"productName": "b", "price": 20, "sort": 1},
    ]
    answer = call(
        portal, "crm.item.productrow.set", {"ownerType": "L", "ownerId": lead, "productRows": rows}
    )
    assert [r["productName"] for r in answer["productRows"]] == ["b", "a"]
    payable = call(
        portal, "crm.item.productrow.getAvailableForPayment", {"ownerType": "L", "ownerId": lead}
    )
    assert [r["price"] for r in payable["productRows"]] == [20, 10]
    assert [r["PRODUCT_NAME"] for r in call(portal, "crm.lead.productrows.get", {"id": lead})] == [
        "b",
        "a",
    ]


def test_product_row_errors_are_the_documented_ones(portal: Any) -> None:
    missing = refused(portal, "crm.deal.productrows.set", {"id": 999, "rows": ROWS})
    assert missing.description.startswith("Not found")
    deal = call(portal, "crm.deal.add", {"fields": {"TITLE": "d"}})
    no_sum = refused(
        portal,
        "crm.deal.productrows.set",
        {"id": deal, "rows": [{"PRICE": 1, "DISCOUNT_TYPE_ID": 1}]},
    )
    assert no_sum.description.startswith("Discount Sum (DISCOUNT_SUM) is required")
    no_rate = refused(
        portal,
        "crm.deal.productrows.set",
        {"id": deal, "rows": [{"PRICE": 1, "DISCOUNT_TYPE_ID": 2}]},
    )
    assert no_rate.description.startswith("Discount Rate (DISCOUNT_RATE) is required")
    assert call(portal, "crm.deal.productrows.get", {"id": deal}) == []  # nothing half-set
    other = {"fields": {"ownerType": "X", "ownerId": deal, "price": 1}}
    assert refused(portal, "crm.item.productrow.add", other).code == "ENTITY_TYPE_NOT_SUPPORTED"
    absent = {"fields": {"ownerType": "D", "ownerId": deal + 100, "price": 1}}
    assert refused(portal, "crm.item.productrow.add", absent).code == "OWNER_NOT_FOUND"
