"""The emulator driven by real docs (docs_src/ and the ru corpus): the CRM entities, the seed
methods, and errors taken from the pages. Over real loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from emulator_model import RAW_TOKEN

from generator.emulator.app import create_app
from generator.emulator.server import start_in_thread
from generator.emulator.system import auth_refusal

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module", params=["docs_src_model", "ru_model"])
def real_model(request) -> Any:
    """The embedded sample docs (docs_src/) and the real ru corpus."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def ru_emulator(real_model) -> Iterator[Any]:
    running = start_in_thread(create_app(real_model, limits="none", token=RAW_TOKEN))
    yield running
    running.stop()


@pytest.fixture
def emu(ru_emulator) -> Any:
    ru_emulator.reset()
    return ru_emulator


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def _ok(r: httpx.Response) -> Any:
    assert r.status_code == 200, r.text
    return r.json()


CLASSIC = ["crm.lead", "crm.deal", "crm.contact", "crm.company"]


@pytest.mark.parametrize("entity", CLASSIC)
def test_classic_crm_entity_crud_filter_order_select(emu, http, entity) -> None:
    url = emu.webhook_url
    title = "NAME" if entity == "crm.contact" else "TITLE"
    ids = []
    for name, amount in [("Beta", 20), ("Alpha", 10), ("Gamma", 30)]:
        # Form-encoded, as PHP integrations send it.
        body = {f"fields[{title}]": name, "fields[OPENED]": "Y"}
        if entity != "crm.contact":
            body["fields[ASSIGNED_BY_ID]"] = str(amount)
        ids.append(_ok(http.post(url + f"{entity}.add", data=body))["result"])
    assert ids == [1, 2, 3]
    got = _ok(http.post(url + f"{entity}.get", json={"id": 2}))["result"]
    assert got["ID"] == "2" and got[title] == "Alpha" and got["OPENED"] == "Y"
    assert _ok(http.post(url + f"{entity}.update", json={"id": 2, "fields": {title: "Alpha 2"}}))[
        "result"
    ]
    assert _ok(http.post(url + f"{entity}.get", json={"id": 2}))["result"][title] == "Alpha 2"

    listed = _ok(
        http.post(
            url + f"{entity}.list",
            json={"filter": {"%" + title: "a"}, "order": {title: "DESC"}, "select": ["ID", title]},
        )
    )
    assert [r[title] for r in listed["result"]] == ["Gamma", "Beta", "Alpha 2"]
    assert set(listed["result"][0]) == {"ID", title}
    assert listed["total"] == 3
    if entity != "crm.contact":
        res = _ok(
            http.post(
                url + f"{entity}.list", json={"filter": {">=ASSIGNED_BY_ID": 20}, "select": ["ID"]}
            )
        )
        assert [r["ID"] for r in res["result"]] == ["1", "3"]

    assert _ok(http.post(url + f"{entity}.delete", json={"id": 1}))["result"] is True
    assert http.post(url + f"{entity}.get", json={"id": 1}).status_code == 400
    assert emu.portal.count(entity) == 2


@pytest.mark.parametrize("etid", [1, 2, 3, 4, 1038])
def test_crm_item_crud_by_entity_type(emu, http, etid) -> None:
    url = emu.webhook_url
    first = _ok(
        http.post(
            url + "crm.item.add",
            json={"entityTypeId": etid, "fields": {"title": "first", "opportunity": 100}},
        )
    )
    item = first["result"]["item"]
    assert item["id"] == 1 and item["title"] == "first" and item["entityTypeId"] == etid
    http.post(
        url + "crm.item.add",
        data={"entityTypeId": str(etid), "fields[title]": "second", "fields[opportunity]": "250"},
    )
    upd = _ok(
        http.post(
            url + "crm.item.update",
            json={"entityTypeId": etid, "id": 1, "fields": {"title": "first!"}},
        )
    )
    assert upd["result"]["item"]["title"] == "first!"
    listed = _ok(
        http.post(
            url + "crm.item.list",
            json={"entityTypeId": etid, "filter": {">opportunity": 150}, "select": ["id", "title"]},
        )
    )
    assert listed["result"]["items"] == [{"id": 2, "title": "second"}]
    ordered = _ok(
        http.post(
            url + "crm.item.list", json={"entityTypeId": etid, "order": {"opportunity": "DESC"}}
        )
    )
    assert [i["id"] for i in ordered["result"]["items"]] == [2, 1]
    _ok(http.post(url + "crm.item.delete", json={"entityTypeId": etid, "id": 1}))
    assert http.post(url + "crm.item.get", json={"entityTypeId": etid, "id": 1}).status_code == 400
    assert emu.portal.count("crm.item", entity_type_id=etid) == 1


