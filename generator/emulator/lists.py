"""Universal lists (``lists.*``): lists, their elements, sections and fields, each named by
either of two identifiers as the pages document them: ``IBLOCK_ID`` or ``IBLOCK_CODE``,
``ELEMENT_ID`` or ``ELEMENT_CODE``, ``SECTION_ID`` or ``SECTION_CODE``.

A list is a record of the ``lists`` store (``CODE`` holding IBLOCK_CODE); elements, sections
and fields are records of their own stores scoped by the list's id, so two lists never see
each other's elements. Answers follow the pages' examples: ids as numbers from ``add``,
records with string ids from ``get``, and the documented error codes
(``ERROR_IBLOCK_NOT_FOUND``, ``ERROR_ELEMENT_ALREADY_EXISTS``, ...).
"""

from __future__ import annotations

from typing import Any

from generator.emulator import listing
from generator.emulator.entities import PAGE, Outcome
from generator.emulator.errors import ApiError
from generator.emulator.families import _unwrap_record
from generator.emulator.params import get_ci
from generator.emulator.store import Store
from generator.emulator.wire import WireFormat
from generator.model import Method

# kind -> (store family, id parameter, code parameter, name of the documented errors)
_KINDS = {
    "iblock": ("lists", "IBLOCK_ID", "IBLOCK_CODE", "IBLOCK"),
    "element": ("lists.element", "ELEMENT_ID", "ELEMENT_CODE", "ELEMENT"),
    "section": ("lists.section", "SECTION_ID", "SECTION_CODE", "SECTION"),
}
_TOP = ("IBLOCK_TYPE_ID", "SOCNET_GROUP_ID", "IBLOCK_SECTION_ID")


def _given(value: Any) -> bool:
    return value is not None and value != "" and not isinstance(value, (dict, list))


