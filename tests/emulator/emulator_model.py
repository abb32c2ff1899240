"""A small hand-built model shaped like the real pages: crm.lead (classic), crm.item
(wrapped, scoped by entityTypeId), a REST 3.0 family, bindings, badges, example-only methods.

Tests against the real corpus model are in test_emulator_corpus.py (``ru_model``).
"""

from __future__ import annotations

import json

from generator.model import ApiModel, ErrorCode, Method, Param, Returns

P = Param

# Raw httpx calls log their URL, webhook secret included. The integration tests scan every
# log record of the session for secrets that a runtime client registered; so the emulators
# these tests call with raw httpx get a secret no runtime client is ever given.
RAW_TOKEN = "raw-http-emulator-tests"


def _lead_fields() -> tuple[Param, ...]:
    return (
        P("TITLE", "string"),
        P("NAME", "string"),
        P("OPPORTUNITY", "double"),
        P("ASSIGNED_BY_ID", "user"),
        P("STATUS_ID", "crm_status"),
        P("OPENED", "char"),
    )


def tiny_model() -> ApiModel:
    lead = _lead_fields()
    item_fields = (P("title", "string"), P("opportunity", "double"), P("stageId", "string"))
    time_ = json.dumps
    return ApiModel(
        methods=(
            Method(
                "crm.lead.add",
                params=(P("fields", "object", children=lead), P("params", "object")),
                returns=Returns("scalar", "integer", example="3465"),
            ),
            Method(
                "crm.lead.get",
                params=(P("id", "integer", required=True),),
                errors=(
                    ErrorCode("ACCESS_DENIED", "Access denied"),
                    ErrorCode("ERROR_ID_EMPTY", "Не указан параметр `id`", 400),
                ),
                returns=Returns("object", example=time_({"ID": "1", "TITLE": "t"})),
            ),
            Method(
                "crm.lead.update",
                params=(P("id", "integer", required=True), P("fields", "object", children=lead)),
                returns=Returns("boolean", "boolean", example="true"),
            ),
            Method(
                "crm.lead.delete",
                params=(P("id", "integer", required=True),),
                returns=Returns("boolean", "boolean", example="true"),
            ),
            Method(
                "crm.lead.list",
                params=(P("select", "array"), P("filter", "object"), P("order", "object"),
                        P("start", "integer")),
                returns=Returns("list", example=time_([{"ID": "1", "TITLE": "t"}]), paged=True),
            ),
            Method(
                "crm.lead.fields",
                returns=Returns("object", example=time_({"ID": {"type": "integer"}})),
            ),
            Method(
                "crm.item.add",
                params=(
                    P("entityTypeId", "integer", required=True),
                    P("fields", "object", required=True, children=item_fields),
                ),
                errors=(ErrorCode("NOT_FOUND", "Смарт-процесс не найден", 400),),
                returns=Returns("item", example=time_({"item": {"id": 1, "title": "x"}})),
            ),
            Method(
                "crm.item.get",
                params=(P("entityTypeId", "integer", required=True),
                        P("id", "integer", required=True)),
                returns=Returns("item", example=time_({"item": {"id": 1, "title": "x"}})),
            ),
            Method(
                "crm.item.update",
                params=(
                    P("entityTypeId", "integer", required=True),
                    P("id", "integer", required=True),
                    P("fields", "object", required=True, children=item_fields),
                ),
                returns=Returns("item", example=time_({"item": {"id": 1, "title": "x"}})),
            ),
            Method(
                "crm.item.delete",
                params=(P("entityTypeId", "integer", required=True),
                        P("id", "integer", required=True)),
                returns=Returns("object", example="[]"),
            ),
            Method(
                "crm.item.list",
                params=(P("entityTypeId", "integer", required=True), P("select", "array"),
                        P("filter", "object"), P("order", "object"), P("start", "integer")),
                returns=Returns("items", example=time_({"items": [{"id": 1}]}), paged=True),
            ),
            Method(
                "crm.lead.contact.add",
                params=(
                    P("id", "integer", required=True),
                    P("fields", "object", required=True, children=(
                        P("CONTACT_ID", "integer", required=True), P("SORT", "integer"),
                        P("IS_PRIMARY", "char"))),
                ),
                returns=Returns("boolean", example="true"),
            ),
            Method("crm.lead.contact.delete", params=(P("id", "integer", required=True),
                                                      P("fields", "object", required=True))),
            Method("crm.lead.contact.items.get", params=(P("id", "integer", required=True),)),
            Method("crm.lead.contact.items.set", params=(P("id", "integer", required=True),
                                                         P("items", "object[]"))),
            Method("crm.lead.contact.items.delete", params=(P("id", "integer", required=True),)),
            Method(
                "crm.activity.badge.add",
                params=tuple(P(n, "string", required=True)
                             for n in ("code", "title", "value", "type")),
                errors=(ErrorCode("REQUIRED_ARG_MISSING", "Не заполнены обязательные поля"),),
                returns=Returns("boolean", example="true"),
            ),
            Method("crm.activity.badge.get", params=(P("code", "string", required=True),)),
            Method("crm.activity.badge.list"),
            Method("crm.activity.badge.delete", params=(P("code", "string", required=True),)),
            Method("crm.activity.binding.add", params=(
                P("activityId", "integer", required=True),
                P("entityTypeId", "integer", required=True),
                P("entityId", "integer", required=True))),
            Method("crm.activity.binding.list",
                   params=(P("activityId", "integer", required=True),)),
            Method("crm.activity.binding.delete", params=(
                P("activityId", "integer", required=True),
                P("entityTypeId", "integer", required=True),
                P("entityId", "integer", required=True))),
            Method(
                "server.time",
                returns=Returns("scalar", "string", example='"2024-01-01T00:00:00+03:00"'),
            ),
            Method(
                "user.current",
                returns=Returns("object", example=time_({"ID": "1", "NAME": "John"})),
            ),
            Method(
                "tasks.task.add", api_version=3,
                params=(P("fields", "object", required=True, children=(
                    P("title", "string", required=True), P("responsibleId", "integer"))),),
                returns=Returns("item", example=time_({"item": {"id": 1, "title": "x"}})),
            ),
            Method(
                "tasks.task.get", api_version=3,
                params=(P("id", "integer", required=True), P("select", "array")),
                returns=Returns("item", example=time_({"item": {"id": 1, "title": "x"}})),
            ),
            Method(
                "tasks.task.list", api_version=3,
                params=(P("select", "array"), P("filter", "array"), P("order", "object"),
                        P("pagination", "object")),
                returns=Returns("items", example=time_({"items": [{"id": 1}]})),
            ),
        )
    )  # fmt: skip