def test_seed_methods_keep_state(emu, http) -> None:
    url = emu.webhook_url
    badge = {"code": "missedCall", "title": "Call", "value": "Missed", "type": "failure"}
    assert _ok(http.post(url + "crm.activity.badge.add", json=badge))["result"] == {"badge": badge}
    got = _ok(http.post(url + "crm.activity.badge.get", json={"code": "missedCall"}))["result"]
    assert got == {"badge": badge}
    lead = _ok(http.post(url + "crm.lead.add", json={"fields": {"TITLE": "seed"}}))["result"]
    assert (
        _ok(
            http.post(url + "crm.lead.contact.add", json={"id": lead, "fields": {"CONTACT_ID": 5}})
        )["result"]
        is True
    )
    items = _ok(http.post(url + "crm.lead.contact.items.get", json={"id": lead}))["result"]
    assert [i["CONTACT_ID"] for i in items] == [5]
    assert (
        _ok(
            http.post(
                url + "crm.activity.binding.add",
                json={"activityId": 9, "entityTypeId": 1, "entityId": lead},
            )
        )["result"]
        is True
    )
    assert _ok(http.post(url + "crm.activity.binding.list", json={"activityId": 9}))["result"] == [
        {"entityTypeId": 1, "entityId": lead}
    ]


def test_required_parameters_from_the_real_pages(emu, http, real_model) -> None:
    url = emu.webhook_url
    r = http.post(url + "crm.activity.badge.add", json={"code": "x"})
    assert r.status_code == 400
    documented = {e.code for e in real_model.method("crm.activity.badge.add").errors}
    assert r.json()["error"] in documented
    r = http.post(url + "crm.item.get", json={"id": 1})
    assert r.status_code == 400 and "entityTypeId" in r.json()["error_description"]
    r = http.post(url + "crm.activity.binding.add", json={"activityId": 1})
    assert r.status_code == 400


def test_unknown_method_and_example_answers(emu, http) -> None:
    assert http.post(emu.webhook_url + "crm.lead.nothing").status_code == 404
    fields = _ok(http.post(emu.webhook_url + "crm.lead.fields"))["result"]
    assert "TITLE" in fields  # the documented crm.lead.fields example


def test_every_method_answers_without_a_server_error(emu, http, real_model) -> None:
    """Called with no arguments, every documented method answers 200, or 400 when the page
    marks a parameter required (in each of its ways to call it), or when it reads/changes a
    record by an id not given."""
    portal = emu.portal
    unexplained = []
    answered = 0
    for m in real_model.methods:
        prefix = "/rest/api/1/" if m.api_version == 3 else "/rest/1/"
        r = http.post(f"{emu.base_url}{prefix}{emu.token}/{m.name}", json={})
        assert r.status_code < 500, (m.name, r.text)
        # successes carry the time block, errors never (as every error example in the docs)
        assert ("time" in r.json()) == (r.status_code == 200), (m.name, r.text)
        if r.status_code == 200:
            answered += 1
            continue
        # a required parameter, or one every way of calling the method requires some of
        needs_arg = all(any(p.required for p in v.params) for v in m.call_variants)
        route = portal.entity_routes.get((m.api_version, m.name.lower()))
        by_id = route is not None and route[1] in ("get", "update", "delete")
        by_id = by_id or any(p.name.lower() == "id" for p in m.params)  # crm.currency.base.set
        app_only = auth_refusal(m, "webhook")  # the page: OAuth applications only
        if app_only is not None and r.status_code == app_only.status:
            assert r.json()["error"] == app_only.code, (m.name, r.text)
            continue
        if not (r.status_code == 400 and (needs_arg or by_id)):
            unexplained.append((m.name, r.status_code, r.text[:80]))
    assert unexplained == []
    assert answered > len(real_model.methods) // 5


def test_portal_stamps_creation_and_modification_dates(emu, http) -> None:
    url = emu.webhook_url
    deal = _ok(http.post(url + "crm.deal.add", json={"fields": {"TITLE": "dated"}}))["result"]
    got = _ok(http.post(url + "crm.deal.get", json={"id": deal}))["result"]
    if not emu.portal.handlers["crm.deal"].created:  # docs that do not list the field
        assert "DATE_CREATE" not in got
        return
    assert got["DATE_CREATE"] and got["DATE_CREATE"] == got["DATE_MODIFY"]
    found = _ok(
        http.post(
            url + "crm.deal.list",
            json={"filter": {">=DATE_CREATE": got["DATE_CREATE"]}, "select": ["ID"]},
        )
    )["result"]
    assert found == [{"ID": str(deal)}]
