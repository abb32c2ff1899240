"""State and rules as a portal keeps them, on the real ru corpus, in process (no HTTP):
defaults on add, crm.item sharing the classic entities' records, CONTACT_IDS bindings,
users, server.time, results shaped like the pages, parameter groups and case rules,
auth types and rights."""

from __future__ import annotations

from typing import Any

import pytest

from generator.emulator.app import create_app
from generator.emulator.errors import ApiError
from generator.emulator.limits import ManualClock


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(1_700_000_000.0)


@pytest.fixture
def portal(ru_model: Any, clock: ManualClock) -> Any:
    return create_app(ru_model, limits="none", clock=clock).portal


def call(portal: Any, name: str, params: dict[str, Any], caller: str = "oauth", user: int = 1):
    return portal.call(name, params, 2, caller, user).result


def test_defaults_on_add(portal: Any) -> None:
    deal = call(portal, "crm.deal.get", {"id": call(portal, "crm.deal.add", {"fields": {}})})
    assert (deal["STAGE_ID"], deal["CATEGORY_ID"], deal["OPENED"]) == ("NEW", "0", "Y")
    assert deal["OPPORTUNITY"] == "0.00" and deal["CLOSED"] == "N"  # "По умолчанию 0.00", N
    in_pipeline = call(portal, "crm.deal.add", {"fields": {"CATEGORY_ID": 3}})
    assert call(portal, "crm.deal.get", {"id": in_pipeline})["STAGE_ID"] == "C3:NEW"
    lead = call(portal, "crm.lead.get", {"id": call(portal, "crm.lead.add", {"fields": {}})})
    assert lead["STATUS_ID"] == "NEW"
    item = call(portal, "crm.item.add", {"entityTypeId": 1038, "fields": {"title": "sp"}})
    assert item["item"]["stageId"] == "DT1038_0:NEW" and item["item"]["opened"] == "Y"


def test_crm_item_of_type_2_is_crm_deal(portal: Any) -> None:
    deal_id = call(portal, "crm.deal.add", {"fields": {"TITLE": "one", "OPPORTUNITY": 12500}})
    item = call(portal, "crm.item.get", {"entityTypeId": 2, "id": deal_id})["item"]
    assert item["id"] == deal_id and item["title"] == "one" and item["opportunity"] == 12500
    call(portal, "crm.item.update", {"entityTypeId": 2, "id": deal_id, "fields": {"title": "two"}})
    assert call(portal, "crm.deal.get", {"id": deal_id})["TITLE"] == "two"
    made = call(portal, "crm.item.add", {"entityTypeId": 2, "fields": {"title": "three"}})
    assert made["item"]["id"] == deal_id + 1  # one id sequence
    assert [d["TITLE"] for d in call(portal, "crm.deal.list", {})] == ["two", "three"]
    assert portal.count("crm.deal") == 2 == portal.count("crm.item", entity_type_id=2)


def test_contact_ids_persist_as_bindings(portal: Any) -> None:
    deal = call(portal, "crm.deal.add", {"fields": {"TITLE": "b", "CONTACT_IDS": [7, 9]}})
    items = call(portal, "crm.deal.contact.items.get", {"id": deal})
    assert [(i["CONTACT_ID"], i["IS_PRIMARY"]) for i in items] == [(7, "Y"), (9, "N")]
    assert call(portal, "crm.deal.get", {"id": deal})["CONTACT_ID"] == "7"
    call(portal, "crm.deal.update", {"id": deal, "fields": {"CONTACT_IDS": [9]}})
    assert [i["CONTACT_ID"] for i in call(portal, "crm.deal.contact.items.get", {"id": deal})] == [
        9
    ]


def test_wire_types_follow_the_docs_examples(portal: Any) -> None:
    lead = call(
        portal, "crm.lead.add", {"fields": {"TITLE": "w", "OPPORTUNITY": 10, "ASSIGNED_BY_ID": 1}}
    )
    got = call(portal, "crm.lead.get", {"id": lead})
    assert got["ID"] == str(lead) and got["OPPORTUNITY"] == "10.00" and got["ASSIGNED_BY_ID"] == "1"
    task = call(portal, "tasks.task.add", {"fields": {"TITLE": "t", "RESPONSIBLE_ID": 1}})
    # tasks.task.* answer camelCase whatever case the request used (tasks-task-add.md)
    assert task["task"]["title"] == "t" and task["task"]["responsibleId"] == "1"
    assert "TITLE" not in task["task"]
    listed = call(portal, "tasks.task.list", {"filter": {"RESPONSIBLE_ID": 1}, "select": ["TITLE"]})
    assert listed["tasks"] == [{"id": task["task"]["id"], "title": "t"}]


