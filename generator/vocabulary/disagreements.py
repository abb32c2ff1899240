"""Where a page's examples and its tables disagree, as diagnostics for the docs' authors.

The generated types follow the examples where they disagree with the tables (the examples
come from real portals); each disagreement is listed by ``b24gen coverage`` with the page
and line, so it can be reported upstream.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from generator.model import ApiModel, Diagnostic, Method, Param, is_wire_name
from generator.vocabulary.examples import accepts_value
from generator.vocabulary.types import kind_of, output_kinds, parse

_ENVELOPE = ("time", "total", "next", "result")


def disagreements(model: ApiModel) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for m in sorted(model.methods, key=lambda m: (m.source, m.line)):
        out += request_disagreements(m)
        out += response_disagreements(m)
    return out


def request_disagreements(m: Method) -> list[Diagnostic]:
    """The cURL example against the parameter table: keys it lacks, forms it refuses."""
    if m.request_example is None:
        return []
    body = json.loads(m.request_example)
    line = m.request_line or m.line
    if not isinstance(body, dict):
        return [
            _d(
                m,
                line,
                f"the request example sends {_a(kind_of(body))}, not an object of named "
                "parameters: no typed call can be written from it",
                "example-not-an-object",
            )
        ]
    found = []
    by_name = {p.name.lower(): p for p in m.params}
    for key, value in body.items():
        p = by_name.get(key.lower())
        if p is None:
            found.append(
                _d(
                    m,
                    line,
                    f"the request example sends '{key}', which the parameter "
                    "table does not list",
                    "example-undocumented-key",
                )
            )
            continue
        found += _value(m, p, key, value, line)
    for p in m.params:
        if p.required and p.name.lower() not in {k.lower() for k in body}:
            found.append(
                _d(
                    m,
                    p.line or line,
                    f"the request example leaves out '{p.name}', " "which the table marks required",
                    "example-omits-required",
                )
            )
    return found


def _value(m: Method, p: Param, path: str, value: Any, line: int) -> list[Diagnostic]:
    if value is None:
        return []
    if p.children:
        recs = (
            [value]
            if isinstance(value, dict)
            else [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
        )
        if not recs and not isinstance(value, (dict, list)):
            return [_kind(m, p, path, value, line)]
        if isinstance(value, list) and p.type and not accepts_value(p.type, value):
            found_list = [_kind(m, p, path, value, line)]  # a list where one object is typed
        else:
            found_list = []
        documented = {c.name: c for c in p.children}
        open_keys = any(not is_wire_name(c.name) for c in p.children)
        found: list[Diagnostic] = []
        for rec in recs:
            for key, v in rec.items():
                child = documented.get(key)
                if child is not None:
                    found += _value(m, child, f"{path}.{key}", v, line)
                elif not open_keys:
                    found.append(
                        _d(
                            m,
                            p.line or line,
                            f"the request example sends "
                            f"'{path}.{key}', which the table does not list",
                            "example-undocumented-key",
                        )
                    )
        return found_list + found
    if p.type and not accepts_value(p.type, value):
        return [_kind(m, p, path, value, line)]
    return []


def _kind(m: Method, p: Param, path: str, value: Any, line: int) -> Diagnostic:
    return _d(
        m,
        p.line or line,
        f"the request example sends {_a(kind_of(value))} for '{path}' in a form "
        f"the table's type '{p.type}' does not take",
        "example-type-mismatch",
    )


def response_disagreements(m: Method) -> list[Diagnostic]:
    """The response example against the returned-data table: wire types the table misses."""
    try:
        result = m.returns.example_value()
    except ValueError:
        return []
    rec = result if isinstance(result, dict) else None
    if isinstance(result, list) and result and isinstance(result[0], dict):
        rec = result[0]
    if rec is None:
        return []
    rows = [f for f in m.returns.fields if f.name not in _ENVELOPE]
    result_row = next((f for f in m.returns.fields if f.name == "result"), None)
    if not rows and result_row is not None:
        rows = list(result_row.children)
    return list(_returned(m, rows, rec, "result"))


def _returned(
    m: Method, rows: Iterable[Param], rec: dict[str, Any], path: str
) -> Iterable[Diagnostic]:
    for p in rows:
        if p.name not in rec or not p.type or not parse(p.type):
            continue
        value = rec[p.name]
        if p.children and isinstance(value, dict):
            yield from _returned(m, p.children, value, f"{path}.{p.name}")
            continue
        if value is None or isinstance(value, (dict, list)):
            continue
        declared = output_kinds(p.type, m.api_version)
        kind = kind_of(value)
        text = {"string", "numeric", "flag"}
        if declared and kind not in declared and not (kind in text and "string" in declared):
            yield _d(
                m,
                p.line or m.line,
                f"the response example shows {_a(kind)} "
                f"({json.dumps(value, ensure_ascii=False)[:30]}) for '{path}.{p.name}', which "
                f"the table types '{p.type}'; the SDK follows the example",
                "example-type-mismatch",
            )


def _d(m: Method, line: int, message: str, code: str) -> Diagnostic:
    return Diagnostic(m.source, line, f"{m.name}: {message}", code)


def _a(kind: str) -> str:
    names = {"numeric": "numeric string", "flag": "Y/N flag", "map": "map", "list": "list"}
    name = names.get(kind, kind)
    return ("an " if name[0] in "aeiou" else "a ") + name
