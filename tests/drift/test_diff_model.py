"""diff_models on small hand-built models: every kind of change and its classification."""

from __future__ import annotations

import json

import pytest

from generator.drift.diff import diff_models
from generator.drift.report import render_diff
from generator.model import ApiModel, ErrorCode, Event, Method, Param, Returns


def _m(name: str, *params: Param, **kw) -> Method:
    return Method(name=name, params=params, source=f"{name}.md", **kw)


FIELDS_OLD = Param(
    "fields",
    "object",
    True,
    children=(Param("TITLE", "string"), Param("OPENED", "char"), Param("STAGE", "string")),
)
FIELDS_NEW = Param(
    "fields",
    "object",
    True,
    children=(
        Param("TITLE", "string", required=True),
        Param("OPENED", "char|boolean"),
        Param("COMMENTS", "string"),
    ),
)

OLD = ApiModel(
    methods=(
        _m("crm.lead.add", FIELDS_OLD, Param("params", "object"), errors=(ErrorCode("400"),)),
        _m("crm.lead.list", Param("order", "object"), returns=Returns("items", paged=True)),
        _m("crm.old.thing"),
        _m("user.get", Param("ID", "integer", required=True), Param("sort", "string")),
        _m("task.item.add", returns=Returns("scalar", "integer")),
        _m("tasks.task.add", Param("fields", "object"), api_version=3),
        _m("crm.item.getFields"),
    ),
    events=(
        Event("onCrmLeadAdd", params=(Param("data", children=(Param("FIELDS"), Param("X"))),)),
        Event("onOldEvent"),
    ),
)
NEW = ApiModel(
    methods=(
        _m(
            "crm.lead.add",
            FIELDS_NEW,
            errors=(ErrorCode("400"), ErrorCode("ACCESS_DENIED")),
        ),
        _m("crm.lead.list", Param("order", "object"), returns=Returns("items", paged=True)),
        _m("crm.new.thing", Param("id", "integer", required=True)),
        _m("user.get", Param("ID", "integer"), Param("sort", "boolean"), Param("n", "int", True)),
        _m("task.item.add", deprecated=True, replacement="tasks.task.add"),
        _m("tasks.task.add", Param("fields", "object"), api_version=3),
        _m("crm.item.getfields"),
    ),
    events=(
        Event("onCrmLeadAdd", params=(Param("data", children=(Param("FIELDS"), Param("Y"))),)),
        Event("onNewEvent"),
    ),
)


@pytest.fixture(scope="module")
def diff():
    return diff_models(OLD, NEW)


def _changes(diff, method):
    item = next(i for i in diff.changed if i.name == method)
    return {(c.kind, c.param): c for c in item.changes}


def test_added_removed_deprecated(diff):
    assert diff.added == ("crm.new.thing",)
    assert diff.removed == ("crm.old.thing",)
    assert diff.deprecated == ("task.item.add",)
    assert "crm.lead.list" not in {i.name for i in diff.changed}, "unchanged is not listed"
    assert "tasks.task.add@v3" not in diff.added + diff.removed


def test_param_changes_and_classification(diff):
    c = _changes(diff, "crm.lead.add")
    assert c[("param_required", "fields.TITLE")].breaking
    assert c[("param_removed", "fields.STAGE")].breaking
    assert c[("param_removed", "params")].breaking
    assert c[("param_added", "fields.COMMENTS")].breaking is False
    widened = c[("param_type", "fields.OPENED")]
    assert (widened.old, widened.new, widened.breaking) == ("char", "char|boolean", False)
    assert c[("error_added", "ACCESS_DENIED")].breaking is False

    u = _changes(diff, "user.get")
    assert u[("param_optional", "ID")].breaking is False
    assert u[
        ("param_type", "sort")
    ].breaking, "string -> boolean narrows (an integer would take numeric strings)"
    assert u[("param_added", "n")].breaking, "a new required parameter breaks callers"


def test_result_and_deprecation(diff):
    c = _changes(diff, "task.item.add")
    assert c[("deprecated", None)].breaking is False
    assert c[("replacement", None)].new == "tasks.task.add"
    shape = c[("result_shape", None)]
    assert (shape.old, shape.new, shape.breaking) == ("scalar", "unknown", False)


def test_name_case_is_a_change_not_add_remove(diff):
    c = _changes(diff, "crm.item.getfields")
    assert c[("name_case", None)].old == "crm.item.getFields"
    assert "crm.item.getfields" not in diff.added


def test_events(diff):
    assert diff.events_added == ("onNewEvent",)
    assert diff.events_removed == ("onOldEvent",)
    ev = {(c.kind, c.param): c for c in diff.events_changed[0].changes}
    assert ev[("param_removed", "data.X")].breaking
    assert ev[("param_added", "data.Y")].breaking is False


def test_result_shape_change_is_breaking():
    old = ApiModel(methods=(_m("a.b", returns=Returns("object")),))
    new = ApiModel(methods=(_m("a.b", returns=Returns("items", paged=True)),))
    d = diff_models(old, new)
    kinds = {c.kind: c.breaking for c in d.changed[0].changes}
    # one annotation change (dict[str, Any] -> Page), counted once, on the shape
    assert kinds == {"result_shape": True, "result_paged": False}
    assert d.breaking_count == 1


