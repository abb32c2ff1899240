"""JSON Schema of a docs type's wire form (what the OpenAPI export builds on)."""

from __future__ import annotations

from typing import Any

from generator.vocabulary.types import _KIND_SCHEMA, ANY_KINDS, WIRE_KINDS, parse


def wire_schema(expr: str, *, output: bool = False, api_version: int = 2) -> dict[str, Any]:
    """JSON Schema of a docs type expression on input (or on output), from the wire kinds."""
    alternatives: list[dict[str, Any]] = []
    for t in parse(expr):
        kinds = t.docs.accepts
        if output:
            kinds = t.docs.returns_v3 if api_version == 3 else t.docs.returns
        schema = _kinds_schema(kinds)
        for _ in range(t.depth):
            schema = {"type": "array", "items": schema}
        alternatives.append(schema)
    if not alternatives:
        return {}
    return alternatives[0] if len(alternatives) == 1 else {"anyOf": alternatives}


def _kinds_schema(kinds: frozenset[str]) -> dict[str, Any]:
    if not kinds:
        return {}
    plain = [k for k in WIRE_KINDS if k in kinds and k not in ("numeric", "flag", "bit")]
    extra = [k for k in ("numeric", "flag") if k in kinds and "string" not in kinds]
    extra += ["bit"] if "bit" in kinds and "integer" not in kinds else []
    if not extra:
        types = [_KIND_SCHEMA[k]["type"] for k in plain]
        return {"type": types[0] if len(types) == 1 else types}
    return {"anyOf": [_KIND_SCHEMA[k] for k in plain + extra]}


def schema_kinds(schema: dict[str, Any]) -> frozenset[str]:
    """The wire kinds a schema made by ``wire_schema`` admits (for the agreement test)."""
    if not schema:
        return ANY_KINDS
    if "anyOf" in schema:
        out: set[str] = set()
        for s in schema["anyOf"]:
            out |= schema_kinds(s)
        return frozenset(out)
    if "pattern" in schema:
        return frozenset({"numeric"})
    if "enum" in schema and schema.get("type") == "string":
        return frozenset({"flag"})
    if "enum" in schema and schema.get("type") == "integer":
        return frozenset({"bit"})
    types = schema.get("type")
    names = [types] if isinstance(types, str) else list(types or ())
    by_type = {"integer": "integer", "number": "number", "boolean": "boolean", "null": "null"}
    by_type.update({"object": "map", "array": "list"})
    out = {by_type[n] for n in names if n in by_type}
    if "string" in names:
        out |= {"string", "numeric", "flag"}
    return frozenset(out)
