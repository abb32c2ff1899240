"""Small hand-built models the OpenAPI tests share (no corpus needed)."""

from __future__ import annotations

from generator.model import ApiModel, ErrorCode, Method, Param, Returns

LEAD_FIELDS = (
    Param("TITLE", "string", description="Lead title"),
    Param("STATUS_ID", "crm_status", description="Stage"),
    Param("OPENED", "char", values=("Y", "N")),
    Param("BIRTHDATE", "date"),
    Param("PHONE", "crm_multifield[]"),
    Param("UF_...", "string", description="user fields"),
)

LEAD_ADD = Method(
    name="crm.lead.add",
    title="Create a lead",
    scope="crm",
    summary="Creates a lead.",
    params=(
        Param("fields", "object", required=True, description="Lead fields", children=LEAD_FIELDS),
        Param("params", "object", children=(Param("REGISTER_SONET_EVENT", "char"),)),
    ),
    errors=(ErrorCode("ACCESS_DENIED", "No access"), ErrorCode("400", "Bad", status=400)),
    returns=Returns(
        shape="scalar",
        type="integer",
        fields=(Param("result", "integer"), Param("time", "time")),
        example="1",
    ),
    source="api-reference/crm/leads/crm-lead-add.md",
    line=1,
)

BADGE_ADD = Method(
    name="crm.activity.badge.add",
    scope="crm",
    params=(
        Param("code", "string", required=True),
        Param("title", "string|lang_map", required=True),
        Param("value", "string", required=True),
        Param("type", "string", required=True, values=("success", "failure", "warning")),
        Param("ids", "integer[]"),
    ),
    returns=Returns(
        shape="object", fields=(Param("result", "object", children=(Param("badge", "object"),)),)
    ),
    source="api-reference/crm/timeline/activities/badge/crm-activity-badge-add.md",
)

LEAD_LIST = Method(
    name="crm.lead.list",
    scope="crm",
    deprecated=True,
    replacement="crm.item.list",
    params=(Param("select", "string[]"), Param("start", "integer")),
    returns=Returns(shape="list", paged=True, example='[{"ID": "1"}]'),
    source="api-reference/crm/leads/crm-lead-list.md",
)

TASK_ADD_V2 = Method(name="tasks.task.add", scope="task", params=(Param("fields", "object"),))
TASK_ADD_V3 = Method(
    name="tasks.task.add",
    scope="task",
    api_version=3,
    params=(Param("fields", "object", required=True, children=(Param("title", "string", True),)),),
    returns=Returns(shape="item", fields=(Param("id", "integer"),)),
    errors=(ErrorCode("ERROR_VALIDATION"),),
)

SYSTEM = (
    ErrorCode("INTERNAL_SERVER_ERROR", "Internal", 500),
    ErrorCode("QUERY_LIMIT_EXCEEDED", "Too many", 503),
    ErrorCode("ACCESS_DENIED", "Plan", 403),
)

SMALL = ApiModel(
    methods=(LEAD_LIST, LEAD_ADD, BADGE_ADD, TASK_ADD_V3, TASK_ADD_V2),
    system_errors=SYSTEM,
)
