"""Records named by codes, on the real ru corpus, in process: crm.currency ("CNY"),
sale.status ("MS"), crm.status (a number, with its STATUS_ID/ENTITY_ID), and universal lists
named by IBLOCK_CODE / ELEMENT_CODE / SECTION_CODE instead of their ids."""

from __future__ import annotations

from typing import Any

import pytest
from ru_portal import call, refused, ru_portal


@pytest.fixture
def portal(ru_model: Any) -> Any:
    return ru_portal(ru_model)


def test_currency_is_named_by_its_code(portal: Any) -> None:
    fields = {"CURRENCY": "CNY", "AMOUNT": 12.2251, "AMOUNT_CNT": 1, "SORT": 9000, "BASE": "N"}
    assert call(portal, "crm.currency.add", {"fields": fields}) == "CNY"  # the page: "CNY"
    got = call(portal, "crm.currency.get", {"id": "CNY"})
    assert got["CURRENCY"] == "CNY" and "ID" not in got  # records carry no number
    assert got["AMOUNT_CNT"] == "1" and got["SORT"] == "9000"  # strings, as the example
    assert call(portal, "crm.currency.update", {"ID": "CNY", "fields": {"AMOUNT": 15.3449}})
    assert call(portal, "crm.currency.get", {"id": "CNY"})["AMOUNT"] == "15.3449"
    assert [c["CURRENCY"] for c in call(portal, "crm.currency.list", {})] == ["CNY"]
    # a code in use: the page's catch-all error ("Другие ошибки в данных ...")
    assert refused(portal, "crm.currency.add", {"fields": fields}).code == "ERROR_CORE"
    assert call(portal, "crm.currency.delete", {"id": "CNY"}) is True
    assert refused(portal, "crm.currency.get", {"id": "CNY"}).status in (400, 404)
    assert call(portal, "crm.currency.list", {}) == []


def test_sale_status_is_named_by_its_id_code(portal: Any) -> None:
    made = call(portal, "sale.status.add", {"fields": {"id": "MS", "type": "O", "sort": 500}})
    assert made["status"]["id"] == "MS"
    again = {
        "fields": {"id": "MS", "type": "O"}
    }  # "Статус с переданным идентификатором уже существует"
    assert refused(portal, "sale.status.add", again).code == "201350000001"
    updated = call(portal, "sale.status.update", {"id": "MS", "fields": {"sort": 100}})
    assert updated["status"] == {**updated["status"], "id": "MS", "sort": 100}
    assert call(portal, "sale.status.get", {"id": "MS"})["status"]["sort"] == 100
    listed = call(portal, "sale.status.list", {})["statuses"]
    assert [s["id"] for s in listed] == ["MS"]
    assert call(portal, "sale.status.delete", {"id": "MS"}) is True
    refused(portal, "sale.status.get", {"id": "MS"})


def test_crm_status_keeps_its_codes_and_filters_by_them(portal: Any) -> None:
    fields = {"ENTITY_ID": "DEAL_STAGE_1", "STATUS_ID": "DECISION", "NAME": "n", "SORT": 70}
    new_id = call(portal, "crm.status.add", {"fields": fields})
    assert isinstance(new_id, int)
    got = call(portal, "crm.status.get", {"id": new_id})
    assert (got["ID"], got["ENTITY_ID"], got["STATUS_ID"]) == (
        str(new_id),
        "DEAL_STAGE_1",
        "DECISION",
    )
    call(portal, "crm.status.add", {"fields": {**fields, "ENTITY_ID": "SOURCE"}})
    listed = call(portal, "crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE_1"}})
    assert [s["STATUS_ID"] for s in listed] == ["DECISION"]


LIST = {"IBLOCK_TYPE_ID": "lists", "IBLOCK_CODE": "cars"}


