"""The reader on the real corpora: coverage, fidelity, ru/en agreement, nesting, no crashes.

Page counts here are computed independently of the reader (a plain scan of H1 lines), so a
reader that silently drops pages cannot pass by shrinking the denominator.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.model import ApiModel, is_wire_name, walk_params
from tests.conftest import CORPORA

CORPUS_NAMES = ["ru", "en", "ru-2025-08"]
_H1_METHOD = re.compile(r"^# .*?\s`?([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)`?\s*$")
_EVENTISH = re.compile(r"^(?:on[A-Z]|On[A-Z]|ON[A-Z])|\.ON\.")


def rest_method_pages(root: Path) -> set[str]:
    """Pages whose H1 ends in a dotted method name (not BX24.*, *.vN, events)."""
    out = set()
    for p in (root / "api-reference").rglob("*.md"):
        if "/_" in p.as_posix():
            continue
        with p.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("# "):
                    m = _H1_METHOD.match(line.rstrip())
                    if m:
                        name = m.group(1)
                        if not (
                            name.startswith("BX24.")
                            or re.search(r"\.v\d+$", name)
                            or _EVENTISH.search(name)
                        ):
                            out.add(p.relative_to(root).as_posix())
                    break
    return out


@pytest.fixture(scope="module", params=CORPUS_NAMES)
def corpus(request, corpus_models) -> tuple[str, ApiModel]:
    return request.param, corpus_models[request.param]


def test_method_pages_give_methods(corpus):
    name, model = corpus
    pages = rest_method_pages(CORPORA / name)
    got = {m.source for m in model.methods}
    missing = pages - got
    assert len(pages) > 1400
    assert len(pages & got) / len(pages) >= 0.99, sorted(missing)[:20]
    # every page that gives nothing says why
    diag_sources = {d.source for d in model.diagnostics}
    assert not (missing - diag_sources), sorted(missing - diag_sources)[:20]


def test_no_crashes(corpus):
    _, model = corpus
    crashes = [str(d) for d in model.diagnostics if d.code == "reader-error"]
    assert crashes == []


def test_parameter_rows_fidelity(corpus):
    """>= 98% of rows give name, required flag and the docs' type; rows the docs leave
    untyped are counted apart and listed as diagnostics (see README, "Coverage")."""
    _, model = corpus
    rows, complete = model.stat("param_rows"), model.stat("param_rows_complete")
    typed, untyped = model.stat("param_rows_typed"), model.stat("param_rows_untyped_in_docs")
    assert rows > 8000
    assert complete / rows >= 0.98, (complete, rows)
    assert typed + untyped >= complete
    listed = sum(int(d.message.split()[0]) for d in model.diagnostics if d.code == "untyped-rows")
    assert listed == untyped - model.stat("param_rows_untyped_placeholders")
    # every method parameter that has a type keeps the docs' notation
    types = {p.type for m in model.methods for _, p in walk_params(m.params) if p.type}
    assert {"string", "integer", "string|array", "object"} <= types
    assert any(t.endswith("[]") for t in types)


def test_subtable_rows_attached(corpus):
    _, model = corpus
    sub, attached = model.stat("subtable_rows"), model.stat("subtable_rows_attached")
    assert sub > 4000
    assert attached / sub >= 0.97, (attached, sub)
    unattached = [d for d in model.diagnostics if d.code == "unattached-subtable"]
    assert unattached, "the rest must be listed as diagnostics"
    assert all(d.line > 0 and d.source.endswith(".md") for d in unattached)


def test_events_are_not_methods(corpus):
    _, model = corpus
    names = {m.name for m in model.methods}
    assert 180 <= len(model.events) <= 200
    assert not any(_EVENTISH.search(n) for n in names)
    assert not any(n.startswith("BX24.") for n in names)
    ev = {e.name: e for e in model.events}
    lead_add = ev.get("onCrmLeadAdd") or ev.get("ONCRMLEADADD")
    assert lead_add is not None
    assert "CATALOG.PRODUCT.ON.ADD" in ev
    data = next(p for p in ev["CATALOG.PRODUCT.ON.ADD"].params if p.name == "data")
    assert [c.name for c in data.children] == ["FIELDS"]  # from the dotted row data.FIELDS
    assert any(c.name == "ID" for c in data.children[0].children)  # from "### Параметр FIELDS"


def _pset(m) -> set[str]:
    return {
        path.lower()
        for path, p in walk_params(m.params)
        if all(is_wire_name(x) for x in path.split("."))
    }


def test_ru_en_parameter_sets_agree(ru_model, en_model):
    ru = {m.source: m for m in ru_model.methods}
    en = {m.source: m for m in en_model.methods}
    common = sorted(set(ru) & set(en))
    assert len(common) > 1500
    disagree = [s for s in common if _pset(ru[s]) != _pset(en[s])]
    assert len(disagree) / len(common) <= 0.01, disagree


def test_hard_pages(ru_model):
    m = ru_model.method("crm.lead.add")
    fields = next(p for p in m.params if p.name == "fields")
    source = next(c for c in fields.children if c.name == "SOURCE_ID")
    assert {"CALL", "WEB", "OTHER"} <= set(source.values)  # nested table in a cell
    assert m.deprecated and m.replacement == "crm.item.add"
    assert m.returns.shape == "scalar" and m.returns.type == "integer"
    cal = ru_model.method("calendar.event.add")
    assert any(p.name == "from" for p in cal.params)
    basket = ru_model.method("sale.basketitem.add")
    fields = {c.name: c for p in basket.params for c in p.children}
    assert fields["name"].required and fields["weight"].type
    v3 = [m for m in ru_model.methods if m.name == "tasks.task.add"]
    assert sorted(m.api_version for m in v3) == [2, 3]
    assert ru_model.method("crm.deal.productrows.get").params[0].name == "id"
    assert any(e.code == "ACCESS_DENIED" for e in ru_model.method("crm.activity.badge.add").errors)
    sys_codes = {e.code: e.status for e in ru_model.system_errors}
    assert sys_codes["QUERY_LIMIT_EXCEEDED"] == 503 and sys_codes["expired_token"] == 401
    assert ru_model.method("crm.deal.list").returns.paged
    item = ru_model.method("crm.item.get").returns
    assert item.shape == "item"


def test_outdated_and_deprecated(ru_model):
    dep = [m for m in ru_model.methods if m.deprecated]
    assert len(dep) > 200
    assert all(m.deprecated for m in ru_model.methods if "/outdated/" in m.source)
    assert sum(1 for m in dep if m.replacement) > 30


def test_model_json_round_trip(ru_model):
    text = ru_model.to_json()
    again = ApiModel.from_json(text)
    assert again == ru_model
    assert again.to_json() == text


def test_json_contract_keys(en_model):
    d = en_model.to_dict()
    assert {"methods", "events", "diagnostics"} <= set(d)
    m = d["methods"][0]
    assert {
        "name",
        "title",
        "scope",
        "source",
        "line",
        "deprecated",
        "params",
        "errors",
        "returns",
    } <= set(m)
    p = next(p for m in d["methods"] for p in m["params"] if p["children"])
    assert {"name", "type", "required", "description", "children"} <= set(p)
    assert isinstance(p["type"], str) and isinstance(p["required"], bool)
    e = next(e for m in d["methods"] for e in m["errors"])
    assert {"code", "description"} <= set(e)
    assert not Path(d["methods"][0]["source"]).is_absolute()
