"""The emulator's portal metadata: user fields, list values, smart-process types, scopes."""

from __future__ import annotations

from typing import Any

import pytest

from generator.emulator.userfields import camel_name


def _call_error(client: Any, method: str, params: dict[str, Any]) -> Any:
    from b24gen_templates.runtime.errors import Bitrix24Error

    with pytest.raises(Bitrix24Error) as info:
        client.call(method, params)
    return info.value


def test_camel_names():
    assert camel_name("UF_CRM_12_1700000000") == "ufCrm12_1700000000"
    assert camel_name("UF_CRM_3_COLOR") == "ufCrm3Color"


def test_userfield_lifecycle(portal: Any):
    client = portal.rest
    listed = client.call("crm.deal.userfield.list", {"filter": {"LANG": "ru"}})
    assert [(r["FIELD_NAME"], r["EDIT_FORM_LABEL"]) for r in listed] == [("UF_CRM_COLOUR", "Цвет")]
    (row,) = listed
    assert [v["VALUE"] for v in row["LIST"]] == ["Red", "Green"]
    red, green = row["LIST"]
    ok = client.call(
        "crm.deal.userfield.update",
        {"id": row["ID"], "fields": {"LIST": [{"ID": green["ID"], "DEL": "Y"}, {"VALUE": "Blue"}],
                                     "EDIT_FORM_LABEL": {"en": "Hue"}}},
    )  # fmt: skip
    assert ok is True
    described = client.call("crm.deal.fields")["UF_CRM_COLOUR"]
    assert [i["VALUE"] for i in described["items"]] == ["Red", "Blue"]
    assert described["formLabel"] == "Hue" and described["isDynamic"] is True
    assert client.call("crm.deal.userfield.get", {"id": row["ID"]})["FIELD_NAME"] == "UF_CRM_COLOUR"
    # another entity's user fields are its own
    assert client.call("crm.lead.userfield.list") == []
    assert "UF_CRM_COLOUR" not in client.call("crm.lead.fields")
    assert client.call("crm.deal.userfield.delete", {"id": row["ID"]}) is True
    assert "UF_CRM_COLOUR" not in client.call("crm.deal.fields")
    err = _call_error(client, "crm.deal.userfield.get", {"id": row["ID"]})
    assert err.code == "ERROR_NOT_FOUND"
    # a name without the prefix gets it; the same name twice is refused
    client.call("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "X"}})
    assert client.call("crm.deal.fields")["UF_CRM_X"]["type"] == "string"
    err = _call_error(client, "crm.deal.userfield.add", {"fields": {"FIELD_NAME": "UF_CRM_X"}})
    assert err.code == "ERROR_CORE"


def test_smart_process_types_and_fields(portal: Any):
    client, facts = portal.rest, portal.facts
    (t,) = client.call("crm.type.list")["types"]
    assert (t["code"], t["entityTypeId"]) == ("invoice", 1030)
    second = client.call("crm.type.add", {"fields": {"title": "Orders"}})["type"]
    assert second["entityTypeId"] == 1032
    fields = client.call("crm.item.fields", {"entityTypeId": facts["etid"]})["fields"]
    kind = fields[f"ufCrm{facts['type_id']}Kind"]
    assert kind["upperName"] == f"UF_CRM_{facts['type_id']}_KIND"
    assert [i["VALUE"] for i in kind["items"]] == ["Goods", "Services"]
    assert fields[f"ufCrm{facts['type_id']}Amount"]["type"] == "double"
    assert not any(n.startswith("ufCrm") for n in client.call(
        "crm.item.fields", {"entityTypeId": second["entityTypeId"]})["fields"])  # fmt: skip
    listed = client.call("userfieldconfig.list", {"moduleId": "crm"})["fields"]
    assert len(listed) == 2
    renamed = client.call("crm.type.update", {"id": second["id"], "fields": {"title": "Orders 2"}})
    assert renamed["type"]["title"] == "Orders 2"
    assert client.call("crm.type.delete", {"id": second["id"]}) == []  # crm-type-delete.md
    err = _call_error(client, "crm.type.get", {"id": second["id"]})
    assert err.code == "NOT_FOUND"
    err = _call_error(client, "userfieldconfig.add",
                      {"moduleId": "crm", "field": {"entityId": "CRM_99", "userTypeId": "string"}})  # fmt: skip
    assert err.code == "ERROR_ARGUMENT"


def test_scopes(portal: Any):
    client = portal.rest
    portal.portal.userfields.scopes = frozenset({"crm"})
    assert client.call("crm.deal.fields")
    portal.portal.userfields.scopes = frozenset({"task"})
    for method in ("crm.deal.fields", "crm.type.list", "crm.deal.userfield.list"):
        err = _call_error(client, method, {})
        assert err.code == "insufficient_scope" and err.status == 401


def test_records_carry_every_user_field(portal: Any):
    client = portal.rest
    client.call("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "TAGS", "MULTIPLE": "Y"}})
    deal_id = client.call("crm.deal.add", {"fields": {"TITLE": "x"}})
    record = client.call("crm.deal.get", {"id": deal_id})
    assert record["UF_CRM_COLOUR"] is None and record["UF_CRM_TAGS"] == []
    red = portal.facts["colours"][0]["ID"]
    client.call("crm.deal.update", {"id": deal_id, "fields": {"UF_CRM_COLOUR": red}})
    assert client.call("crm.deal.get", {"id": deal_id})["UF_CRM_COLOUR"] == red
    assert "UF_CRM_COLOUR" not in client.call("crm.lead.get", {"id": client.call(
        "crm.lead.add", {"fields": {"TITLE": "y"}})})  # fmt: skip


def test_loading_a_snapshot_twice_gives_the_same_portal(portal: Any, pulled: Any):
    from generator.portal.snapshot import load_snapshot

    snap = load_snapshot(pulled)
    state = portal.portal.userfields
    state.load(snap)
    first = (portal.rest.call("crm.deal.fields"), portal.rest.call("crm.type.list"))
    state.load(snap)
    assert (portal.rest.call("crm.deal.fields"), portal.rest.call("crm.type.list")) == first
