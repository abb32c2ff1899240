"""Records a call names, made to exist before the call: the docs' request examples name
user fields and smart processes of their author's portal (``crm.deal.userfield.get {"id":
399}``, ``crm.type.get {"id": 16}``); this puts one there, built from the page's own
response example, so that the call answers as it did on that portal."""

from __future__ import annotations

from typing import Any

from generator.emulator.errors import ApiError
from generator.emulator.params import get_ci
from generator.emulator.userfields import CLASSIC, UserFields
from generator.model import Method

_NAMING = ("get", "update", "delete")


def _number(raw: Any) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if 0 < value < 2**31 else None


def _example(method: Method | None) -> Any:
    try:
        return method.returns.example_value() if method is not None else None
    except ValueError:
        return None


def put_metadata(
    meta: UserFields, low: str, params: dict[str, Any], methods: dict[str, Method]
) -> bool:
    """Put the user field or smart process ``low`` names; True when ``low`` is such a call."""
    head, _, action = low.rpartition(".")
    wanted = _number(get_ci(params, "id"))
    if head == "userfieldconfig" and action == "add":
        field = get_ci(params, "field")
        entity_id = str(get_ci(field, "entityId") or "") if isinstance(field, dict) else ""
        smart = _number(entity_id.removeprefix("CRM_"))  # the smart process it belongs to
        if smart is not None:
            _put_type(meta, smart, methods)
        return True
    if action not in _NAMING:
        return False
    if head.endswith(".userfield") and head.removesuffix(".userfield") in CLASSIC:
        entity_id = CLASSIC[head.removesuffix(".userfield")][0]
        sample = _example(methods.get(f"{head}.get"))
        if wanted is not None:
            _put_field(meta, entity_id, sample if isinstance(sample, dict) else {}, wanted)
        return True
    if head == "userfieldconfig" and action != "update":  # update: answered from its page
        sample = _example(methods.get("userfieldconfig.get"))
        field = sample.get("field") if isinstance(sample, dict) else None
        field = field if isinstance(field, dict) else {}
        if wanted is not None:
            _put_field(meta, str(field.get("entityId") or "CRM_1"), field, wanted)
        return True
    if head == "crm.type":
        if wanted is not None:
            _put_type(meta, wanted, methods)
        return True
    return False


def _put_type(meta: UserFields, wanted: int, methods: dict[str, Method]) -> None:
    if wanted in meta.types:
        return
    sample = _example(methods.get("crm.type.get"))
    typ = sample.get("type") if isinstance(sample, dict) else None
    typ = typ if isinstance(typ, dict) else {}
    try:
        smart = meta.add_type(str(typ.get("title") or "Smart process"), str(typ.get("code") or ""))
    except ApiError:
        return
    del meta.types[smart.id]
    smart.id = wanted
    meta.types[wanted] = smart


def _put_field(meta: UserFields, entity_id: str, sample: dict[str, Any], wanted: int) -> None:
    held = meta.fields.get(wanted)
    if held is not None and held.entity_id == entity_id:
        return
    if held is not None:  # the pages of another entity name the same id: it moves here
        del meta.fields[wanted]
    data = dict(sample)
    name = str(get_ci(data, "FIELD_NAME") or get_ci(data, "fieldName") or "")
    if any(uf.field_name == name.upper() for uf in meta.fields.values()):
        for key in ("FIELD_NAME", "fieldName"):
            data.pop(key, None)  # the example's name is taken: one of its own
    try:
        uf = meta.create(entity_id, data)
    except (ApiError, TypeError, ValueError):
        return
    del meta.fields[uf.id]
    uf.id = wanted
    meta.fields[wanted] = uf
