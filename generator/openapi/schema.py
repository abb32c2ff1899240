"""Docs type expressions and parameter tables -> JSON Schema (the OpenAPI 3.1 dialect).

Two flavours of every schema are produced:

- *request* schemas are as strict as the docs allow (types, enums, ``required`` lists),
  because they tell a client what to send;
- *response* schemas are lenient on scalars, because the portal sends most numbers and
  flags as strings on the wire ("ID": "1000983", "OPENED": "Y") whatever the docs' type
  column says. A response schema that rejected the real portal would be worse than none.

Objects are never closed (no ``additionalProperties: false``): the portal accepts and
returns user fields (UF_*) and fields the docs do not list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from generator.model import Param
from generator.vocabulary import types as vocab
from generator.vocabulary.schema import wire_schema

# What the export adds to the wire kinds the vocabulary decides (generator.vocabulary.types):
# formats and descriptions. The docs' own spelling is kept in ``x-b24-type``.
_EXTRA: dict[str, dict[str, Any]] = {
    "char": {"description": "A single character flag, usually Y or N."},
    "date": {"format": "date"},
    "datetime": {"format": "date-time"},
    "timestamp": {"description": "Unix timestamp, seconds."},
    "user": {"description": "A user ID."},
    "lang_map": {
        "additionalProperties": {"type": "string"},
        "description": "Language code -> text.",
    },
    "crm_multifield": {
        "items": {"type": "object"},
        "description": "Multi-field values (phone, e-mail, …): objects of VALUE, VALUE_TYPE, TYPE_ID.",
    },
    "file": {
        "description": "A file: base64 content as [name, content], {fileData: …}, or a disk ID.",
    },
    "time": {"description": "Timing information or a time value."},
}

# Domain types that hold an ID or a code of a record of another entity.
_ID_LIKE = re.compile(r"^(crm_(?!multifield|currency|status)\w+|sale_\w+|catalog_\w+|\w+\.id)$")
_CODE_LIKE = re.compile(r"^(crm_currency|crm_status|\w+\.code)$")
_PLAIN = ("string", "integer", "boolean", "object", "array", "double", "number")


def split_type(expr: str) -> list[str]:
    """``"string|array"`` -> ["string", "array"]; blanks and spaces dropped."""
    return [t.strip() for t in expr.replace("`", "").split("|") if t.strip()]


def base_schema(type_name: str, *, lenient: bool = False) -> dict[str, Any]:
    """One docs type (no unions) -> a JSON schema of its wire form on input (or, lenient, on
    output, where unset values come back as null), with the docs type kept when unusual."""
    t = type_name.strip()
    if t.endswith("[]") and vocab.parse(t) and vocab.parse(t)[0].depth:
        return {"type": "array", "items": base_schema(t[:-2], lenient=lenient)}
    key = t.lower()
    schema = dict(wire_schema(t, output=lenient)) if t else {}
    schema.update(_EXTRA.get(key, {}))
    if not schema.get("description"):
        if _CODE_LIKE.match(key) and key not in _EXTRA:
            schema["description"] = f"A code ({t})."
        elif _ID_LIKE.match(key) and key not in _EXTRA:
            schema["description"] = f"An ID ({t})."
        elif not wire_schema(t) and key not in _EXTRA:
            schema["description"] = f"Type {t}." if t else "Type not documented."
    if t and key not in _PLAIN:
        schema["x-b24-type"] = t
    if lenient and schema.get("type") or lenient and "anyOf" in schema:
        schema = _nullable(schema)
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in schema:
        if {"type": "null"} not in schema["anyOf"]:
            schema["anyOf"] = [*schema["anyOf"], {"type": "null"}]
        return schema
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "null" not in kinds:
        schema["type"] = [*kinds, "null"]
    return schema


def type_schema(expr: str, *, lenient: bool = False) -> dict[str, Any]:
    """A docs type expression (maybe a union) -> JSON schema; unions become anyOf."""
    parts = split_type(expr)
    if not parts:
        return {}
    if len(parts) == 1:
        return base_schema(parts[0], lenient=lenient)
    return {"anyOf": [base_schema(p, lenient=lenient) for p in parts]}


def _is_placeholder(name: str) -> bool:
    # "UF_...", "ufCrm...", "<селектор>", "{BOT_ID}", "PARENT_ID_..." stand for a family of keys
    return any(mark in name for mark in ("...", "…", "<", ">", "{", "}")) or not name.strip()


def _enum(values: Iterable[str], schema: dict[str, Any]) -> None:
    vals = [v for v in dict.fromkeys(values) if v != ""]
    if not vals:
        return
    kind = schema.get("type")
    if "anyOf" in schema and {"type": "integer"} in schema["anyOf"]:
        kind = "integer"  # a number or a numeric string; listed numbers are sent as numbers
    if kind == "integer" and all(re.fullmatch(r"-?\d+", v) for v in vals):
        schema.pop("anyOf", None)
        schema["type"] = "integer"
        schema["enum"] = [int(v) for v in vals]
    elif kind in (None, "string") and "anyOf" not in schema:
        schema["type"] = "string"
        schema["enum"] = vals
    else:
        # values listed for a non-string type (Y/N for a boolean, …): the schema stays
        # as typed and the listing goes into the description
        schema["description"] = _join(schema.get("description", ""), "Values: " + ", ".join(vals))


def _join(*texts: str) -> str:
    return " ".join(t for t in texts if t).strip()


def param_schema(p: Param, *, lenient: bool = False) -> dict[str, Any]:
    """One parameter (with its children) -> schema; descriptions and defaults kept."""
    if p.children or p.patterns:
        obj = object_schema(p.children, lenient=lenient, patterns=p.patterns)
        if p.is_array:
            schema: dict[str, Any] = {"type": "array", "items": obj}
        else:
            # a named object type ("lead", "item") is the documented object itself; only
            # the base types beside it ("object|boolean") are alternatives
            others = [
                t
                for t in split_type(p.type)
                if t.lower() in vocab.VOCABULARY and t.lower() not in ("object", "array")
            ]
            if others and not p.type.endswith("[]"):
                # "object|string": the documented object or the other form
                schema = {"anyOf": [obj] + [base_schema(t, lenient=lenient) for t in others]}
            else:
                schema = obj
        if p.type and p.type.lower() not in ("object", "array", "object[]"):
            schema["x-b24-type"] = p.type
    else:
        schema = type_schema(p.type, lenient=lenient)
        if p.values and not lenient:
            _enum(p.values, schema)
        elif p.values:
            schema["description"] = _join(
                schema.get("description", ""), "Values: " + ", ".join(p.values)
            )
    base = schema.pop("description", "")
    description = f"{p.description} ({base})" if p.description and base else p.description or base
    if description:
        schema = {"description": description, **schema}
    if p.default is not None:
        schema["x-b24-default"] = p.default
    return schema


def object_schema(
    params: Iterable[Param], *, lenient: bool = False, patterns: Iterable[Param] = ()
) -> dict[str, Any]:
    """A parameter table -> an object schema with ``properties`` and a ``required`` list.

    ``patterns``: the keys the reader recorded as placeholders (``Param.patterns``)."""
    props: dict[str, dict[str, Any]] = {}
    required: list[str] = []
    placeholders: list[str] = [q.name for q in patterns]
    for p in _nest_dotted(params):
        if _is_placeholder(p.name):
            placeholders.append(p.name)
            continue
        if p.name in props:  # duplicate rows in one table: the first one wins
            if p.required and p.name not in required and not lenient:
                required.append(p.name)
            continue
        props[p.name] = param_schema(p, lenient=lenient)
        if p.required and not lenient:
            required.append(p.name)
    # an empty PHP mapping arrives as [], an unset one as null
    kind: Any = ["object", "array", "null"] if lenient else "object"
    schema: dict[str, Any] = {"type": kind, "properties": props}
    if required:
        schema["required"] = required
    if placeholders:
        schema["description"] = "Also accepts keys of the form: " + ", ".join(placeholders)
    return schema


def _nest_dotted(params: Iterable[Param]) -> list[Param]:
    """Attach rows named ``parent.child`` (or ``parent[].child``) to their parent row.

    The reader normally does this already; doing it here too keeps the export right for
    tables the reader leaves flat.
    """
    out: list[Param] = []
    by_name: dict[str, int] = {}
    for p in params:
        head, sep, rest = p.name.partition(".")
        head_key = head.removesuffix("[]")
        if sep and rest and head_key in by_name and not _is_placeholder(p.name):
            i = by_name[head_key]
            parent = out[i]
            child = Param(
                name=rest,
                type=p.type,
                required=p.required,
                description=p.description,
                default=p.default,
                values=p.values,
                children=p.children,
                line=p.line,
            )
            out[i] = Param(
                name=parent.name,
                type=parent.type or ("object[]" if head.endswith("[]") else "object"),
                required=parent.required,
                description=parent.description,
                default=parent.default,
                values=parent.values,
                children=tuple(_nest_dotted(parent.children + (child,))),
                line=parent.line,
            )
            continue
        by_name.setdefault(p.name, len(out))
        out.append(p)
    return out


def example_schema(value: Any) -> dict[str, Any]:
    """A loose schema inferred from a documented example: types only, nothing required."""
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"type": ["boolean", "string", "integer"]}
    if isinstance(value, (int, float)):
        return {"type": ["number", "string"]}
    if isinstance(value, str):
        return {"type": ["string", "number", "boolean"]}
    if isinstance(value, list):
        return {"type": "array"}
    if isinstance(value, dict):
        return {"type": ["object", "array"]}  # PHP's empty object is an empty list
    return {}
