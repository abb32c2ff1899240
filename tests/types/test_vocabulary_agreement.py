"""Issue 10 item 1 / issue 11 item 1: every consumer reads one decision per docs type.

For every type expression the three corpora use (parameters, returned data, event
payloads), the wire kinds a value may take are computed from what each consumer really
produces (the SDK's annotation, the OpenAPI export's schema, the emulator's coercion, the
typed events' annotation) and compared.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.emulator.params import coerce
from generator.model import walk_params
from generator.openapi.schema import type_schema
from generator.render.typemap import map_type
from generator.vocabulary import types as vocab
from generator.vocabulary.examples import accepts_value
from generator.vocabulary.schema import schema_kinds as schema_kinds_of
from generator.vocabulary.types import Ann

pytestmark = [pytest.mark.corpus]

ANYTHING = frozenset({"anything"})


def _scalar_annotation(t: str) -> str:
    """What the events module (generator/render/events.py) prints for a docs type."""
    from generator.model import Param
    from generator.render.annotations import form_field_ann

    return form_field_ann(Param("x", t)).render(td_prefix="")


def _closure(kinds: set[str]) -> frozenset[str]:
    """Kinds implied by others: a str takes numeric text and flags, a float an int."""
    out = set(kinds)
    if "string" in out:
        out |= {"numeric", "flag"}
    if "number" in out:
        out |= {"integer"}
    if "integer" in out:
        out |= {"bit"}
    return frozenset(out)


def ann_kinds(ann: Ann) -> frozenset[str]:
    """The top-level wire kinds a Python annotation admits."""
    if ann.name == "Any":
        return ANYTHING
    if ann.name == "|":
        out: set[str] = set()
        for a in ann.args:
            out |= ann_kinds(a)
        return ANYTHING if ANYTHING <= out else _closure(out)
    simple = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
    simple.update({"None": "null", "dict": "map", "list": "list"})
    if ann.name in simple:
        return _closure({simple[ann.name]})
    if ann.name == "Literal":
        values = {a.name for a in ann.args}
        return frozenset({"flag"} if values == {"'Y'", "'N'"} else {"bit"})
    raise AssertionError(f"annotation {ann.render()} not understood")


def json_types(kinds: frozenset[str]) -> frozenset[str]:
    """Kinds as JSON types: a schema may say "numeric text" where Python can only say str."""
    if kinds == ANYTHING:
        return kinds
    text = {"string", "numeric", "flag"}
    return frozenset({"text" if k in text else k for k in kinds})


def schema_kinds(schema: dict[str, Any]) -> frozenset[str]:
    kinds = schema_kinds_of(schema)
    return ANYTHING if not kinds else _closure(set(kinds))


def text_ann_kinds(text: str) -> frozenset[str]:
    """Kinds of an annotation written as text by the events renderer."""
    if text == "Any":
        return ANYTHING
    out: set[str] = set()
    for part in text.split(" | "):
        head = part.split("[", 1)[0]
        out |= {"str": {"string"}, "dict": {"map"}, "list": {"list"}}.get(head, {head})
    return _closure(out)


def _kind(value: Any) -> str:
    return vocab.kind_of(value)


def corpus_types(models: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    """(parameter types, returned types, event payload types) used anywhere."""
    params: set[str] = set()
    returned: set[str] = set()
    events: set[str] = set()
    for model in models.values():
        for m in model.methods:
            params |= {p.type for _, p in walk_params(m.params) if p.type}
            returned |= {p.type for _, p in walk_params(m.returns.fields) if p.type}
        for e in model.events:
            events |= {p.type for _, p in walk_params(e.params) if p.type}
    return params, returned, events


@pytest.fixture(scope="module")
def used(corpus_models: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    return corpus_types(corpus_models)


def test_the_corpora_use_the_vocabulary(used: tuple[set[str], set[str], set[str]]) -> None:
    params, returned, events = used
    assert len(params) > 100 and len(returned) > 100 and len(events) > 5
    known = {t for t in params if all(vocab.parse(t)) and vocab.parse(t)[0].docs.accepts}
    assert len(known) > 0.7 * len(params)


def test_sdk_input_agrees_with_the_openapi_request_schema(
    used: tuple[set[str], set[str], set[str]],
) -> None:
    params, _, _ = used
    bad = []
    for t in sorted(params):
        sdk = ann_kinds(map_type(t).ann)
        api = schema_kinds(type_schema(t))
        # the same JSON types, and nothing the export admits that the SDK rejects
        if json_types(sdk) != json_types(api) or not api <= sdk and sdk != ANYTHING:
            bad.append((t, sorted(sdk), sorted(api)))
    assert not bad, bad[:20]


def test_sdk_output_agrees_with_the_openapi_response_schema(
    used: tuple[set[str], set[str], set[str]],
) -> None:
    _, returned, _ = used
    bad = []
    for t in sorted(returned):
        sdk = ann_kinds(vocab.output_ann(t))
        api = schema_kinds(type_schema(t, lenient=True))
        if sdk != ANYTHING:  # the export also admits null everywhere: unset values
            api, sdk = api - {"null"}, sdk - {"null"}
        if json_types(sdk) != json_types(api) or not api <= sdk and sdk != ANYTHING:
            bad.append((t, sorted(sdk), sorted(api)))
    assert not bad, bad[:20]


def test_the_emulator_stores_what_the_sdk_says_it_returns(
    used: tuple[set[str], set[str], set[str]],
) -> None:
    params, returned, _ = used
    bad = []
    for t in sorted(params | returned):
        out = ann_kinds(vocab.output_ann(t))
        if out == ANYTHING or vocab.parse(t)[0].depth or "list" in out and "string" not in out:
            continue
        for sent in ("12", "Y", "true", "1.50"):
            if not accepts_value(t, sent):
                continue
            stored = coerce(t, sent)
            if _kind(stored) not in out:
                bad.append((t, sent, stored, sorted(out)))
    assert not bad, bad[:20]


def test_events_deliver_the_form_encoding_of_what_the_sdk_sends(
    used: tuple[set[str], set[str], set[str]],
) -> None:
    params, _, events = used
    bad = []
    for t in sorted(params | events):
        sent = ann_kinds(map_type(t).ann)
        if sent == ANYTHING:
            assert text_ann_kinds(_scalar_annotation(t)) == ANYTHING, t
            continue
        received = text_ann_kinds(" | ".join(_scalar_annotation(p) for p in t.split("|") if p))
        scalar = sent - {"map", "list", "null"}
        if scalar and "string" not in received:
            bad.append((t, "scalar sent, no text received", sorted(received)))
        if sent & {"map", "list"} and not received & {"map", "list"}:
            bad.append((t, "array sent, none received", sorted(received)))
    assert not bad, bad[:20]
