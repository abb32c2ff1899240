"""The docs' type vocabulary, decided once: what each docs type is on the wire.

Every consumer reads its form of a type from here: the SDK's annotations on input and on
output (``input_ann``, ``output_ann``), the OpenAPI export (``wire_schema``), the emulator's
stored value (``storage``), the typed events (``event_ann``) and the docstrings
(``meaning``). A docs type is described by the JSON *wire kinds* a value of it takes:

- on input, what the portal accepts (PHP reads every scalar from text, so an integer is a
  number or a numeric string; a documented ``boolean`` takes ``Y``/``N``; a PHP ``array``
  is a list or a map);
- on output, what the portal sends when nothing else is known (REST 2 sends most numbers
  as strings and flags as ``Y``/``N``); a response example narrows this per field, because
  examples come from real portals;
- in events, what the form-encoded handler call delivers (every scalar as text).

Annotations are small trees (``Ann``) rendered to text only at the end, because the same
name may need qualifying in one class (a method called ``list`` shadows the builtin inside
its class body) and not in another.
"""

from __future__ import annotations

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from generator.vocabulary.annotation import (
    _BIT,
    ANY,
    BOOL,
    DICT_ANY,
    FLOAT,
    INT,
    LIST_ANY,
    NONE,
    QUALIFIED,
    STR,
    YN,
    Ann,
    merge_lists,
    union,
)

__all__ = [
    "ANY",
    "BOOL",
    "DICT_ANY",
    "FLOAT",
    "INT",
    "LIST_ANY",
    "NONE",
    "QUALIFIED",
    "STR",
    "YN",
    "Ann",
    "merge_lists",
    "union",
    "VOCABULARY",
    "DocsType",
    "lookup",
    "parse",
    "kind_of",
    "input_ann",
    "output_ann",
    "output_kinds",
    "event_ann",
    "storage",
    "meaning",
    "scalar_kind",
    "FIELD_VALUE",
    "LIST_ITEM",
    "WIRE_KINDS",
]
_ = _BIT

# -- wire kinds ----------------------------------------------------------------------

# A JSON value's kind on the wire. "numeric" is a string holding a number ("43", "1.50");
# "flag" is the string "Y" or "N".
WIRE_KINDS = (
    "integer",
    "number",
    "numeric",
    "string",
    "flag",
    "boolean",
    "bit",
    "null",
    "map",
    "list",
)
ANY_KINDS: frozenset[str] = frozenset()  # no constraint: anything

_KIND_ANN = {
    "integer": INT,
    "number": FLOAT,
    "numeric": STR,
    "string": STR,
    "flag": YN,
    "boolean": BOOL,
    "bit": Ann("Literal", (Ann("0"), Ann("1"))),
    "null": NONE,
    "map": DICT_ANY,
    "list": LIST_ANY,
}
_KIND_SCHEMA: dict[str, dict[str, Any]] = {
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "numeric": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"},
    "string": {"type": "string"},
    "flag": {"type": "string", "enum": ["Y", "N"]},
    "boolean": {"type": "boolean"},
    "bit": {"type": "integer", "enum": [0, 1]},
    "null": {"type": "null"},
    "map": {"type": "object"},
    "list": {"type": "array"},
}


