"""Wrong calls: mypy --strict must reject each line marked ``# E: <error code>``, and no other.

Checked by tests/typing/test_typing.py; not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

from b24client import AsyncClient, Client


def wrong() -> None:
    client = Client.from_webhook("https://example.bitrix24.ru/rest/1/secret/")
    client.crm.activity.badge.add(code="x", title="t", value="v")  # E: call-arg
    client.crm.activity.badge.get(code=42)  # E: arg-type
    client.crm.activity.badge.get(code="x", colour="red")  # E: call-arg
    client.crm.lead.add({"TITLE": "positional"})  # E: call-arg
    client.crm.lead.add(fields={"TITLE": [[3]]})  # E: list-item
    client.crm.lead.contact.add(id=1, fields={"CONTACT_ID": 1, "NO": 1})  # E: typeddict-unknown-key
    client.crm.lead.contact.add(id=1, fields={"SORT": 10})  # E: typeddict-item
    client.calendar.event.get(type="nobody", ownerId=1)  # E: arg-type
    client.crm.activity.binding.add(activityId=[1], entityTypeId=2, entityId=3)  # E: arg-type
    lead_id: str = client.crm.lead.add(fields={})  # E: assignment
    client.crm.lead.nosuchmethod()  # E: attr-defined
    client.v3.tasks.task.add(fields={"title": "no creator"})  # E: typeddict-item
    number: int = client.crm.activity.badge.get(code="x")["badge"]["code"]  # E: assignment
    print(number)
    print(lead_id)


async def wrong_async() -> None:
    aclient = AsyncClient.from_webhook("https://example.bitrix24.ru/rest/1/secret/")
    lead_id: int = aclient.crm.lead.add(fields={})  # E: assignment
    print(lead_id)
