"""Entity families found in the model (``X.add/get/update/delete/list/fields``) and the
conventions each one follows, read from its own pages: the id parameter, the record's id
key, how results are wrapped (``{"item": …}``, ``{"items": […]}``, a bare id, ``true``).

Nothing here is specific to one entity: crm.lead, crm.item (scoped by ``entityTypeId``),
tasks.task on REST 3.0 and catalog.* all come out of the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.emulator.wire import WireFormat
from generator.model import ApiModel, Method, Param

ACTIONS = ("add", "get", "update", "delete", "list", "fields")

# Result shapes, inferred from each method's documented example.
ID = "id"  # the new record's id (crm.lead.add -> 3465)
RECORD = "record"  # the record itself
WRAP = "wrap"  # {"item": record} / {"items": [records]}
TRUE = "true"  # true
BARE = "bare"  # a plain list (crm.lead.list)
VERBATIM = "verbatim"  # the documented example value as is (crm.item.delete -> [])
ID_OBJECT = "id_object"  # {"id": 7} (biconnector.source.add)
CODE = "code"  # the record's own code rather than a number (crm.currency.add -> "CNY")


@dataclass(frozen=True)
class Shape:
    kind: str
    key: str = ""  # the wrapping key for WRAP
    value: Any = None  # for VERBATIM


@dataclass
class Family:
    name: str  # "crm.lead"
    api_version: int
    methods: dict[str, Method]
    id_param: str | None  # "id", "ID", "taskId"; None: get/update/delete are not stateful
    id_key: str  # key of the id inside a record: "ID" / "id"
    id_as_string: bool  # the portal gives classic CRM ids as strings in records
    fields_param: str | None  # "fields"; None: every non-scope parameter is a field
    scope_param: str | None  # "entityTypeId" for crm.item.*
    field_types: dict[str, str] = field(default_factory=dict)
    documented: tuple[str, ...] = ()  # record field names in the docs' order
    shapes: dict[str, Shape] = field(default_factory=dict)
    wire: WireFormat = field(default_factory=WireFormat)
    wires: dict[str, WireFormat] = field(default_factory=dict)  # per action, its own example
    defaults: dict[str, Any] = field(default_factory=dict)  # documented defaults on add
    # Records named by a code rather than a number (crm.currency "RUB", sale.status "N"):
    # the record field holding it; get/update/delete find the record by it.
    code_key: str | None = None
    id_in_record: bool = True  # crm.currency records carry CURRENCY and no ID

    @property
    def key(self) -> str:
        return self.name if self.api_version == 2 else f"v3:{self.name}"

    def event_name(self, action: str, scope: int) -> str:
        """ONCRMLEADADD for crm.lead.add; crm.item follows the entity type it touched."""
        verb = {"add": "ADD", "update": "UPDATE", "delete": "DELETE"}[action]
        if self.scope_param:
            named = _CRM_TYPE_EVENTS.get(scope)
            if self.name == "crm.item":
                return f"ONCRM{named or 'DYNAMICITEM'}{verb}"
        return "ON" + self.name.replace(".", "").upper() + verb


_CRM_TYPE_EVENTS = {1: "LEAD", 2: "DEAL", 3: "CONTACT", 4: "COMPANY", 7: "QUOTE"}


def discover(model: ApiModel) -> dict[str, Family]:
    """Families by ``Family.key``; method names matched case-insensitively."""
    by_ns: dict[tuple[str, int], dict[str, Method]] = {}
    for m in model.methods:
        if "." not in m.name:
            continue
        ns, action = m.name.rsplit(".", 1)
        action = action.lower()
        if action in ACTIONS:
            by_ns.setdefault((ns.lower(), m.api_version), {}).setdefault(action, m)
    families: dict[str, Family] = {}
    for (ns, version), methods in by_ns.items():
        if "add" not in methods or not ({"get", "list"} & methods.keys()):
            continue
        if ns.endswith((".badge", ".binding")):
            continue  # keyed collections, see keyed.py
        fam = _build(ns, version, methods)
        families[fam.key] = fam
    return families


def _build(ns: str, version: int, methods: dict[str, Method]) -> Family:
    add = methods["add"]
    scope_param = next((p.name for p in add.params if p.name.lower() == "entitytypeid"), None)
    fields_param = next(
        (p.name for p in add.params if p.name.lower() in ("fields", "arfields", "data")), None
    )
    types: dict[str, str] = {}
    documented: list[str] = []
    for action in ("add", "update"):
        m = methods.get(action)
        if m is None:
            continue
        for p in _field_params(m, fields_param, scope_param):
            if _is_placeholder(p.name):
                continue
            types.setdefault(p.name, p.type)
            if p.name not in documented:
                documented.append(p.name)
    for m in (methods.get("get"), methods.get("list")):
        if m is not None:
            for p in _record_fields(m.returns.fields):
                types.setdefault(p.name, p.type)

    sample = sample_record(methods)
    id_key = _id_key(sample, documented)
    id_param = _id_param(methods, scope_param)
    shapes = {
        "add": _shape(methods.get("add"), default=Shape(ID)),
        "update": _shape(methods.get("update"), default=Shape(TRUE)),
        "delete": _shape(methods.get("delete"), default=Shape(TRUE), keep_other=True),
        "get": _get_shape(methods.get("get")),
        "list": _list_shape(methods.get("list")),
    }
    code_key = _code_key(methods, sample, id_key, shapes["add"]) if id_param else None
    documented = [n for n in documented if n != id_key]
    return Family(
        name=ns,
        api_version=version,
        methods=methods,
        id_param=id_param,
        id_key=id_key,
        id_as_string=isinstance(sample.get(id_key), str) if sample else False,
        fields_param=fields_param,
        scope_param=scope_param,
        field_types=types,
        documented=tuple(documented),
        shapes=shapes,
        wire=WireFormat.from_sample(sample, types),
        wires=_action_wires(methods, sample, types),
        defaults=_documented_defaults(methods.get("add"), fields_param, scope_param),
        code_key=code_key,
        id_in_record=not sample or id_key in sample or code_key == id_key,
    )


def _is_code(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not value.lstrip("-").isdigit()


def _code_key(
    methods: dict[str, Method], sample: dict[str, Any], id_key: str, add: Shape
) -> str | None:
    """The field naming a record when the pages name records by a code: the record's own id
    written as a code ("id": "N"), the field the id parameter's type points at
    (``crm_currency.CURRENCY``), or the code ``add`` answers ("CNY")."""
    if _is_code(sample.get(id_key)):
        return id_key
    for action in ("get", "update", "delete"):
        m = methods.get(action)
        for p in m.params if m is not None else ():
            head, _, named = p.type.partition(".")
            if p.name.lower() == "id" and head and named and _is_code(sample.get(named)):
                return named
    if add.kind == CODE and _is_code(sample.get(add.key)):
        return add.key
    return None


def _action_wires(
    methods: dict[str, Method], sample: dict[str, Any], types: dict[str, str]
) -> dict[str, WireFormat]:
    """Pages of one family disagree (documentgenerator: ``id`` a number in add, a string in
    get): each action answers like its own example, the family's where it has none."""
    out: dict[str, WireFormat] = {}
    for action in ("add", "get", "update", "list"):
        m = methods.get(action)
        own = _unwrap_record(_example(m)) if m is not None else None
        if own and own is not sample:
            merged = {**sample, **own}
            out[action] = WireFormat.from_sample(merged, types)
    return out


