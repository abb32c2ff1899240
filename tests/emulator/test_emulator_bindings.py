"""Bindings between CRM records round trip, on the real ru corpus, in process: CONTACT_IDS and
COMPANY_IDS sent on add/update are the ``*.items.get`` bindings, the record's CONTACT_ID /
COMPANY_ID follows the primary binding whichever method changed it, crm.item reads a deal's
contactIds, and a contact's companies are the companies' contacts."""

from __future__ import annotations

from typing import Any

import pytest
from ru_portal import call, ru_portal


@pytest.fixture
def portal(ru_model: Any) -> Any:
    return ru_portal(ru_model)


def bound(portal: Any, name: str, owner: int, key: str = "CONTACT_ID") -> list[Any]:
    return [(b[key], b["IS_PRIMARY"]) for b in call(portal, name, {"id": owner})]


@pytest.mark.parametrize("owner", ["crm.deal", "crm.lead", "crm.quote"])
def test_primary_contact_follows_the_bindings(portal: Any, owner: str) -> None:
    rec = call(portal, f"{owner}.add", {"fields": {"TITLE": "b", "CONTACT_IDS": [7, 9]}})
    assert bound(portal, f"{owner}.contact.items.get", rec) == [(7, "Y"), (9, "N")]
    single = "CONTACT_ID" in call(portal, f"{owner}.get", {"id": rec})
    items = [{"CONTACT_ID": 11}, {"CONTACT_ID": 9, "IS_PRIMARY": "Y"}]
    call(portal, f"{owner}.contact.items.set", {"id": rec, "items": items})
    assert bound(portal, f"{owner}.contact.items.get", rec) == [(11, "N"), (9, "Y")]
    if single:  # crm.quote records have no CONTACT_ID field
        assert call(portal, f"{owner}.get", {"id": rec})["CONTACT_ID"] == "9"
    call(
        portal, f"{owner}.contact.add", {"id": rec, "fields": {"CONTACT_ID": 5, "IS_PRIMARY": "Y"}}
    )
    if single:
        assert call(portal, f"{owner}.get", {"id": rec})["CONTACT_ID"] == "5"
    call(portal, f"{owner}.contact.items.delete", {"id": rec})
    assert call(portal, f"{owner}.contact.items.get", {"id": rec}) == []
    if single:
        assert call(portal, f"{owner}.get", {"id": rec})["CONTACT_ID"] is None
    call(portal, f"{owner}.update", {"id": rec, "fields": {"CONTACT_IDS": [3]}})
    assert bound(portal, f"{owner}.contact.items.get", rec) == [(3, "Y")]
    call(portal, f"{owner}.delete", {"id": rec})
    assert call(portal, f"{owner}.contact.items.get", {"id": rec}) == []


def test_crm_item_reads_and_writes_a_deals_contacts(portal: Any) -> None:
    made = call(
        portal, "crm.item.add", {"entityTypeId": 2, "fields": {"title": "y", "contactIds": [3, 4]}}
    )
    deal = made["item"]["id"]
    assert bound(portal, "crm.deal.contact.items.get", deal) == [(3, "Y"), (4, "N")]
    assert call(portal, "crm.item.get", {"entityTypeId": 2, "id": deal})["item"]["contactIds"] == [
        3,
        4,
    ]
    assert call(portal, "crm.deal.get", {"id": deal})["CONTACT_ID"] == "3"


def test_contact_company_bindings_are_two_way(portal: Any) -> None:
    contact = call(portal, "crm.contact.add", {"fields": {"NAME": "n", "COMPANY_IDS": [5, 6]}})
    assert bound(portal, "crm.contact.company.items.get", contact, "COMPANY_ID") == [
        (5, "Y"),
        (6, "N"),
    ]
    assert bound(portal, "crm.company.contact.items.get", 6) == [(contact, "Y")]
    assert call(portal, "crm.contact.get", {"id": contact})["COMPANY_ID"] == "5"
    company = call(portal, "crm.company.add", {"fields": {"TITLE": "co"}})
    call(portal, "crm.company.contact.add", {"id": company, "fields": {"CONTACT_ID": contact}})
    companies = [
        c["COMPANY_ID"] for c in call(portal, "crm.contact.company.items.get", {"id": contact})
    ]
    assert companies == [5, 6, company]
    call(portal, "crm.contact.company.delete", {"id": contact, "fields": {"COMPANY_ID": company}})
    assert call(portal, "crm.company.contact.items.get", {"id": company}) == []
    call(portal, "crm.contact.company.items.delete", {"id": contact})
    assert call(portal, "crm.company.contact.items.get", {"id": 5}) == []
    assert call(portal, "crm.contact.get", {"id": contact})["COMPANY_ID"] is None


def test_a_single_contact_id_is_a_binding_too(portal: Any) -> None:
    deal = call(portal, "crm.deal.add", {"fields": {"TITLE": "one", "CONTACT_ID": 12}})
    assert bound(portal, "crm.deal.contact.items.get", deal) == [(12, "Y")]
    assert call(portal, "crm.deal.get", {"id": deal})["CONTACT_ID"] == "12"
    call(portal, "crm.deal.update", {"id": deal, "fields": {"TITLE": "renamed"}})
    assert bound(portal, "crm.deal.contact.items.get", deal) == [(12, "Y")]  # untouched
