"""What the docs' examples show, against the vocabulary: a returned value's annotation as
the response example has it, whether a request example's value fits a docs type, and the
docs type an example's JSON value stands for."""

from __future__ import annotations

from typing import Any

from generator.vocabulary.annotation import (
    ANY,
    DICT_ANY,
    FLOAT,
    INT,
    LIST_ANY,
    NONE,
    STR,
    YN,
    Ann,
    union,
)
from generator.vocabulary.types import (
    _KIND_ANN,
    WIRE_KINDS,
    DocsType,
    kind_of,
    output_ann,
    output_kinds,
    parse,
)


def narrow_to_example(expr: str, values: list[Any], api_version: int = 2) -> Ann:
    """A returned value's annotation from the values the response examples show.

    The example wins for the wire type (it comes from a real portal): numeric strings are
    ``str``, Y/N flags where the docs say boolean are ``Literal["Y", "N"]``, a PHP ``[]`` or
    ``{}`` where the docs name another type is shown as such, and ``null`` makes the type
    Optional. With no usable value the docs type decides (``output_ann``)."""
    kinds = {kind_of(v) for v in values}
    if not kinds - {"null"}:
        ann = output_ann(expr, api_version)
        return union(ann, NONE) if kinds and ann != ANY else ann
    declared = output_kinds(expr, api_version)
    anns: list[Ann] = []
    for k in WIRE_KINDS:
        if k not in kinds or k == "null":
            continue
        if k == "list":
            anns.append(_shown_list(expr, [v for v in values if isinstance(v, list)], api_version))
        elif k == "map":
            lang = Ann("dict", (STR, STR))
            maps = [v for v in values if isinstance(v, dict)]
            as_lang = lang in output_ann(expr, api_version).parts()
            texts = all(isinstance(x, str) for m in maps for x in m.values())
            anns.append(lang if as_lang and texts else DICT_ANY)
        elif k in ("numeric", "flag"):
            # a flag where the docs say string is just a string; where they say boolean,
            # it is the Y/N flag the portal really sends
            anns.append(YN if k == "flag" and "string" not in declared and declared else STR)
        elif k == "integer" and "number" in declared:
            anns.append(FLOAT)
        else:
            anns.append(_KIND_ANN[k] if k != "bit" else INT)
    if "null" in kinds:
        anns.append(NONE)
    return union(*anns)


def _shown_list(expr: str, lists: list[list[Any]], api_version: int) -> Ann:
    """``list[T]``: T from the docs' ``T[]`` when it names one, narrowed by the items shown."""
    items = [x for lst in lists for x in lst]
    inner = next((t for t in parse(expr) if t.depth), None)
    if inner is None:
        if not items or any(isinstance(x, (dict, list)) for x in items):
            return LIST_ANY
        return Ann("list", (narrow_to_example("", items, api_version),))
    inner_expr = inner.docs.name + "[]" * (inner.depth - 1)
    if not items:
        return Ann("list", (output_ann(inner_expr, api_version),))
    if any(isinstance(x, dict) for x in items):
        return LIST_ANY
    return Ann("list", (narrow_to_example(inner_expr, items, api_version),))


def accepts_value(expr: str, value: Any) -> bool:
    """Whether a parameter of docs type ``expr`` takes ``value`` as its input form says."""
    terms = parse(expr)
    if not terms:
        return True
    return any(_term_accepts(t.docs, t.depth, value) for t in terms)


def _term_accepts(docs: DocsType, depth: int, value: Any) -> bool:
    if depth:
        return isinstance(value, list) and all(_term_accepts(docs, depth - 1, v) for v in value)
    if not docs.accepts:
        return True
    if docs.structure == "multifield":
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    kind = kind_of(value)
    if kind == "integer" and value in (0, 1) and "bit" in docs.accepts:
        return True
    if kind in ("numeric", "flag") and "string" in docs.accepts:
        return True
    if kind == "integer" and "number" in docs.accepts:
        return True
    if kind == "list" and "list" in docs.accepts:
        return all(not isinstance(v, list) for v in value)  # LIST_ITEM: no nested lists
    if kind == "map" and "map" in docs.accepts:
        return all(_field_value(v) for v in value.values())
    return kind in docs.accepts


def _field_value(value: Any) -> bool:
    """Whether ``value`` fits ``FieldValue`` (a scalar, an object, a list of those)."""
    return not isinstance(value, list) or all(not isinstance(v, list) for v in value)


# The docs type a value's wire kind (``kind_of``) is written as; a string is a string
# whatever it holds, and null names no type.
_KIND_AS_DOCS_TYPE = {"number": "double", "map": "object", "flag": "string", "numeric": "string"}


def example_type(value: Any) -> str:
    """The docs type expression a JSON value of an example stands for ("" for null)."""
    if isinstance(value, list):
        inner = {example_type(v) for v in value}
        if len(inner) == 1 and (only := inner.pop()) not in ("", "object"):
            return only + "[]"
        return "array[]" if any(isinstance(v, list) for v in value) else "array"
    kind = kind_of(value)
    return "" if kind == "null" else _KIND_AS_DOCS_TYPE.get(kind, kind)
