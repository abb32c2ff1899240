"""State kept in SQLite: CRUD shapes, filters, order, select, paging, bindings, badges."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


def post(http: httpx.Client, emu: Any, method: str, **params: Any) -> dict[str, Any]:
    r = http.post(emu.webhook_url + method, json=params)
    return r.json()


def test_crm_item_is_scoped_by_entity_type_and_wrapped_as_documented(emu, http) -> None:
    a = post(http, emu, "crm.item.add", entityTypeId=2, fields={"title": "deal", "opportunity": 5})
    b = post(http, emu, "crm.item.add", entityTypeId=1038, fields={"title": "smart"})
    assert a["result"]["item"]["id"] == 1 and a["result"]["item"]["title"] == "deal"
    assert b["result"]["item"]["id"] == 1  # ids are counted per entity type
    assert a["result"]["item"]["entityTypeId"] == 2
    got = post(http, emu, "crm.item.get", entityTypeId=1038, id=1)["result"]["item"]
    assert got["title"] == "smart"
    upd = post(http, emu, "crm.item.update", entityTypeId=2, id=1, fields={"title": "deal 2"})
    assert upd["result"]["item"]["title"] == "deal 2"
    assert upd["result"]["item"]["opportunity"] == 5
    listed = post(http, emu, "crm.item.list", entityTypeId=2)
    assert [i["title"] for i in listed["result"]["items"]] == ["deal 2"] and listed["total"] == 1
    assert post(http, emu, "crm.item.delete", entityTypeId=2, id=1)["result"] == []
    gone = http.post(emu.webhook_url + "crm.item.get", json={"entityTypeId": 2, "id": 1})
    assert gone.status_code == 400 and gone.json()["error"] == "NOT_FOUND"
    assert emu.portal.count("crm.item", entity_type_id=1038) == 1


def test_update_and_delete_of_a_missing_record_fail(emu, http) -> None:
    r = http.post(emu.webhook_url + "crm.lead.update", json={"id": 99, "fields": {"TITLE": "x"}})
    assert r.status_code == 400 and r.json()["error"] == "NOT_FOUND"
    r = http.post(emu.webhook_url + "crm.lead.delete", json={"id": 99})
    assert r.status_code == 400


@pytest.fixture
def leads(emu) -> Any:
    emu.portal.seed("crm.lead", [
        {"TITLE": "Alpha", "OPPORTUNITY": 100, "STATUS_ID": "NEW", "ASSIGNED_BY_ID": 1},
        {"TITLE": "Beta", "OPPORTUNITY": 250.5, "STATUS_ID": "IN_PROCESS", "ASSIGNED_BY_ID": 2},
        {"TITLE": "Gamma ray", "OPPORTUNITY": 40, "STATUS_ID": "NEW", "ASSIGNED_BY_ID": 2},
        {"TITLE": "Delta", "OPPORTUNITY": 300, "STATUS_ID": "JUNK"},
    ])  # fmt: skip
    return emu


@pytest.mark.parametrize(
    "flt, expected",
    [
        ({"STATUS_ID": "NEW"}, ["Alpha", "Gamma ray"]),
        ({"=STATUS_ID": "NEW"}, ["Alpha", "Gamma ray"]),
        ({"!STATUS_ID": "NEW"}, ["Beta", "Delta"]),
        ({">OPPORTUNITY": 100}, ["Beta", "Delta"]),
        ({">=OPPORTUNITY": "100"}, ["Alpha", "Beta", "Delta"]),
        ({"<OPPORTUNITY": 100}, ["Gamma ray"]),
        ({"<=OPPORTUNITY": 100}, ["Alpha", "Gamma ray"]),
        ({"%TITLE": "amm"}, ["Gamma ray"]),
        ({"@STATUS_ID": ["JUNK", "IN_PROCESS"]}, ["Beta", "Delta"]),
        ({"@ID": [1, 4]}, ["Alpha", "Delta"]),
        ({">ID": 2, "STATUS_ID": "NEW"}, ["Gamma ray"]),
        ({"ASSIGNED_BY_ID": ""}, ["Delta"]),
    ],
)
def test_filter_operators(leads, http, flt, expected) -> None:
    res = post(http, leads, "crm.lead.list", filter=flt, order={"ID": "ASC"})
    assert [r["TITLE"] for r in res["result"]] == expected
    assert res["total"] == len(expected)


def test_order_and_select(leads, http) -> None:
    res = post(
        http, leads, "crm.lead.list", order={"OPPORTUNITY": "DESC"}, select=["TITLE", "OPPORTUNITY"]
    )
    assert res["result"][0] == {"ID": "4", "TITLE": "Delta", "OPPORTUNITY": "300.00"}
    assert [r["OPPORTUNITY"] for r in res["result"]] == ["300.00", "250.50", "100.00", "40.00"]
    res = post(http, leads, "crm.lead.list", order={"TITLE": "ASC"}, select=["ID"])
    assert [r for r in res["result"]] == [{"ID": "1"}, {"ID": "2"}, {"ID": "4"}, {"ID": "3"}]


def test_ten_thousand_records_page_by_page_exactly_once(emu, http) -> None:
    ids = emu.portal.seed("crm.lead", ({"TITLE": f"L{i}"} for i in range(10_000)))
    assert len(ids) == 10_000
    seen: list[str] = []
    start: int | None = 0
    pages = 0
    while start is not None:
        res = post(http, emu, "crm.lead.list", start=start, select=["ID"])
        assert res["total"] == 10_000
        assert len(res["result"]) <= 50
        seen.extend(r["ID"] for r in res["result"])
        start = res.get("next")
        pages += 1
    assert pages == 200
    assert sorted(seen, key=int) == [str(i) for i in ids]
    assert len(set(seen)) == 10_000


def test_fast_mode_start_minus_one_has_no_total_and_pages_by_id(emu, http) -> None:
    emu.portal.seed("crm.lead", ({"TITLE": f"L{i}"} for i in range(120)))
    last, seen = 0, []
    while True:
        res = post(
            http,
            emu,
            "crm.lead.list",
            start=-1,
            filter={">ID": last},
            order={"ID": "ASC"},
            select=["ID"],
        )
        assert "total" not in res and "next" not in res
        if not res["result"]:
            break
        seen.extend(int(r["ID"]) for r in res["result"])
        last = seen[-1]
    assert seen == list(range(1, 121))


def test_lead_contact_bindings_keep_state(emu, http) -> None:
    lead = post(http, emu, "crm.lead.add", fields={"TITLE": "L"})["result"]
    assert post(http, emu, "crm.lead.contact.add", id=lead, fields={"CONTACT_ID": 7})["result"]
    post(http, emu, "crm.lead.contact.add", id=lead, fields={"CONTACT_ID": 8, "SORT": 20})
    items = post(http, emu, "crm.lead.contact.items.get", id=lead)["result"]
    assert [(i["CONTACT_ID"], i["IS_PRIMARY"]) for i in items] == [(7, "Y"), (8, "N")]
    post(http, emu, "crm.lead.contact.delete", id=lead, fields={"CONTACT_ID": 7})
    assert [
        i["CONTACT_ID"] for i in post(http, emu, "crm.lead.contact.items.get", id=lead)["result"]
    ] == [8]
    post(
        http,
        emu,
        "crm.lead.contact.items.set",
        id=lead,
        items=[{"CONTACT_ID": 3}, {"CONTACT_ID": 4}],
    )
    assert [
        i["CONTACT_ID"] for i in post(http, emu, "crm.lead.contact.items.get", id=lead)["result"]
    ] == [3, 4]
    post(http, emu, "crm.lead.contact.items.delete", id=lead)
    assert post(http, emu, "crm.lead.contact.items.get", id=lead)["result"] == []


def test_activity_bindings_and_badges_keep_state(emu, http) -> None:
    assert (
        post(http, emu, "crm.activity.binding.add", activityId=5, entityTypeId=2, entityId=10)[
            "result"
        ]
        is True
    )
    post(http, emu, "crm.activity.binding.add", activityId=5, entityTypeId=1, entityId=3)
    dup = http.post(
        emu.webhook_url + "crm.activity.binding.add",
        json={"activityId": 5, "entityTypeId": 1, "entityId": 3},
    )
    assert dup.status_code == 400
    listed = post(http, emu, "crm.activity.binding.list", activityId=5)["result"]
    assert listed == [{"entityTypeId": 2, "entityId": 10}, {"entityTypeId": 1, "entityId": 3}]
    post(http, emu, "crm.activity.binding.delete", activityId=5, entityTypeId=2, entityId=10)
    assert post(http, emu, "crm.activity.binding.list", activityId=5)["result"] == [
        {"entityTypeId": 1, "entityId": 3}
    ]

    badge = {"code": "missedCall", "title": "Call", "value": "Missed", "type": "failure"}
    assert post(http, emu, "crm.activity.badge.add", **badge)["result"] == {"badge": badge}
    assert post(http, emu, "crm.activity.badge.get", code="missedCall")["result"] == {
        "badge": badge
    }
    assert post(http, emu, "crm.activity.badge.list")["result"] == {"badges": [badge]}
    assert post(http, emu, "crm.activity.badge.delete", code="missedCall")["result"] is True
    assert post(http, emu, "crm.activity.badge.list")["result"] == {"badges": []}


def test_file_database_survives_a_restart(b24_emulator_factory, tmp_path, http) -> None:
    db = str(tmp_path / "portal.sqlite")
    first = b24_emulator_factory(limits="none", db=db)
    http.post(first.webhook_url + "crm.lead.add", json={"fields": {"TITLE": "kept"}})
    first.stop()
    second = b24_emulator_factory(limits="none", db=db)
    r = http.post(second.webhook_url + "crm.lead.get", json={"id": 1})
    assert r.json()["result"]["TITLE"] == "kept"
