"""Stateful handlers: entity CRUD + list, and the keyed collections (bindings, badges)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from generator.emulator import listing
from generator.emulator.errors import V3_NOT_FOUND, V3_VALIDATION, ApiError
from generator.emulator.families import BARE, ID, RECORD, TRUE, VERBATIM, WRAP, Family
from generator.emulator.params import coerce, get_ci
from generator.emulator.store import Store
from generator.model import Method

PAGE = 50


@dataclass
class Outcome:
    result: Any
    total: int | None = None
    next: int | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    wrote: bool = False
    time_info: tuple[float, float, float | None] = (0.0, 0.0, None)  # processing, operating, reset


def _int(raw: Any, default: int) -> int:
    """A paging number; nonsense reads as the default, and stays within SQLite's range."""
    try:
        value = int(raw) if raw not in (None, "") else default
    except (TypeError, ValueError, OverflowError):
        return default
    return max(-1, min(value, 2**62))


_CREATED = ("DATE_CREATE", "createdTime")
_MODIFIED = ("DATE_MODIFY", "updatedTime")


class EntityHandler:
    def __init__(
        self, store: Store, family: Family, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.fam = family
        self.clock = clock
        self.cols = listing.Columns(family.id_key, family.field_types)
        known = set(family.field_types) | set(family.documented)
        # The portal stamps these itself; we do where the family's pages list them.
        self.created = [n for n in _CREATED if n in known]
        self.modified = [n for n in _MODIFIED if n in known]

    def _stamp(self, data: dict[str, Any], names: list[str]) -> None:
        if names:
            now = datetime.fromtimestamp(self.clock(), tz=timezone.utc).astimezone()
            for name in names:
                data[name] = now.isoformat(timespec="seconds")

    # -- helpers ------------------------------------------------------------

    def _missing(self, what: str) -> ApiError:
        if self.fam.api_version == 3:
            return ApiError(V3_NOT_FOUND, f"{what} not found", 400)
        return ApiError("NOT_FOUND", "Not found.", 400)

    def _scope(self, params: dict[str, Any], action: str) -> int:
        if not self.fam.scope_param:
            return 0
        raw = get_ci(params, self.fam.scope_param)
        declared = any(
            p.name.lower() == self.fam.scope_param.lower() for p in self.fam.methods[action].params
        )
        if raw is None and not declared:
            return 0  # this method of the family is not split by entity type
        try:
            value = int(raw)
        except (TypeError, ValueError, OverflowError):
            value = -1
        if not 0 <= value < 2**63:
            raise ApiError("NOT_FOUND", "Smart process not found", 400)
        return value

    def _id(self, params: dict[str, Any]) -> int:
        raw = get_ci(params, self.fam.id_param or "id")
        try:
            value = int(raw)
        except (TypeError, ValueError, OverflowError):
            value = 0
        if not 0 < value < 2**63:
            raise ApiError("ERROR_ARGUMENT", "ID is not defined or invalid.", 400)
        return value

    def _fields(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.fam.fields_param:
            raw = get_ci(params, self.fam.fields_param) or {}
        else:
            skip = {(self.fam.scope_param or "").lower(), (self.fam.id_param or "").lower()}
            raw = {k: v for k, v in params.items() if k.lower() not in skip and k != "auth"}
        if not isinstance(raw, dict):
            raise ApiError("ERROR_ARGUMENT", "fields must be an object", 400)
        out = {}
        for k, v in raw.items():
            if k.lower() == self.fam.id_key.lower():
                continue  # the id is the portal's to assign
            out[k] = coerce(self.fam.field_types.get(k, ""), v)
        return out

    def present(self, rec_id: int, data: dict[str, Any]) -> dict[str, Any]:
        rec: dict[str, Any] = {self.fam.id_key: str(rec_id) if self.fam.id_as_string else rec_id}
        for name in self.fam.documented:
            rec[name] = None
        rec.update(data)
        return rec

    def _wrap(self, action: str, rec_id: int, record: dict[str, Any] | None) -> Any:
        shape = self.fam.shapes[action]
        if shape.kind == ID:
            return rec_id
        if shape.kind == TRUE:
            return True
        if shape.kind == WRAP:
            return {shape.key: record}
        if shape.kind == RECORD:
            return record
        if shape.kind == VERBATIM:
            return shape.value
        return record

    # -- actions --------------------------------------------------------------

    def handle(self, action: str, params: dict[str, Any]) -> Outcome:
        return getattr(self, "do_" + action)(params)

    def do_add(self, params: dict[str, Any]) -> Outcome:
        scope = self._scope(params, "add")
        data = self._fields(params)
        if self.fam.scope_param:
            data.setdefault(self.fam.scope_param, scope)
        self._stamp(data, self.created + self.modified)
        new_id = self.store.insert(self.fam.key, scope, data)
        record = self.present(new_id, data)
        return Outcome(
            self._wrap("add", new_id, record),
            events=[self._event("add", scope, new_id)],
            wrote=True,
        )

    def do_get(self, params: dict[str, Any]) -> Outcome:
        if self.fam.shapes["get"].kind == BARE:
            return self._get_as_filter(params)
        scope = self._scope(params, "get")
        rec_id = self._id(params)
        data = self.store.get(self.fam.key, scope, rec_id)
        if data is None:
            raise self._missing(f"{self.fam.name} {rec_id}")
        return Outcome(self._wrap("get", rec_id, self.present(rec_id, data)))

    def do_update(self, params: dict[str, Any]) -> Outcome:
        scope = self._scope(params, "update")
        rec_id = self._id(params)
        changes = self._fields(params)
        self._stamp(changes, self.modified)
        if not self.store.update(self.fam.key, scope, rec_id, changes):
            raise self._missing(f"{self.fam.name} {rec_id}")
        data = self.store.get(self.fam.key, scope, rec_id) or {}
        return Outcome(
            self._wrap("update", rec_id, self.present(rec_id, data)),
            events=[self._event("update", scope, rec_id)],
            wrote=True,
        )

    def do_delete(self, params: dict[str, Any]) -> Outcome:
        scope = self._scope(params, "delete")
        rec_id = self._id(params)
        if not self.store.delete(self.fam.key, scope, rec_id):
            raise self._missing(f"{self.fam.name} {rec_id}")
        return Outcome(
            self._wrap("delete", rec_id, None),
            events=[self._event("delete", scope, rec_id)],
            wrote=True,
        )

    def do_list(self, params: dict[str, Any], action: str = "list") -> Outcome:
        scope = self._scope(params, action)
        flt = get_ci(params, "filter") or {}
        try:
            if self.fam.api_version == 3:
                where, args = listing.where_v3(flt, self.cols)
            else:
                where, args = listing.where_v2(flt, self.cols)
        except listing.FilterError as exc:
            code = V3_VALIDATION if self.fam.api_version == 3 else "INVALID_FILTER"
            raise ApiError(code, str(exc), 400) from None
        order = listing.order_sql(get_ci(params, "order"), self.cols)
        limit, offset, count = PAGE, 0, True
        pagination = get_ci(params, "pagination")
        if self.fam.api_version == 3 and isinstance(pagination, dict):
            limit = max(1, min(1000, _int(pagination.get("limit"), PAGE)))
            page = _int(pagination.get("page"), 0)
            offset = (page - 1) * limit if page > 0 else _int(pagination.get("offset"), 0)
            offset = max(0, min(offset, 2**62))
        else:
            start = _int(get_ci(params, "start", 0), 0)
            if start == -1:
                count = False  # the fast mode: no COUNT(*), no next, the caller pages by ID
            else:
                offset = max(0, start)
        rows, total = self.store.query(
            self.fam.key, scope, where, args, order, limit, offset, count=count
        )
        pick = listing.selector(get_ci(params, "select"), self.fam.id_key)
        items = []
        for rec_id, data in rows:
            rec = self.present(rec_id, data)
            items.append(pick(rec) if pick else rec)
        shape = self.fam.shapes[action]
        result: Any = {shape.key: items} if shape.kind == WRAP else items
        if self.fam.api_version == 3:
            return Outcome(result)
        nxt = offset + limit if count and total is not None and offset + limit < total else None
        return Outcome(result, total=total, next=nxt)

    def _get_as_filter(self, params: dict[str, Any]) -> Outcome:
        """``department.get``-style: ``get`` answers a list, its arguments filter it."""
        skip = {"start", "order", "sort", "filter", "select", "auth"}
        flt = {k: v for k, v in params.items() if k.lower() not in skip}
        flt.update(get_ci(params, "filter") or {})
        listed = self.do_list({"filter": flt, "start": get_ci(params, "start", 0)}, "get")
        return listed

    def do_fields(self, params: dict[str, Any]) -> Outcome:
        method = self.fam.methods["fields"]
        example = method.returns.example_value() if method.returns.example else None
        if example is not None:
            return Outcome(example)
        described = {
            name: {
                "type": self.fam.field_types.get(name, "string") or "string",
                "isRequired": False,
                "isReadOnly": False,
                "isImmutable": False,
                "isMultiple": self.fam.field_types.get(name, "").endswith("[]"),
                "isDynamic": False,
                "title": name,
            }
            for name in (self.fam.id_key, *self.fam.documented)
        }
        return Outcome({"fields": described} if self.fam.scope_param else described)

    def _event(self, action: str, scope: int, rec_id: int) -> tuple[str, dict[str, Any]]:
        fields: dict[str, Any] = {"ID": str(rec_id)}
        if self.fam.scope_param and self.fam.event_name(action, scope).startswith(
            "ONCRMDYNAMICITEM"
        ):
            fields["ENTITY_TYPE_ID"] = str(scope)
        return self.fam.event_name(action, scope), {"FIELDS": fields}


class KeyedHandler:
    """Bindings and keyed items that are not records with ids of their own.

    - ``crm.lead.contact.*``-style: ``add(id, fields{CONTACT_ID,…})``, ``delete(id,
      fields{CONTACT_ID})``, ``items.get(id)``, ``items.set(id, items)``, ``items.delete(id)``.
    - ``crm.activity.binding.*``: ``add/delete(activityId, entityTypeId, entityId)``, ``list``.
    - ``crm.activity.badge.*``: ``add(code, title, value, type)``, ``get/delete(code)``, ``list``.
    """

    def __init__(self, store: Store, kind: str, style: str, methods: dict[str, Method]) -> None:
        self.store = store
        self.kind = kind
        self.style = style
        self.methods = methods
        self.item_key = self._item_key()

    def _item_key(self) -> str:
        if self.style != "contact":
            return ""
        add = self.methods.get("add")
        for p in add.params if add else ():
            if p.name.lower() == "fields":
                for c in p.children:
                    if c.required or c.name.upper().endswith("_ID"):
                        return c.name
        return self.kind.rsplit(".", 1)[-1].upper() + "_ID"

    def handle(self, action: str, params: dict[str, Any]) -> Outcome:
        if self.style == "contact":
            return self._contact(action, params)
        if self.style == "binding":
            return self._binding(action, params)
        return self._badge(action, params)

    def _owner(self, params: dict[str, Any], name: str = "id") -> str:
        raw = get_ci(params, name)
        if raw in (None, ""):
            raise ApiError("ERROR_ARGUMENT", f"Parameter '{name}' is not defined", 400)
        return str(raw)

    def _contact(self, action: str, params: dict[str, Any]) -> Outcome:
        owner = self._owner(params)
        key = self.item_key
        if action == "add":
            fields = _mapping(get_ci(params, "fields"))
            item = {
                key: coerce("integer", get_ci(fields, key)),
                "SORT": coerce("integer", get_ci(fields, "SORT", 10)),
                "ROLE_ID": 0,
                "IS_PRIMARY": get_ci(fields, "IS_PRIMARY", "N"),
            }
            if item[key] in (None, ""):
                raise ApiError("ERROR_ARGUMENT", f"The parameter 'fields[{key}]' is required", 400)
            self._set_primary(owner, item)
            self.store.bind(self.kind, owner, str(item[key]), item)
            return Outcome(True, wrote=True)
        if action == "delete":
            fields = _mapping(get_ci(params, "fields"))
            self.store.unbind(self.kind, owner, str(get_ci(fields, key)))
            return Outcome(True, wrote=True)
        if action == "items.get":
            return Outcome(self.store.bindings(self.kind, owner))
        if action == "items.set":
            self.store.unbind(self.kind, owner)
            items = get_ci(params, "items") or []
            if isinstance(items, dict):
                items = list(items.values())
            if not isinstance(items, list):
                raise ApiError("ERROR_ARGUMENT", "items must be an array", 400)
            for i, raw in enumerate(items):
                raw = _mapping(raw)
                item = {
                    key: coerce("integer", get_ci(raw, key)),
                    "SORT": coerce("integer", get_ci(raw, "SORT", (i + 1) * 10)),
                    "ROLE_ID": 0,
                    "IS_PRIMARY": get_ci(raw, "IS_PRIMARY", "N"),
                }
                self.store.bind(self.kind, owner, str(item[key]), item)
            return Outcome(True, wrote=True)
        if action == "items.delete":
            self.store.unbind(self.kind, owner)
            return Outcome(True, wrote=True)
        raise KeyError(action)

    def _set_primary(self, owner: str, item: dict[str, Any]) -> None:
        existing = self.store.bindings(self.kind, owner)
        if not existing:
            item["IS_PRIMARY"] = "Y"
        elif item["IS_PRIMARY"] == "Y":
            for other in existing:
                other["IS_PRIMARY"] = "N"
                self.store.bind(self.kind, owner, str(other[self.item_key]), other)

    def _binding(self, action: str, params: dict[str, Any]) -> Outcome:
        owner = self._owner(params, "activityId")
        if action in ("add", "delete"):
            etid = coerce("integer", get_ci(params, "entityTypeId"))
            eid = coerce("integer", get_ci(params, "entityId"))
            key = f"{etid}:{eid}"
            if action == "add":
                if self.store.binding(self.kind, owner, key) is not None:
                    raise ApiError("ALREADY_BOUND", "The activity is already bound", 400)
                self.store.bind(self.kind, owner, key, {"entityTypeId": etid, "entityId": eid})
            elif not self.store.unbind(self.kind, owner, key):
                raise ApiError("NOT_FOUND", "Binding not found", 400)
            return Outcome(True, wrote=True)
        if action == "list":
            return Outcome(self.store.bindings(self.kind, owner))
        raise KeyError(action)

    def _badge(self, action: str, params: dict[str, Any]) -> Outcome:
        if action == "list":
            return Outcome({"badges": self.store.bindings(self.kind, "")})
        code = self._owner(params, "code")
        if action == "add":
            badge = {n: get_ci(params, n) for n in ("code", "title", "value", "type")}
            self.store.bind(self.kind, "", code, badge)
            return Outcome(True, wrote=True)
        if action == "get":
            found = self.store.binding(self.kind, "", code)
            if found is None:
                raise ApiError("NOT_FOUND", "Badge not found", 400)
            return Outcome({"badge": found})
        if action == "delete":
            if not self.store.unbind(self.kind, "", code):
                raise ApiError("NOT_FOUND", "Badge not found", 400)
            return Outcome(True, wrote=True)
        raise KeyError(action)


def _mapping(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ApiError("ERROR_ARGUMENT", "fields must be an object", 400)
    return value


def discover_keyed(methods: list[Method], store: Store) -> dict[str, tuple[KeyedHandler, str]]:
    """lower-case method name -> (handler, action) for every keyed-collection method."""
    names = {m.name.lower(): m for m in methods if m.api_version == 2}
    out: dict[str, tuple[KeyedHandler, str]] = {}
    groups: dict[tuple[str, str], dict[str, Method]] = {}
    for low in names:
        if low.endswith(".items.get"):
            ns = low[: -len(".items.get")]
            if f"{ns}.add" in names:
                group = groups.setdefault((ns, "contact"), {})
                for action in ("add", "delete", "items.get", "items.set", "items.delete"):
                    if f"{ns}.{action}" in names:
                        group[action] = names[f"{ns}.{action}"]
        elif low.endswith((".binding.add", ".badge.add")):
            ns = low.rsplit(".", 1)[0]
            style = "binding" if ns.endswith(".binding") else "badge"
            group = groups.setdefault((ns, style), {})
            for action in ("add", "delete", "list", "get"):
                if f"{ns}.{action}" in names:
                    group[action] = names[f"{ns}.{action}"]
    for (ns, style), group in groups.items():
        handler = KeyedHandler(store, ns, style, group)
        for action in group:
            out[f"{ns}.{action}"] = (handler, action)
    return out
