"""Annotation decisions: a parameter's or a result's Python type, one function per kind.

Parameters: documented sub-table -> a ``TypedDict`` (``_typed_dict_ann``), listed values
-> a ``Literal`` (``literal_ann``), otherwise the docs type mapped (``typemap.map_type``).
Results: one function per response shape (``_RESULT_BY_SHAPE``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.model import Method, Param
from generator.render import text as tx
from generator.render.examples import with_example
from generator.render.naming import NameRegistry, camel
from generator.render.typemap import (
    ANY,
    BOOL,
    DICT_ANY,
    FLOAT,
    INT,
    LIST_ANY,
    QUALIFIED,
    STR,
    Ann,
    base_kind,
    map_type,
    union,
)
from generator.render.views import ModuleView, TypedDictView

# Names imported at module level of every generated types module.
TYPES_RESERVED = ("Any", "Literal", "NotRequired", "Required", "TypedDict", "sys")
# Listed values become a Literal only when they look like tokens (not operators or prose).
_LITERAL_OK = re.compile(r"[\w.:/-]{1,64}\Z")
_ENVELOPE = ("time", "total", "next")  # returned-data rows of the envelope, not the result


class TypesCollector:
    """Collects the TypedDicts of one types module, names unique within it."""

    def __init__(self, module: ModuleView) -> None:
        self.module = module
        self.registry = NameRegistry(TYPES_RESERVED + tuple(QUALIFIED))

    def typed_dict(self, wanted: str, params: tuple[Param, ...], *, returned: bool) -> str:
        name = self.registry.claim(wanted)
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for p in params:
            if p.name in seen:
                continue
            seen.add(p.name)
            ann = param_ann(p, f"{name}{camel(p.name)}", self, returned=returned)
            text = ann.render(td_prefix="")
            if returned:
                wrapper = "NotRequired"
            else:
                wrapper = "Required" if p.required else "NotRequired"
            keys.append((tx.py_str(p.name), f"{wrapper}[{text}]"))
        self.module.typeddicts.append(TypedDictView(name, keys))
        return name


# -- parameters ---------------------------------------------------------------


def param_ann(p: Param, td_name: str, types: TypesCollector, *, returned: bool = False) -> Ann:
    if p.children:
        return _typed_dict_ann(p, td_name, types, returned=returned)
    lit = literal_ann(p)
    if lit is not None:
        return lit
    return map_type(p.type).ann


def _typed_dict_ann(p: Param, td_name: str, types: TypesCollector, *, returned: bool) -> Ann:
    """A parameter with a sub-table: its TypedDict, in place of the dict its type names."""
    mapped = map_type(p.type).ann
    td = Ann("TD:" + types.typed_dict(td_name, p.children, returned=returned))
    if mapped == ANY or mapped == DICT_ANY:
        return td
    parts = mapped.args if mapped.name == "|" else (mapped,)
    replaced = []
    for part in parts:
        if part == DICT_ANY:
            replaced.append(td)
        elif part == LIST_ANY or part == Ann("list", (DICT_ANY,)):
            replaced.append(Ann("list", (td,)))
        else:
            replaced.append(part)
    if td not in replaced and Ann("list", (td,)) not in replaced:
        # children documented under a scalar-looking type: trust the sub-table
        return td
    return union(*replaced)


def literal_ann(p: Param) -> Ann | None:
    """``Literal[...]`` of the listed values, when they are tokens of a str or int type."""
    if not p.values or len(p.values) > 60:
        return None
    kind = base_kind(p.type)
    values = list(dict.fromkeys(tx.clean(v) for v in p.values))
    if (kind == "str" or (kind == "" and not p.type)) and all(_LITERAL_OK.match(v) for v in values):
        return Ann("Literal", tuple(Ann(tx.py_str(v)) for v in values))
    if kind == "int":
        try:
            ints = list(dict.fromkeys(int(v) for v in values))
        except ValueError:
            return None
        return Ann("Literal", tuple(Ann(str(i)) for i in ints))
    return None


# -- results ------------------------------------------------------------------


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


def return_ann(method: Method, prefix: str, types: TypesCollector) -> tuple[Ann, bool]:
    """The return annotation and whether the method returns a page (``_invoke_page``).

    The returned-data table lists ``result`` itself and, as siblings or as its children,
    the members of the result; ``time``/``total``/``next`` belong to the envelope.
    """
    shape = method.returns.shape
    if method.returns.paged and shape in ("list", "items"):
        return Ann("Page"), True
    kind = _RESULT_BY_SHAPE.get(shape)
    if kind is None:
        return ANY, False
    return kind(_Result(method, prefix, types)), False


def _boolean_result(r: _Result) -> Ann:
    return BOOL


def _scalar_result(r: _Result) -> Ann:
    mapped = map_type(r.type).ann if r.type else ANY
    if mapped == ANY and r.example is not None and not isinstance(r.example, (dict, list)):
        mapped = _example_scalar(r.example)
    return mapped


def _object_result(r: _Result) -> Ann:
    members = with_example(r.members, r.example)
    if members:
        return Ann("TD:" + r.types.typed_dict(r.prefix + "Result", members, returned=True))
    return DICT_ANY if r.example is None or isinstance(r.example, dict) else ANY


def _list_result(r: _Result) -> Ann:
    first = r.example[0] if isinstance(r.example, list) and r.example else None
    members = with_example(r.members, first)
    if members:
        td = r.types.typed_dict(r.prefix + "Item", members, returned=True)
        return Ann("list", (Ann("TD:" + td),))
    return LIST_ANY


_RESULT_BY_SHAPE: dict[str, Callable[[_Result], Ann]] = {
    "boolean": _boolean_result,
    "scalar": _scalar_result,
    "object": _object_result,
    "item": _object_result,
    "items": _object_result,
    "list": _list_result,
}


def _example_scalar(value: object) -> Ann:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, str):
        return STR
    return ANY