_DEFAULT_KINDS = {"char": ("Y", "N"), "boolean": ("Y", "N", "true", "false")}


def _documented_defaults(
    add: Method | None, fields_param: str | None, scope_param: str | None
) -> dict[str, Any]:
    """Field values a record gets when ``add`` does not send them, where the page states a
    default: Y/N flags, numbers ("По умолчанию 0.00"). ``null`` defaults are no defaults."""
    if add is None:
        return {}
    out: dict[str, Any] = {}
    for p in _field_params(add, fields_param, scope_param):
        raw = (p.default or "").strip().strip("'\"`")
        typ = p.type.lower()
        if not raw or raw.lower() == "null" or _is_placeholder(p.name):
            continue
        if typ in _DEFAULT_KINDS:
            if raw in _DEFAULT_KINDS[typ]:
                out[p.name] = raw
        elif typ in ("double", "integer", "int", "money"):
            try:
                out[p.name] = int(raw) if typ in ("integer", "int") else float(raw)
            except ValueError:
                continue
    return out


def _field_params(m: Method, fields_param: str | None, scope_param: str | None) -> list[Param]:
    if fields_param:
        for p in m.params:
            if p.name.lower() == fields_param.lower():
                return list(p.children)
        return []
    skip = {(scope_param or "").lower(), "id"}
    return [p for p in m.params if p.name.lower() not in skip]


def _record_fields(params: tuple[Param, ...]) -> list[Param]:
    out: list[Param] = []
    for p in params:
        if p.name in ("result", "item", "items", "time") and p.children:
            out.extend(_record_fields(p.children))
        elif p.name not in ("result", "time", "total", "next"):
            out.append(p)
    return out


def _is_placeholder(name: str) -> bool:
    return any(c in name for c in ".<>{} ") or name.endswith(("...", "_"))