def test_lists_are_named_by_iblock_code_alone(portal: Any) -> None:
    list_id = call(portal, "lists.add", {**LIST, "FIELDS": {"NAME": "Cars", "SORT": 10}})
    assert isinstance(list_id, int)
    assert [r["ID"] for r in call(portal, "lists.get", LIST)] == [str(list_id)]
    assert call(portal, "lists.update", {**LIST, "FIELDS": {"NAME": "Autos"}}) is True
    (got,) = call(portal, "lists.get", {"IBLOCK_TYPE_ID": "lists", "IBLOCK_ID": list_id})
    assert (got["NAME"], got["CODE"]) == ("Autos", "cars")
    assert call(portal, "lists.get.iblock.type.id", {"IBLOCK_CODE": "cars"}) == "lists"
    other_type = {"IBLOCK_TYPE_ID": "bitrix_processes", "IBLOCK_CODE": "cars"}
    assert refused(portal, "lists.update", {**other_type, "FIELDS": {}}).code == (
        "ERROR_IBLOCK_NOT_FOUND"
    )
    assert refused(portal, "lists.add", {**LIST, "FIELDS": {"NAME": "again"}}).code == (
        "ERROR_IBLOCK_ALREADY_EXISTS"
    )
    neither = refused(portal, "lists.delete", {"IBLOCK_TYPE_ID": "lists"})
    assert neither.code == "ERROR_REQUIRED_PARAMETERS_MISSING" and neither.about_params
    assert call(portal, "lists.delete", LIST) is True
    assert call(portal, "lists.get", LIST) == []


def test_list_elements_and_sections_by_their_codes(portal: Any) -> None:
    call(portal, "lists.add", {**LIST, "FIELDS": {"NAME": "Cars"}})
    section = call(
        portal, "lists.section.add", {**LIST, "SECTION_CODE": "sw", "FIELDS": {"NAME": "Sweden"}}
    )
    element = call(
        portal,
        "lists.element.add",
        {
            **LIST,
            "ELEMENT_CODE": "volvo",
            "IBLOCK_SECTION_ID": section,
            "FIELDS": {"NAME": "Volvo"},
        },
    )
    (got,) = call(portal, "lists.element.get", {**LIST, "ELEMENT_CODE": "volvo"})
    assert got["ID"] == str(element) and got["NAME"] == "Volvo" and got["CODE"] == "volvo"
    assert (
        refused(
            portal, "lists.element.add", {**LIST, "ELEMENT_CODE": "volvo", "FIELDS": {"NAME": "x"}}
        ).code
        == "ERROR_ELEMENT_ALREADY_EXISTS"
    )
    # update rewrites the element whole (lists-element-update.md); the code stays
    assert call(
        portal,
        "lists.element.update",
        {**LIST, "ELEMENT_CODE": "volvo", "FIELDS": {"NAME": "Saab"}},
    )
    (got,) = call(portal, "lists.element.get", {**LIST, "ELEMENT_ID": element})
    assert (got["NAME"], got["CODE"], got["IBLOCK_SECTION_ID"]) == ("Saab", "volvo", None)
    filtered = call(portal, "lists.element.get", {**LIST, "FILTER": {"NAME": "Saab"}})
    assert [e["ID"] for e in filtered] == [str(element)]
    assert call(
        portal, "lists.section.update", {**LIST, "SECTION_CODE": "sw", "FIELDS": {"NAME": "SE"}}
    )
    assert [s["NAME"] for s in call(portal, "lists.section.get", LIST)] == ["SE"]
    gone = refused(portal, "lists.element.delete", {**LIST, "ELEMENT_CODE": "audi"})
    assert gone.code == "ERROR_ELEMENT_NOT_FOUND"
    assert call(portal, "lists.element.delete", {**LIST, "ELEMENT_CODE": "volvo"}) is True
    assert call(portal, "lists.element.get", LIST) == []
    assert call(portal, "lists.section.delete", {**LIST, "SECTION_CODE": "sw"}) is True
    field = call(portal, "lists.field.add", {**LIST, "FIELDS": {"NAME": "Year", "TYPE": "N"}})
    assert field.startswith("PROPERTY_")
    assert call(portal, "lists.field.get", {**LIST, "FIELD_ID": field})["N"]["NAME"] == "Year"
    assert call(portal, "lists.field.delete", {**LIST, "FIELD_ID": field}) is True
    assert call(portal, "lists.field.get", LIST) == {}


