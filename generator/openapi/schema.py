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

# Docs base type (lower-cased, without [] and .id/.code suffixes) -> base JSON schema.
# The docs' own spelling is kept in ``x-b24-type`` so nothing is lost.
_BASE: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "text": {"type": "string"},
    "str": {"type": "string"},
    "char": {"type": "string", "description": "A single character flag, usually Y or N."},
    "enum": {"type": "string"},
    "integer": {"type": "integer"},
    "int": {"type": "integer"},
    "bigint": {"type": "integer"},
    "double": {"type": "number"},
    "float": {"type": "number"},
    "number": {"type": "number"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "bool": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "integer", "description": "Unix timestamp, seconds."},
    "user": {"type": "integer", "description": "A user ID."},
    "object": {"type": "object"},
    "array": {"type": "array"},
    "null": {"type": "null"},
    "lang_map": {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "Language code -> text.",
    },
    "crm_multifield": {
        "type": "object",
        "description": "A multi-field value (phone, e-mail, …): VALUE, VALUE_TYPE, TYPE_ID.",
    },
    "file": {
        "description": "A file: base64 content as [name, content], {fileData: …}, or a disk ID.",
    },
    "any": {},
    "mixed": {},
    "undefined": {},
}

# ``time`` is the envelope's timing object in returned tables, but a time of day in a few
# parameter tables; either way a string or an object, so it is described, not constrained.
_BASE["time"] = {"description": "Timing information or a time value."}

# Domain types that hold an ID or a code of a record of another entity.
_ID_LIKE = re.compile(r"^(crm_(?!multifield|currency|status)\w+|sale_\w+|catalog_\w+|\w+\.id)$")
_CODE_LIKE = re.compile(r"^(crm_currency|crm_status|\w+\.code)$")

_LENIENT_SCALARS = {"integer", "number", "boolean"}


def split_type(expr: str) -> list[str]:
    """``"string|array"`` -> ["string", "array"]; blanks and spaces dropped."""
    return [t.strip() for t in expr.replace("`", "").split("|") if t.strip()]


def base_schema(type_name: str, *, lenient: bool = False) -> dict[str, Any]:
    """One docs type (no unions) -> a JSON schema, with the docs type kept when unusual."""
    t = type_name.strip()
    if t.endswith("[]"):
        return {"type": "array", "items": base_schema(t[:-2], lenient=lenient)}
    key = t.lower()
    if key in _BASE:
        schema = dict(_BASE[key])
    elif _CODE_LIKE.match(key):
        schema = {"type": "string", "description": f"A code ({t})."}
    elif _ID_LIKE.match(key):
        schema = {"type": "integer", "description": f"An ID ({t})."}
    else:
        schema = {"description": f"Type {t}." if t else "Type not documented."}
    if t and key not in ("string", "integer", "boolean", "object", "array", "double", "number"):
        schema["x-b24-type"] = t
    if lenient and schema.get("type") in _LENIENT_SCALARS:
        schema["type"] = [schema["type"], "string", "null"]
    elif lenient and isinstance(schema.get("type"), str) and schema["type"] != "null":
        schema["type"] = [schema["type"], "null"]  # unset fields come back as null
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
    if kind == "integer" and all(re.fullmatch(r"-?\d+", v) for v in vals):
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
                if t.lower() in _BASE and t.lower() not in ("object", "array")
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
