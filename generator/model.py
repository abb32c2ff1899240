"""The intermediate model: what the docs say about the API, as plain frozen data.

Every later stage (renderer, emulator, drift, OpenAPI export) reads only this
module's types, never the Markdown. The JSON form written by ``b24gen model`` is
a public contract: the keys documented in README.md ("The model JSON") must stay
stable. New keys may be added; existing ones are never renamed.

Design notes
- Tuples, not lists, so that instances are hashable and truly frozen.
- ``type`` stays the docs' own spelling (``"string|array"``, ``"integer[]"``,
  ``"crm_status"``, ``"sale_order.id"``); mapping to Python types is the
  later stages' business (see ``generator.vocabulary`` for the shared vocabulary).
- Facts derived from the docs by one rule for every stage (``Method.writes``,
  ``Method.repeatable``: ``generator.vocabulary.writes``) are properties, written into
  the JSON for readers of it and derived again when it is read back.
- ``returns.example`` is kept as JSON *text* so the model stays hashable and the
  dump is byte-stable; use ``Returns.example_value()`` to get the parsed value.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from generator.vocabulary import writes as _writes

MODEL_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Param:
    """One documented parameter (or field of a nested object, or event payload key)."""

    name: str  # exactly as the docs spell it: "fields", "UF_...", "data.FIELDS", "from"
    type: str = ""  # docs type expression; "" when the docs give none
    required: bool = False
    description: str = ""  # plain text, Markdown markup stripped, one space between words
    default: str | None = None  # only when the docs state one
    values: tuple[str, ...] = ()  # allowed values, where the docs list them
    children: tuple["Param", ...] = ()  # members of an object / array-of-object parameter
    line: int = 0  # 1-based line of the row in the source page
    # value -> what the docs say it means, from a table of possible values ("ORDER" -> "Заказ")
    labels: tuple[tuple[str, str], ...] = ()
    # members whose key is a placeholder or wildcard ("UF_*", "<селектор>", "{id}"): any key
    # matching the pattern is allowed; never a member called after the placeholder
    patterns: tuple["Param", ...] = ()

    @property
    def is_array(self) -> bool:
        return self.type.endswith("[]") or self.type.split("|")[0] == "array"


@dataclass(frozen=True)
class ErrorCode:
    code: str  # as written: "ACCESS_DENIED", "100", "Пустое значение", "" when blank
    description: str = ""
    status: int | None = None  # HTTP status where the page gives one
    # REST 3.0 error tables: the request fields a row is about, and how to fix it
    fields: tuple[str, ...] = ()
    fix: str = ""


@dataclass(frozen=True)
class Returns:
    """What a successful call gives in ``result``."""

    # "scalar" | "boolean" | "object" | "item" | "items" | "list" | "unknown"
    shape: str = "unknown"
    type: str = ""  # docs type of ``result`` when the table names it ("integer", "boolean", …)
    fields: tuple[Param, ...] = ()  # the returned-data table, nested objects as children
    example: str | None = None  # JSON text of the example's ``result`` (normalised), if any
    paged: bool = False  # the answer carries ``total``/``next`` (list methods)
    patterns: tuple[Param, ...] = ()  # top-level keys given as placeholders ("UF_*")

    def example_value(self) -> Any:
        return None if self.example is None else json.loads(self.example)


@dataclass(frozen=True)
class ParamSet:
    """One of several mutually exclusive ways to call a method ("1. By attachId", …)."""

    title: str  # the docs' heading for this way of calling, numbering removed
    params: tuple[Param, ...] = ()  # the parameters of this variant, with its required flags


@dataclass(frozen=True)
class Method:
    name: str  # "crm.lead.add", as the H1 spells it
    title: str = ""  # the H1 without the method name
    scope: str = ""  # "crm"; "basic" for the ru "базовый"/en "basic"; "" when absent
    access: str = ""  # who may call it (free text)
    summary: str = ""  # first paragraph of prose
    deprecated: bool = False
    replacement: str | None = None  # method named as the replacement, when named
    api_version: int = 2  # 3 for REST 3.0 pages (/rest/api/)
    params: tuple[Param, ...] = ()
    errors: tuple[ErrorCode, ...] = ()
    returns: Returns = field(default_factory=Returns)
    source: str = ""  # path relative to the docs folder, with "/" separators
    line: int = 1  # line of the H1
    # Alternative parameter sets when the page documents several ways to call the method;
    # empty when there is one. ``params`` is then their union (required only where every
    # variant requires it), so readers that know no variants still get a callable signature.
    variants: tuple[ParamSet, ...] = ()
    # top-level keys given as a placeholder or wildcard ("UF_*"): see ``Param.patterns``
    param_patterns: tuple[Param, ...] = ()

    @property
    def call_variants(self) -> tuple[ParamSet, ...]:
        """Every way to call the method: the variants, or the one set ``params``."""
        return self.variants or (ParamSet("", self.params),)

    # JSON text of the body the page's cURL example sends (``auth`` dropped), and its line
    request_example: str | None = None
    request_line: int = 0

    @property
    def namespace(self) -> str:
        return self.name.rsplit(".", 1)[0] if "." in self.name else ""

    @functools.cached_property
    def writes(self) -> bool:
        """Whether calling it changes the portal's state (``generator.vocabulary.writes``)."""
        return _writes.writes(self)

    @functools.cached_property
    def repeatable(self) -> bool:
        """Whether it may be sent twice: a read, or a REST 3.0 write (Idempotency-Key)."""
        return _writes.repeatable(self)


