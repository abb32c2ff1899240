"""Hand-built events shared by the events tests (no corpus needed)."""

from __future__ import annotations

from generator.model import ApiModel, Event, Param

AUTH = Param(
    "auth",
    "object",
    children=(
        Param("access_token", "string"),
        Param("domain", "string", True, "Portal address"),
        Param("member_id", "string", True),
        Param("application_token", "string", True, "Token for secure event handling"),
    ),
)

LEAD_ADD = Event(
    name="onCrmLeadAdd",
    title="Событие при создании лида onCrmLeadAdd",
    scope="crm",
    params=(
        Param("event", "string"),
        Param("event_handler_id", "integer"),
        Param(
            "data",
            "object",
            children=(
                Param(
                    "FIELDS",
                    "object",
                    children=(Param("ID", "integer", description="ID of the lead"),),
                ),
            ),
        ),
        Param("ts", "timestamp"),
        AUTH,
    ),
    source="api-reference/crm/leads/events/on-crm-lead-add.md",
)

PRODUCT_ADD = Event(
    name="CATALOG.PRODUCT.ON.ADD",
    params=(
        Param("data", "object"),
        Param("data.FIELDS", "object"),
        Param("data.FIELDS.ID", "integer"),
        Param("data.FIELDS.IBLOCK_ID", "integer|string"),
        AUTH,
    ),
    source="api-reference/catalog/product/events/catalog-product-on-add.md",
)

NASTY = Event(
    name='onEvil"""Name',
    title='Evil """ title \\ with \x00 nul and \u2028 separators',
    summary='"""; import os; os.system("rm -rf /") #\r\nclass X: pass\n\\',
    params=(
        Param(
            "data",
            "object",
            children=(
                Param("from", "string", description="keyword\nimport os"),
                Param("TITLE (LANG)", "string", description='"); import os; ("'),
                Param(
                    "ITEMS", "object[]", children=(Param("ID", "integer"), Param("QTY", "double"))
                ),
                Param("TAGS", "string[]"),
                Param("ANY", "any"),
                Param("RAW", "array"),
                Param("MIXED", "string|array"),
            ),
        ),
    ),
    source="x.md",
)

SMALL = ApiModel(events=(PRODUCT_ADD, LEAD_ADD, NASTY))
