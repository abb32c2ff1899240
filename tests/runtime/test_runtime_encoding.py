"""PHP-style form encoding of batch commands: known shapes and a round-trip property."""

from __future__ import annotations

from urllib.parse import unquote

from b24gen_templates.runtime.encoding import (
    decode_query,
    encode_command,
    encode_query,
    normalize,
)
from hypothesis import given, settings
from hypothesis import strategies as st


def test_shapes_the_portal_parses() -> None:
    query = encode_query(
        {
            "fields": {"TITLE": "A & B = C", "PHONE": [{"VALUE": "+1 555", "VALUE_TYPE": "WORK"}]},
            "filter": {">ID": 5, "@STATUS_ID": ["NEW", "IN_PROCESS"]},
            "select": ["ID", "TITLE"],
            "flag": True,
            "skip": None,
        }
    )
    assert [unquote(pair) for pair in query.split("&")] == [
        "fields[TITLE]=A & B = C",
        "fields[PHONE][0][VALUE]=+1 555",
        "fields[PHONE][0][VALUE_TYPE]=WORK",
        "filter[>ID]=5",
        "filter[@STATUS_ID][]=NEW",
        "filter[@STATUS_ID][]=IN_PROCESS",
        "select[]=ID",
        "select[]=TITLE",
        "flag=1",
    ]
    # values that would break the query are escaped; brackets stay readable
    assert "A%20%26%20B%20%3D%20C" in query and "fields[TITLE]" in query


def test_command_keeps_result_references_readable() -> None:
    command = encode_command("crm.lead.list", {"filter": {">ID": "$result[p0][49][ID]"}})
    assert command == "crm.lead.list?filter[%3EID]=$result[p0][49][ID]"
    assert encode_command("server.time", {}) == "server.time"


def test_decode_examples() -> None:
    assert decode_query("fields[TITLE]=x&select[]=ID&select[]=NAME&filter[>ID]=5") == {
        "fields": {"TITLE": "x"},
        "select": ["ID", "NAME"],
        "filter": {">ID": "5"},
    }
    assert decode_query("a[0][b]=1&a[1][b]=2") == {"a": [{"b": "1"}, {"b": "2"}]}


_keys = st.text(
    alphabet=st.characters(
        blacklist_characters="[]", blacklist_categories=("Cs",), min_codepoint=32
    ),
    min_size=1,
    max_size=8,
).filter(lambda k: not k.isdigit())
_scalars = st.one_of(
    st.text(max_size=10),
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=5))
def test_round_trip(params: dict[str, object]) -> None:
    decoded = decode_query(encode_query(params))
    expected = normalize(params)
    assert decoded == (expected if expected != [] else {})


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_keys, st.text(max_size=20), min_size=1, max_size=4))
def test_command_round_trip(fields: dict[str, str]) -> None:
    method, _, query = encode_command("crm.lead.add", {"fields": fields}).partition("?")
    assert method == "crm.lead.add"
    assert decode_query(query) == {"fields": fields}