@dataclass(frozen=True)
class Event:
    name: str  # "ONCRMLEADADD"-style names keep the docs' case: "onCrmLeadAdd"
    title: str = ""
    scope: str = ""
    summary: str = ""
    deprecated: bool = False
    params: tuple[Param, ...] = ()  # the payload table: event, data (with children), ts, auth
    example: str | None = None  # JSON text of the handler payload example
    source: str = ""
    line: int = 1


@dataclass(frozen=True)
class TypeDef:
    """A type defined on one of the data-types.md pages."""

    name: str  # "string", "crm_status", "catalog_product"
    description: str = ""
    source: str = ""


@dataclass(frozen=True)
class Diagnostic:
    source: str  # path relative to the docs folder
    line: int
    message: str
    code: str = ""  # short machine-readable kind: "no-method", "unattached-subtable", …

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ApiModel:
    methods: tuple[Method, ...] = ()
    events: tuple[Event, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    system_errors: tuple[ErrorCode, ...] = ()  # errors any method may give
    types: tuple[TypeDef, ...] = ()
    stats: tuple[tuple[str, int], ...] = ()  # counters for `b24gen coverage`

    def method(self, name: str) -> Method:
        """The method called ``name`` (case-insensitive), preferring REST 2 over 3."""
        found = [m for m in self.methods if m.name.lower() == name.lower()]
        if not found:
            raise KeyError(name)
        found.sort(key=lambda m: (m.name != name, m.api_version))
        return found[0]

    def stat(self, key: str) -> int:
        return dict(self.stats).get(key, 0)

    # -- JSON ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT_VERSION,
            "methods": [_method_to_dict(m) for m in self.methods],
            "events": [_event_to_dict(e) for e in self.events],
            "diagnostics": [
                {"source": d.source, "line": d.line, "message": d.message, "code": d.code}
                for d in self.diagnostics
            ],
            "system_errors": [_error_to_dict(e) for e in self.system_errors],
            "types": [
                {"name": t.name, "description": t.description, "source": t.source}
                for t in self.types
            ],
            "stats": {k: v for k, v in self.stats},
        }

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ApiModel":
        return cls(
            methods=tuple(_method_from_dict(m) for m in data.get("methods", ())),
            events=tuple(_event_from_dict(e) for e in data.get("events", ())),
            diagnostics=tuple(
                Diagnostic(d["source"], d["line"], d["message"], d.get("code", ""))
                for d in data.get("diagnostics", ())
            ),
            system_errors=tuple(_error_from_dict(e) for e in data.get("system_errors", ())),
            types=tuple(
                TypeDef(t["name"], t.get("description", ""), t.get("source", ""))
                for t in data.get("types", ())
            ),
            stats=tuple(sorted(data.get("stats", {}).items())),
        )

    @classmethod
    def from_json(cls, text: str) -> "ApiModel":
        return cls.from_dict(json.loads(text))


# -- (de)serialisation helpers: explicit, so the JSON keys are a visible contract --


def _param_to_dict(p: Param) -> dict[str, Any]:
    return {
        "name": p.name,
        "type": p.type,
        "required": p.required,
        "description": p.description,
        "default": p.default,
        "values": list(p.values),
        "children": [_param_to_dict(c) for c in p.children],
        "line": p.line,
        "labels": {v: label for v, label in p.labels},
        "patterns": [_param_to_dict(c) for c in p.patterns],
    }


def _param_from_dict(d: dict[str, Any]) -> Param:
    return Param(
        name=d["name"],
        type=d.get("type", ""),
        required=bool(d.get("required", False)),
        description=d.get("description", ""),
        default=d.get("default"),
        values=tuple(d.get("values", ())),
        children=tuple(_param_from_dict(c) for c in d.get("children", ())),
        line=d.get("line", 0),
        labels=tuple((str(k), str(v)) for k, v in d.get("labels", {}).items()),
        patterns=tuple(_param_from_dict(c) for c in d.get("patterns", ())),
    )


def _error_to_dict(e: ErrorCode) -> dict[str, Any]:
    out: dict[str, Any] = {"code": e.code, "description": e.description, "status": e.status}
    # REST 3.0 keys only where present: the JSON of every other error stays as it was
    if e.fields:
        out["fields"] = list(e.fields)
    if e.fix:
        out["fix"] = e.fix
    return out


