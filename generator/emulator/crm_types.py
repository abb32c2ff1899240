"""CRM facts a portal keeps the same everywhere (docs: crm/universal, crm-status-list,
crm-deal-add): the entity type ids of the classic entities, which ``crm.item`` reaches too,
and where a new record starts when ``add`` names no stage."""

from __future__ import annotations

from typing import Any

# entityTypeId -> the classic family whose records crm.item.* with that id reads and writes
CLASSIC_BY_TYPE = {1: "crm.lead", 2: "crm.deal", 3: "crm.contact", 4: "crm.company", 7: "crm.quote"}
TYPE_BY_CLASSIC = {name: etid for etid, name in CLASSIC_BY_TYPE.items()}

# crm.item.productrow's ownerType of the classic entities with product rows
# (crm-item-productrow-add.md); smart invoices are "SI", smart processes "T<hex type id>".
OWNER_TYPE_BY_CLASSIC = {"crm.deal": "D", "crm.lead": "L", "crm.quote": "Q"}

# A contact's companies are the companies' contacts: crm.contact.company.add binds both ways.
TWO_WAY_BINDINGS = (("contact", "company"), ("company", "contact"))


# crm.item's add page lists every entity type's defaults together; a smart process gets these.
DYNAMIC_DEFAULTS = ("opened", "categoryId", "isManualOpportunity")

# Records whose number the portal assigns besides the id: crm.type.add -> entityTypeId.
NUMBERED_BY_PORTAL = {"crm.type": "entityTypeId"}
FIRST_CUSTOM_TYPE_ID = 1030  # new smart processes get even ids from here


def new_entity_type_id(existing: int) -> int:
    return FIRST_CUSTOM_TYPE_ID + 2 * existing


def first_stage(entity_type_id: int, category_id: int) -> tuple[str, str] | None:
    """(field, value) of the stage a new record gets: "the first available stage".

    Leads start ``NEW``; deals ``NEW`` in the general pipeline and ``C<n>:NEW`` in pipeline
    n; smart processes ``DT<type>_<category>:NEW``; quotes ``DRAFT``; contacts and companies
    have no stage."""
    if entity_type_id == 1:
        return "STATUS_ID", "NEW"
    if entity_type_id == 2:
        return "STAGE_ID", "NEW" if category_id == 0 else f"C{category_id}:NEW"
    if entity_type_id == 7:
        return "STATUS_ID", "DRAFT"
    if entity_type_id >= 128 or entity_type_id == 31:
        return "stageId", f"DT{entity_type_id}_{category_id}:NEW"
    return None


def category_of(data: dict[str, Any], key: str) -> int:
    try:
        return int(data.get(key) or 0)
    except (TypeError, ValueError):
        return 0
