"""Whatever a caller sends, the emulator answers like a portal: a result or a 4xx error,
never a 5xx (schemathesis runs the exported OpenAPI spec against it in the same spirit)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_model import RAW_TOKEN, tiny_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.emulator.app import create_app
from generator.emulator.server import start_in_thread

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
)  # fmt: skip
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8,
)  # fmt: skip
KEYS = st.sampled_from(
    ["id", "ID", "fields", "filter", "order", "select", "start", "entityTypeId", "items",
     "code", "activityId", "entityId", "pagination", "cmd", "halt", "'; DROP", "fields[x]"]
)  # fmt: skip
PARAMS = st.dictionaries(KEYS, JSON, max_size=5)
METHODS = [m.name for m in tiny_model().methods if m.api_version == 2] + ["batch"]


@pytest.fixture(scope="module")
def running() -> Any:
    emu = start_in_thread(create_app(tiny_model(), limits="none", token=RAW_TOKEN))
    emu.portal.seed("crm.lead", [{"TITLE": "a", "OPPORTUNITY": 1}, {"TITLE": "b"}])
    yield emu
    emu.stop()


@pytest.fixture(scope="module")
def client() -> Any:
    with httpx.Client(timeout=10) as c:
        yield c


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(method=st.sampled_from(METHODS), params=PARAMS, as_form=st.booleans())
def test_no_server_errors_for_any_json(running, client, method: str, params: dict[str, Any],
                                       as_form: bool) -> None:  # fmt: skip
    url = running.webhook_url + method
    if as_form:
        from generator.emulator.events import php_pairs

        r = client.post(url, data=dict(php_pairs(params)))
    else:
        r = client.post(url, json=params)
    assert r.status_code < 500, (method, params, r.text)
    body = r.json()
    assert ("result" in body) != ("error" in body)
    assert ("time" in body) == ("result" in body)


@pytest.mark.parametrize("name", ["TITLE'", 'TI"TLE', "a') OR 1=1 --", "$.x", "NUL\x00"])
def test_odd_field_names_are_data_not_sql(running, name: str) -> None:
    r = httpx.post(
        running.webhook_url + "crm.lead.list",
        json={"filter": {name: "x"}, "order": {name: "DESC"}, "select": [name]},
    )
    assert r.status_code == 200 and r.json()["result"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"filter": {"TITLE": [["a"], {"b": 1}]}, "order": {"TITLE": ["x"]}},
        {"filter": {">OPPORTUNITY": 2**80, "@ID": [2**70, "x", None]}, "start": 2**90},
        {"filter": {"!TITLE": {"0": "a"}, "%TITLE": ["%_"]}, "select": 5},
        {"filter": ["not", "a", "dict"], "order": "ID"},
    ],
)
def test_odd_list_arguments_are_answered(running, client, params: dict[str, Any]) -> None:
    r = client.post(running.webhook_url + "crm.lead.list", json=params)
    assert r.status_code in (200, 400), r.text


def test_lone_surrogates_are_an_invalid_body(running, client) -> None:
    body = '{"filter": {"\\udab7TITLE": "x"}, "\\udcab": [1]}'
    r = client.post(running.webhook_url + "crm.lead.list", content=body,
                    headers={"Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 400 and r.json()["error"] == "INVALID_REQUEST"


V3_METHODS = [m.name for m in tiny_model().methods if m.api_version == 3] + ["batch"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(method=st.sampled_from(V3_METHODS), body=st.one_of(PARAMS, JSON))
def test_rest3_route_never_fails_either(running, client, method: str, body: Any) -> None:
    r = client.post(f"{running.base_url}/rest/api/1/{RAW_TOKEN}/{method}", json=body)
    assert r.status_code < 500, (method, body, r.text)
    answer = r.json()
    assert ("result" in answer) != ("error" in answer)