def kind_of(value: Any) -> str:
    """The wire kind of a JSON value (``"43"`` is numeric, ``"Y"`` a flag)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "list"
    if value in ("Y", "N"):
        return "flag"
    if _NUMERIC.fullmatch(value):
        return "numeric"
    return "string"


_NUMERIC = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

# What a wire kind on output says about the whole type: a value of "numeric" kind is a str.
_SAME_FAMILY = {
    "numeric": {"string", "numeric"},
    "flag": {"string", "flag"},
}


@dataclass(frozen=True)
class DocsType:
    """One base type of the docs (no ``[]``, no union)."""

    name: str
    accepts: frozenset[str]  # wire kinds on input; empty = anything
    returns: frozenset[str]  # wire kinds on output (REST 2) when no example says more
    returns_v3: frozenset[str]  # wire kinds on output of REST 3.0 (real JSON types)
    storage: str  # what the emulator stores: "integer" | "number" | "boolean" | "as-sent"
    meaning: str = ""  # for docstrings
    structure: str = ""  # "multifield" | "lang_map" | "file" | "": a documented shape


def _t(
    name: str,
    accepts: str,
    returns: str,
    storage: str = "as-sent",
    meaning: str = "",
    structure: str = "",
    v3: str | None = None,
) -> DocsType:
    def kinds(text: str) -> frozenset[str]:
        return frozenset(text.split()) if text != "*" else ANY_KINDS

    return DocsType(
        name, kinds(accepts), kinds(returns), kinds(v3 or accepts), storage, meaning, structure
    )


_INT_IN = "integer numeric"
_INT_OUT = "integer numeric"
_NUM_IN = "number integer numeric"
_BOOL_IN = "boolean flag"

# Base types of the docs vocabulary. Unknown names take anything: the generator does not
# guess (their annotation is Any).
VOCABULARY: dict[str, DocsType] = {
    t.name: t
    for t in (
        _t("string", "string numeric flag", "string numeric flag", v3="string numeric flag"),
        _t("text", "string numeric flag", "string numeric flag", v3="string numeric flag"),
        _t("str", "string numeric flag", "string numeric flag", v3="string numeric flag"),
        _t("integer", _INT_IN, _INT_OUT, "integer", v3="integer"),
        _t("int", _INT_IN, _INT_OUT, "integer", v3="integer"),
        _t("long", _INT_IN, _INT_OUT, "integer", v3="integer"),
        _t("bigint", _INT_IN, _INT_OUT, "integer", v3="integer"),
        _t("number", _NUM_IN, "number integer numeric", "number", v3="number integer"),
        _t("double", _NUM_IN, "number integer numeric", "number", v3="number integer"),
        _t("float", _NUM_IN, "number integer numeric", "number", v3="number integer"),
        _t("decimal", _NUM_IN, "number integer numeric", "number", v3="number integer"),
        _t(
            "money",
            _NUM_IN,
            "number integer numeric",
            "number",
            "an amount, sent as a number or a decimal string",
            v3="number integer",
        ),
        _t(
            "boolean",
            _BOOL_IN + " bit",
            "boolean flag",
            "boolean",
            "Y/N or true/false",
            v3="boolean",
        ),
        _t("bool", _BOOL_IN + " bit", "boolean flag", "boolean", "Y/N or true/false", v3="boolean"),
        _t("object", "map", "map list", v3="map"),  # an empty PHP map arrives as []
        _t("json", "map", "map list", v3="map"),
        _t("array", "list map", "list map", meaning="a PHP array: a list or a map"),
        _t("null", "null", "null"),
        _t("any", "*", "*"),
        _t("mixed", "*", "*"),
        _t("undefined", "*", "*"),
        _t("char", "string flag", "string flag", meaning="one character, usually a Y/N flag"),
        _t("date", "string", "string", meaning="date as text, e.g. 2024-01-31"),
        _t(
            "datetime",
            "string",
            "string",
            meaning="date and time as ISO 8601 text, e.g. 2024-01-31T10:00:00+03:00",
        ),
        # "time" is a time of day in parameter tables and the envelope's timing object in
        # returned-data tables
        _t("time", "string", "string map", meaning="time as text"),
        _t("timestamp", _INT_IN, _INT_OUT, "integer", "Unix time in seconds", v3="integer"),
        _t("enum", "string numeric", "string numeric", meaning="one of the listed values"),
        _t(
            "file",
            "list map string",
            "map list string",
            meaning="a file: [name, base64 content] or {fileData: [name, base64]}",
            structure="file",
        ),
        _t(
            "attached_diskfile",
            _INT_IN + " list map",
            _INT_OUT,
            "integer",
            "id of a file on Drive, or a file to upload as [name, base64 content]",
        ),
        _t("disk_file", _INT_IN, _INT_OUT, "integer", "id of a file on Drive"),
        _t(
            "diskfile",
            _INT_IN + " list map",
            _INT_OUT,
            "integer",
            "id of a file on Drive, or a file to upload as [name, base64 content]",
        ),
        _t("user", _INT_IN, _INT_OUT, "integer", "user id"),
        _t("employee", _INT_IN, _INT_OUT, "integer", "user id"),
        _t("crm_status", "string numeric", "string numeric", meaning="STATUS_ID of a CRM list"),
        _t("crm_currency", "string", "string", meaning="currency code"),
        _t("crm_company", _INT_IN, _INT_OUT, "integer", "company id"),
        _t("crm_contact", _INT_IN, _INT_OUT, "integer", "contact id"),
        _t("crm_lead", _INT_IN, _INT_OUT, "integer", "lead id"),
        _t("crm_deal", _INT_IN, _INT_OUT, "integer", "deal id"),
        _t("crm_quote", _INT_IN, _INT_OUT, "integer", "quote id"),
        _t("crm_category", _INT_IN, _INT_OUT, "integer", "CRM funnel id"),
        _t(
            "crm_entity",
            "integer numeric string",
            "integer numeric string",
            meaning="CRM entity binding: a numeric id, or a prefixed one such as C_12",
        ),
        _t(
            "crm_multifield",
            "list",
            "list",
            meaning="multifield values: a list of {VALUE, VALUE_TYPE[, ID]} objects",
            structure="multifield",
        ),
        _t("lang_map", "map", "map list", meaning="texts by language code", structure="lang_map"),
        _t("iblock_section", _INT_IN, _INT_OUT, "integer", "information block section id"),
        _t("location", _INT_IN, _INT_OUT, "integer", "location id"),
    )
}

# Types whose docs spelling already means "a list of": ``crm_multifield[]`` is the same list.
_LIST_ITSELF = {"crm_multifield"}

_SPLIT = re.compile(r"\s*\|\s*")
_CLEAN = re.compile(r"[`*\s]")


@functools.lru_cache(maxsize=8192)
def lookup(base: str) -> DocsType:
    """The vocabulary entry of one base type (``sale_order.id`` is an id, ``x.code`` a code)."""
    key = base.lower()
    if key in VOCABULARY:
        return VOCABULARY[key]
    if key.endswith((".id", "_id")):
        owner = base.rsplit(".", 1)[0]
        return _t(key, _INT_IN, _INT_OUT, "integer", f"id of a {owner}", v3="integer")
    if key.endswith(".code"):
        return _t(key, "string", "string", meaning=f"code of a {base.rsplit('.', 1)[0]}")
    return _t(key, "*", "*")


@dataclass(frozen=True)
class TypeTerm:
    """One alternative of a docs type expression: a base type, ``depth`` times a list."""

    docs: DocsType
    depth: int  # "integer[][]" -> 2


@functools.lru_cache(maxsize=8192)
def parse(expr: str) -> tuple[TypeTerm, ...]:
    """``"string|integer[]"`` -> its alternatives; ``()`` when the docs give no type."""
    terms = []
    for part in _SPLIT.split(_CLEAN.sub("", expr or "")):
        if not part:
            continue
        depth = 0
        while part.endswith("[]"):
            part, depth = part[:-2], depth + 1
        docs = lookup(part)
        if docs.name in _LIST_ITSELF:
            depth = max(0, depth - 1)
        terms.append(TypeTerm(docs, depth))
    return tuple(terms)


# -- the forms each consumer reads ----------------------------------------------------


def _kinds_ann(kinds: frozenset[str], *, output: bool = True) -> Ann:
    if not kinds:
        return ANY
    table = _KIND_ANN if output else _KIND_ANN_IN
    return union(*(table[k] for k in WIRE_KINDS if k in kinds))


# On input a map's values and a list's items are what PHP decodes from a request: scalars,
# objects, lists of scalars or objects; never deeper lists unless the docs say so
# (``integer[][]``). ``FieldValue`` is defined in every generated types module with the
# same meaning (templates/client/types_module.py.j2); inside a list the items are scalars
# or objects.
FIELD_VALUE = Ann("TD:FieldValue")
LIST_ITEM = Ann("|", (STR, INT, FLOAT, DICT_ANY, NONE))
_KIND_ANN_IN = {
    **_KIND_ANN,
    "map": Ann("dict", (STR, FIELD_VALUE)),
    "list": Ann("list", (LIST_ITEM,)),
}


_MULTIFIELD_ITEM = Ann("dict", (STR, Ann("|", (STR, INT))))
_FILE_IN = Ann(
    "|",
    (
        Ann("list", (STR,)),
        Ann("dict", (STR, ANY)),
        STR,
    ),
)


def _structured(docs: DocsType, *, output: bool) -> Ann | None:
    if docs.structure == "multifield":
        return Ann("list", (DICT_ANY if output else _MULTIFIELD_ITEM,))
    if docs.structure == "lang_map":
        return Ann("dict", (STR, STR)) if not output else union(Ann("dict", (STR, STR)), LIST_ANY)
    if docs.structure == "file" and not output:
        return _FILE_IN
    return None


def _wrap(ann: Ann, depth: int) -> Ann:
    for _ in range(depth):
        ann = Ann("list", (ann,))
    return ann


@functools.lru_cache(maxsize=8192)
def input_ann(expr: str) -> Ann:
    """What a parameter of docs type ``expr`` accepts, as an annotation (Any when untyped)."""
    terms = parse(expr)
    if not terms:
        return ANY
    anns = []
    for t in terms:
        ann = _structured(t.docs, output=False) or _kinds_ann(t.docs.accepts, output=False)
        anns.append(_wrap(ann, t.depth))
    return merge_lists(union(*anns))


@functools.lru_cache(maxsize=8192)
def output_kinds(expr: str, api_version: int = 2) -> frozenset[str]:
    """The wire kinds a returned scalar of docs type ``expr`` takes (empty = anything)."""
    kinds: set[str] = set()
    for t in parse(expr):
        if t.depth:
            kinds.add("list")
            continue
        got = t.docs.returns_v3 if api_version == 3 else t.docs.returns
        if not got:
            return ANY_KINDS
        kinds |= got
    return frozenset(kinds)


@functools.lru_cache(maxsize=8192)
def output_ann(expr: str, api_version: int = 2) -> Ann:
    """What a returned value of docs type ``expr`` is, when no example shows it."""
    terms = parse(expr)
    if not terms:
        return ANY
    anns = []
    for t in terms:
        kinds = t.docs.returns_v3 if api_version == 3 else t.docs.returns
        ann = _structured(t.docs, output=True) or _kinds_ann(kinds)
        anns.append(_wrap(ann, t.depth))
    return union(*anns)


def event_ann(expr: str) -> Ann:
    """A key of an event payload: the handler call is form-encoded, so scalars are text."""
    terms = parse(expr)
    if not terms:
        return ANY
    anns = []
    for t in terms:
        if t.depth:  # a list arrives as a PHP array: keyed 0..n-1 or, after a gap, a map
            anns.append(union(LIST_ANY, DICT_ANY))
            continue
        if not t.docs.accepts:
            return ANY
        if t.docs.accepts & {"map", "list"}:
            ann = _kinds_ann(t.docs.accepts & {"map", "list"})
            if "list" in t.docs.accepts:  # form encoding sends a PHP list keyed 0..n-1
                ann = union(LIST_ANY, DICT_ANY)
            if t.docs.accepts - {"map", "list"}:
                ann = union(STR, ann)
        else:
            ann = STR
        anns.append(_wrap(ann, t.depth))
    return union(*anns)


def storage(expr: str) -> str:
    """What the emulator stores for a value of docs type ``expr`` sent as text."""
    terms = parse(expr)
    return terms[0].docs.storage if terms else "as-sent"


def meaning(expr: str) -> str:
    """What a domain type means, for docstrings ("" for the plain ones)."""
    out: list[str] = []
    for t in parse(expr):
        if t.docs.meaning and t.docs.meaning not in out:
            out.append(t.docs.meaning)
    return "; ".join(out)


def scalar_kind(expr: str) -> str:
    """The Python scalar of a type expression, for Literal values: "str", "int" or ""."""
    terms = parse(expr)
    if len(terms) != 1 or terms[0].depth:
        return ""
    accepts = terms[0].docs.accepts
    if accepts and accepts <= {"integer", "numeric"}:
        return "int"
    if accepts and accepts <= {"string", "numeric", "flag"}:
        return "str"
    return ""