def test_json_contract(diff):
    doc = json.loads(render_diff(diff, "json"))
    assert doc["added"] == ["crm.new.thing"] and doc["removed"] == ["crm.old.thing"]
    entry = next(e for e in doc["changed"] if e["method"] == "crm.lead.add")
    assert {"kind", "param", "old", "new", "breaking"} <= set(entry["changes"][0])
    assert doc["events"]["added"] == ["onNewEvent"]
    assert doc["breaking"] == diff.breaking_count > 0


def test_text_and_markdown_name_breaking_changes(diff):
    text = render_diff(diff, "text", old_label="v1", new_label="v2")
    assert "parameter made required: fields.TITLE (no -> yes)  [breaking]" in text
    assert "  - crm.old.thing" in text
    md = render_diff(diff, "markdown", old_label="v1", new_label="v2")
    breaking = md[md.index("### Breaking changes") : md.index("<details>")]
    assert "#### `crm` (3 item(s)" in breaking, "grouped by namespace"
    lead = breaking[breaking.index("- `crm.lead.add`\n") :]
    assert lead.index("  - parameter made required: fields.TITLE (no -> yes)\n") < lead.index(
        "- `crm.old.thing`: removed"
    ), "the change sits under its method"
    assert "- `crm.old.thing`: removed" in breaking


def test_identical_models_have_no_changes():
    d = diff_models(OLD, OLD)
    assert d.empty and not d.breaking
    assert render_diff(d, "text").splitlines()[1] == "No API changes."


def test_order_of_pages_does_not_matter(diff):
    shuffled = ApiModel(methods=tuple(reversed(NEW.methods)), events=tuple(reversed(NEW.events)))
    assert diff_models(OLD, shuffled) == diff


def test_markdown_fits_a_job_summary_breaking_first(diff):
    full = render_diff(diff, "markdown")
    assert "<details>" in full and "left out" not in full
    assert full.index("### Breaking changes") < full.index("<details>"), "breaking first"
    small = render_diff(diff, "markdown", budget=len(full) // 2)
    assert len(small.encode()) < len(full.encode())
    assert "more line(s) left out to fit a job summary" in small
    hard = full[full.index("### Breaking changes") : full.index("<details>")]
    assert hard in small, "no breaking change is cut"


def test_a_respelling_is_no_change_and_widening_is_not_breaking():
    old = ApiModel(methods=(_m("a.b", Param("ids", "int[]"), Param("x", "object")),))
    new = ApiModel(methods=(_m("a.b", Param("ids", "integer[]"), Param("x", "object|boolean")),))
    d = diff_models(old, new)
    (item,) = d.changed
    assert [(c.kind, c.param) for c in item.changes] == [("param_type", "x")]
    (c,) = item.changes
    assert c.breaking is False
    assert c.old_annotation == "dict[str, FieldValue]"
    assert c.new_annotation is not None and c.new_annotation.startswith(c.old_annotation + " | ")


def test_a_return_gaining_an_alternative_breaks_its_readers():
    old = ApiModel(methods=(_m("a.b", returns=Returns("scalar", "string")),))
    new = ApiModel(methods=(_m("a.b", returns=Returns("scalar", "string|boolean")),))
    (c,) = diff_models(old, new).changed[0].changes
    assert (c.kind, c.breaking) == ("result_type", True)
    assert c.new_annotation is not None and "bool" in c.new_annotation
    narrowed = diff_models(new, old).changed[0].changes[0]
    assert narrowed.breaking is False, "code written for str | bool handles str"


def test_an_undocumented_type_getting_one_is_reported_not_breaking():
    old = ApiModel(methods=(_m("a.b", Param("id", "")),))
    new = ApiModel(methods=(_m("a.b", Param("id", "integer")),))
    (c,) = diff_models(old, new).changed[0].changes
    assert (c.kind, c.breaking, c.old_annotation, c.new_annotation) == (
        "param_type",
        False,
        "Any",
        "int | str",  # an integer takes numeric strings too (generator.vocabulary)
    )


def test_a_parameter_object_documented_for_the_first_time_breaks_other_keys():
    old = ApiModel(methods=(_m("a.b", Param("fields", "object")),))
    new = ApiModel(
        methods=(_m("a.b", Param("fields", "object", children=(Param("TITLE", "string"),))),)
    )
    changes = {c.kind: c for c in diff_models(old, new).changed[0].changes}
    assert changes["param_added"].breaking is False, "TITLE itself is optional"
    ann = changes["param_annotation"]
    assert ann.breaking and ann.param == "fields"
    assert (ann.old_annotation, ann.new_annotation) == ("dict[str, FieldValue]", "ABFields")


def test_a_python_name_that_moves_is_breaking(diff):
    c = _changes(diff, "crm.item.getfields")[("name_case", None)]
    assert c.breaking
    assert (c.old_annotation, c.new_annotation) == ("crm.item.getFields", "crm.item.getfields")