class ListsHandler:
    """Every stateful ``lists.*`` method; ``lists.field.type.get`` and the file URL method
    answer from their examples."""

    ROUTES = (
        "lists.add", "lists.get", "lists.update", "lists.delete", "lists.get.iblock.type.id",
        "lists.element.add", "lists.element.get", "lists.element.update",
        "lists.element.delete", "lists.section.add", "lists.section.get",
        "lists.section.update", "lists.section.delete", "lists.field.add", "lists.field.get",
        "lists.field.update", "lists.field.delete",
    )  # fmt: skip

    def __init__(self, store: Store, methods: dict[str, Method]) -> None:
        self.store = store
        self.methods = methods
        self.samples: dict[str, dict[str, Any]] = {}
        for kind, name in (("iblock", "lists.get"), ("element", "lists.element.get")):
            self.samples[kind] = _sample(methods.get(name))
        self.samples["section"] = _sample(methods.get("lists.section.get"))
        self.samples["field"] = _sample(methods.get("lists.field.get"))
        self.wires = {k: WireFormat.from_sample(v, {}) for k, v in self.samples.items()}

    @classmethod
    def discover(cls, methods: list[Method], store: Store) -> ListsHandler | None:
        found = {m.name.lower(): m for m in methods if m.api_version == 2}
        if "lists.add" not in found or "lists.get" not in found:
            return None
        return cls(store, {n: found[n] for n in cls.ROUTES if n in found})

    def handles(self, low: str) -> bool:
        return low in self.methods

    # -- identifiers -------------------------------------------------------------

    def _error(self, method: str, what: str, fallback: str) -> ApiError:
        """The page's ``ERROR_<WHAT>_NOT_FOUND`` / ``..._ALREADY_EXISTS``, with its text."""
        m = self.methods.get(method)
        for e in m.errors if m is not None else ():
            if e.code.strip() == f"ERROR_{what}":
                return ApiError(e.code.strip(), e.description.split(" — ")[0] or fallback, 400)
        return ApiError(f"ERROR_{what}", fallback, 400)

    def iblock(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The list a call names by IBLOCK_ID or IBLOCK_CODE (of its IBLOCK_TYPE_ID)."""
        found = self._find("iblock", 0, params)
        if found is not None:
            data = self.store.get("lists", 0, found) or {}
            wanted = get_ci(params, "IBLOCK_TYPE_ID")
            if not _given(wanted) or str(data.get("IBLOCK_TYPE_ID")) == str(wanted):
                return found, data
        raise self._error(method, "IBLOCK_NOT_FOUND", "Iblock not found")

    def _find(self, kind: str, scope: int, params: dict[str, Any]) -> int | None:
        family, id_param, code_param, _ = _KINDS[kind]
        raw_id, code = get_ci(params, id_param), get_ci(params, code_param)
        if _given(raw_id):
            try:
                rec_id = int(raw_id)
            except (TypeError, ValueError):
                return None
            return rec_id if self.store.get(family, scope, rec_id) is not None else None
        if _given(code):
            return self.store.find_by(family, scope, "CODE", str(code))
        return None

    def _member(self, kind: str, method: str, scope: int, params: dict[str, Any]) -> int:
        found = self._find(kind, scope, params)
        if found is None:
            what = _KINDS[kind][3]
            raise self._error(method, f"{what}_NOT_FOUND", f"{what.title()} not found")
        return found

    # -- calls -------------------------------------------------------------------

    def handle(self, low: str, params: dict[str, Any]) -> Outcome:
        head, _, action = low.rpartition(".")
        if low == "lists.get.iblock.type.id":
            found = self._find("iblock", 0, params)
            data = self.store.get("lists", 0, found) if found is not None else None
            return Outcome(data.get("IBLOCK_TYPE_ID") if data else None)
        if head == "lists":
            return self._iblocks(low, action, params)
        if head == "lists.field":
            return self._fields(low, action, params)
        kind = head.rsplit(".", 1)[-1]
        return self._members(kind, low, action, params)

    def _iblocks(self, low: str, action: str, params: dict[str, Any]) -> Outcome:
        if action == "add":
            code = get_ci(params, "IBLOCK_CODE")
            if self.store.find_by("lists", 0, "CODE", str(code)) is not None:
                raise self._error(low, "IBLOCK_ALREADY_EXISTS", "Iblock already exists")
            data = {**_mapping(get_ci(params, "FIELDS")), "CODE": str(code)}
            data.update({k: get_ci(params, k) for k in _TOP[:2] if _given(get_ci(params, k))})
            return Outcome(self.store.insert("lists", 0, data), wrote=True)
        if action == "get":
            wanted = get_ci(params, "IBLOCK_TYPE_ID")
            flt: dict[str, Any] = {"=IBLOCK_TYPE_ID": wanted} if _given(wanted) else {}
            if _given(get_ci(params, "IBLOCK_ID")) or _given(get_ci(params, "IBLOCK_CODE")):
                found = self._find("iblock", 0, params)
                flt["=ID"] = found if found is not None else -1
            return self._page("iblock", 0, flt, params, "IBLOCK_ORDER")
        rec_id, _ = self.iblock(low, params)
        if action == "update":
            changes = _mapping(get_ci(params, "FIELDS"))
            changes.pop("CODE", None)  # IBLOCK_CODE names the list; FIELDS do not rename it
            self.store.update("lists", 0, rec_id, changes)
        else:
            self.store.delete("lists", 0, rec_id)
            for family in ("lists.element", "lists.section", "lists.field"):
                rows, _ = self.store.query(family, rec_id, "", [], "id", 2**31, 0, count=False)
                for member, _ in rows:
                    self.store.delete(family, rec_id, member)
        return Outcome(True, wrote=True)

    def _members(self, kind: str, low: str, action: str, params: dict[str, Any]) -> Outcome:
        family, _, code_param, what = _KINDS[kind]
        scope, _ = self.iblock(low, params)
        if action == "add":
            code = get_ci(params, code_param)
            if _given(code) and self.store.find_by(family, scope, "CODE", str(code)) is not None:
                raise self._error(low, f"{what}_ALREADY_EXISTS", f"{what.title()} exists")
            data = _mapping(get_ci(params, "FIELDS"))
            if _given(code):
                data["CODE"] = str(code)
            parent = get_ci(params, "IBLOCK_SECTION_ID")
            data.setdefault("IBLOCK_SECTION_ID", parent if _given(parent) else None)
            return Outcome(self.store.insert(family, scope, data), wrote=True)
        if action == "get":
            flt = dict(_mapping(get_ci(params, "FILTER")))
            if kind == "element" and self._names_one(kind, params):
                found = self._find(kind, scope, params)
                flt["=ID"] = found if found is not None else -1
            return self._page(kind, scope, flt, params, "ELEMENT_ORDER")
        rec_id = self._member(kind, low, scope, params)
        if action == "update":
            changes = _mapping(get_ci(params, "FIELDS"))
            if kind == "element":  # an element's update replaces its fields, as the page says
                kept = self.store.get(family, scope, rec_id) or {}
                changes = {"CODE": kept.get("CODE"), "IBLOCK_SECTION_ID": None, **changes}
                self.store.put(family, scope, rec_id, changes)
            else:
                self.store.update(family, scope, rec_id, changes)
        else:
            self.store.delete(family, scope, rec_id)
        return Outcome(True, wrote=True)

    def _names_one(self, kind: str, params: dict[str, Any]) -> bool:
        _, id_param, code_param, _ = _KINDS[kind]
        return _given(get_ci(params, id_param)) or _given(get_ci(params, code_param))

    def _page(
        self, kind: str, scope: int, flt: dict[str, Any], params: dict[str, Any], order_key: str
    ) -> Outcome:
        family = _KINDS[kind][0]
        cols = listing.Columns("ID", {})
        try:
            where, args = listing.where_v2(flt, cols)
        except listing.FilterError as exc:
            raise ApiError("ERROR_ARGUMENT", str(exc), 400, about_params=True) from None
        order = listing.order_sql(get_ci(params, order_key), cols, lambda n: n)
        try:
            start = max(0, int(get_ci(params, "start", 0) or 0))
        except (TypeError, ValueError):
            start = 0
        rows, total = self.store.query(family, scope, where, args, order, PAGE, start, count=True)
        pick = listing.selector(get_ci(params, "SELECT"), "ID", lambda n: n)
        items = [self._present(kind, rec_id, data, pick) for rec_id, data in rows]
        nxt = start + PAGE if total is not None and start + PAGE < total else None
        return Outcome(items, total=total, next=nxt)

    def _present(self, kind: str, rec_id: int, data: dict[str, Any], pick: Any) -> dict[str, Any]:
        rec: dict[str, Any] = {"ID": str(rec_id)}
        rec.update({k: None for k in self.samples[kind] if k != "ID" and not k[-1:].isdigit()})
        rec.update(data)
        return self.wires[kind].record(pick(rec) if pick is not None else rec)

    # -- fields: FIELD_ID "PROPERTY_<n>" -------------------------------------------

    def _fields(self, low: str, action: str, params: dict[str, Any]) -> Outcome:
        scope, _ = self.iblock(low, params)
        if action == "add":
            data = _mapping(get_ci(params, "FIELDS"))
            new_id = self.store.insert("lists.field", scope, data)
            data["FIELD_ID"] = f"PROPERTY_{new_id}"
            self.store.put("lists.field", scope, new_id, data)
            return Outcome(data["FIELD_ID"], wrote=True)
        field_id = get_ci(params, "FIELD_ID")
        found = self.store.find_by("lists.field", scope, "FIELD_ID", str(field_id))
        if action == "get":
            rows, _ = self.store.query("lists.field", scope, "", [], "id", 2**31, 0, count=False)
            wanted = [(i, d) for i, d in rows if not _given(field_id) or i == found]
            # One field comes keyed by its type ({"L": {...}}), all of them by FIELD_ID.
            key = "TYPE" if _given(field_id) else "FIELD_ID"
            wire = self.wires["field"]
            return Outcome(
                {d.get(key) or d["FIELD_ID"]: wire.record({**d, "ID": str(i)}) for i, d in wanted}
            )
        if found is None:
            raise ApiError("ERROR_FIELD_NOT_FOUND", "Field not found", 400)
        if action == "update":
            self.store.update("lists.field", scope, found, _mapping(get_ci(params, "FIELDS")))
        else:
            self.store.delete("lists.field", scope, found)
        return Outcome(True, wrote=True)

    # -- fixtures ------------------------------------------------------------------

    def put_named(self, low: str, params: dict[str, Any]) -> None:
        """Make the list (and the element or section) a call names exist, as on the portal
        the page's example was written on."""
        if low not in self.methods or low.endswith(".add") and low.count(".") == 1:
            return
        type_id = get_ci(params, "IBLOCK_TYPE_ID")
        if self._find("iblock", 0, params) is None:
            data = {**self.samples["iblock"], "IBLOCK_TYPE_ID": type_id or "lists"}
            data.pop("ID", None)
            self._put("iblock", 0, params, data)
        scope = self._find("iblock", 0, params)
        kind = low.split(".")[1] if low.count(".") >= 2 else ""
        field_id = get_ci(params, "FIELD_ID")
        if (
            scope is not None
            and kind == "field"
            and _given(field_id)
            and self.store.find_by("lists.field", scope, "FIELD_ID", str(field_id)) is None
        ):
            data = {**self.samples["field"], "FIELD_ID": str(field_id)}
            data.pop("ID", None)
            self.store.insert("lists.field", scope, data)
        if scope is None or kind not in ("element", "section") or low.endswith(".add"):
            return
        if self._find(kind, scope, params) is None and self._names_one(kind, params):
            data = {k: v for k, v in self.samples[kind].items() if k != "ID"}
            self._put(kind, scope, params, data)

    def _put(self, kind: str, scope: int, params: dict[str, Any], data: dict[str, Any]) -> None:
        family, id_param, code_param, _ = _KINDS[kind]
        code = get_ci(params, code_param)
        data["CODE"] = str(code) if _given(code) else data.get("CODE")
        try:
            rec_id = int(get_ci(params, id_param))
        except (TypeError, ValueError):
            self.store.insert(family, scope, data)
            return
        if rec_id > 0:
            self.store.put(family, scope, rec_id, data)


def _sample(m: Method | None) -> dict[str, Any]:
    try:
        value = m.returns.example_value() if m is not None else None
    except ValueError:
        return {}
    return _unwrap_record(value) or {}


def _mapping(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ApiError("ERROR_ARGUMENT", "FIELDS must be an object", 400, about_params=True)
    return dict(value)
