"""The runtime's event parser, token check and ASGI router (templates/runtime/events.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from b24gen_templates.runtime.events import (
    MAX_DEPTH,
    Event,
    EventRouter,
    ForgedEventError,
    MalformedEventError,
    parse_event,
    parse_form,
    verify_token,
)
from hypothesis import given, settings
from hypothesis import strategies as st

TOKEN = "51856fefc120afa4b628cc82d3935cce"
BODY = (
    "event=ONCRMLEADADD&event_handler_id=707&data%5BFIELDS%5D%5BID%5D=1000983&ts=1742807175"
    "&auth%5Bdomain%5D=x.bitrix24.com&auth%5Bmember_id%5D=abc"
    f"&auth%5Bapplication_token%5D={TOKEN}"
)


def test_parses_the_documented_call() -> None:
    e = parse_event(BODY.encode(), application_token=TOKEN)
    assert e.name == "ONCRMLEADADD"
    assert e.data == {"FIELDS": {"ID": "1000983"}}
    assert e.ts == "1742807175" and e.handler_id == "707"
    assert e.auth["domain"] == "x.bitrix24.com"


def test_unencoded_brackets_and_case() -> None:
    e = parse_event(
        f"event=onCrmLeadAdd&data[FIELDS][ID]=1&auth[application_token]={TOKEN}",
        application_token=TOKEN,
    )
    assert e.name == "ONCRMLEADADD" and e.data["FIELDS"]["ID"] == "1"


def test_lists_and_nesting() -> None:
    form = parse_form("a[]=x&a[]=y&b[0][id]=1&b[1][id]=2&c[5]=sparse&d[k][]=1&e=%D0%BB%D0%B8%D0%B4")
    assert form == {
        "a": ["x", "y"],
        "b": [{"id": "1"}, {"id": "2"}],
        "c": {"5": "sparse"},
        "d": {"k": ["1"]},
        "e": "лид",
    }


def test_json_body_when_declared() -> None:
    body = json.dumps(
        {
            "event": "ONCRMLEADADD",
            "data": {"FIELDS": {"ID": "3"}},
            "auth": {"application_token": TOKEN},
        }
    )
    e = parse_event(body, application_token=TOKEN, content_type="application/json; charset=utf-8")
    assert e.data["FIELDS"]["ID"] == "3"


def test_token_per_portal() -> None:
    tokens = {"abc": TOKEN}
    e = parse_event(BODY, application_token=lambda auth: tokens.get(auth.get("member_id", "")))
    assert e.name == "ONCRMLEADADD"
    with pytest.raises(ForgedEventError, match="no application token"):
        parse_event(
            BODY.replace("member_id%5D=abc", "member_id%5D=zzz"),
            application_token=lambda a: tokens.get(a["member_id"]),
        )


@pytest.mark.parametrize(
    "body",
    [
        BODY.replace(TOKEN, "0" * len(TOKEN)),  # forged
        BODY.replace(TOKEN, TOKEN[:-1]),  # prefix
        BODY.replace(f"&auth%5Bapplication_token%5D={TOKEN}", ""),  # missing
        BODY.replace(TOKEN, ""),  # empty
        BODY.replace("auth%5Bapplication_token%5D", "auth%5Bapplication_token%5D%5Bx%5D"),
    ],
)
def test_forged_or_missing_tokens_are_rejected(body: str) -> None:
    with pytest.raises(ForgedEventError) as info:
        parse_event(body, application_token=TOKEN)
    assert info.value.status == 401


_GENUINE = "&auth[application_token]=" + TOKEN


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "empty body"),
        ("   ", "empty body"),
        ("event" + _GENUINE, "not form-encoded"),
        ("event=A&&x=1" + _GENUINE, "not form-encoded"),
        ("data[FIELDS=1&event=A" + _GENUINE, "malformed key"),
        ("data]x[=1&event=A" + _GENUINE, "malformed key"),
        ("[x]=1&event=A" + _GENUINE, "malformed key"),
        ("a=1&a[b]=2&event=A" + _GENUINE, "plain value as a container"),
        ("a[b]=2&a=1&event=A" + _GENUINE, "given twice"),
        ("event=A&event=B" + _GENUINE, "given twice"),
        ("event=%FF" + _GENUINE, "not valid UTF-8"),
        ("x=1" + _GENUINE, "'event' field is missing"),
        ("event=" + _GENUINE, "'event' field is missing"),
        ("event[x]=A" + _GENUINE, "'event' field is missing"),
        ("event=A&data=1" + _GENUINE, "'data' must be a block"),
        ("event=A&ts[x]=1" + _GENUINE, "'ts' must be a single value"),
        ("a" + "[b]" * (MAX_DEPTH + 1) + "=1&event=A" + _GENUINE, "nests deeper"),
        ("event=A&auth[application_token]=%FF", "not valid UTF-8"),
    ],
)
def test_malformed_bodies_are_rejected_with_a_reason(body: str, message: str) -> None:
    with pytest.raises(MalformedEventError, match=message) as info:
        parse_event(body, application_token=TOKEN)
    assert info.value.status == 400


@pytest.mark.parametrize(
    "body",
    [
        "event=A",  # no auth block at all
        "event",  # not even form-encoded, and no token: refused before it is split
        "event=A&auth=x",  # auth as a plain value
        "a=1&a[b]=2&event=A",  # malformed rest, no token: rejected as forged first
        "data[FIELDS=1&event=A&auth[application_token]=forged",
    ],
)
def test_without_the_genuine_token_the_rest_is_never_judged(body: str) -> None:
    with pytest.raises(ForgedEventError) as info:
        parse_event(body, application_token=TOKEN)
    assert info.value.status == 401


def test_forged_token_is_rejected_before_the_body_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from b24gen_templates.runtime import events as ev

    decoded: list[str] = []
    real = ev._decode

    def counting(text: str) -> str:
        decoded.append(text)
        return real(text)

    monkeypatch.setattr(ev, "_decode", counting)
    data = "&".join(f"data%5BA%5D%5B%5D={i}" for i in range(5_000))
    forged = f"event=ONX&{data}&auth%5Bapplication_token%5D={'f' * 32}"
    with pytest.raises(ForgedEventError):
        parse_event(forged, application_token=TOKEN)
    assert len(decoded) == 2  # the token's key and value, nothing of data[...]
    decoded.clear()
    genuine = forged.replace("f" * 32, TOKEN)
    e = parse_event(genuine, application_token=TOKEN)
    assert e.data["A"] == [str(i) for i in range(5_000)]
    assert len(decoded) > 5_000  # every value (a repeated key is decoded once)


def test_appends_mixed_with_explicit_indexes_keep_php_order() -> None:
    form = parse_form("a[5]=x&a[]=y&b[]=1&b[]=2&b[7]=3&b[]=4&c[x][]=1&c[x][]=2")
    assert form["a"] == {"5": "x", "6": "y"}
    assert form["b"] == {"0": "1", "1": "2", "7": "3", "8": "4"}
    assert form["c"] == {"x": ["1", "2"]}


def test_many_appends_parse_in_linear_work() -> None:
    # 50,000 "[]" appends: the quadratic version scanned every key per append (~1.2e9 steps)
    body = "event=ONX&" + "&".join("data%5BA%5D%5B%5D=v" for _ in range(50_000))
    body += "&auth%5Bapplication_token%5D=" + TOKEN
    e = parse_event(body, application_token=TOKEN)
    assert len(e.data["A"]) == 50_000 and e.data["A"][-1] == "v"


def test_non_ascii_bytes_and_bad_json_are_malformed() -> None:
    with pytest.raises(MalformedEventError, match="non-ASCII"):
        parse_event("event=лид".encode(), application_token=TOKEN)
    with pytest.raises(MalformedEventError, match="not valid JSON"):
        parse_event(b"{", application_token=TOKEN, content_type="application/json")
    with pytest.raises(MalformedEventError, match="nested too deeply"):
        parse_event(b"[" * 100_000, application_token=TOKEN, content_type="application/json")
    with pytest.raises(MalformedEventError, match="not a list"):
        parse_event(b"[1]", application_token=TOKEN, content_type="application/json")


def test_token_check_needs_a_configured_token() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        verify_token("x", "")
    with pytest.raises(ValueError):
        EventRouter(application_token="")


# -- hypothesis: arbitrary input never escapes as anything but MalformedEventError/Forged --

_key_chars = st.sampled_from(list("ab[]=&%;+ 0\x00é"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash(body: bytes) -> None:
    try:
        e = parse_event(body, application_token=TOKEN)
    except (MalformedEventError, ForgedEventError):
        return
    assert isinstance(e, Event)  # only a body carrying the token can get here
    assert e.auth["application_token"] == TOKEN


@settings(max_examples=300, deadline=None)
@given(st.text(_key_chars, max_size=60))
def test_bracket_soup_never_crashes(junk: str) -> None:
    body = f"event=ONX&{junk}&auth[application_token]={TOKEN}"
    try:
        e = parse_event(body, application_token=TOKEN)
    except (MalformedEventError, ForgedEventError):
        return
    assert e.name == "ONX"


_leaf = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
_name = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
_tree: st.SearchStrategy[Any] = st.recursive(
    _leaf, lambda inner: st.dictionaries(_name, inner, min_size=1, max_size=4), max_leaves=12
)


def _encode(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _encode(f"{prefix}[{k}]", v, out)
    else:
        out.append((prefix, value))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_name, _tree, min_size=1, max_size=4))
def test_round_trip_of_nested_fields(data: dict[str, Any]) -> None:
    pairs: list[tuple[str, str]] = [("event", "ONTEST")]
    _encode("data", data, pairs)
    pairs.append(("auth[application_token]", TOKEN))
    e = parse_event(urlencode(pairs, quote_via=quote), application_token=TOKEN)
    assert e.data == data


# -- the ASGI router, in-process (the loopback round trip is in test_event_round_trip) --


def _post(app: EventRouter, body: str | bytes, method: str = "POST") -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
            return await client.request(
                method,
                "/events",
                content=body,
                headers={"content-type": "application/x-www-form-urlencoded"},
            )

    return asyncio.run(go())


def test_router_routes_by_name_sync_and_async() -> None:
    router = EventRouter(application_token=TOKEN)
    got: list[tuple[str, str]] = []

    @router.on("onCrmLeadAdd")
    def sync_handler(event: Event[Any, Any]) -> None:
        got.append(("sync", event.data["FIELDS"]["ID"]))

    @router.on("ONCRMLEADADD", "ONCRMLEADUPDATE")
    async def async_handler(event: Event[Any, Any]) -> None:
        got.append(("async", event.name))

    r = _post(router, BODY)
    assert r.status_code == 200 and r.json() == {"result": "handled"}
    assert got == [("sync", "1000983"), ("async", "ONCRMLEADADD")]
    r = _post(router, BODY.replace("ONCRMLEADADD", "ONCRMDEALADD"))
    assert r.status_code == 200 and r.json() == {"result": "ignored"}
    assert len(got) == 2


def test_router_rejects_forged_malformed_and_get() -> None:
    router = EventRouter(application_token=TOKEN)
    called: list[str] = []
    router.on()(lambda e: called.append(e.name))
    forged = _post(router, BODY.replace(TOKEN, "f" * 32))
    assert forged.status_code == 401 and forged.json()["error"] == "forged_event"
    bad = _post(router, "data[x=1" + _GENUINE)
    assert bad.status_code == 400 and "malformed key" in bad.json()["error_description"]
    assert _post(router, "", method="GET").status_code == 405
    assert called == []


def test_router_limits_body_and_reports_handler_errors() -> None:
    router = EventRouter(application_token=TOKEN, max_body=100)
    assert _post(router, BODY + "&pad=" + "x" * 200).status_code == 413
    router = EventRouter(application_token=TOKEN)

    @router.on("ONCRMLEADADD")
    def boom(event: Event[Any, Any]) -> None:
        raise RuntimeError("secret detail")

    r = _post(router, BODY)
    assert r.status_code == 500 and "secret detail" not in r.text


def test_index_like_keys_that_are_not_indexes_stay_keys() -> None:
    form = parse_form("a[00]=x&a[1]=y&b[%C2%B2]=z&c[" + "9" * 5000 + "]=w&c[]=v&d[-1]=u")
    assert form["a"] == {"00": "x", "1": "y"}
    assert form["b"] == {"²": "z"}
    assert form["c"] == {"9" * 5000: "w", "0": "v"}
    assert form["d"] == {"-1": "u"}


def test_oversized_text_body_is_malformed() -> None:
    with pytest.raises(MalformedEventError, match="too large"):
        parse_form("event=A&x=" + "y" * (1 << 20))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.text(st.sampled_from(list("0123456789²٣-x")), max_size=4), max_size=3),
            st.text(max_size=3),
        ),
        max_size=6,
    )
)
def test_digit_like_keys_never_crash(entries: list[tuple[list[str], str]]) -> None:
    pairs = [("event", "ONX"), ("auth[application_token]", TOKEN)]
    pairs += [("data" + "".join(f"[{k}]" for k in keys), value) for keys, value in entries]
    try:
        parse_event(urlencode(pairs), application_token=TOKEN)
    except MalformedEventError:
        pass
