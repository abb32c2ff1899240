"""Correct uses of the generated client (generated/b24client): mypy --strict accepts them all.

Checked by tests/typing/test_typing.py; not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

from typing import Any

from b24client import NOT_GIVEN, AsyncClient, Bitrix24Error, Client
from b24client.errors import AccessDeniedError
from b24client.types.crm import CrmLeadAddFields


def sync_usage() -> None:
    client = Client.from_webhook("https://example.bitrix24.ru/rest/1/secret/")
    fields: CrmLeadAddFields = {"TITLE": "Spring fair", "OPPORTUNITY": 1200.5}
    lead_id: int = client.crm.lead.add(fields=fields)
    updated: bool = client.crm.lead.update(id=lead_id, fields={"TITLE": "Autumn fair"})
    client.crm.lead.add(fields={"TITLE": "x"}, params=NOT_GIVEN)
    # user fields ride in ``fields`` beside the documented keys (a map of field values)
    client.crm.lead.add(fields={"TITLE": "x", "UF_CRM_1721244482250": "y", "PARENT_ID_1220": 22})
    client.crm.activity.binding.add(activityId="1", entityTypeId=2, entityId=3)  # numeric text
    badge = client.crm.activity.badge.add(
        code="lateDelivery", title=["Late", "Поздно"], value="2 days", type="failure"
    )
    got = client.crm.activity.badge.get(code="lateDelivery")
    code: str | None = got["badge"]["code"]  # a TypedDict built from the page's response example
    bound: bool = client.crm.activity.binding.add(activityId=1, entityTypeId=2, entityId=3)
    linked: bool = client.crm.lead.contact.add(id=lead_id, fields={"CONTACT_ID": 5})
    page = client.crm.lead.list(select=["ID", "TITLE"], start=50)
    records: list[Any] = page.items
    total: int | None = page.total
    events: list[Any] = client.calendar.event.get(type="user", ownerId=1, from_="2024-01-01")
    task = client.v3.tasks.task.add(fields={"title": "Report", "creatorId": 1, "responsibleId": 2})
    raw: Any = client.call("crm.lead.get", {"id": lead_id})
    cls: type[Bitrix24Error] = Bitrix24Error.for_code("ACCESS_DENIED")
    try:
        client.crm.lead.delete(id=lead_id)
    except AccessDeniedError as exc:
        print(exc.code, exc.description, exc.status, exc.method)
    print(updated, badge, code, bound, linked, records, total, events, task, raw, cls)


async def async_usage() -> None:
    aclient = AsyncClient.from_oauth("example.bitrix24.ru", "access-token")
    lead_id: int = await aclient.crm.lead.add(fields={"TITLE": "x"})
    ok: bool = await aclient.crm.lead.delete(id=lead_id)
    page = await aclient.crm.company.list(filter={"TITLE": "x"})
    print(ok, page.items)
