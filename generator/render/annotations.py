"""Annotation decisions: a parameter's or a result's Python type, one function per kind.

Parameters take what the portal accepts (``vocabulary.types.input_ann``): a documented
sub-table is a ``TypedDict`` (``_typed_dict_ann``), an explicit list of allowed values a
``Literal`` (``literal_ann``). Results say what the portal returns: the returned-data table
gives the keys, the response example the wire type of each value (``vocabulary.types.
narrow_to_example``), the wrapper levels, and whether a level is a map keyed by id or field
name. One function per response shape (``_RESULT_BY_SHAPE``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from generator.model import Method, Param, is_wire_name
from generator.render import text as tx
from generator.render.docstrings import key_docstring
from generator.render.examples import params_from_example, record
from generator.render.naming import NameRegistry, camel
from generator.render.result_shapes import (
    id_keyed_values,
    id_map_ann,
    keyed_records,
    merge_rows,
    names_in,
    page_items,
    records_in,
    undocumented_keys,
    wrapper_level,
)
from generator.render.typemap import ANY, DICT_ANY, LIST_ANY, NONE, QUALIFIED, Ann, union
from generator.render.user_keys import has_user_fields
from generator.render.views import ModuleView, TypedDictView
from generator.vocabulary import examples as vx
from generator.vocabulary import presence
from generator.vocabulary import types as vocab
from generator.vocabulary.values import closed_list

# Names defined at module level of every generated types module.
TYPES_RESERVED = (
    "Any",
    "Literal",
    "NotRequired",
    "Required",
    "TypedDict",
    "sys",
    "FieldValue",
)
# Listed values become a Literal only when they look like tokens (not operators or prose)...
_LITERAL_OK = re.compile(r"[\w.:/-]{1,64}\Z")
_ENVELOPE = ("time", "total", "next")  # returned-data rows of the envelope, not the result
# The value of a user-field key (UF_CRM_*, PARENT_ID_*, ufCrm*): a scalar, a list of them
# (multiple fields, files as [name, base64]) or an object (a file as {fileData: ...}).
FIELD_MAP = vocab.input_ann("object")


class TypesCollector:
    """Collects the TypedDicts of one types module, names unique within it."""

    def __init__(self, module: ModuleView, api_version: int = 2) -> None:
        self.module = module
        self.registry = NameRegistry(TYPES_RESERVED + tuple(QUALIFIED))
        self.api_version = api_version
        # of the method whose result is being typed (``return_ann`` sets them)
        self.fields_answer = False  # the answer describes fields (crm.deal.fields)
        self.selects = False  # a ``select`` parameter picks the fields returned

    def typed_dict(
        self,
        wanted: str,
        params: tuple[Param, ...],
        *,
        returned: bool,
        shown: tuple[Any, ...] = (),
        patterns: tuple[Param, ...] = (),
        single_record: bool = False,
        wrapper_key: str = "",
    ) -> str:
        """A TypedDict of ``params``; ``shown``: the objects the page's examples have here
        (the response example's records, or the request example's values); ``patterns``:
        the keys the docs give as a placeholder there (``UF_CRM_...``, Param.patterns).

        Returned: ``single_record`` when this is the one record the method returns (its
        always-present keys are ``Required``: ``vocabulary.presence``); ``wrapper_key`` the
        key whose value is that record (``{"item": {...}}``)."""
        name = self.registry.claim(wanted)
        keys: list[tuple[str, str]] = []
        docs: list[str] = []
        seen: set[str] = set()
        recs = [r for v in shown for r in ([v] if isinstance(v, dict) else records_in(v))]
        documented = {p.name for p in params}
        single_record = single_record and not self.selects
        whole = single_record and presence.sent_whole(recs, documented)
        if recs:
            params = params + undocumented_keys(params + patterns, recs)
        for p in params:
            if p.name in seen or (not is_wire_name(p.name) and not returned):
                continue
            seen.add(p.name)
            child_name = f"{name}{camel(p.name)}"
            values = [rec[p.name] for rec in recs if p.name in rec]
            if returned:
                nullable = presence.admits_null(
                    p.name, p.type, marked_required=p.required, fields_answer=self.fields_answer
                )
                inner_single = single_record and p.name == wrapper_key
                ann = result_member_ann(p, child_name, self, values, nullable, inner_single)
                present = p.name in documented and presence.always_present(
                    p.name,
                    p.type,
                    marked_required=p.required,
                    single_record=single_record,
                    whole=whole,
                    shown=recs,
                )
                wrapper = "Required" if present else "NotRequired"
            else:
                ann = param_ann(p, child_name, self, tuple(values))
                # a key the docs' own example leaves out is not required, whatever the mark
                required = p.required and not any(p.name not in rec for rec in recs)
                wrapper = "Required" if required else "NotRequired"
            keys.append((tx.py_str(p.name), f"{wrapper}[{ann.render(td_prefix='')}]"))
            docs.append(key_docstring(p))
        self.module.typeddicts.append(TypedDictView(name, keys, docs))
        return name


# -- parameters ---------------------------------------------------------------


def param_ann(p: Param, td_name: str, types: TypesCollector, shown: tuple[Any, ...] = ()) -> Ann:
    """What a parameter accepts; ``shown``: the values the page's request example gives it.

    The example wins where it sends a form the docs type does not take (a list for an
    ``object``, a number for a ``string``): the annotation takes both, and the disagreement
    is a diagnostic (``vocabulary.types.request_disagreements``)."""
    ann = _documented_param_ann(p, td_name, types, shown)
    if p.children and not _lists_names(p):
        odd = [v for v in shown if not isinstance(v, dict) and not records_in(v)]
        if any(records_in(v) for v in shown) and all(a.name != "list" for a in ann.parts()):
            # a list of the objects the table types as one object (sale.delivery.handler.
            # update CONFIG: "object", described as an array of objects and sent as one)
            tds = [a for a in ann.parts() if a.name.startswith("TD:")]
            ann = union(ann, Ann("list", (union(*tds),))) if tds else ann
    else:
        odd = [v for v in shown if v is not None and not vx.accepts_value(p.type, v)]
    if not odd:
        return ann
    return vocab.merge_lists(union(ann, *(_example_input_ann(v) for v in odd)))


def _example_input_ann(value: Any) -> Ann:
    """What the docs' example sends, as an input annotation (a map deeper than FieldValue
    takes, such as a list of lists inside, stays a plain map)."""
    if isinstance(value, dict) and not vx.accepts_value("object", value):
        return DICT_ANY
    if isinstance(value, list) and any(isinstance(v, list) for v in value):
        # lists of rows, rows mixing scalars and lists (REST 3.0 filters: ["startTime",
        # "between", [a, b]]) have no docs type expression: the example's own structure
        return Ann("list", (vocab.merge_lists(union(*(_example_input_ann(v) for v in value))),))
    return vocab.input_ann(vx.example_type(value))


def _documented_param_ann(
    p: Param, td_name: str, types: TypesCollector, shown: tuple[Any, ...]
) -> Ann:
    if p.children and not _lists_names(p):
        return _typed_dict_ann(p, td_name, types, shown)
    lit = literal_ann(p, shown)
    if lit is not None:
        return lit
    if p.children and _lists_names(p):
        return union(Ann("list", (Ann("str"),)), Ann("str"))
    if _SORT_KEYS.fullmatch(p.name) and vocab.input_ann(p.type) == _MAP_IN:
        return Ann("dict", (Ann("str"), Ann("str")))  # {"DATE_CREATE": "DESC"}
    if not p.type and shown and all(v is not None for v in shown):
        # the docs give no type; the page's own example shows which one
        return vocab.merge_lists(union(*(_example_input_ann(v) for v in shown)))
    return vocab.input_ann(p.type)


# ``select`` lists field names; its sub-table documents the fields one may name
_NAME_LISTS = re.compile(r"select|fields_?to_?select", re.I)
_ITEM_IN = vocab.LIST_ITEM
_SORT_KEYS = re.compile(r"order|sort", re.I)
_MAP_IN = vocab.input_ann("object")
# Keys of a filter or a sort order carry operator prefixes (">=DATE_CREATE", "!ID", "%TITLE")
_PREFIXED_KEYS = re.compile(r"filter|order|sort", re.I)


def _lists_names(p: Param) -> bool:
    parts = vocab.parse(p.type)
    return bool(_NAME_LISTS.fullmatch(p.name)) and any(
        t.depth or "list" in t.docs.accepts for t in parts
    )


def _typed_dict_ann(p: Param, td_name: str, types: TypesCollector, shown: tuple[Any, ...]) -> Ann:
    """A parameter with a sub-table: its TypedDict, in place of the dict its type names.

    Where the sub-table documents a family of user-field keys (or the keys of a filter,
    which carry operator prefixes), the object is also accepted as a map of field values:
    a TypedDict cannot take keys by pattern (PEP 728's ``extra_items`` would, but mypy does
    not support it yet)."""
    mapped = vocab.input_ann(p.type)
    if mapped == _MAP_IN:
        mapped = DICT_ANY
    td = Ann(
        "TD:"
        + types.typed_dict(td_name, p.children, returned=False, shown=shown, patterns=p.patterns)
    )
    open_keys = has_user_fields(p.children + p.patterns) or _PREFIXED_KEYS.fullmatch(p.name)
    alternatives = (td, FIELD_MAP) if open_keys else (td,)
    if mapped == ANY or mapped == DICT_ANY:
        return union(*alternatives)
    replaced: list[Ann] = []
    for part in mapped.parts():
        if part in (DICT_ANY, _MAP_IN):
            replaced.extend(alternatives)
        elif (
            part.name == "list" and part.args and part.args[0] in (ANY, DICT_ANY, _ITEM_IN, _MAP_IN)
        ):
            replaced.extend(Ann("list", (a,)) for a in alternatives)
        else:
            replaced.append(part)
    if td not in replaced and Ann("list", (td,)) not in replaced:
        # children documented under a scalar-looking type: trust the sub-table
        return union(*alternatives)
    return union(*replaced)


def literal_ann(p: Param, shown: tuple[Any, ...] = ()) -> Ann | None:
    """``Literal[...]`` of an explicit list of allowed values of a str or int type
    (``vocabulary.values.closed_list``; not when the page's own example sends a value the
    list lacks)."""
    values = list(dict.fromkeys(tx.clean(v) for v in p.values))
    if len(values) > 60 or not closed_list(p.name, p.description, tuple(values)):
        return None
    kind = vocab.scalar_kind(p.type)
    if any(str(v) not in values for v in shown if isinstance(v, (str, int))):
        return None
    if any(isinstance(v, (dict, list)) for v in shown):
        return None  # the listed "values" are the keys of the object the example sends
    if (kind == "str" or (kind == "" and not p.type)) and all(_LITERAL_OK.match(v) for v in values):
        return Ann("Literal", tuple(Ann(tx.py_str(v)) for v in values))
    if kind == "int":
        try:
            ints = list(dict.fromkeys(int(v) for v in values))
        except ValueError:
            return None
        return Ann("Literal", tuple(Ann(str(i)) for i in ints))
    return None


def form_field_ann(p: Param) -> Ann:
    """A form-encoded value's annotation (event calls), as the vocabulary decides it:
    scalars arrive as text, a PHP array as a list when keyed 0..n-1 and else a mapping."""
    return vocab.event_ann(p.type)


# -- results ------------------------------------------------------------------


def result_member_ann(
    p: Param,
    td_name: str,
    types: TypesCollector,
    values: list[Any],
    nullable: bool = False,
    single_record: bool = False,
) -> Ann:
    """A returned key: its documented type, as the example's values show it on the wire;
    ``nullable``: the portal sends ``null`` when it is unset (``vocabulary.presence``);
    ``single_record``: its value is the one record the method returns."""
    shown_null = any(v is None for v in values)
    values = [v for v in values if v is not None]
    by_id = [id_keyed_values(v) for v in values]
    if values and any(by_id):
        # a map keyed by id of plain values: the documented "member" names the key
        ann = id_map_ann(values, by_id, types.api_version)
        return union(ann, NONE) if shown_null or nullable else ann
    if p.children or any(record(v) or records_in(v) for v in values):
        members = p.children
        recs = [r for v in values for r in ([v] if isinstance(v, dict) else records_in(v))]
        if not members and recs:
            members = params_from_example(recs[0], 1)
        if members:
            ann = _records_ann(members, td_name, types, values, p.type, p.patterns, single_record)
            # what else the example shows here: a scalar, or PHP's [] for an empty object
            others = [v for v in values if not isinstance(v, dict) and not records_in(v)]
            if others:
                ann = union(ann, vx.narrow_to_example("", others, types.api_version))
            # an object left unset is null; a key typed as a scalar but holding an object
            # (the docs type names what the object is about) is not
            unset = nullable and bool(vocab.output_kinds(p.type) & {"map", "list"})
            return union(ann, NONE) if shown_null or unset else ann
    ann = vx.narrow_to_example(p.type, values, types.api_version)
    return union(ann, NONE) if shown_null or (nullable and ann != ANY) else ann


def _records_ann(
    members: tuple[Param, ...],
    td_name: str,
    types: TypesCollector,
    values: list[Any],
    typ: str,
    patterns: tuple[Param, ...] = (),
    single_record: bool = False,
) -> Ann:
    """An object (or a list of objects, or a map of them) whose keys are ``members``;
    ``single_record``: the one record the method returns."""
    recs: list[dict[str, Any]] = []
    as_list = typ.endswith("[]") or any(isinstance(v, list) for v in values)
    as_map = False
    for v in values:
        if isinstance(v, list):
            recs += [r for r in v if isinstance(r, dict)]
        elif isinstance(v, dict):
            inner = keyed_records(v, members)
            if inner is not None:
                as_map = True
                recs += inner
            else:
                recs.append(v)
    single_record = single_record and not as_map and not as_list
    td = Ann(
        "TD:"
        + types.typed_dict(
            td_name,
            members,
            returned=True,
            shown=tuple(recs),
            patterns=patterns,
            single_record=single_record,
        )
    )
    if as_map:
        return Ann("dict", (Ann("str"), td))
    if as_list:
        if any(isinstance(v, dict) for v in values):
            return union(Ann("list", (td,)), td)
        return Ann("list", (td,))
    return td


class _Result:
    """What every result-shape function reads, gathered once per method."""

    def __init__(self, method: Method, prefix: str, types: TypesCollector) -> None:
        r = method.returns
        rows = [f for f in r.fields if f.name not in _ENVELOPE]
        result_row = next((f for f in rows if f.name == "result"), None)
        members = tuple(f for f in rows if f.name != "result")
        if not members and result_row is not None:
            members = result_row.children
        self.members = members
        self.type = result_row.type if result_row is not None and result_row.type else r.type
        try:
            self.example: object = r.example_value()
        except ValueError:
            self.example = None
        self.prefix = prefix
        self.types = types
        self.method = method


def return_ann(method: Method, prefix: str, types: TypesCollector) -> tuple[Ann, bool]:
    """The return annotation and whether the method returns a page (``_invoke_page``).

    The returned-data table lists ``result`` itself and, as siblings or as its children,
    the members of the result; ``time``/``total``/``next`` belong to the envelope.
    """
    types.api_version = method.api_version
    types.fields_answer = presence.describes_fields(method.name, method.returns.shape)
    types.selects = any(_NAME_LISTS.fullmatch(p.name) for p in method.params)
    shape = method.returns.shape
    r = _Result(method, prefix, types)
    if method.returns.paged and shape in ("list", "items"):
        return _page_result(r), True
    kind = _RESULT_BY_SHAPE.get(shape)
    if kind is None:
        return ANY, False
    return kind(r), False


def _page_result(r: _Result) -> Ann:
    """``Page[Record]``: the records as the example shows them (a list or ``{"items": []}``)."""
    items = page_items(r.example)
    members = r.members
    if len(members) == 1 and members[0].children and not names_in(members, items):
        members = members[0].children  # the table documents the wrapper ("tasks": [...])
    if not names_in(members, items) and items:
        members = params_from_example(items[0])
    if not members:
        # records shown without their fields (rpa.item.list: "items": [{}, {}]) are objects
        return Ann("Page", (DICT_ANY if items else ANY,))
    td = r.types.typed_dict(r.prefix + "Item", members, returned=True, shown=tuple(items))
    return Ann("Page", (union(Ann("TD:" + td), *_plain_items(r)),))


def _plain_items(r: _Result) -> tuple[Ann, ...]:
    """What a list example shows besides records (im.department.colleagues.list: ids
    unless USER_DATA=Y asks for the records the table documents)."""
    if not isinstance(r.example, list):
        return ()
    plain = [v for v in r.example if not isinstance(v, dict)]
    return (vx.narrow_to_example("", plain, r.method.api_version),) if plain else ()


def _boolean_result(r: _Result) -> Ann:
    if r.example is not None and not isinstance(r.example, bool):
        return vx.narrow_to_example(r.type or "boolean", [r.example], r.method.api_version)
    return vocab.output_ann("boolean", 3)


def _scalar_result(r: _Result) -> Ann:
    if r.example is not None and not isinstance(r.example, (dict, list)):
        return vx.narrow_to_example(r.type, [r.example], r.method.api_version)
    return vocab.output_ann(r.type, r.method.api_version) if r.type else ANY


def _object_result(r: _Result) -> Ann:
    example = r.example
    members = r.members
    wrapper_key = ""
    by_id = id_keyed_values(example)
    if by_id is not None:
        return id_map_ann([example], [by_id], r.method.api_version)
    if isinstance(example, dict) and example:
        keyed = keyed_records(example, members)
        if keyed is not None:
            if not members:
                members = params_from_example(keyed[0])
            td = r.types.typed_dict(
                r.prefix + "Result",
                members,
                returned=True,
                shown=tuple(keyed),
                patterns=r.method.returns.patterns,
            )
            return Ann("dict", (Ann("str"), Ann("TD:" + td)))
        wrapped = wrapper_level(example, members)
        if wrapped is not None:
            wrapper_key = wrapped[0]
            # the wrapper level is in every answer: marked required
            members = (Param(name=wrapper_key, type="object", required=True, children=members),)
        else:
            if not members or not names_in(members, [example]):
                members = merge_rows(members, params_from_example(example))
            if len(members) == 1 and record(example.get(members[0].name)):
                # one key holds the record ({"item": {...}}, in table or example): always sent
                wrapper_key = members[0].name
                members = (replace(members[0], required=True),)
    elif isinstance(example, list):
        return _list_result(r)
    if members:
        shown = (example,) if isinstance(example, dict) else ()
        return Ann(
            "TD:"
            + r.types.typed_dict(
                r.prefix + "Result",
                members,
                returned=True,
                shown=shown,
                patterns=r.method.returns.patterns,
                single_record=True,
                wrapper_key=wrapper_key,
            )
        )
    return DICT_ANY if example is None or isinstance(example, dict) else ANY


def _list_result(r: _Result) -> Ann:
    items = [v for v in r.example if isinstance(v, dict)] if isinstance(r.example, list) else []
    members = r.members
    if items and (not members or not names_in(members, items)):
        members = (
            merge_rows(members, params_from_example(items[0]))
            if members
            else params_from_example(items[0])
        )
    if members:
        td = r.types.typed_dict(r.prefix + "Item", members, returned=True, shown=tuple(items))
        return Ann("list", (union(Ann("TD:" + td), *_plain_items(r)),))
    if isinstance(r.example, list) and r.example:
        return Ann("list", (vx.narrow_to_example("", list(r.example), r.method.api_version),))
    return LIST_ANY


_RESULT_BY_SHAPE: dict[str, Callable[[_Result], Ann]] = {
    "boolean": _boolean_result,
    "scalar": _scalar_result,
    "object": _object_result,
    "item": _object_result,
    "items": _object_result,
    "list": _list_result,
}
