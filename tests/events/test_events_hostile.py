"""Hostile docs text (any characters in names, titles, keys, types) never breaks or injects
into the generated events module, and never breaks the OpenAPI export."""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from generator.model import ApiModel, ErrorCode, Event, Method, Param, Returns
from generator.openapi import build_spec
from generator.render.events import render_events_module

text = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(['"', "'", "\\", "\n", "\r", "\x00", "\u2028", "#", "{", "}"]),
    ),
    max_size=12,
)
types = st.one_of(text, st.sampled_from(["object", "array", "string|array", "integer[]", "any"]))
leaf = st.builds(
    Param, name=text, type=types, description=text, values=st.lists(text, max_size=2).map(tuple)
)
params = st.recursive(
    leaf.map(lambda p: (p,)),
    lambda inner: st.tuples(
        st.builds(
            Param, name=text, type=st.sampled_from(["object", "object[]", ""]), children=inner
        )
    ),
    max_leaves=6,
)
events = st.builds(
    Event,
    name=text,
    title=text,
    summary=text,
    deprecated=st.booleans(),
    params=params.map(lambda ps: (Param("data", "object", children=ps),)),
    source=text,
)

ALLOWED_TOP = {"Expr", "ImportFrom", "ClassDef", "Assign", "AnnAssign", "FunctionDef"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events, max_size=4))
def test_hostile_events_render_to_inert_python(evs: list[Event]) -> None:
    source = render_events_module(ApiModel(events=tuple(evs)), "hostile")
    tree = ast.parse(source)
    compile(source, "events.py", "exec")
    assert {type(n).__name__ for n in tree.body} <= ALLOWED_TOP
    for node in tree.body:
        if isinstance(node, ast.Expr):  # only docstrings stand alone
            assert isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    calls = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert calls <= {"TypedDict", "EventInfo", "dataclass"}
    # every event survives as data: a registry key, upper-cased
    registry = next(
        n.value
        for n in tree.body
        if isinstance(n, ast.AnnAssign)
        and isinstance(n.target, ast.Name)
        and n.target.id == "EVENTS"
    )
    assert isinstance(registry, ast.Dict)
    keys = {k.value for k in registry.keys if isinstance(k, ast.Constant)}
    assert keys == {e.name.strip().upper() for e in evs if e.name.strip()}


methods = st.builds(
    Method,
    name=text.filter(lambda s: s.strip() != ""),
    title=text,
    summary=text,
    api_version=st.sampled_from([2, 3]),
    params=params,
    errors=st.lists(
        st.builds(ErrorCode, text, text, st.none() | st.integers(100, 700)), max_size=3
    ).map(tuple),
    returns=st.builds(
        Returns,
        shape=st.sampled_from(["scalar", "boolean", "object", "item", "items", "list", "unknown"]),
        type=types,
        fields=params,
    ),
    source=text,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(methods, min_size=1, max_size=3))
def test_hostile_methods_still_export_a_valid_document(ms: list[Method]) -> None:
    spec = build_spec(ApiModel(methods=tuple(ms)))
    validate(spec)
    assert len(spec["paths"]) == len({(m.name, m.api_version) for m in ms})
