"""Page structure on the real pages (issue 12): call variants, value tables, sub-tables at the
right parent, response sections wherever nested, placeholder keys, names, non-methods.

Each class is asserted on the page that shows it, in ``ru`` and ``en`` (and the older
``ru-2025-08`` where only it has the case), through the session models.
"""

from __future__ import annotations

import json
import re

import pytest

from generator.model import ApiModel, Method, Param, is_name_pattern, walk_params

LANGS = ["ru", "en"]


@pytest.fixture(scope="module", params=LANGS)
def model(request, corpus_models) -> ApiModel:
    return corpus_models[request.param]


def _by_source(model: ApiModel, source: str) -> Method:
    return next(m for m in model.methods if m.source == "api-reference/" + source)


def _child(params, *path: str) -> Param:
    node = None
    level = params
    for name in path:
        node = next(p for p in level if p.name == name)
        level = node.children
    assert node is not None
    return node


def test_vote_attached_vote_has_three_call_variants(model):
    for name in ("vote.AttachedVote.get", "vote.AttachedVote.vote"):
        m = model.method(name)
        sets = [{p.name: p.required for p in v.params} for v in m.variants]
        assert len(sets) == 3
        assert sets[0]["attachId"] and set(sets[1]) >= {"moduleId", "entityType", "entityId"}
        assert "signedAttachId" in sets[2] and "attachId" not in sets[2]
        # the union keeps every name; nothing is required in all three ways but ballot
        union = {p.name: p.required for p in m.params}
        assert set(union) >= {"attachId", "moduleId", "signedAttachId"}
        assert not any(union[k] for k in ("attachId", "moduleId", "signedAttachId"))
        if name.endswith(".vote"):
            assert union["ballot"] and all(s["ballot"] for s in sets)


def test_model_json_keeps_params_as_union_and_adds_variants(ru_model):
    m = ru_model.method("vote.AttachedVote.get")
    d = json.loads(ApiModel(methods=(m,)).to_json())["methods"][0]
    assert [p["name"] for p in d["params"]] == [p.name for p in m.params]
    assert [v["title"] for v in d["variants"]][0].startswith("Через идентификатор")
    back = ApiModel.from_json(ApiModel(methods=(m,)).to_json()).methods[0]
    assert back == m


def test_value_tables_are_not_parameters(model):
    for src in ("pay-system/sale-pay-system-add.md", "pay-system/sale-pay-system-handler-add.md"):
        names = {p.name for p in _by_source(model, src).params}
        assert not names & {"ORDER", "PAYMENT", "PROPERTY", "USER", "VALUE", "Y\\N"}, src
    handler = _by_source(model, "pay-system/sale-pay-system-handler-add.md")
    key = next(p for _, p in walk_params(handler.params) if p.name == "PROVIDER_KEY")
    assert {"ORDER", "PAYMENT", "VALUE"} <= set(key.values)
    assert dict(key.labels)["PAYMENT"]  # the label column kept as the value's meaning


def test_import_table_belongs_to_fields(model):
    m = model.method("crm.quote.add")
    fields = {c.name for c in _child(m.params, "fields").children}
    params = {c.name for c in _child(m.params, "params").children}
    assert {"DATE_CREATE", "CREATED_BY_ID"} <= fields
    assert params == {"IMPORT"}


def test_subtable_of_a_member_attaches_at_its_depth(model):
    m = model.method("landing.block.updateStyles")
    data = _child(m.params, "data")
    assert {c.name for c in data.children} == set()  # only a placeholder key inside
    selector = data.patterns[0]
    assert is_name_pattern(selector.name)
    assert {"classList", "affect", "style"} <= {c.name for c in selector.children}


def test_labelled_table_keyed_by_the_key_column(model):
    m = model.method("crm.item.details.configuration.set")
    extras = {c.name: c for c in _child(m.params, "extras").children}
    assert {"categoryId", "dealCategoryId", "leadCustomerType"} <= set(extras)
    assert not set(extras) & {"Сделка", "Лид", "Deal", "Lead"}


def test_appendix_section_is_not_parameters(model):
    m = model.method("sale.cashbox.handler.add")
    items = next(p for path, p in walk_params(m.params) if path.endswith("CONFIG.ITEMS"))
    names = {c.name for c in items.children}
    assert {"TYPE", "LABEL"} <= names
    assert not names & {"name", "price", "vat", "payment_object"}  # the PRINT_URL page's


def test_response_under_examples_is_the_response(model):
    upd = model.method("crm.contact.update")
    assert not {"result", "time"} & {p.name for p in upd.params}
    assert {"result", "time"} <= {f.name for f in upd.returns.fields}
    uf = model.method("crm.contact.userfield.get")
    assert uf.returns.fields and uf.returns.shape == "object"


