"""The naming rule: wire names -> identifiers, and back, one rule everywhere."""

from __future__ import annotations

import keyword

from hypothesis import given
from hypothesis import strategies as st

from generator.render.naming import assign_names, camel, sanitize


def test_sanitize_examples() -> None:
    assert sanitize("data.FIELDS") == "data_FIELDS"
    assert sanitize("{BOT_ID}") == "BOT_ID"
    assert sanitize("TITLE (LANG)") == "TITLE_LANG"
    assert sanitize("UF_...") == "UF"
    assert sanitize("result.events[].eventId") == "result_events_eventId"
    assert sanitize("<селектор>") == "unnamed"
    assert sanitize("1c") == "n1c"
    assert sanitize("ＡＢＣ") == "ABC"  # NFKC folds full-width letters


def test_keywords_get_a_trailing_underscore() -> None:
    names = assign_names(["from", "def", "class", "import", "to"])
    assert names == {
        "from": "from_",
        "def": "def_",
        "class": "class_",
        "import": "import_",
        "to": "to",
    }


def test_valid_names_keep_their_spelling_and_clashes_are_disambiguated() -> None:
    # "class_" is already a valid name, so it keeps it; "class" must move on to "class__".
    names = assign_names(["class", "class_", "a.b", "a_b"])
    assert names["class_"] == "class_"
    assert names["class"] == "class__"
    assert names["a_b"] == "a_b"
    assert names["a.b"] == "a_b_"


def test_case_is_kept_and_reserved_names_are_avoided() -> None:
    names = assign_names(["getFields", "getfields", "self", "batch"], reserved=("self", "batch"))
    assert names["getFields"] == "getFields"
    assert names["getfields"] == "getfields"
    assert names["self"] == "self_"
    assert names["batch"] == "batch_"


def test_camel() -> None:
    assert camel("crm", "activity", "badge") == "CrmActivityBadge"
    assert camel("user", "getFields") == "UserGetFields"


@given(st.lists(st.text(max_size=12), max_size=12))
def test_any_names_give_unique_valid_identifiers(wires: list[str]) -> None:
    names = assign_names(wires, reserved=("self",))
    values = list(names.values())
    assert len(set(values)) == len(values) == len(set(wires))
    for name in values:
        assert name.isidentifier() and name.isascii()
        assert not keyword.iskeyword(name) and not name.startswith("_") and name != "self"
