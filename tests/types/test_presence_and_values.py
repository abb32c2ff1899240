"""Issue 11 / 16: which returned values admit None, which result keys are Required, and
which listed values make a Literal (generator/vocabulary/presence.py, values.py)."""

from __future__ import annotations

import json

import pytest

from generator.extract.params import _VALUE_ITEM
from generator.model import Method, Param, Returns
from generator.render.annotations import TypesCollector, literal_ann, return_ann
from generator.render.views import ModuleView
from generator.vocabulary import presence
from generator.vocabulary.values import closed_list


@pytest.mark.parametrize(
    ("expr", "null"),
    [
        ("string", True),
        ("integer", True),
        ("datetime", True),
        ("crm_company", True),
        ("object", True),
        ("char", False),  # Y/N, always set
        ("boolean", False),
        ("enum", False),
        ("crm_multifield", False),  # left out when empty
        ("string[]", False),  # [] when empty
        ("catalog_product", False),  # a named record type: no null ever shown
        ("", False),
    ],
)
def test_null_when_unset_follows_the_docs_type(expr: str, null: bool) -> None:
    assert presence.null_when_unset(expr) is null


def test_identifiers_required_rows_and_fields_answers_never_admit_null() -> None:
    assert not presence.admits_null("ID", "integer", marked_required=False, fields_answer=False)
    assert not presence.admits_null("NAME", "string", marked_required=True, fields_answer=False)
    assert not presence.admits_null("TITLE", "string", marked_required=False, fields_answer=True)
    assert presence.admits_null("TITLE", "string", marked_required=False, fields_answer=False)
    assert presence.omitted_when_unset("crm_multifield")
    assert not presence.omitted_when_unset("string")


def _keys(method: Method) -> dict[str, dict[str, str]]:
    types = TypesCollector(ModuleView(name="crm", title="crm"))
    return_ann(method, "X", types)
    return {td.name: dict(td.keys) for td in types.module.typeddicts}


_ROWS = (
    Param("ID", "integer"),
    Param("TITLE", "string"),
    Param("OPENED", "char"),
    Param("LEAD_ID", "crm_lead"),
    Param("PHONE", "crm_multifield"),
)
_RECORD = {"ID": "1", "TITLE": "Deal", "OPENED": "Y", "LEAD_ID": None, "PHONE": []}


def _get(name: str = "crm.deal.get", params: tuple[Param, ...] = ()) -> Method:
    return Method(
        name=name,
        params=params,
        returns=Returns(shape="object", fields=_ROWS, example=json.dumps(_RECORD)),
    )


def test_a_record_sent_whole_has_required_keys_and_nullable_values() -> None:
    keys = _keys(_get())["XResult"]
    assert keys['"ID"'] == "Required[str]"  # the identifier: never None
    assert keys['"TITLE"'] == "Required[str | None]"  # unset text comes back as null
    assert keys['"OPENED"'] == "Required[str]"  # a Y/N char is always set
    assert keys['"LEAD_ID"'].startswith("Required[") and "None" in keys['"LEAD_ID"']
    # a multifield is left out when empty: never required, never None
    assert keys['"PHONE"'].startswith("NotRequired[") and "None" not in keys['"PHONE"']


def test_select_makes_every_key_optional_but_the_values_still_admit_null() -> None:
    keys = _keys(_get(params=(Param("select", "string[]"),)))["XResult"]
    assert keys['"ID"'] == "NotRequired[str]"
    assert keys['"TITLE"'] == "NotRequired[str | None]"


def test_a_record_without_nulls_in_its_example_requires_only_its_identifier() -> None:
    m = _get()
    record = {k: v for k, v in _RECORD.items() if v is not None}
    m = Method(name=m.name, returns=Returns("object", fields=_ROWS, example=json.dumps(record)))
    keys = _keys(m)["XResult"]
    assert keys['"ID"'] == "Required[str]"
    assert keys['"TITLE"'] == "NotRequired[str | None]"


def test_list_items_are_never_required() -> None:
    m = Method(
        name="crm.deal.list",
        returns=Returns("list", fields=_ROWS, example=json.dumps([_RECORD]), paged=True),
    )
    keys = _keys(m)["XItem"]
    assert all(a.startswith("NotRequired[") for a in keys.values())
    assert keys['"TITLE"'] == "NotRequired[str | None]"


def test_a_wrapper_level_is_required_and_its_record_is_the_single_record() -> None:
    inner = {k.lower(): v for k, v in _RECORD.items() if k != "PHONE"}
    rows = (
        Param(
            "item",
            "object",
            children=tuple(Param(p.name.lower(), p.type) for p in _ROWS if p.name != "PHONE"),
        ),
    )
    m = Method(
        name="crm.item.get",
        returns=Returns("object", fields=rows, example=json.dumps({"item": inner})),
    )
    found = _keys(m)
    assert found["XResult"]['"item"'] == "Required[XResultItem]"
    assert found["XResultItem"]['"id"'] == "Required[str]"
    assert found["XResultItem"]['"title"'] == "Required[str | None]"


def test_a_map_keyed_by_id_of_plain_values_is_a_dict() -> None:
    rows = (Param("attachments", "object", children=(Param("attachmentId", "string"),)),)
    example = {"attachments": {"1417": "n5065", "1419": "n5067"}}
    m = Method(name="x.get", returns=Returns("object", fields=rows, example=json.dumps(example)))
    assert "[dict[str, str]" in _keys(m)["XResult"]['"attachments"']


# -- Literal only from a closed list -------------------------------------------------


def test_utm_tags_are_free_text_whatever_the_row_lists() -> None:
    p = Param(
        "UTM_MEDIUM",
        "string",
        description="Тип трафика. Возможные значения:",
        values=("CPC", "CPM"),
    )
    assert literal_ann(p) is None
    assert not closed_list("utmSource", "", ("google",))


def test_a_closed_list_is_a_literal_and_examples_or_extensions_are_not() -> None:
    closed = Param(
        "MODE", "string", description="Режим. Возможные значения:", values=("single", "multiple")
    )
    assert literal_ann(closed) is not None
    assert literal_ann(closed).render() == 'Literal["single", "multiple"]'  # type: ignore[union-attr]
    for text in ("Например: wav", "Возможные расширения: wav, mp3", "Possible extensions: wav"):
        assert (
            literal_ann(Param("FILENAME", "string", description=text, values=("wav", "mp3")))
            is None
        )
    assert literal_ann(Param("DIALOG_ID", "string", values=("chatXXX", "XXX"))) is None


def test_every_bare_value_item_of_a_list_is_read() -> None:
    text = "Тип периода:\n- `day`\n- `week`\n- `month`\n- `year`"
    assert [m.group(1) for m in _VALUE_ITEM.finditer(text)] == ["day", "week", "month", "year"]
