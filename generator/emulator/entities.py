"""Stateful handlers: entity CRUD + list, and the keyed collections (bindings, badges)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from generator.emulator import listing
from generator.emulator.bindings import RecordBinding
from generator.emulator.crm_types import (
    CLASSIC_BY_TYPE,
    DYNAMIC_DEFAULTS,
    NUMBERED_BY_PORTAL,
    TYPE_BY_CLASSIC,
    category_of,
    first_stage,
    new_entity_type_id,
)
from generator.emulator.errors import V3_NOT_FOUND, V3_VALIDATION, ApiError, portal_message
from generator.emulator.families import (
    BARE,
    CODE,
    ID,
    ID_OBJECT,
    RECORD,
    TRUE,
    VERBATIM,
    WRAP,
    Family,
)
from generator.emulator.params import coerce, get_ci
from generator.emulator.store import Store
from generator.emulator.wire import upper_snake
from generator.vocabulary.presence import omitted_when_unset

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
        # Set by the portal: classic handlers crm.item reaches by entityTypeId, and this
        # family's list fields kept as bindings (CONTACT_IDS).
        self.classic: dict[int, EntityHandler] = {}
        self.bindings: list[RecordBinding] = []

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
            raise ApiError(
                "ERROR_ARGUMENT", "ID is not defined or invalid.", 400, about_params=True
            )
        return value

    def _locate(self, params: dict[str, Any], target: EntityHandler, tscope: int) -> int:
        """The stored id of the record a get/update/delete names: its number, or its code
        for families named by codes (crm.currency.get {"id": "RUB"})."""
        code_key = target.fam.code_key
        if code_key is None:
            return self._id(params)
        raw = get_ci(params, self.fam.id_param or "id")
        if raw in (None, "") or isinstance(raw, (dict, list)):
            raise ApiError(
                "ERROR_ARGUMENT", "ID is not defined or invalid.", 400, about_params=True
            )
        found = self.store.find_by(target.fam.key, tscope, code_key, str(raw))
        if found is None:
            raise self._missing(f"{self.fam.name} {raw}")
        return found

    def put_named(self, params: dict[str, Any], action: str, record: dict[str, Any]) -> None:
        """Store ``record`` where a ``get``/``update``/``delete`` called with ``params`` finds
        it: fixtures mirroring the docs' examples, whose calls name a record of the author's
        portal (``{"id": 410}``, ``{"id": "RUB"}``)."""
        scope = self._scope(params, action)
        target, tscope = self._place(scope)
        data = self._fields(
            {self.fam.fields_param: record} if self.fam.fields_param else record, target
        )
        if target.fam.scope_param:
            data.setdefault(target.fam.scope_param, scope)
        code_key = target.fam.code_key
        if code_key is None:
            self.store.put(target.fam.key, tscope, self._id(params), data)
            return
        code = get_ci(params, self.fam.id_param or "id")
        if code in (None, "") or isinstance(code, (dict, list)):
            return
        data[code_key] = str(code)
        found = self.store.find_by(target.fam.key, tscope, code_key, str(code))
        if found is None:
            self.store.insert(target.fam.key, tscope, data)
        else:
            self.store.put(target.fam.key, tscope, found, data)

    def _place(self, scope: int) -> tuple[EntityHandler, int]:
        """Whose records these are: ``crm.item`` with entityTypeId=2 *is* crm.deal."""
        target = self.classic.get(scope)
        return (target, 0) if target is not None else (self, scope)

    def _name_in(self, target: EntityHandler) -> Callable[[str], str]:
        """How a field name a caller sent is spelt in ``target``'s stored records."""
        return upper_snake if target is not self else self.fam.wire.stored_name

    def _fields(
        self, params: dict[str, Any], target: EntityHandler | None = None
    ) -> dict[str, Any]:
        target = target or self
        if self.fam.fields_param:
            raw = get_ci(params, self.fam.fields_param) or {}
        else:
            skip = {(self.fam.scope_param or "").lower(), (self.fam.id_param or "").lower()}
            raw = {k: v for k, v in params.items() if k.lower() not in skip and k != "auth"}
        if not isinstance(raw, dict):
            raise ApiError("ERROR_ARGUMENT", "fields must be an object", 400, about_params=True)
        spell = self._name_in(target)
        out = {}
        for k, v in raw.items():
            k = spell(str(k))
            if k.lower() == target.fam.id_key.lower() and target.fam.code_key != k:
                continue  # the id is the portal's to assign (a code is the caller's)
            out[k] = coerce(target.fam.field_types.get(k, ""), v)
        return out

    def _complete_new(self, data: dict[str, Any], scope: int) -> None:
        """What the portal fills in on add: documented defaults, the first stage."""
        fam = self.fam
        dynamic = fam.scope_param is not None and scope not in CLASSIC_BY_TYPE
        for name, value in fam.defaults.items():
            if dynamic and name not in DYNAMIC_DEFAULTS:
                continue  # crm.item's page lists defaults of every entity type together
            data.setdefault(fam.wire.stored_name(name), value)
        etid = TYPE_BY_CLASSIC.get(fam.name, scope if fam.scope_param else 0)
        known = set(fam.field_types) | set(fam.documented)
        if etid == 2 and "CATEGORY_ID" in known:
            data.setdefault("CATEGORY_ID", 0)
        category = category_of(data, "CATEGORY_ID" if etid in CLASSIC_BY_TYPE else "categoryId")
        stage = first_stage(etid, category) if etid else None
        wanted = stage is not None and (stage[0] in known or dynamic)
        if stage is not None and wanted and data.get(stage[0]) in (None, ""):
            data[stage[0]] = stage[1]
        numbered = NUMBERED_BY_PORTAL.get(fam.name)
        if numbered and not data.get(numbered):
            data[numbered] = new_entity_type_id(self.store.count(fam.key))
        self._stamp(data, self.created + self.modified)

    def _check_new_code(self, data: dict[str, Any], scope: int) -> None:
        """A record named by a code needs one, and one not taken (crm.currency.add "CNY")."""
        key = self.fam.code_key
        if key is None:
            return
        code = data.get(key)
        if code in (None, "") or isinstance(code, (dict, list)):
            raise ApiError("ERROR_ARGUMENT", f"Field {key} is required.", 400, about_params=True)
        data[key] = str(code)
        if self.store.find_by(self.fam.key, scope, key, str(code)) is not None:
            raise self._taken(f"{key} {code} already exists.")

    def _taken(self, message: str) -> ApiError:
        """The add page's error for a code already in use, else its catch-all error."""
        errors = self.fam.methods["add"].errors
        for words in (("уже существует", "already exist"), ("другие ошибки", "other error")):
            for e in errors:
                if any(w in e.description.lower() for w in words) and e.code.isascii():
                    status = e.status if e.status and 400 <= e.status < 500 else 400
                    return ApiError(e.code.strip(), portal_message(e.description), status)
        return ApiError("ERROR_ARGUMENT", message, 400)

    def _take_bound(self, data: dict[str, Any]) -> list[tuple[RecordBinding, list[Any]]]:
        """The ids sent in the list fields kept as bindings (``CONTACT_IDS``)."""
        taken = [(b, b.take(data)) for b in self.bindings]
        return [(b, ids) for b, ids in taken if ids is not None]

    def _bind(self, rec_id: int, taken: list[tuple[RecordBinding, list[Any]]]) -> None:
        for binding, ids in taken:
            binding.write(rec_id, ids)

    def present(
        self,
        rec_id: int,
        data: dict[str, Any],
        target: EntityHandler | None = None,
        pick: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        action: str = "get",
    ) -> dict[str, Any]:
        """A stored record as the portal sends it: documented fields, wire types and case."""
        target = target or self
        tfam = target.fam
        rec: dict[str, Any] = {}
        if tfam.id_in_record:
            rec[tfam.id_key] = str(rec_id) if tfam.id_as_string else rec_id
        write_only = {b.ids_field for b in target.bindings}  # CONTACT_IDS
        for name in tfam.documented:
            if omitted_when_unset(tfam.field_types.get(name, "")):
                continue  # a portal leaves an empty multifield out
            if name not in write_only:
                rec[tfam.wire.stored_name(name)] = None
        rec.update(data)
        if target is not self and self.fam.scope_param:
            # crm.item reading a classic record: the record says which entity type it is,
            # and carries its bindings as a list (contactIds)
            rec[self.fam.scope_param] = TYPE_BY_CLASSIC.get(tfam.name, 0)
            for b in target.bindings:
                if self.fam.wire.stored_name(b.ids_field) in self.fam.field_types:
                    rec[b.ids_field] = b.bound(rec_id)
        if pick is not None:
            rec = pick(rec)
        return self.fam.wires.get(action, self.fam.wire).record(rec)

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
        if shape.kind == ID_OBJECT:
            return {shape.key: rec_id}
        if shape.kind == CODE:
            return (record or {}).get(shape.key)
        return record

    # -- actions --------------------------------------------------------------

    def handle(self, action: str, params: dict[str, Any]) -> Outcome:
        return getattr(self, "do_" + action)(params)

    def do_add(self, params: dict[str, Any]) -> Outcome:
        scope = self._scope(params, "add")
        target, tscope = self._place(scope)
        data = self._fields(params, target)
        if target.fam.scope_param:
            data.setdefault(target.fam.scope_param, scope)
        bound = target._take_bound(data)
        target._complete_new(data, scope)
        target._check_new_code(data, tscope)
        new_id = self.store.insert(target.fam.key, tscope, data)
        target._bind(new_id, bound)
        record = self.present(new_id, data, target, action="add")
        return Outcome(
            self._wrap("add", new_id, record),
            events=[self._event("add", scope, new_id)],
            wrote=True,
        )

    def do_get(self, params: dict[str, Any]) -> Outcome:
        if self.fam.shapes["get"].kind == BARE:
            return self._get_as_filter(params)
        scope = self._scope(params, "get")
        target, tscope = self._place(scope)
        rec_id = self._locate(params, target, tscope)
        data = self.store.get(target.fam.key, tscope, rec_id)
        if data is None:
            raise self._missing(f"{self.fam.name} {rec_id}")
        return Outcome(self._wrap("get", rec_id, self.present(rec_id, data, target)))

    def do_update(self, params: dict[str, Any]) -> Outcome:
        scope = self._scope(params, "update")
        target, tscope = self._place(scope)
        rec_id = self._locate(params, target, tscope)
        changes = self._fields(params, target)
        if target.fam.code_key is not None:
            changes.pop(target.fam.code_key, None)  # a record keeps the code it was added with
        bound = target._take_bound(changes)
        target._stamp(changes, target.modified)
        if not self.store.update(target.fam.key, tscope, rec_id, changes):
            raise self._missing(f"{self.fam.name} {rec_id}")
        target._bind(rec_id, bound)
        data = self.store.get(target.fam.key, tscope, rec_id) or {}
        return Outcome(
            self._wrap("update", rec_id, self.present(rec_id, data, target, action="update")),
            events=[self._event("update", scope, rec_id)],
            wrote=True,
        )

    def do_delete(self, params: dict[str, Any]) -> Outcome:
        scope = self._scope(params, "delete")
        target, tscope = self._place(scope)
        rec_id = self._locate(params, target, tscope)
        if not self.store.delete(target.fam.key, tscope, rec_id):
            raise self._missing(f"{self.fam.name} {rec_id}")
        for binding in target.bindings:
            binding.drop(rec_id)
        return Outcome(
            self._wrap("delete", rec_id, None),
            events=[self._event("delete", scope, rec_id)],
            wrote=True,
        )

    def do_list(self, params: dict[str, Any], action: str = "list") -> Outcome:
        scope = self._scope(params, action)
        target, tscope = self._place(scope)
        spell = self._name_in(target)
        flt = get_ci(params, "filter") or {}
        self._check_filter_fields(flt, action)
        try:
            if self.fam.api_version == 3:
                where, args = listing.where_v3(flt, target.cols, spell)
            else:
                where, args = listing.where_v2(flt, target.cols, spell)
        except listing.FilterError as exc:
            code = V3_VALIDATION if self.fam.api_version == 3 else "INVALID_FILTER"
            raise ApiError(code, str(exc), 400, about_params=True) from None
        order = listing.order_sql(get_ci(params, "order"), target.cols, spell)
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
            target.fam.key, tscope, where, args, order, limit, offset, count=count
        )
        pick = listing.selector(get_ci(params, "select"), target.fam.id_key, spell)
        items = [self.present(rec_id, data, target, pick, "list") for rec_id, data in rows]
        shape = self.fam.shapes[action]
        result: Any = {shape.key: items} if shape.kind == WRAP else items
        if self.fam.api_version == 3:
            return Outcome(result)
        nxt = offset + limit if count and total is not None and offset + limit < total else None
        return Outcome(result, total=total, next=nxt)

    def _check_filter_fields(self, flt: Any, action: str) -> None:
        """``INVALID_ARG_VALUE`` for a field the entity does not have, on the pages that
        document it ("Invalid filter: field 'x' is not allowed in filter")."""
        refusal = next(
            (
                e
                for e in self.fam.methods[action].errors
                if "not allowed in filter" in e.description or "unknown field" in e.description
            ),
            None,
        )
        if refusal is None or not isinstance(flt, dict):
            return
        known = {n.lower() for n in (*self.fam.field_types, *self.fam.documented)}
        known |= {self.fam.id_key.lower(), "id", (self.fam.scope_param or "").lower()}
        for key, value in flt.items():
            if str(key).isdigit() and isinstance(value, dict):
                self._check_filter_fields(value, action)  # a group under a numeric key
                continue
            name = listing.split_key(str(key))[1]
            low = name.lower()
            if low in known or low.startswith(("uf", "parent_id_")) or low == "logic":
                continue
            raise ApiError(
                refusal.code.strip() or "INVALID_ARG_VALUE",
                f"Invalid filter: field '{name}' is not allowed in filter",
                refusal.status if refusal.status and 400 <= refusal.status < 500 else 400,
                about_params=True,
            )

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
