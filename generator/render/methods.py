"""One documented method -> its ``MethodView`` (names, annotations, docstring, warning)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from generator.model import Method, Param, is_wire_name
from generator.render import text as tx
from generator.render.annotations import TypesCollector, param_ann, return_ann
from generator.render.docstrings import method_doc, method_docstring
from generator.render.naming import assign_names, camel
from generator.render.views import ArgView, MethodView


def request_body(m: Method) -> dict[str, Any] | None:
    """The body the page's cURL example sends, when it is an object."""
    if m.request_example is None:
        return None
    body = json.loads(m.request_example)
    return body if isinstance(body, dict) else None


def sent_value(body: dict[str, Any] | None, name: str) -> tuple[Any, ...]:
    """``(value,)`` of the example's key ``name`` (top-level keys are read ignoring case)."""
    if body is None:
        return ()
    if name in body:
        return (body[name],)
    low = name.lower()
    return tuple(v for k, v in body.items() if k.lower() == low)[:1]


def sent_only_params(m: Method) -> list[Param]:
    """Top-level keys the page's request example sends and its parameter table does not
    list: the portal takes them, so the typed method does too (optional, typed by the
    example; ``vocabulary.types.request_disagreements`` reports each one)."""
    body = request_body(m)
    if body is None:
        return []
    known = {p.name.lower() for p in m.params}
    return [
        Param(name=key, description=SENT_ONLY)
        for key in body
        if key.lower() not in known and is_wire_name(key) and key.isidentifier()
    ]


SENT_ONLY = "Not in the page's parameter table; the page's request example sends it."


def dedup_params(params: tuple[Param, ...]) -> list[Param]:
    """The parameters with each wire name once (the first row of a repeated name wins)."""
    seen: set[str] = set()
    out = []
    for p in params:
        if p.name not in seen:
            seen.add(p.name)
            out.append(p)
    return out


def method_view(
    m: Method,
    attr: str,
    types: TypesCollector,
    error_classes: dict[str, str],
    doc_base_url: str,
    package: str,
) -> MethodView:
    params = dedup_params(m.params) + sent_only_params(m)
    names = assign_names([p.name for p in params], reserved=("self",))
    prefix = ("V3" if m.api_version == 3 else "") + camel(*m.name.split("."))
    sent = request_body(m)
    args = [
        ArgView(
            py=names[p.name],
            wire=tx.py_str(p.name),
            ann=param_ann(p, prefix + camel(p.name), types, sent_value(sent, p.name)),
            # a parameter the docs' own example leaves out is not required, whatever the mark
            required=p.required and (sent is None or bool(sent_value(sent, p.name))),
        )
        for p in params
    ]
    by_name = {p.name: a for p, a in zip(params, args)}
    overloads = [
        [replace(by_name[p.name], required=p.required) for p in v.params if p.name in by_name]
        for v in m.variants
    ]
    ret, paged = return_ann(m, prefix, types)
    deprecation = None
    if m.deprecated:
        msg = f"{m.name} is deprecated"
        msg += f"; use {m.replacement} instead" if m.replacement else ""
        deprecation = tx.py_str(tx.clean(msg))
    data = method_doc(
        m, [a.py for a in args], params, error_classes, doc_base_url, package, [a.ann for a in args]
    )
    return MethodView(
        attr=attr,
        name=m.name,
        name_lit=tx.py_str(m.name),
        args=args,
        ret=ret,
        paged=paged,
        api_version=m.api_version,
        write=m.writes,
        doc=method_docstring(data),
        deprecation=deprecation,
        model=m,
        overloads=overloads,
    )