def test_put_named_makes_the_records_a_call_names(portal: Any) -> None:
    for name, params in [
        ("crm.currency.get", {"id": "RUB"}),
        ("crm.deal.userfield.get", {"id": 399}),
        ("crm.contact.userfield.get", {"id": 399}),  # the same id on another entity's page
        ("crm.type.get", {"id": 16}),
        ("lists.element.get", {"IBLOCK_TYPE_ID": "lists", "IBLOCK_CODE": "x", "ELEMENT_ID": 7}),
        ("crm.deal.productrows.get", {"id": 5}),
    ]:
        refused(portal, name, params)
        portal.put_named(name, params)
        assert call(portal, name, params) is not None
    assert call(portal, "crm.currency.get", {"id": "RUB"})["CURRENCY"] == "RUB"
    assert call(portal, "crm.contact.userfield.get", {"id": 399})["ENTITY_ID"] == "CRM_CONTACT"
    assert call(portal, "crm.type.get", {"id": 16})["type"]["id"] == 16
    (element,) = call(
        portal,
        "lists.element.get",
        {"IBLOCK_TYPE_ID": "lists", "IBLOCK_CODE": "x", "ELEMENT_ID": 7},
    )
    assert element["ID"] == "7"


def test_statuses_are_unique_per_entity_and_listed_by_it(portal: Any) -> None:
    stage = {"ENTITY_ID": "DEAL_STAGE_1", "STATUS_ID": "DECISION", "NAME": "Decision", "SORT": 70}
    call(portal, "crm.status.add", {"fields": stage})
    call(
        portal,
        "crm.status.add",
        {"fields": {**stage, "STATUS_ID": "NEW", "NAME": "New", "SORT": 10}},
    )
    call(portal, "crm.status.add", {"fields": {**stage, "ENTITY_ID": "SOURCE"}})  # another entity
    taken = refused(portal, "crm.status.add", {"fields": stage})
    assert (taken.code, taken.description) == (
        "ERROR_CORE",
        "Указанный идентификатор статуса, уже существует.",
    )
    lacking = refused(portal, "crm.status.add", {"fields": {"NAME": "x"}})
    assert lacking.about_params and "ENTITY_ID is required" in lacking.description
    items = call(portal, "crm.status.entity.items", {"entityId": "DEAL_STAGE_1"})
    assert items == [
        {"NAME": "New", "SORT": 10, "STATUS_ID": "NEW"},
        {"NAME": "Decision", "SORT": 70, "STATUS_ID": "DECISION"},
    ]  # ordered by SORT, SORT a number as crm-status-entity-items.md shows it
    assert refused(portal, "crm.status.entity.items", {}).about_params


def test_base_currency_and_localizations(portal: Any) -> None:
    assert call(portal, "crm.currency.base.get", {}) == "RUB"  # no currency kept: the example
    lang = {"en": {"FULL_NAME": "Yuan", "DECIMALS": 2}, "ru": {"FULL_NAME": "Юань"}}
    call(portal, "crm.currency.add", {"fields": {"CURRENCY": "CNY", "BASE": "N", "LANG": lang}})
    call(portal, "crm.currency.add", {"fields": {"CURRENCY": "EUR", "BASE": "Y"}})
    assert call(portal, "crm.currency.base.get", {}) == "EUR"
    assert call(portal, "crm.currency.base.set", {"id": "CNY"}) is True
    assert call(portal, "crm.currency.base.get", {}) == "CNY"
    assert call(portal, "crm.currency.get", {"id": "EUR"})["BASE"] == "N"
    assert (
        call(portal, "crm.currency.localizations.get", {"id": "CNY"})["en"]["FULL_NAME"] == "Yuan"
    )
    more = {"de": {"FULL_NAME": "Yuan (de)"}, "en": {"DECIMALS": 3}}
    assert call(portal, "crm.currency.localizations.set", {"id": "CNY", "localizations": more})
    got = call(portal, "crm.currency.localizations.get", {"id": "CNY"})
    assert sorted(got) == ["de", "en", "ru"] and got["en"] == {"FULL_NAME": "Yuan", "DECIMALS": 3}
    assert call(portal, "crm.currency.localizations.delete", {"id": "CNY", "lids": ["de", "ru"]})
    assert sorted(call(portal, "crm.currency.localizations.get", {"id": "CNY"})) == ["en"]
    assert refused(portal, "crm.currency.localizations.get", {"id": "XYZ"}).status == 400