def _error_from_dict(d: dict[str, Any]) -> ErrorCode:
    return ErrorCode(
        d["code"],
        d.get("description", ""),
        d.get("status"),
        fields=tuple(d.get("fields", ())),
        fix=d.get("fix", ""),
    )


def _returns_to_dict(r: Returns) -> dict[str, Any]:
    return {
        "shape": r.shape,
        "type": r.type,
        "fields": [_param_to_dict(p) for p in r.fields],
        "example": r.example,
        "paged": r.paged,
        "patterns": [_param_to_dict(p) for p in r.patterns],
    }


def _returns_from_dict(d: dict[str, Any]) -> Returns:
    return Returns(
        shape=d.get("shape", "unknown"),
        type=d.get("type", ""),
        fields=tuple(_param_from_dict(p) for p in d.get("fields", ())),
        example=d.get("example"),
        paged=bool(d.get("paged", False)),
        patterns=tuple(_param_from_dict(p) for p in d.get("patterns", ())),
    )


def _method_to_dict(m: Method) -> dict[str, Any]:
    return {
        "name": m.name,
        "title": m.title,
        "scope": m.scope,
        "access": m.access,
        "summary": m.summary,
        "deprecated": m.deprecated,
        "replacement": m.replacement,
        "api_version": m.api_version,
        "params": [_param_to_dict(p) for p in m.params],
        "errors": [_error_to_dict(e) for e in m.errors],
        "returns": _returns_to_dict(m.returns),
        "source": m.source,
        "line": m.line,
        "writes": m.writes,
        "repeatable": m.repeatable,
        "variants": [
            {"title": v.title, "params": [_param_to_dict(p) for p in v.params]} for v in m.variants
        ],
        "param_patterns": [_param_to_dict(p) for p in m.param_patterns],
        "request_example": m.request_example,
        "request_line": m.request_line,
    }


def _method_from_dict(d: dict[str, Any]) -> Method:
    return Method(
        name=d["name"],
        title=d.get("title", ""),
        scope=d.get("scope", ""),
        access=d.get("access", ""),
        summary=d.get("summary", ""),
        deprecated=bool(d.get("deprecated", False)),
        replacement=d.get("replacement"),
        api_version=int(d.get("api_version", 2)),
        params=tuple(_param_from_dict(p) for p in d.get("params", ())),
        errors=tuple(_error_from_dict(e) for e in d.get("errors", ())),
        returns=_returns_from_dict(d.get("returns", {})),
        source=d.get("source", ""),
        line=d.get("line", 1),
        variants=tuple(
            ParamSet(v.get("title", ""), tuple(_param_from_dict(p) for p in v.get("params", ())))
            for v in d.get("variants", ())
        ),
        param_patterns=tuple(_param_from_dict(p) for p in d.get("param_patterns", ())),
        request_example=d.get("request_example"),
        request_line=d.get("request_line", 0),
    )


def _event_to_dict(e: Event) -> dict[str, Any]:
    return {
        "name": e.name,
        "title": e.title,
        "scope": e.scope,
        "summary": e.summary,
        "deprecated": e.deprecated,
        "params": [_param_to_dict(p) for p in e.params],
        "example": e.example,
        "source": e.source,
        "line": e.line,
    }


def _event_from_dict(d: dict[str, Any]) -> Event:
    return Event(
        name=d["name"],
        title=d.get("title", ""),
        scope=d.get("scope", ""),
        summary=d.get("summary", ""),
        deprecated=bool(d.get("deprecated", False)),
        params=tuple(_param_from_dict(p) for p in d.get("params", ())),
        example=d.get("example"),
        source=d.get("source", ""),
        line=d.get("line", 1),
    )


_WIRE_NAME = re.compile(r"^[A-Za-z_$@][A-Za-z0-9_\-\[\]$@:]*$")


def is_wire_name(name: str) -> bool:
    """True for a name a request can carry as it is (``fields``, ``UF_CRM_1``, ``select[]``).

    False for the docs' placeholders and prose rows: ``UF_...``, ``<селектор>``,
    ``TITLE (LANG)``, "Лид" (a language-specific label, not a key).
    """
    return bool(_WIRE_NAME.match(name))


_NAME_PATTERN = re.compile(r"\.\.\.|…|<[^>]*>|\{[^}]*\}|\*$|(?<=[A-Za-z])_$")


def is_name_pattern(name: str) -> bool:
    """True for a key the docs give as a placeholder or wildcard, not a literal name.

    ``UF_*``, ``UF_...``, ``PARENT_ID_...``, ``<селектор>``, ``chat<chatId>``, ``upload{id}``,
    ``{entityTypeName}``; not ``fields``, ``~UNTIL`` or ``select[]``.
    """
    return bool(_NAME_PATTERN.search(name))


def walk_params(params: Iterable[Param], prefix: str = "") -> Iterable[tuple[str, Param]]:
    """Yield (dotted path, param) for every parameter and nested child, depth first."""
    for p in params:
        path = f"{prefix}.{p.name}" if prefix else p.name
        yield path, p
        yield from walk_params(p.children, path)
