"""A portal's own metadata in the emulator: user fields, smart-process types, webhook scopes.

What a portal keeps besides records, and what ``b24gen portal pull`` reads:

- ``crm.{lead,deal,contact,company}.userfield.add/get/update/delete/list``;
- ``userfieldconfig.add/get/list/delete`` (``moduleId=crm``, ``entityId=CRM_<type id>``):
  user fields of smart processes;
- ``crm.type.add/get/update/delete/list``: smart-process types, ``entityTypeId`` 1030, 1032…;
- ``crm.*.fields`` and ``crm.item.fields`` answers extended with the user fields, enumeration
  list values included (``items``), as a portal describes them;
- webhook scopes: with ``scopes`` set, a method of another scope answers
  ``insufficient_scope`` (401), as a webhook created without that scope does.

The portal calls ``before`` ahead of its own dispatch (an answer here ends the call) and
``after`` on every answer (to extend ``*.fields``). ``load`` fills the state from a
snapshot, so that ``b24gen serve --portal`` behaves like the portal it was pulled from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.emulator.entities import Outcome
from generator.emulator.errors import ApiError
from generator.emulator.params import get_ci

CLASSIC = {"crm.lead": ("CRM_LEAD", 1), "crm.deal": ("CRM_DEAL", 2),
           "crm.contact": ("CRM_CONTACT", 3), "crm.company": ("CRM_COMPANY", 4)}  # fmt: skip
_USERFIELD = re.compile(r"^(crm\.(?:lead|deal|contact|company))\.userfield\.(\w+)$")
_FIELDS = re.compile(r"^(crm\.(?:lead|deal|contact|company))\.(fields|get)$")
FIRST_SMART_TYPE_ID = 1030  # a portal numbers new smart processes 1030, 1032, 1034, …
_SYSTEM_ITEM_FIELDS = (
    ("id", "integer", True), ("title", "string", False), ("createdTime", "datetime", True),
    ("updatedTime", "datetime", True), ("assignedById", "user", False),
    ("stageId", "crm_status", False), ("opportunity", "double", False),
)  # fmt: skip
# What this module answers; other methods of these namespaces answer from their pages.
_USERFIELD_ACTIONS = frozenset({"add", "get", "update", "delete", "list"})
_TYPE_ACTIONS = _USERFIELD_ACTIONS
_CONFIG_ACTIONS = frozenset({"add", "get", "delete", "list"})
BUILTIN_SCOPE = "crm"  # the scope of every method this module answers


@dataclass
class UserField:
    id: int
    entity_id: str  # "CRM_DEAL", "CRM_3" (smart process with type id 3)
    field_name: str  # "UF_CRM_1721244482250", "UF_CRM_3_1700000000"
    user_type_id: str = "string"
    multiple: bool = False
    mandatory: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # language -> label
    values: list[dict[str, Any]] = field(default_factory=list)  # ID, VALUE, SORT, DEF, XML_ID
    sort: int = 100
    xml_id: str = ""


@dataclass
class SmartType:
    id: int
    entity_type_id: int
    title: str
    code: str = ""
    system_fields: dict[str, dict[str, Any]] | None = None  # from a snapshot: exactly these


def camel_name(field_name: str) -> str:
    """``UF_CRM_3_1700000000`` -> ``ufCrm3_1700000000``, ``UF_CRM_3_COLOR`` -> ``ufCrm3Color``:
    the names crm.item.* use unless ``useOriginalUfNames`` is set."""
    parts = [p for p in field_name.lower().split("_") if p]
    out = parts[0] if parts else ""
    for part in parts[1:]:
        if part[0].isalpha():
            out += part.capitalize()
        elif out[-1:].isalpha():
            out += part
        else:
            out += "_" + part
    return out


def _flag(value: Any) -> bool:
    return value is True or str(value).upper() in ("Y", "1", "TRUE")


class UserFields:
    """The metadata state of one emulated portal."""

    def __init__(self, model_scopes: dict[str, str]) -> None:
        self.model_scopes = model_scopes  # lower-case method name -> documented scope
        self.scopes: frozenset[str] | None = None  # None: the webhook may call everything
        self.fields: dict[int, UserField] = {}
        self.types: dict[int, SmartType] = {}  # by crm.type id
        self._next_field = 1
        self._next_value = 1
        self._stamp = 1700000000

    # -- hooks --------------------------------------------------------------------

    def before(self, name: str, params: dict[str, Any]) -> Outcome | None:
        low = name.lower()
        self._check_scope(low)
        m = _USERFIELD.match(low)
        action = low.rsplit(".", 1)[-1]
        if m and action in _USERFIELD_ACTIONS:
            return self._userfield(CLASSIC[m.group(1)][0], action, params)
        if low.startswith("crm.type.") and low.count(".") == 2 and action in _TYPE_ACTIONS:
            return self._type(action, params)
        if low.startswith("userfieldconfig.") and action in _CONFIG_ACTIONS:
            return self._config(action, params)
        if low == "crm.item.fields":
            # A smart process's fields are the portal's own, whatever the docs' example says
            # (and answered where the docs lack the page: every portal has the method).
            smart = self._smart_by_etid(get_ci(params, "entityTypeId"))
            if smart is not None:
                return Outcome({"fields": self._item_fields(smart)})
        return None

    def after(self, name: str, params: dict[str, Any], outcome: Outcome) -> Outcome:
        low = name.lower()
        m = _FIELDS.match(low)
        if m and isinstance(outcome.result, dict):
            entity_id = CLASSIC[m.group(1)][0]
            if m.group(2) == "fields":
                extra = {uf.field_name: self._describe(uf, classic=True)
                         for uf in self._of(entity_id)}  # fmt: skip
                outcome.result = {**outcome.result, **extra}
            else:  # a record carries every user field, empty ones as null (or [])
                for uf in self._of(entity_id):
                    outcome.result.setdefault(uf.field_name, [] if uf.multiple else None)
        return outcome

    def _check_scope(self, low: str) -> None:
        if self.scopes is None:
            return
        scope = self.model_scopes.get(low)
        if scope is None and (
            _USERFIELD.match(low) or low.startswith(("crm.type.", "userfieldconfig."))
        ):
            scope = BUILTIN_SCOPE
        if scope and scope not in self.scopes and low.split(".")[0] not in self.scopes:
            raise ApiError(
                "insufficient_scope",
                "The request requires higher privileges than provided by the webhook token",
                401,
            )

    # -- user fields ----------------------------------------------------------------

    def _of(self, entity_id: str) -> list[UserField]:
        return sorted(
            (uf for uf in self.fields.values() if uf.entity_id == entity_id),
            key=lambda uf: (uf.sort, uf.id),
        )

    def _values(self, raw: Any) -> list[dict[str, Any]]:
        if isinstance(raw, dict):
            raw = list(raw.values())
        out = []
        for i, v in enumerate(raw if isinstance(raw, list) else []):
            if not isinstance(v, dict) or _flag(get_ci(v, "DEL", "N")):
                continue
            given = get_ci(v, "ID")
            if given in (None, ""):
                given, self._next_value = self._next_value, self._next_value + 1
            out.append({
                "ID": str(given),
                "VALUE": str(get_ci(v, "VALUE", "")),
                "SORT": str(get_ci(v, "SORT", (i + 1) * 10)),
                "DEF": "Y" if _flag(get_ci(v, "DEF", "N")) else "N",
                "XML_ID": str(get_ci(v, "XML_ID", "") or ""),
            })  # fmt: skip
        return out

    def _labels(self, data: dict[str, Any], into: dict[str, str]) -> dict[str, str]:
        label = get_ci(data, "EDIT_FORM_LABEL") or get_ci(data, "editFormLabel")
        if isinstance(label, dict):
            into.update({str(k): str(v) for k, v in label.items()})
        elif isinstance(label, str) and label:
            into["en"] = label
        return into

    def create(self, entity_id: str, data: dict[str, Any]) -> UserField:
        name = str(get_ci(data, "FIELD_NAME") or get_ci(data, "fieldName") or "").upper()
        prefix = "UF_" + entity_id.split("_")[0] + "_"
        if entity_id.split("_", 1)[1].isdigit():
            prefix = f"UF_CRM_{entity_id.split('_', 1)[1]}_"
        if not name:
            self._stamp += 1
            name = f"{prefix}{self._stamp}"
        elif not name.startswith("UF_"):
            name = prefix + name
        if any(uf.field_name == name and uf.entity_id == entity_id for uf in self.fields.values()):
            raise ApiError("ERROR_CORE", f"A field named {name} already exists", 400)
        user_type = str(get_ci(data, "USER_TYPE_ID") or get_ci(data, "userTypeId") or "string")
        uf = UserField(
            id=self._next_field,
            entity_id=entity_id,
            field_name=name,
            user_type_id=user_type,
            multiple=_flag(get_ci(data, "MULTIPLE", "N")),
            mandatory=_flag(get_ci(data, "MANDATORY", "N")),
            labels=self._labels(data, {}),
            sort=int(get_ci(data, "SORT", 100) or 100),
            xml_id=str(get_ci(data, "XML_ID", "") or ""),
        )
        uf.values = self._values(get_ci(data, "LIST") or get_ci(data, "enum") or [])
        self._next_field += 1
        self.fields[uf.id] = uf
        return uf

    def _find(self, entity_id: str | None, params: dict[str, Any]) -> UserField:
        try:
            uf = self.fields.get(int(get_ci(params, "id") or 0))
        except (TypeError, ValueError):
            uf = None
        if uf is None or (entity_id is not None and uf.entity_id != entity_id):
            raise ApiError("ERROR_NOT_FOUND", "The user field is not found", 400)
        return uf

    def _record(self, uf: UserField, lang: str | None = None) -> dict[str, Any]:
        label: Any = dict(sorted(uf.labels.items()))
        if lang is not None:
            label = uf.labels.get(lang, "")
        rec = {
            "ID": str(uf.id),
            "ENTITY_ID": uf.entity_id,
            "FIELD_NAME": uf.field_name,
            "USER_TYPE_ID": uf.user_type_id,
            "XML_ID": uf.xml_id,
            "SORT": str(uf.sort),
            "MULTIPLE": "Y" if uf.multiple else "N",
            "MANDATORY": "Y" if uf.mandatory else "N",
            "EDIT_FORM_LABEL": label,
            "LIST_COLUMN_LABEL": label,
            "LIST_FILTER_LABEL": label,
        }
        if uf.user_type_id == "enumeration":
            rec["LIST"] = [dict(v) for v in uf.values]
        return rec

    def _userfield(self, entity_id: str, action: str, params: dict[str, Any]) -> Outcome:
        if action == "add":
            data = get_ci(params, "fields")
            if not isinstance(data, dict):
                raise ApiError("ERROR_ARGUMENT", "Parameter 'fields' must be an object", 400)
            return Outcome(self.create(entity_id, data).id, wrote=True)
        if action == "get":
            return Outcome(self._record(self._find(entity_id, params)))
        if action == "list":
            flt = get_ci(params, "filter") or {}
            lang = get_ci(flt, "LANG") if isinstance(flt, dict) else None
            rows = []
            for uf in self._of(entity_id):
                wanted = {k.upper(): v for k, v in flt.items() if k.upper() != "LANG"} \
                    if isinstance(flt, dict) else {}  # fmt: skip
                rec = self._record(uf, lang)
                if all(str(rec.get(k)) == str(v) for k, v in wanted.items()):
                    rows.append(rec)
            return Outcome(rows, total=len(rows))
        if action == "update":
            uf = self._find(entity_id, params)
            data = get_ci(params, "fields") or {}
            if not isinstance(data, dict):
                raise ApiError("ERROR_ARGUMENT", "Parameter 'fields' must be an object", 400)
            self._labels(data, uf.labels)
            if get_ci(data, "MANDATORY") is not None:
                uf.mandatory = _flag(get_ci(data, "MANDATORY"))
            if get_ci(data, "LIST") is not None:
                uf.values = self._merge_values(uf.values, get_ci(data, "LIST"))
            return Outcome(True, wrote=True)
        if action == "delete":
            del self.fields[self._find(entity_id, params).id]
            return Outcome(True, wrote=True)
        raise ApiError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)

    def _merge_values(self, old: list[dict[str, Any]], raw: Any) -> list[dict[str, Any]]:
        """``LIST`` in an update: items with an ``ID`` change (or, with ``DEL=Y``, drop) that
        value, items without one are added."""
        by_id = {v["ID"]: v for v in old}
        items = list(raw.values()) if isinstance(raw, dict) else raw
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            vid = str(get_ci(item, "ID") or "")
            if vid and _flag(get_ci(item, "DEL", "N")):
                by_id.pop(vid, None)
            elif vid in by_id:
                by_id[vid].update(self._values([{**by_id[vid], **item}])[0])
            else:
                for v in self._values([item]):
                    by_id[v["ID"]] = v
        return list(by_id.values())

    def _describe(self, uf: UserField, *, classic: bool) -> dict[str, Any]:
        """A user field as ``crm.*.fields`` / ``crm.item.fields`` describe it."""
        label = uf.labels.get("en") or next(iter(sorted(uf.labels.items())), ("", ""))[1]
        desc: dict[str, Any] = {
            "type": uf.user_type_id,
            "isRequired": uf.mandatory,
            "isReadOnly": False,
            "isImmutable": False,
            "isMultiple": uf.multiple,
            "isDynamic": True,
        }
        if classic:
            desc.update(title=uf.field_name, listLabel=label, formLabel=label, filterLabel=label)
        else:
            desc.update(title=label or uf.field_name, upperName=uf.field_name)
        if uf.user_type_id == "enumeration":
            desc["items"] = [{"ID": v["ID"], "VALUE": v["VALUE"]} for v in uf.values]
        return desc

    # -- userfieldconfig (smart processes) -------------------------------------------

    def _config_record(self, uf: UserField) -> dict[str, Any]:
        return {
            "id": str(uf.id),
            "moduleId": "crm",
            "entityId": uf.entity_id,
            "fieldName": uf.field_name,
            "userTypeId": uf.user_type_id,
            "multiple": "Y" if uf.multiple else "N",
            "mandatory": "Y" if uf.mandatory else "N",
            "editFormLabel": dict(sorted(uf.labels.items())),
            "enum": [{"id": v["ID"], "value": v["VALUE"], "sort": v["SORT"], "def": v["DEF"],
                      "xmlId": v["XML_ID"]} for v in uf.values],
        }  # fmt: skip

    def _config(self, action: str, params: dict[str, Any]) -> Outcome:
        if str(get_ci(params, "moduleId", "")).lower() != "crm":
            raise ApiError("ERROR_ARGUMENT", "moduleId must be crm", 400)
        if action == "add":
            data = get_ci(params, "field")
            if not isinstance(data, dict):
                raise ApiError("ERROR_ARGUMENT", "Parameter 'field' must be an object", 400)
            entity_id = str(get_ci(data, "entityId") or "")
            type_id = entity_id.removeprefix("CRM_")
            if not (type_id.isdigit() and int(type_id) in self.types):
                raise ApiError("ERROR_ARGUMENT", f"Unknown entityId {entity_id!r}", 400)
            uf = self.create(entity_id, data)
            return Outcome({"field": self._config_record(uf)}, wrote=True)
        if action == "get":
            return Outcome({"field": self._config_record(self._find(None, params))})
        if action == "list":
            flt = get_ci(params, "filter") or {}
            wanted = get_ci(flt, "entityId") if isinstance(flt, dict) else None
            rows = [
                self._config_record(uf)
                for uf in sorted(self.fields.values(), key=lambda u: u.id)
                if not uf.entity_id.split("_", 1)[1].isalpha()
                and (wanted is None or uf.entity_id == wanted)
            ]
            return Outcome({"fields": rows}, total=len(rows))
        if action == "delete":
            del self.fields[self._find(None, params).id]
            return Outcome(True, wrote=True)
        raise ApiError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)

    # -- smart-process types ------------------------------------------------------------

    def _smart_by_etid(self, raw: Any) -> SmartType | None:
        try:
            etid = int(raw)
        except (TypeError, ValueError):
            return None
        return next((t for t in self.types.values() if t.entity_type_id == etid), None)

    def add_type(self, title: str, code: str = "", entity_type_id: int | None = None) -> SmartType:
        new_id = max(self.types, default=0) + 1
        used = {t.entity_type_id for t in self.types.values()}
        etid = entity_type_id or FIRST_SMART_TYPE_ID + 2 * (new_id - 1)
        while etid in used and entity_type_id is None:
            etid += 2
        if etid in used:
            raise ApiError("ERROR_ARGUMENT", f"entityTypeId {etid} is taken", 400)
        smart = SmartType(new_id, etid, title, code)
        self.types[new_id] = smart
        return smart

    def _type_record(self, t: SmartType) -> dict[str, Any]:
        return {"id": t.id, "entityTypeId": t.entity_type_id, "title": t.title, "code": t.code,
                "isCategoriesEnabled": "N", "isStagesEnabled": "N"}  # fmt: skip

    def _type(self, action: str, params: dict[str, Any]) -> Outcome:
        if action == "add":
            data = get_ci(params, "fields") or {}
            title = get_ci(data, "title") if isinstance(data, dict) else None
            if not title:
                raise ApiError("ERROR_ARGUMENT", "Field 'title' is required", 400)
            raw_etid = get_ci(data, "entityTypeId")
            smart = self.add_type(
                str(title), str(get_ci(data, "code") or ""), int(raw_etid) if raw_etid else None
            )
            return Outcome({"type": self._type_record(smart)}, wrote=True)
        if action == "list":
            rows = [self._type_record(t) for t in sorted(self.types.values(), key=lambda t: t.id)]
            return Outcome({"types": rows}, total=len(rows))
        try:
            smart = self.types[int(get_ci(params, "id") or 0)]
        except (KeyError, TypeError, ValueError):
            raise ApiError("NOT_FOUND", "Smart process not found", 400) from None
        if action == "get":
            return Outcome({"type": self._type_record(smart)})
        if action == "update":
            data = get_ci(params, "fields") or {}
            if isinstance(data, dict) and get_ci(data, "title"):
                smart.title = str(get_ci(data, "title"))
            return Outcome({"type": self._type_record(smart)}, wrote=True)
        if action == "delete":
            del self.types[smart.id]
            for uf in [u for u in self.fields.values() if u.entity_id == f"CRM_{smart.id}"]:
                del self.fields[uf.id]
            return Outcome([], wrote=True)  # crm-type-delete.md: "result": []
        raise ApiError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)

    def _item_fields(self, smart: SmartType) -> dict[str, Any]:
        if smart.system_fields is not None:
            out = {k: dict(v) for k, v in smart.system_fields.items()}
        else:
            out = {
                name: {"type": typ, "isRequired": False, "isReadOnly": ro, "isImmutable": False,
                       "isMultiple": False, "isDynamic": False, "title": name}
                for name, typ, ro in _SYSTEM_ITEM_FIELDS
            }  # fmt: skip
        for uf in self._of(f"CRM_{smart.id}"):
            out[camel_name(uf.field_name)] = self._describe(uf, classic=False)
        return out

    # -- a snapshot's portal ------------------------------------------------------------

    def load(self, snapshot: Any) -> None:
        """Make this portal the one ``snapshot`` (a ``generator.portal.snapshot
        .PortalSnapshot``) was pulled from: its user fields, types and list values, in place
        of whatever metadata it had (so loading again, e.g. per test, gives the same)."""
        self.fields.clear()
        self.types.clear()
        self._next_field = self._next_value = 1
        for entity in snapshot.entities:
            entity_id = CLASSIC[entity.name][0]
            for f in entity.fields:
                self._load_field(entity_id, f.name, f)
        for sp in snapshot.smart_processes:
            smart = self.add_type(sp.title, sp.code, sp.entity_type_id)
            smart.system_fields = {}
            for f in sp.fields:
                if f.user_field:
                    self._load_field(f"CRM_{smart.id}", _upper_uf(f.name, smart.id), f)
                else:
                    smart.system_fields[f.name] = {
                        "type": f.type, "isRequired": f.required, "isReadOnly": f.read_only,
                        "isImmutable": False, "isMultiple": f.multiple, "isDynamic": False,
                        "title": f.label or f.name,
                    }  # fmt: skip

    def _load_field(self, entity_id: str, name: str, f: Any) -> None:
        uf = self.create(
            entity_id,
            {"FIELD_NAME": name, "USER_TYPE_ID": f.type, "MULTIPLE": f.multiple,
             "MANDATORY": f.required, "EDIT_FORM_LABEL": dict(f.labels),
             "LIST": [{"ID": v.id, "VALUE": v.value, "DEF": v.default, "XML_ID": v.xml_id}
                      for v in f.values]},
        )  # fmt: skip
        numeric = [int(v.id) for v in f.values if v.id.isdigit()]
        self._next_value = max([self._next_value, *(n + 1 for n in numeric)])
        if not uf.labels:
            uf.labels = {}


def _upper_uf(camel: str, type_id: int) -> str:
    """``ufCrm3_1700000000`` -> ``UF_CRM_3_1700000000`` (the inverse of ``camel_name``)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[a-z])(?=[0-9])", "_", camel)
    return spaced.upper().replace("__", "_")


def model_scopes(methods: Any) -> dict[str, str]:
    return {m.name.lower(): m.scope for m in methods if m.scope}