def test_users_and_the_clock(portal: Any, clock: ManualClock) -> None:
    from datetime import datetime

    assert call(portal, "user.current", {})["ID"] == "1"
    other = portal.add_user({"NAME": "Petr"})
    assert call(portal, "user.current", {}, user=other)["NAME"] == "Petr"
    assert sorted(u["ID"] for u in call(portal, "user.get", {})) == ["1", str(other)]
    assert call(portal, "profile", {}, user=other)["ID"] == str(other)
    assert datetime.fromisoformat(call(portal, "server.time", {})).timestamp() == clock()
    clock.advance(60)
    assert datetime.fromisoformat(call(portal, "server.time", {})).timestamp() == clock()


def test_results_shaped_like_the_pages(portal: Any) -> None:
    assert call(portal, "crm.category.add", {"entityTypeId": 2, "fields": {"name": "c"}})
    assert call(portal, "crm.category.delete", {"entityTypeId": 2, "id": 1}) is None
    assert call(portal, "crm.currency.add", {"fields": {"CURRENCY": "CNY"}}) == "CNY"
    assert call(portal, "biconnector.source.add", {"fields": {"title": "s"}}) == {"id": 1}
    made = call(portal, "crm.type.add", {"fields": {"title": "Type"}})["type"]
    assert made["entityTypeId"] >= 1030 and made["entityTypeId"] % 2 == 0


def test_one_of_parameter_groups(portal: Any) -> None:
    # lists.update: IBLOCK_ID or IBLOCK_CODE, both marked required on the page
    with pytest.raises(ApiError) as err:
        call(portal, "lists.update", {"IBLOCK_TYPE_ID": "lists", "FIELDS": {"NAME": "n"}})
    assert err.value.about_params
    from generator.emulator.required import missing_required

    method = portal.find("im.disk.file.commit", 2)
    assert missing_required(method, {"CHAT_ID": 1, "FILE_ID": 2}) is None  # one of each pair
    assert missing_required(method, {"FILE_ID": 2}).name in ("CHAT_ID", "DIALOG_ID")


def test_parameter_case_rules(portal: Any) -> None:
    lead = call(portal, "crm.lead.add", {"FIELDS": {"TITLE": "case"}})  # CRM: any case
    assert call(portal, "crm.lead.get", {"ID": lead})["TITLE"] == "case"
    with pytest.raises(ApiError) as err:  # disk documents "id": "ID" is not that parameter
        call(portal, "disk.file.get", {"ID": 1})
    assert err.value.about_params


def test_auth_types_and_rights(portal: Any) -> None:
    with pytest.raises(ApiError) as err:
        call(
            portal,
            "placement.bind",
            {"PLACEMENT": "CRM_DEAL_DETAIL_TAB", "HANDLER": "https://x.test"},
            "webhook",
        )
    assert err.value.code == "WRONG_AUTH_TYPE"
    call(
        portal,
        "placement.bind",
        {"PLACEMENT": "CRM_DEAL_DETAIL_TAB", "HANDLER": "https://x.test"},
        "oauth",
    )
    restricted = portal.add_user({"NAME": "NoRights"}, rights=False)
    with pytest.raises(ApiError) as err:
        call(portal, "crm.deal.add", {"fields": {"TITLE": "x"}}, user=restricted)
    assert err.value.status == 403 and "Access denied" in err.value.description
    assert call(portal, "crm.deal.add", {"fields": {"TITLE": "x"}}, user=1) == 1


def test_unknown_filter_field_is_refused_where_the_page_says_so(portal: Any) -> None:
    call(portal, "crm.item.add", {"entityTypeId": 1038, "fields": {"title": "a"}})
    found = call(portal, "crm.item.list", {"entityTypeId": 1038, "filter": {"title": "a"}})
    assert [i["id"] for i in found["items"]] == [1]
    with pytest.raises(ApiError) as err:
        call(portal, "crm.item.list", {"entityTypeId": 1038, "filter": {"nonsense": 1}})
    assert err.value.code == "INVALID_ARG_VALUE"
    assert err.value.description == "Invalid filter: field 'nonsense' is not allowed in filter"


def test_filter_groups_under_numeric_keys(portal: Any) -> None:
    """crm-item-list.md's own filter: {"0": {"logic": "OR", "0": {...}, "1": {...}}, ...}."""
    for title, name, stage in [("a", "N1", "NEW"), ("b", "", "NEW"), ("c", "N3", "WON")]:
        fields = {"title": title, "name": name, "stageId": stage}
        call(portal, "crm.item.add", {"entityTypeId": 1, "fields": fields})
    group = {"logic": "OR", "0": {"!=name": ""}, "1": {"=title": "b"}}
    flt = {"0": group, "@stageId": ["NEW"]}
    found = call(portal, "crm.item.list", {"entityTypeId": 1, "select": ["title"], "filter": flt})
    assert [i["title"] for i in found["items"]] == ["a", "b"]
    both = {"0": {"!=name": ""}, "1": {"=title": "b"}}  # without LOGIC a group is AND
    found = call(portal, "crm.item.list", {"entityTypeId": 1, "filter": {"0": both}})
    assert found["items"] == []
