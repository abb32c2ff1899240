"""The OpenAPI 3.1 export: structure on hand-built models, validity and coverage on the corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openapi_samples import SMALL
from openapi_spec_validator import validate

from generator.cli import main
from generator.model import ApiModel, ErrorCode, Method, Param, Returns
from generator.openapi import build_spec, dump_spec, operation_id, operation_path
from generator.openapi.build import error_groups, result_schema
from generator.openapi.schema import object_schema, param_schema, type_schema

NUMERIC = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}  # a number sent as text


def _op(spec: dict, path: str) -> dict:
    return spec["paths"][path]["post"]


def _body(spec: dict, path: str) -> dict:
    return _op(spec, path)["requestBody"]["content"]["application/json"]["schema"]


def _resolve(spec: dict, obj: dict) -> dict:
    ref = obj.get("$ref")
    if not ref:
        return obj
    node = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


# -- hand-built models ---------------------------------------------------------------------


def test_small_model_validates_and_has_every_operation() -> None:
    spec = build_spec(SMALL, docs_url="https://apidocs.bitrix24.com/")
    validate(spec)
    assert sorted(spec["paths"]) == [
        "/api/tasks.task.add",
        "/crm.activity.badge.add",
        "/crm.lead.add",
        "/crm.lead.list",
        "/tasks.task.add",
    ]
    ids = [_op(spec, p)["operationId"] for p in spec["paths"]]
    assert len(set(ids)) == len(ids) and "tasks.task.add.v3" in ids


def test_operation_metadata() -> None:
    spec = build_spec(SMALL, docs_url="https://apidocs.bitrix24.com/")
    op = _op(spec, "/crm.lead.add")
    assert op["tags"] == ["crm.lead"] and op["summary"] == "Create a lead"
    assert op["externalDocs"]["url"] == (
        "https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-add.html"
    )
    assert "Creates a lead." in op["description"]
    assert op["security"] == [{}, {"oauth2": ["crm"]}, {"authParam": []}]
    listing = _op(spec, "/crm.lead.list")
    assert listing["deprecated"] is True and "crm.item.list" in listing["description"]
    assert "deprecated" not in op
    assert spec["paths"]["/api/tasks.task.add"]["servers"][0]["url"] == "https://{domain}/rest"
    # without a docs address the source path is still given
    plain = _op(build_spec(SMALL), "/crm.lead.add")
    assert "externalDocs" not in plain
    assert "api-reference/crm/leads/crm-lead-add.md" in plain["description"]
    assert plain["x-b24-source"] == "api-reference/crm/leads/crm-lead-add.md:1"


def test_request_body_required_nested_enum_union_array() -> None:
    spec = build_spec(SMALL)
    badge = _body(spec, "/crm.activity.badge.add")
    assert badge["required"] == ["code", "title", "value", "type"]
    assert badge["properties"]["type"]["enum"] == ["success", "failure", "warning"]
    assert badge["properties"]["title"]["anyOf"][0] == {"type": "string"}
    # an integer is sent as a number or a numeric string (the vocabulary's input form)
    assert badge["properties"]["ids"] == {"type": "array", "items": INT_IN}
    lead = _body(spec, "/crm.lead.add")
    assert lead["required"] == ["fields"]
    fields = lead["properties"]["fields"]
    assert fields["description"].startswith("Lead fields")
    assert set(fields["properties"]) == {"TITLE", "STATUS_ID", "OPENED", "BIRTHDATE", "PHONE"}
    assert "UF_..." in fields["description"]  # placeholder rows described, not properties
    assert fields["properties"]["STATUS_ID"]["x-b24-type"] == "crm_status"
    assert fields["properties"]["BIRTHDATE"]["format"] == "date"
    assert fields["properties"]["OPENED"]["enum"] == ["Y", "N"]
    assert _op(spec, "/crm.lead.add")["requestBody"]["required"] is True
    assert _op(spec, "/crm.lead.list")["requestBody"]["required"] is False


INT_IN = {"anyOf": [{"type": "integer"}, NUMERIC]}


def test_domain_types_map_to_base_types() -> None:
    assert type_schema("user") == {**INT_IN, "description": "A user ID.", "x-b24-type": "user"}
    assert type_schema("datetime")["format"] == "date-time"
    assert type_schema("crm_company")["anyOf"] == INT_IN["anyOf"]
    assert type_schema("sale_order.id")["anyOf"] == INT_IN["anyOf"]
    assert type_schema("crm_currency")["type"] == "string"
    assert type_schema("file")["x-b24-type"] == "file"
    assert set(type_schema("file")["type"]) == {"string", "object", "array"}
    assert type_schema("integer|string") == {"anyOf": [INT_IN, {"type": "string"}]}
    lenient = type_schema("integer", lenient=True)["anyOf"]
    assert lenient == [{"type": "integer"}, NUMERIC, {"type": "null"}]
    assert type_schema("mystery")["x-b24-type"] == "mystery"


def test_dotted_rows_nest_and_duplicates_collapse() -> None:
    schema = object_schema(
        (
            Param("data", "object"),
            Param("data.FIELDS", "object", required=True),
            Param("data.FIELDS.ID", "integer"),
            Param("name", "string"),
            Param("name", "string", required=True),
        )
    )
    fields = schema["properties"]["data"]["properties"]["FIELDS"]
    assert fields["properties"]["ID"] == INT_IN
    assert schema["properties"]["data"]["required"] == ["FIELDS"]
    assert schema["required"] == ["name"]


def test_integer_enum_and_values_on_booleans() -> None:
    assert param_schema(Param("x", "integer", values=("1", "2")))["enum"] == [1, 2]
    flag = param_schema(Param("x", "boolean", values=("Y", "N")))
    assert {"type": "boolean"} in flag["anyOf"] and "Y, N" in flag["description"]
    assert {"type": "string", "enum": ["Y", "N"]} in flag["anyOf"]  # the wire's Y/N


def test_success_envelope_and_result_inference() -> None:
    spec = build_spec(SMALL)
    ok = _op(spec, "/crm.lead.add")["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["required"] == ["result", "time"]
    assert ok["properties"]["result"]["anyOf"] == [{"type": "integer"}, NUMERIC, {"type": "null"}]
    assert ok["properties"]["time"] == {"$ref": "#/components/schemas/Time"}
    assert "next" not in ok["properties"]
    paged = _op(spec, "/crm.lead.list")["responses"]["200"]["content"]["application/json"]
    assert {"next", "total"} <= set(paged["schema"]["properties"])
    assert paged["schema"]["properties"]["result"]["examples"] == [[{"ID": "1"}]]
    items = result_schema(
        Returns(
            shape="items",
            fields=(
                Param("result", "object"),
                Param("items", "object[]", children=(Param("id", "integer"),)),
            ),
        )
    )
    assert items["properties"]["items"]["type"] == "array"
    listing = result_schema(
        Returns(shape="list", fields=(Param("result", "array"), Param("ID", "integer")))
    )
    assert listing["type"] == "array" and "ID" in listing["items"]["properties"]


def test_errors_grouped_by_status_with_system_errors() -> None:
    spec = build_spec(SMALL)
    responses = _op(spec, "/crm.lead.add")["responses"]
    assert set(responses) == {"200", "400", "403", "500", "503"}
    e400 = _resolve(spec, responses["400"])
    schema = e400["content"]["application/json"]["schema"]
    assert schema["properties"]["error"]["enum"] == ["400", "ACCESS_DENIED", 400]
    e403 = _resolve(spec, responses["403"])["content"]["application/json"]["schema"]
    assert e403["properties"]["error"]["enum"] == ["ACCESS_DENIED"]  # the system error's status
    v3 = _resolve(spec, _op(spec, "/api/tasks.task.add")["responses"]["400"])
    v3_schema = v3["content"]["application/json"]["schema"]["properties"]["error"]
    assert v3_schema["properties"]["code"]["enum"] == ["ERROR_VALIDATION"]
    # shared answers are stored once
    refs = [
        r["$ref"]
        for p in spec["paths"]
        for s, r in _op(spec, p)["responses"].items()
        if s == "500" and not p.startswith("/api/")
    ]
    assert len(set(refs)) == 1 and len(refs) == 4
    assert error_groups([], []) == {}


def test_paths_and_ids() -> None:
    odd = Method(name="x.{BOT}.y z")
    assert operation_path(odd) == "/x.%7BBOT%7D.y%20z"
    assert operation_id(Method(name="a.b", api_version=3)) == "a.b.v3"
    spec = build_spec(
        ApiModel(methods=(odd, Method(name="a.b"), Method(name="a.b", source="z.md")))
    )
    validate(spec)
    assert spec["paths"]["/a.b"]["post"]["x-b24-also-documented-in"] == ["z.md"]


def test_output_is_deterministic_and_both_formats_load() -> None:
    shuffled = ApiModel(methods=tuple(reversed(SMALL.methods)), system_errors=SMALL.system_errors)
    a = dump_spec(build_spec(SMALL))
    assert a == dump_spec(build_spec(shuffled))
    assert json.loads(a) == yaml.safe_load(dump_spec(build_spec(SMALL), "yaml"))
    with pytest.raises(ValueError, match="unknown format"):
        dump_spec({}, "xml")


def test_security_and_servers() -> None:
    spec = build_spec(SMALL)
    schemes = spec["components"]["securitySchemes"]
    assert schemes["authParam"] == {
        **schemes["authParam"],
        "type": "apiKey",
        "in": "query",
        "name": "auth",
    }
    assert set(schemes["oauth2"]["flows"]["authorizationCode"]["scopes"]) == {"crm", "task"}
    webhook, oauth = spec["servers"]
    assert set(webhook["variables"]) == {"domain", "user_id", "webhook_code"}
    assert oauth["url"] == "https://{domain}/rest" and "domain" in oauth["variables"]


def test_cli_writes_yaml_and_rejects_missing_docs(tmp_path: Path) -> None:
    from generator.render.files import write_text_atomic  # noqa: F401  (used by the command)

    docs = Path(__file__).resolve().parents[2] / "docs_src"
    out = tmp_path / "spec.yaml"
    result = CliRunner().invoke(main, ["openapi", "--docs", str(docs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    spec = yaml.safe_load(out.read_text(encoding="utf-8"))
    validate(spec)
    assert spec["paths"]
    bad = CliRunner().invoke(main, ["openapi", "--docs", str(tmp_path / "nope")])
    assert bad.exit_code == 2


# -- the real corpora ---------------------------------------------------------------------


def _covered(model: ApiModel, spec: dict) -> float:
    ops = {
        (op["post"]["x-b24-method"], op["post"]["x-b24-api-version"])
        for op in spec["paths"].values()
    }
    return sum((m.name, m.api_version) in ops for m in model.methods) / len(model.methods)


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["ru", "en"])
def test_corpus_export_validates_and_covers_the_methods(corpus: str, request) -> None:
    model = request.getfixturevalue(f"{corpus}_model")
    spec = build_spec(model)
    validate(spec)
    assert len(model.methods) > 1500
    assert _covered(model, spec) >= 0.99
    badge = _body(spec, "/crm.activity.badge.add")
    assert set(badge["required"]) >= {"code", "title", "value", "type"}
    fields = _body(spec, "/crm.lead.add")["properties"]["fields"]
    assert {"TITLE", "NAME", "LAST_NAME", "STATUS_ID", "ASSIGNED_BY_ID"} <= set(
        fields["properties"]
    )
    assert fields["properties"]["TITLE"]["description"]
    # REST 3.0 and REST 2 pages of one name are both there
    assert "/api/tasks.task.add" in spec["paths"] and "/tasks.task.add" in spec["paths"]
    # every operation answers 200 in the envelope and lists error codes
    for item in spec["paths"].values():
        responses = item["post"]["responses"]
        assert "result" in responses["200"]["content"]["application/json"]["schema"]["properties"]
        assert any(s.startswith(("4", "5")) for s in responses)
    assert dump_spec(spec) == dump_spec(build_spec(model))


def test_empty_codes_and_pages_without_codes() -> None:
    words = Method(
        name="crm.deal.get",
        errors=(ErrorCode("Пустое значение", "Not found"), ErrorCode("Empty string", "ID")),
    )
    silent = Method(name="crm.lead.get")
    spec = build_spec(ApiModel(methods=(words, silent), system_errors=(ErrorCode("X", "", 400),)))
    validate(spec)
    e400 = _resolve(spec, _op(spec, "/crm.deal.get")["responses"]["400"])
    error = e400["content"]["application/json"]["schema"]["properties"]["error"]
    assert error["enum"] == ["", "X"] and "Not found; ID" in e400["description"]
    open400 = _resolve(spec, _op(spec, "/crm.lead.get")["responses"]["400"])
    error = open400["content"]["application/json"]["schema"]["properties"]["error"]
    assert error == {"type": "string"} and "`X`" in open400["description"]


def test_fields_methods_answer_field_descriptors() -> None:
    fields = Method(
        name="crm.lead.fields",
        returns=Returns(
            shape="object",
            fields=(Param("result", "object"), Param("ID", "integer", description="id")),
        ),
    )
    result = _op(build_spec(ApiModel(methods=(fields,))), "/crm.lead.fields")["responses"]["200"]
    schema = result["content"]["application/json"]["schema"]["properties"]["result"]
    assert schema["properties"]["ID"]["description"] == "id"
    assert "isRequired" in schema["properties"]["ID"]["properties"]
    assert "isReadOnly" in schema["additionalProperties"]["properties"]


def test_numeric_codes_may_come_as_numbers() -> None:
    method = Method(name="tasks.x.add", errors=(ErrorCode("0", "Unknown"), ErrorCode("E")))
    spec = build_spec(ApiModel(methods=(method,)))
    e400 = _resolve(spec, _op(spec, "/tasks.x.add")["responses"]["400"])
    error = e400["content"]["application/json"]["schema"]["properties"]["error"]
    assert error == {"type": ["string", "integer"], "enum": ["0", "E", 0]}


def test_call_variants_are_one_of(ru_model, en_model) -> None:
    """vote.AttachedVote.get: three mutually exclusive ways to call it, exactly one holds."""
    from jsonschema import Draft202012Validator

    for model in (ru_model, en_model):
        m = model.method("vote.AttachedVote.get")
        spec = build_spec(ApiModel(methods=(m,)))
        validate(spec)
        body = _body(spec, "/vote.AttachedVote.get")
        assert len(body["oneOf"]) == 3 and "required" not in body
        check = Draft202012Validator(body)
        assert check.is_valid({"attachId": 1})
        assert check.is_valid({"signedAttachId": "x"})
        assert check.is_valid({"moduleId": "Im", "entityType": "t", "entityId": 1})
        assert not check.is_valid({"moduleId": "Im"})  # half of the second way
        assert not check.is_valid({"attachId": 1, "signedAttachId": "x"})  # two ways at once


def test_key_patterns_are_named_not_properties(ru_model) -> None:
    m = ru_model.method("crm.lead.add")
    spec = build_spec(ApiModel(methods=(m,)))
    fields = _body(spec, "/crm.lead.add")["properties"]["fields"]
    assert "UF_..." not in fields["properties"]
    assert "UF_..." in fields["description"]