def sample_record(methods: dict[str, Method]) -> dict[str, Any]:
    # A record with an id first; else one without (crm.currency: CURRENCY names it).
    for loose in (False, True):
        for action in ("get", "list", "add", "update"):
            m = methods.get(action)
            if m is None:
                continue
            rec = _unwrap_record(_example(m), loose)
            if rec:
                return rec
    return {}


def _unwrap_record(value: Any, loose: bool = False) -> dict[str, Any] | None:
    if isinstance(value, list):
        return _unwrap_record(value[0], loose) if value else None
    if isinstance(value, dict):
        if len(value) == 1:
            inner = next(iter(value.values()))
            if isinstance(inner, (dict, list)):
                return _unwrap_record(inner, loose)
        if "ID" in value or "id" in value:
            return value
        if loose and len(value) > 1 and any(_is_code(v) for v in value.values()):
            return value
    return None


def _example(m: Method) -> Any:
    try:
        return m.returns.example_value()
    except ValueError:
        return None


def _id_key(sample: dict[str, Any], documented: list[str]) -> str:
    if "ID" in sample:
        return "ID"
    if "id" in sample:
        return "id"
    upper = sum(1 for n in documented if n.isupper())
    return "ID" if documented and upper * 2 >= len(documented) else "id"


def _id_param(methods: dict[str, Method], scope_param: str | None) -> str | None:
    # A parameter called id on any of the pages first (calendar.event.get reads ownerId,
    # update and delete the event's id), then a required one ending in id.
    for action in ("get", "update", "delete"):
        m = methods.get(action)
        for p in m.params if m is not None else ():
            if p.name.lower() == "id":
                return p.name
    for action in ("get", "update", "delete"):
        m = methods.get(action)
        if m is None:
            continue
        for p in m.params:
            low = p.name.lower()
            numeric = p.type.lower() in ("integer", "int", "")  # not IBLOCK_TYPE_ID "lists"
            is_id = low.endswith("id") and low != (scope_param or "").lower()
            if p.required and is_id and numeric:
                return p.name
    return "id" if methods.get("get") is not None and not methods["get"].params else None


def _shape(m: Method | None, *, default: Shape, keep_other: bool = False) -> Shape:
    if m is None:
        return default
    value = _example(m)
    if isinstance(value, bool):
        return Shape(TRUE)
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return Shape(ID)
    if value is None and (m.returns.example or "").strip() == "null":
        return Shape(VERBATIM, value=None)  # crm.category.delete answers null
    if isinstance(value, str) and value and m.name.lower().endswith(".add"):
        return Shape(CODE, _code_field(m, value))
    if isinstance(value, dict):
        if len(value) == 1:
            key, inner = next(iter(value.items()))
            if key.lower() == "id" and isinstance(inner, (int, str)):
                return Shape(ID_OBJECT, key)
            if isinstance(inner, dict) and inner:
                return Shape(WRAP, key)
            if isinstance(inner, bool):
                return Shape(VERBATIM, value=value)
        if "ID" in value or "id" in value:
            return Shape(RECORD)
    if keep_other and value is not None:
        return Shape(VERBATIM, value=value)
    if m.returns.shape == "boolean":
        return Shape(TRUE)
    return default


def _code_field(add: Method, code: str) -> str:
    """The field an ``add`` that answers a code ("CNY") takes that code from: the one named
    like the entity (crm.currency -> CURRENCY), else the first required field."""
    fields = next((p.children for p in add.params if p.children), add.params)
    entity = add.name.rsplit(".", 2)[-2].lower()
    for p in fields:
        if p.name.lower() in (entity, "code", "id"):
            return p.name
    for p in fields:
        if p.required:
            return p.name
    return fields[0].name if fields else "CODE"


def _get_shape(m: Method | None) -> Shape:
    """A ``get`` whose example is a list is a filtered read (``department.get``)."""
    if m is not None and isinstance(_example(m), list):
        return Shape(BARE)
    return _shape(m, default=Shape(RECORD))


_ENVELOPE = ("total", "time", "next")  # pages that show the body without "result" keep these


def _list_shape(m: Method | None) -> Shape:
    if m is None:
        return Shape(BARE)
    value = _example(m)
    if isinstance(value, dict):
        lists = [k for k, v in value.items() if isinstance(v, list) and k not in _ENVELOPE]
        # {"priceTypes": [...], "total": 2}, {"items": [...], "nextCursor": {...}}
        if len(lists) == 1 and all(
            not isinstance(v, list) for k, v in value.items() if k != lists[0]
        ):
            return Shape(WRAP, lists[0])
    if value is None and m.api_version == 3:
        return Shape(WRAP, "items")
    return Shape(BARE)
