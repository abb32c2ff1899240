"""Errors reach the caller (sans-IO flows driven by hand): empty codes, classes by text,
results beside errors, batch failures (list and map ``result_error``, halt), garbled answers
to writes, REST 3.0 envelopes and Idempotency-Key, call deadlines, secrets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from b24gen_templates.runtime import errors as rt
from b24gen_templates.runtime.auth import OAuthAuth, WebhookAuth
from b24gen_templates.runtime.batch import batch_flow, merge_chunk, BatchResult
from b24gen_templates.runtime.core import CallContext, call_flow
from b24gen_templates.runtime.effects import HttpReply, Send, TransportFailure
from b24gen_templates.runtime.ratelimit import Limiter
from b24gen_templates.runtime.redact import register_secret, scrub
from b24gen_templates.runtime.response import error_from_body, parse_reply
from b24gen_templates.runtime.retry import RetryPolicy
from runtime_helpers import context, drive, reply

# What a portal's answer to a write can look like when it cannot be read.
GARBLED = {
    "truncated JSON": b'{"result": 12, "time": {"start": 17',
    "JSON then a PHP fatal error": b'{"result":12}<br />\n<b>Fatal error</b>: Allowed memory size',
    "HTML": b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    "garbage": b"\x00\x9f\xffgarbage\x01",
    "empty": b"",
    "JSON without result": b'{"time": {"start": 1}}',
}


def raw(content: bytes, status: int = 200) -> HttpReply:
    return HttpReply(status, {}, content)


# -- empty codes and classes --------------------------------------------------------------


class _Documented(rt.Bitrix24Error):
    """A class documented for an empty-code message, registered below for one method."""


rt.register_message("Not found", methods=("crm.deal.get",))(_Documented)


def test_an_empty_code_is_kept_with_its_text_status_and_method() -> None:
    run = drive(
        call_flow(context(), "crm.deal.get", {"id": 999999}),
        lambda s, i: reply({"error": "", "error_description": "Not found."}, 400),
    )
    err = run.error
    assert isinstance(err, rt.Bitrix24Error)
    assert (err.code, err.description, err.status, err.method) == (
        "",
        "Not found.",
        400,
        "crm.deal.get",
    )
    # the documented class for this method, found by the text (case and the dot do not count)
    assert type(err) is _Documented
    assert len(run.sends) == 1  # a 400 is final


def test_the_class_by_text_is_narrowed_to_the_documenting_methods() -> None:
    other = error_from_body(
        {"error": "", "error_description": "Not found."}, status=400, method="crm.lead.get"
    )
    assert type(other) is rt.Bitrix24Error and other.code == ""
    coded = error_from_body({"error": "NOT_FOUND"}, status=400, method="crm.deal.get")
    assert coded is not None and coded.code == "NOT_FOUND" and type(coded) is not _Documented


def test_status_narrows_the_class_by_text() -> None:
    class Gone(rt.Bitrix24Error):
        pass

    rt.register_message("Gone for good", status=410)(Gone)
    assert type(rt.Bitrix24Error.from_answer("", "gone for good", status=410)) is Gone
    assert type(rt.Bitrix24Error.from_answer("", "gone for good", status=400)) is rt.Bitrix24Error


def test_a_result_beside_an_error_is_kept_on_the_exception() -> None:
    run = drive(
        call_flow(context(), "crm.deal.add", {"fields": {}}),
        lambda s, i: reply({"result": 12, "error": "PARTIAL", "error_description": "x"}),
    )
    assert isinstance(run.error, rt.Bitrix24Error)
    assert run.error.code == "PARTIAL" and run.error.result == 12


@pytest.mark.parametrize("error", [None, False, ""])
def test_empty_error_fields_beside_a_result_are_a_success(error: Any) -> None:
    run = drive(
        call_flow(context(), "crm.deal.get", {"id": 1}),
        lambda s, i: reply({"result": {"ID": "1"}, "error": error}),
    )
    assert run.error is None and run.value.result == {"ID": "1"}


def test_rest3_envelope_code_message_and_validation() -> None:
    body = {
        "error": {
            "code": "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "message": "The request body did not pass validation",
            "validation": [{"field": "responsibleId", "message": "Nobody with this id"}],
        }
    }
    err = parse_reply(HttpReply(400, {}, json.dumps(body).encode()), "tasks.task.add")
    assert isinstance(err, rt.Bitrix24Error)
    assert err.code.endswith("REQUESTVALIDATIONEXCEPTION") and err.status == 400
    assert err.validation == ({"field": "responsibleId", "message": "Nobody with this id"},)
    assert "responsibleId: Nobody with this id" in str(err)
    blank = error_from_body({"error": {"message": "no code"}}, status=500, method="x")
    assert blank is not None and blank.code == ""


# -- batch --------------------------------------------------------------------------------


def _batch_reply(results: Any, errors: Any) -> HttpReply:
    return reply(
        {
            "result": {
                "result": results,
                "result_error": errors,
                "result_total": [],
                "result_next": [],
                "result_time": [],
            }
        }
    )


def test_batch_of_120_with_7_failing_reports_exactly_those_7() -> None:
    failing = {f"k{i}" for i in (3, 17, 49, 50, 88, 101, 119)}

    def portal(send: Send, _: int) -> HttpReply:
        cmd = json.loads(send.request.content or b"")["cmd"]
        ok = {k: {"ID": k} for k in cmd if k not in failing}
        bad = {k: {"error": "", "error_description": "Not found."} for k in cmd if k in failing}
        return _batch_reply(ok, bad or [])

    commands = {f"k{i}": ("crm.deal.update", {"id": i, "fields": {}}) for i in range(120)}
    run = drive(batch_flow(context(), commands), portal)
    out = run.value
    assert set(out.errors) == failing and len(out.results) == 113
    for key in failing:
        assert out.errors[key].code == "" and out.errors[key].description == "Not found."
        assert out.errors[key].method == "crm.deal.update" and key in out
        with pytest.raises(rt.Bitrix24Error):
            out[key]
    with pytest.raises(rt.Bitrix24Error):
        out.raise_for_errors()
    assert not out.ok


def test_php_list_shaped_result_error_and_halt() -> None:
    # keys 0..n-1 make PHP send JSON lists; halt stops the portal at the first failure
    out = BatchResult()
    merge_chunk(
        out,
        ["0", "1", "2"],
        {"0": "crm.deal.get", "1": "crm.deal.get", "2": "crm.deal.get"},
        {"result": [], "result_error": [{"error": "", "error_description": "Not found."}]},
    )
    assert set(out.errors) == {"0"} and out.errors["0"].description == "Not found."
    assert out.skipped == ["1", "2"]
    with pytest.raises(KeyError, match="not run"):
        out["1"]
    calls: list[int] = []

    def portal(send: Send, index: int) -> HttpReply:
        calls.append(index)
        body = json.loads(send.request.content or b"")
        assert body["halt"] == 1
        return _batch_reply({}, {"a": {"error": "ACCESS_DENIED", "error_description": "no"}})

    commands = {"a": ("crm.deal.get", {"id": 1})}
    commands.update({f"x{i}": ("crm.deal.get", {"id": i}) for i in range(60)})
    run = drive(batch_flow(context(), commands, halt=True), portal)
    assert calls == [0]  # the second chunk is never sent
    assert set(run.value.errors) == {"a"} and run.value.errors["a"].code == "ACCESS_DENIED"
    with pytest.raises(rt.Bitrix24Error, match="ACCESS_DENIED"):
        run.value.raise_for_errors()


# -- writes whose outcome is unknown ------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GARBLED))
def test_garbled_answer_to_a_write_is_unknown_outcome_never_retried(name: str) -> None:
    content = GARBLED[name]
    run = drive(call_flow(context(), "crm.deal.add", {"fields": {}}), lambda s, i: raw(content))
    assert isinstance(run.error, rt.WriteOutcomeUnknownError), run.error
    assert len(run.sends) == 1 and run.sleeps == []
    assert run.error.received == content and run.error.status == 200
    assert run.error.method == "crm.deal.add"


@pytest.mark.parametrize("name", sorted(GARBLED))
def test_garbled_answer_to_a_read_is_retried_then_raised(name: str) -> None:
    content = GARBLED[name]
    run = drive(
        call_flow(context(max_retries=2), "crm.deal.get", {"id": 1}), lambda s, i: raw(content)
    )
    assert isinstance(run.error, rt.InvalidAnswerError) and len(run.sends) == 3


def test_dropped_connection_after_sending_a_write() -> None:
    run = drive(
        call_flow(context(), "crm.deal.add", {}),
        lambda s, i: TransportFailure("reset", True, "ReadError: connection reset"),
    )
    assert isinstance(run.error, rt.WriteOutcomeUnknownError) and len(run.sends) == 1
    assert run.error.received == b""
    # refused before anything was sent: nothing happened, so it is repeated
    refused = drive(
        call_flow(context(), "crm.deal.add", {}),
        lambda s, i: (
            TransportFailure("connect", False, "refused") if i == 0 else reply({"result": 5})
        ),
    )
    assert refused.value.result == 5 and len(refused.sends) == 2


def test_a_500_to_a_write_carries_what_was_received() -> None:
    body = b'{"error":"INTERNAL_SERVER_ERROR","error_description":"boom"}'
    run = drive(call_flow(context(), "crm.deal.add", {}), lambda s, i: raw(body, 500))
    assert isinstance(run.error, rt.WriteOutcomeUnknownError)
    assert run.error.status == 500 and run.error.received == body and len(run.sends) == 1


# -- REST 3.0 writes: one Idempotency-Key across retries ----------------------------------


def test_v3_write_reuses_its_key_across_retries_and_sees_the_replay() -> None:
    answers = [
        TransportFailure("reset", True, "lost"),
        raw(b"<html>proxy error</html>"),
        HttpReply(200, {"idempotent-replayed": "true"}, b'{"result": {"id": 7}}'),
    ]
    run = drive(
        call_flow(context(), "tasks.task.add", {"fields": {"title": "x"}}, api_version=3),
        lambda s, i: answers[i],
    )
    assert run.error is None and run.value.result == {"id": 7}
    keys = {s.request.headers["Idempotency-Key"] for s in run.sends}
    assert len(run.sends) == 3 and len(keys) == 1 and all(keys)
    assert run.value.replayed is True
    # a fresh call gets a fresh key; reads carry none
    other = drive(
        call_flow(context(), "tasks.task.add", {}, api_version=3), lambda s, i: reply({"result": 1})
    )
    assert other.sends[0].request.headers["Idempotency-Key"] not in keys
    assert other.value.replayed is False
    read = drive(
        call_flow(context(), "tasks.task.get", {"id": 1}, api_version=3),
        lambda s, i: reply({"result": 1}),
    )
    assert "Idempotency-Key" not in read.sends[0].request.headers


def test_v2_writes_never_carry_a_key() -> None:
    run = drive(call_flow(context(), "crm.deal.add", {}), lambda s, i: reply({"result": 1}))
    assert "Idempotency-Key" not in run.sends[0].request.headers


# -- the call's deadline -------------------------------------------------------------------


def test_the_deadline_caps_attempts_and_stops_retries() -> None:
    import random

    now = [0.0]
    ctx = CallContext(
        auth=WebhookAuth("https://portal.example.com/rest/7/whk5ecretTOKENxyz/"),
        limiter=Limiter(None),
        policy=RetryPolicy(max_retries=10, backoff_base=1.0, rng=random.Random(1)),
        deadline=3.0,
        clock=lambda: now[0],
    )

    def slow(send: Send, index: int) -> TransportFailure:
        assert send.timeout is not None and 0 < send.timeout <= 3.0
        now[0] += send.timeout  # the attempt used all the time it was given
        return TransportFailure("timeout", True, "ReadTimeout")

    run = drive(call_flow(ctx, "crm.deal.get", {"id": 1}), slow)
    assert isinstance(run.error, rt.TransportError)
    assert len(run.sends) == 1  # no time left for a second attempt
    assert now[0] <= 3.0


# -- secrets ------------------------------------------------------------------------------


def test_short_secrets_are_scrubbed_where_they_stand_whole() -> None:
    register_secret("k9x2q")
    assert scrub("GET https://p.example/rest/1/k9x2q/crm.deal.get") == (
        "GET https://p.example/rest/1/***/crm.deal.get"
    )
    assert scrub("ak9x2qz stays") == "ak9x2qz stays"  # inside a longer word: not that secret


def _frame_texts(exc: BaseException) -> list[str]:
    """What a traceback with locals shows (Sentry, ``pytest -l``, rich): the repr of every
    local of every frame below the one that caught ``exc`` (that one is the test's own)."""
    texts: list[str] = []
    tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            try:
                texts.append(repr(value))
            except Exception as err:  # noqa: BLE001 - a repr that raises shows nothing
                texts.append(f"<repr raised {type(err).__name__}>")
            if isinstance(value, str):
                texts.append(value)
        tb = tb.tb_next
    return texts


def test_refresh_flow_keeps_secrets_out_of_frame_locals() -> None:
    auth = OAuthAuth(
        "portal.example.com",
        "access-tok-111",
        refresh_token="refresh-tok-222",
        client_id="app.1",
        client_secret="client-sec-333",
    )
    run = drive(
        auth.refresh_flow(),
        lambda s, i: raw(b'{"error":"invalid_client","error_description":"no"}', 401),
    )
    assert isinstance(run.error, rt.TokenRefreshError)
    texts = _frame_texts(run.error) + [repr(run.error), str(run.error)]
    for secret in ("access-tok-111", "refresh-tok-222", "client-sec-333"):
        assert not any(secret in t for t in texts), secret


@pytest.mark.parametrize(
    "url",
    [
        "http://portal.example.com/rest/1/hooksecret42/",  # insecure
        "https://portal.example.com/rest/hooksecret42/",  # malformed path
    ],
)
def test_rejected_webhook_urls_leave_no_secret_in_frame_locals(url: str) -> None:
    with pytest.raises((ValueError, rt.InsecureURLError)) as info:
        WebhookAuth(url)
    assert not any("hooksecret42" in t for t in _frame_texts(info.value) + [str(info.value)])