def test_wildcard_is_a_pattern_not_a_required_parameter(model):
    m = model.method("log.blogpost.add")
    assert "UF_" not in {p.name for p in m.params}
    assert [p.name for p in m.param_patterns] == ["UF_*"]
    assert not m.param_patterns[0].required
    # the named fields listed under the wildcard are keys beside it
    assert {"UF_BLOG_POST_FILE", "UF_GRATITUDE"} <= {p.name for p in m.params}
    got = model.method("log.blogpost.get").returns
    assert "UF_*" in {p.name for p in got.patterns} | {
        c.name for f in got.fields for c in f.patterns
    }
    lead = model.method("crm.lead.add")
    fields = _child(lead.params, "fields")
    assert "UF_..." in {p.name for p in fields.patterns}


def test_backticks_in_the_description_are_not_a_type(model):
    order = _child(model.method("crm.lead.list").params, "order")
    assert order.type == ""


def test_no_parameter_named_after_a_placeholder(corpus_models):
    for name, model in corpus_models.items():
        bad = [
            (m.name, path)
            for m in model.methods
            for path, p in [*walk_params(m.params), *walk_params(m.returns.fields)]
            if is_name_pattern(p.name)
        ]
        assert bad == [], (name, bad[:5])


def test_names_from_the_body_on_english_pages(en_model):
    assert _by_source(en_model, "chats/special-operations/im-recent-pin.md").name == "im.recent.pin"
    names = {m.name for m in en_model.methods}
    assert {"crm.status.fields", "crm.item.details.configuration.get", "profile"} <= names
    assert not names & {"im.recent", "activity", "bindings", "layout"}


def test_dotless_profile_is_a_method(model):
    m = model.method("profile")
    assert m.source.endswith("common/users/profile.md") and not m.params


_TEMPLATE = re.compile(r"(?:^|\.)x{3,}(?:\.|$)", re.I)


def test_templates_and_js_commands_are_not_methods(corpus_models):
    for name, model in corpus_models.items():
        names = {m.name for m in model.methods}
        assert not [n for n in names if _TEMPLATE.search(n)], name
        assert not names & {"disableAutoClose", "enableAutoClose", "getStatus"}, name
        codes = {d.code for d in model.diagnostics}
        assert "js-only" in codes
    old = corpus_models["ru-2025-08"]
    assert any(d.code == "template" for d in old.diagnostics)
    m = _by_source(old, "catalog/enum/catalog-enum-get-store-document-types.md")
    assert m.name == "catalog.enum.getStoreDocumentTypes"
    assert any(d.code == "h1-name" and d.source == m.source for d in old.diagnostics)


_SCOPE_LINE = re.compile(r"^> Scope:", re.M)
_RESPONSE_H2 = re.compile(r"^## (?:Обработка ответа|Response [Hh]andling)", re.M)


def test_every_method_page_gives_a_method(corpus_models):
    """Scanned apart from the reader: a page with a Scope line and a response section is a
    method page; it gives a method, or (JS commands, templates) a diagnostic saying why not."""
    from tests.conftest import CORPORA

    for name, model in corpus_models.items():
        given = {m.source for m in model.methods} | {e.source for e in model.events}
        said = {d.source for d in model.diagnostics if d.code in ("js-only", "template")}
        root = CORPORA / name
        missing = []
        for p in sorted((root / "api-reference").rglob("*.md")):
            rel = p.relative_to(root).as_posix()
            if "/_" in rel or rel.endswith("index.md"):
                continue
            text = p.read_text(encoding="utf-8")
            if _SCOPE_LINE.search(text) and _RESPONSE_H2.search(text):
                if rel not in given and rel not in said:
                    missing.append(rel)
        assert missing == [], (name, missing[:10])


def test_sub_tables_chain_to_the_parameter_read_last(model):
    """ "… в массиве FORM_DATA" names FORM_DATA (under SETTINGS); its FIELDS row takes
    "Параметр FIELDS", whose CODE row takes "Параметр CODE" — not the top-level CODE."""
    m = model.method("sale.paysystem.handler.add")
    code = _child(m.params, "SETTINGS", "FORM_DATA", "FIELDS", "CODE")
    assert {"NAME", "INPUT"} <= {c.name for c in code.children}
    assert _child(m.params, "CODE").children == ()
    # a table of possible values goes to the key its heading names
    key = _child(m.params, "SETTINGS", "CODES", "DEFAULT", "PROVIDER_KEY")
    assert "ORDER" in key.values


def test_subtable_of_a_type_attaches_to_the_parameter_of_that_type(model):
    m = model.method("crm.item.details.configuration.set")
    elements = _child(m.params, "data", "elements")
    assert elements.type == "section_element[]"
    options = _child(elements.children, "options")
    assert options.children  # "#### section_element.options"
