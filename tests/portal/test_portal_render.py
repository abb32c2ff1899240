"""The portal's rendering rules: field types, key docs, names, and where it refuses."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from generator.portal.generated import PortalRenderError
from generator.portal.render import extend_files, key_doc, python_type
from generator.portal.snapshot import (
    EntitySchema,
    EnumValue,
    PortalField,
    SmartProcess,
    make_snapshot,
    smart_name,
)

LIST = PortalField("UF_CRM_SIZES", "enumeration", multiple=True, user_field=True,
                   labels=(("en", 'Sizes "EU"'), ("ru", "Размеры")),
                   values=(EnumValue("7", "S"), EnumValue("x1", "XL")))  # fmt: skip


def test_python_types():
    assert python_type(LIST) == 'list[Literal[7, "7", "x1"]]'
    assert python_type(PortalField("a", "double")) == "float"
    assert python_type(PortalField("a", "employee", multiple=True)) == "list[int]"
    assert python_type(PortalField("a", "enumeration")) == "int | str"  # no values pulled
    assert python_type(PortalField("a", "resourcebooking")) == "Any"
    assert "type not known to b24gen: Any" in key_doc(PortalField("a", "resourcebooking"))


def test_key_doc_is_one_safe_line():
    doc = key_doc(LIST)
    assert doc == "Sizes 'EU' (en) / Размеры (ru); enumeration, multiple. Values: 7 = S, x1 = XL"


def test_smart_names():
    assert smart_name("invoiceDraft", 1038) == "invoice_draft"
    assert smart_name("Счета", 1038) == "type1038"  # no Latin code: the number
    assert smart_name("", 1040) == "type1040"
    assert smart_name("class", 1042) == "class_"
    assert smart_name("2fa-check", 1044) == "type1044"


@pytest.fixture(scope="module")
def docs_files(docs_src_model: Any) -> dict[str, str]:
    from generator.render import render_package

    return render_package(docs_src_model, package_name="b24client")


def test_keys_that_are_no_identifiers_use_the_functional_form(docs_files: dict[str, str]):
    odd = PortalField("ufCrm1-odd", "string", user_field=True)
    keyword = PortalField("from", "string", user_field=True)
    snap = make_snapshot([], [SmartProcess(1030, "odd", "Odd", "odd", (odd, keyword))])
    out = extend_files(docs_files, snap, package_name="b24client", snapshot_name="s.json")
    text = out["b24client/portal/types.py"]
    ast.parse(text)
    assert 'SmartOddItem = TypedDict(\n    "SmartOddItem",' in text
    assert '"ufCrm1-odd": str' in text and '"from": str' in text


def test_refuses_what_does_not_fit(docs_files: dict[str, str]):
    field = PortalField("UF_CRM_X", "string", user_field=True)
    no_crm = {k: v for k, v in docs_files.items() if not k.startswith("b24client/api/crm")}
    with pytest.raises(PortalRenderError, match="no b24client/api/crm.py"):
        extend_files(no_crm, make_snapshot([EntitySchema("crm.deal", 2, (field,))], []),
                     package_name="b24client", snapshot_name="s.json")  # fmt: skip
    with pytest.raises(PortalRenderError, match="has no other/client.py"):
        extend_files(docs_files, make_snapshot([], []), package_name="other",
                     snapshot_name="s.json")  # fmt: skip
    # docs without crm.company, a snapshot with user fields of companies
    api = "b24client/api/crm/__init__.py"  # the crm package: one module per resource
    no_company = {**docs_files, api: docs_files[api].replace("def company(", "def firm(")}
    company = make_snapshot([EntitySchema("crm.company", 4, (field,))], [])
    with pytest.raises(PortalRenderError, match="the docs have no client.crm.company"):
        extend_files(no_company, company, package_name="b24client", snapshot_name="s.json")


def test_entities_without_user_fields_are_left_alone(docs_files: dict[str, str]):
    snap = make_snapshot([EntitySchema("crm.lead", 1, ())], [])
    out = extend_files(docs_files, snap, package_name="b24client", snapshot_name="s.json")
    assert "class CrmLead(" not in out["b24client/portal/crm.py"]
    assert "def smart(self)" in out["b24client/portal/crm.py"]
