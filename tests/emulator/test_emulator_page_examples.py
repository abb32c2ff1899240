"""The docs' own requests against the emulator, in process, on the ru and en corpora:

- every method page with a cURL webhook example: the emulator answers it without a parameter
  error (target >= 95%);
- of those whose page also has a response example: the answer has the example's shape and
  wire types, strings staying strings (target >= 95%).

A get/update/delete example names a record (id 410, a currency "RUB", a user field 399, a
list by IBLOCK_CODE): ``Portal.put_named`` puts it there first, made
of the family's own example record, as it would exist on the portal the page was written on.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from page_examples import curl_example, shape_mismatch

from generator.emulator.app import create_app
from generator.emulator.errors import ApiError

TARGET = 0.95
_ABSENT_RECORD = frozenset({"ERROR_NOT_FOUND", "NOT_FOUND"})


@pytest.fixture(scope="module", params=["ru", "en"])
def outcomes(request: Any) -> dict[str, Any]:
    model = request.getfixturevalue(f"{request.param}_model")  # the session's corpus models
    portal = create_app(model, limits="none").portal
    root = Path(__file__).resolve().parents[2].parent / "shared" / "b24docs" / request.param
    rows: dict[str, Any] = {}
    for m in model.methods:
        ex = curl_example(root / m.source)
        if ex is None:
            continue
        params = {k: v for k, v in copy.deepcopy(ex.params).items() if k != "auth"}
        portal.put_named(m.name, params, m.api_version)
        try:
            out = portal.call(m.name, params, m.api_version, "oauth")
            rows[m.name] = ("ok", out.result, m)
        except ApiError as err:
            rows[m.name] = ("param" if err.about_params else "other", err, m)
    return rows


def test_docs_requests_answer_without_parameter_errors(outcomes: dict[str, Any]) -> None:
    total = len(outcomes)
    param = sorted(n for n, (kind, _, _) in outcomes.items() if kind == "param")
    share = 1 - len(param) / total
    print(f"\ncURL examples: {total} methods; without a parameter error {share:.1%}")
    for name in param[:100]:
        print("  parameter error:", name, outcomes[name][1])
    assert total > 1000
    assert share >= TARGET, param[:40]


def test_answers_have_the_examples_shape_and_wire_types(outcomes: dict[str, Any]) -> None:
    compared, differ, absent = 0, [], []
    for name, (kind, result, m) in sorted(outcomes.items()):
        if not m.returns.example:
            continue
        if kind == "other" and result.code in _ABSENT_RECORD:
            # The example names a record (a user field, a smart process) of its author's
            # portal that this one has not got: a correct answer, not a wire difference.
            absent.append(name)
            continue
        try:
            example = m.returns.example_value()
        except ValueError:
            continue
        compared += 1
        found = "error: " + str(result) if kind != "ok" else shape_mismatch(example, result)
        if found:
            differ.append((name, found))
    share = 1 - len(differ) / compared
    print(f"\nresponse examples: {compared} methods; same shape and wire types {share:.1%}")
    print(f"  left out: {len(absent)} answering that the record the example names is absent")
    assert len(absent) <= 10, absent  # put_named makes the records the examples name
    for name, why in differ[:200]:
        print("  differs:", name, why[:150])
    assert compared > 1000
    assert share >= TARGET, differ[:40]
