"""The generated client against the emulator over loopback HTTP: seed methods, CRUD with
filter/order/select, typed errors, metadata, batch-vs-JSON equivalence."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import WATCH

# crm.lead/deal/contact/company are documented as deprecated (in favour of crm.item).
pytestmark = pytest.mark.filterwarnings("ignore:crm.*is deprecated:DeprecationWarning")


def test_seed_methods_round_trip(client: Any, emulator: Any) -> None:
    lead_id = client.crm.lead.add(fields={"TITLE": "Seed lead", "NAME": "Ann"})
    assert isinstance(lead_id, int) and lead_id > 0
    assert client.crm.lead.get(id=lead_id)["TITLE"] == "Seed lead"

    badge = client.crm.activity.badge.add(
        code="missedCall", title="Missed call", value="Missed", type="failure"
    )
    assert badge
    got = client.crm.activity.badge.get(code="missedCall")
    assert "missedCall" in repr(got)

    contact_id = client.crm.contact.add(fields={"NAME": "Bob"})
    assert client.crm.lead.contact.add(id=lead_id, fields={"CONTACT_ID": contact_id}) is True
    assert emulator.portal.count("crm.lead") == 1

    assert client.crm.activity.binding.add(activityId=7, entityTypeId=2, entityId=5) is True
    bound = client.crm.activity.binding.list(activityId=7)
    assert any(str(b.get("entityId")) == "5" for b in bound.items)


@pytest.mark.parametrize("entity", ["lead", "deal", "contact", "company"])
def test_crud_with_filter_order_select(client: Any, entity: str) -> None:
    api = getattr(client.crm, entity)
    field = {"lead": "TITLE", "deal": "TITLE", "contact": "NAME", "company": "TITLE"}[entity]
    ids = [api.add(fields={field: f"{entity}-{n}", "COMMENTS": "odd" if n % 2 else "even"})
           for n in range(1, 8)]  # fmt: skip
    assert len(set(ids)) == 7
    assert api.get(id=ids[2])[field] == f"{entity}-3"
    assert api.update(id=ids[2], fields={field: f"{entity}-3-renamed"}) is True
    assert api.get(id=ids[2])[field] == f"{entity}-3-renamed"

    page = api.list(
        filter={"COMMENTS": "even", ">ID": ids[1]}, order={"ID": "DESC"}, select=["ID", field]
    )
    assert [int(r["ID"]) for r in page.items] == [ids[5], ids[3]]
    assert all(set(r) == {"ID", field} for r in page.items)
    assert page.total == 2 and page.time and "operating" in page.time

    assert api.delete(id=ids[0]) is True
    remaining = {int(r["ID"]) for r in client.iterate(f"crm.{entity}.list")}
    assert remaining == set(ids[1:])


def test_crud_crm_item(client: Any) -> None:
    item = client.crm.item
    made = [item.add(entityTypeId=1036, fields={"title": f"smart-{n}", "opportunity": n * 10})
            for n in range(5)]  # fmt: skip
    ids = [m["item"]["id"] for m in made]
    other = item.add(entityTypeId=2, fields={"title": "a deal-type item"})["item"]["id"]
    assert item.get(entityTypeId=1036, id=ids[1])["item"]["title"] == "smart-1"
    item.update(entityTypeId=1036, id=ids[1], fields={"title": "smart-1b"})
    assert item.get(entityTypeId=1036, id=ids[1])["item"]["title"] == "smart-1b"
    page = item.list(
        entityTypeId=1036, filter={">=opportunity": 20}, order={"id": "DESC"},
        select=["id", "title"],
    )  # fmt: skip
    assert [r["id"] for r in page.items] == [ids[4], ids[3], ids[2]]
    assert all(set(r) == {"id", "title"} for r in page.items)
    item.delete(entityTypeId=1036, id=ids[4])
    seen = list(client.iterate("crm.item.list", {"entityTypeId": 1036}))
    assert [r["id"] for r in seen] == ids[:4]
    assert {r["title"] for r in seen} == {"smart-0", "smart-1b", "smart-2", "smart-3"}
    assert [r["id"] for r in client.iterate("crm.item.list", {"entityTypeId": 2})] == [other]


def test_typed_errors(client: Any, emulator: Any, client_pkg: Any) -> None:
    from b24gen_templates.runtime.errors import Bitrix24Error

    rt_errors = client_pkg._runtime.errors
    with pytest.raises(rt_errors.MethodNotFoundError) as info:
        client.call("crm.nothing.here")
    assert info.value.status == 404 and info.value.method == "crm.nothing.here"
    WATCH.exception(info.value)

    with pytest.raises(rt_errors.Bitrix24Error) as info:
        client.call("crm.lead.get", {})  # id is required
    assert info.value.status == 400 and info.value.code
    WATCH.exception(info.value)

    bad = client_pkg.Client.from_webhook(
        emulator.webhook_url.replace(emulator.token, "wrong-token-1234"), allow_insecure_http=True
    )
    with pytest.raises(rt_errors.Bitrix24Error) as info:
        bad.crm.lead.list()
    assert info.value.status == 401 and "wrong-token-1234" not in str(info.value)
    WATCH.exception(info.value)
    WATCH.secrets.add("wrong-token-1234")
    # the generated package's runtime is a copy: its classes are not the template's
    assert rt_errors.Bitrix24Error is not Bitrix24Error


def test_metadata_is_reachable(client: Any, emulator: Any) -> None:
    emulator.portal.seed("crm.deal", [{"TITLE": f"d{i}"} for i in range(120)])
    raw = client.call_raw("crm.deal.list", {"select": ["ID"]})
    assert raw.total == 120 and raw.next == 50 and len(raw.result) == 50
    assert {"start", "finish", "duration", "operating"} <= set(raw.time)


def test_batch_form_encoding_equals_json(client: Any, emulator: Any) -> None:
    """The same calls sent as JSON and as form-encoded batch commands give the same answers."""
    emulator.portal.seed(
        "crm.lead", [{"TITLE": f"L{i}", "OPPORTUNITY": i, "PHONE": [{"VALUE": str(i), "VALUE_TYPE": "WORK"}]}
                     for i in range(30)]
    )  # fmt: skip
    params = {
        "filter": {">=OPPORTUNITY": 10, "%TITLE": "L1", "@ID": [12, 13, 14, 20, 25]},
        "order": {"OPPORTUNITY": "DESC"},
        "select": ["ID", "TITLE", "PHONE"],
    }
    direct = client.call("crm.lead.list", params)
    via_batch = client.batch({"q": ("crm.lead.list", params)})["q"]
    assert direct == via_batch and [r["TITLE"] for r in direct] == ["L19", "L13", "L12", "L11"]
    assert direct[0]["PHONE"] == [{"VALUE": "19", "VALUE_TYPE": "WORK"}]


def test_rest3_call_and_error_format(client: Any, client_pkg: Any) -> None:
    created = client.v3.tasks.task.add(fields={"title": "REST 3.0 task", "responsibleId": 1})
    assert created
    with pytest.raises(client_pkg._runtime.errors.Bitrix24Error) as info:
        client.call_raw("tasks.task.add", {}, api_version=3)
    error = info.value
    assert error.status == 400 and error.method == "tasks.task.add"
    assert error.validation and error.validation[0].get("field") == "fields"
    assert "fields" in str(error)
    # the same name under REST 2 is another method: not in this model
    with pytest.raises(client_pkg._runtime.errors.MethodNotFoundError):
        client.call("tasks.task.add", {"fields": {"TITLE": "x"}})
