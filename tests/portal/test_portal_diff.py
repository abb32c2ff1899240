"""``portal diff``: fields added, removed, changed; breaking as ``b24gen diff`` decides."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from generator.portal.diff import diff_snapshots
from generator.portal.snapshot import (
    EntitySchema,
    EnumValue,
    PortalField,
    SmartProcess,
    make_snapshot,
)
from tests.portal.conftest import b24gen

COLOUR = PortalField("UF_CRM_COLOUR", "enumeration", user_field=True,
                     labels=(("en", "Colour"),), values=(EnumValue("1", "Red"), EnumValue("2", "Green")))  # fmt: skip
NOTE = PortalField("UF_CRM_NOTE", "string", user_field=True)
KIND = PortalField("ufCrm1Kind", "enumeration", user_field=True, values=(EnumValue("3", "Goods"),))


def _snap(deal=(COLOUR, NOTE), smart=(SmartProcess(1030, "invoice", "Invoices", "invoice", (KIND,)),)):  # fmt: skip
    return make_snapshot([EntitySchema("crm.deal", 2, tuple(deal))], list(smart))


def _changes(old, new):
    diff = diff_snapshots(old, new)
    return diff, {(i.name, c.kind, c.param): c.breaking for i in diff.changed for c in i.changes}


def test_no_change_is_empty():
    diff, found = _changes(_snap(), _snap())
    assert diff.empty and found == {} and diff.breaking_count == 0


def test_breaking_rules():
    new_colour = replace(COLOUR, values=(EnumValue("1", "Red"), EnumValue("4", "Blue")))
    diff, found = _changes(_snap(), _snap(deal=(new_colour,)))
    assert found == {
        ("crm.deal", "param_values", "UF_CRM_COLOUR"): True,  # list value 2 removed
        ("crm.deal", "param_removed", "UF_CRM_NOTE"): True,
    }
    assert diff.breaking_count == 2


def test_not_breaking():
    more = replace(COLOUR, values=COLOUR.values + (EnumValue("5", "Blue"),),
                   labels=(("en", "Color"),), required=False)  # fmt: skip
    added = PortalField("UF_CRM_EXTRA", "integer", user_field=True)
    diff, found = _changes(_snap(), _snap(deal=(more, NOTE, added)))
    assert found == {
        ("crm.deal", "param_values", "UF_CRM_COLOUR"): False,
        ("crm.deal", "param_labels", "UF_CRM_COLOUR"): False,
        ("crm.deal", "param_added", "UF_CRM_EXTRA"): False,
    }
    assert diff.breaking_count == 0


def test_required_type_multiple_and_smart_processes():
    required_note = replace(NOTE, required=True)
    retyped = replace(COLOUR, type="string", values=())
    required_new = PortalField("UF_CRM_MUST", "string", user_field=True, required=True)
    other = SmartProcess(1032, "order", "Orders", "order", ())
    diff, found = _changes(_snap(), _snap(deal=(retyped, required_note, required_new),
                                          smart=(other,)))  # fmt: skip
    assert found[("crm.deal", "param_required", "UF_CRM_NOTE")] is True
    assert found[("crm.deal", "param_type", "UF_CRM_COLOUR")] is True
    assert found[("crm.deal", "param_added", "UF_CRM_MUST")] is True
    assert diff.added == ("crm.smart.order",) and diff.removed == ("crm.smart.invoice",)
    multi = replace(KIND, multiple=True)
    _, found = _changes(_snap(), _snap(smart=(SmartProcess(1030, "invoice", "Invoices",
                                                            "invoice", (multi,)),)))  # fmt: skip
    assert found == {("crm.smart.invoice", "param_multiple", "ufCrm1Kind"): True}


def test_cli_formats_and_gate(tmp_path: Path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(_snap().to_json(), encoding="utf-8")
    new.write_text(_snap(deal=(COLOUR,)).to_json(), encoding="utf-8")
    as_json = b24gen("portal", "diff", old, new, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    body = json.loads(as_json.output)
    assert body["breaking"] == 1
    # the JSON contract of `b24gen diff`: these keys as they were, later ones only added
    [changed] = body["changed"]
    assert changed["name"] == "crm.deal"
    [change] = changed["changes"]
    assert {k: change[k] for k in ("kind", "param", "old", "new", "breaking")} == {
        "kind": "param_removed", "param": "UF_CRM_NOTE", "old": "string", "new": None,
        "breaking": True}  # fmt: skip
    text = b24gen("portal", "diff", old, new)
    assert "parameter removed UF_CRM_NOTE  [breaking]" in text.output
    md = b24gen("portal", "diff", old, new, "--format", "markdown")
    assert "### crm.deal" in md.output and "`UF_CRM_NOTE`" in md.output
    assert b24gen("portal", "diff", old, new, "--fail-on", "breaking").exit_code == 1
    assert b24gen("portal", "diff", new, old, "--fail-on", "breaking").exit_code == 0
    assert b24gen("portal", "diff", new, old, "--fail-on", "any").exit_code == 1
    assert b24gen("portal", "diff", old, old, "--fail-on", "any").exit_code == 0


def test_smart_process_renumbered_or_retitled():
    base = SmartProcess(1030, "invoice", "Invoices", "invoice", (KIND,))
    _, found = _changes(_snap(smart=(base,)), _snap(smart=(replace(base, title="Bills"),)))
    assert found == {("crm.smart.invoice", "param_labels", "title"): False}
    _, found = _changes(_snap(smart=(base,)), _snap(smart=(replace(base, entity_type_id=1040),)))
    assert found == {("crm.smart.invoice", "param_type", "entityTypeId"): True}
