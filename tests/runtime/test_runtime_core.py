"""The sans-IO call flow: retry decisions, limits, token refresh, error parsing."""

from __future__ import annotations

import json

import pytest
from b24gen_templates.runtime.core import call_flow
from b24gen_templates.runtime.effects import TransportFailure
from b24gen_templates.runtime.errors import (
    Bitrix24Error,
    ExpiredTokenError,
    MethodNotFoundError,
    QueryLimitExceededError,
    TransportError,
    WriteOutcomeUnknownError,
    register,
)
from b24gen_templates.runtime.ratelimit import RateLimit
from b24gen_templates.runtime.response import Response
from b24gen_templates.runtime.retry import is_write
from runtime_helpers import Run, context, drive, reply

OK = {"result": {"ID": 1}, "time": {"operating": 0.5}, "total": 3, "next": 50}
SERVER_ERROR = {"error": "INTERNAL_SERVER_ERROR", "error_description": "boom"}
LIMIT = {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
RESET = TransportFailure("reset", True, "ReadError: connection reset")
REFUSED = TransportFailure("connect", False, "ConnectError: connection refused")


def run_call(answers: list[object], method: str = "crm.lead.get", **kw: object) -> Run:
    ctx = kw.pop("ctx", None) or context()
    return drive(call_flow(ctx, method, {"id": 1}, **kw), lambda send, i: answers[i])  # type: ignore[arg-type]


def test_success_keeps_metadata() -> None:
    run = run_call([reply(OK)])
    assert isinstance(run.value, Response)
    assert (run.value.result, run.value.total, run.value.next) == ({"ID": 1}, 3, 50)
    assert run.value.time == {"operating": 0.5}
    request = run.sends[0].request
    assert request.url.endswith("/rest/7/whk5ecretTOKENxyz/crm.lead.get")
    assert request.method == "POST" and json.loads(request.content or b"") == {"id": 1}
    assert request.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("failure", [reply(SERVER_ERROR, 500), reply({}, 502), RESET])
def test_reads_retry_on_server_errors_and_resets(failure: object) -> None:
    run = run_call([failure, failure, reply(OK)])
    assert run.error is None and len(run.sends) == 3
    assert len(run.sleeps) == 2 and run.sleeps[1] > run.sleeps[0] * 0.9  # growing backoff


def test_reads_give_up_after_max_retries_with_the_last_error() -> None:
    run = run_call([reply(SERVER_ERROR, 500)] * 10)
    assert isinstance(run.error, Bitrix24Error) and run.error.code == "INTERNAL_SERVER_ERROR"
    assert len(run.sends) == 4  # 1 + max_retries(3)
    run = run_call([RESET] * 10)
    assert isinstance(run.error, TransportError) and "reset" in str(run.error)


@pytest.mark.parametrize("failure", [reply(SERVER_ERROR, 500), RESET])
def test_writes_are_not_retried_when_they_may_have_run(failure: object) -> None:
    run = run_call([failure, reply(OK)], method="crm.lead.add")
    assert isinstance(run.error, WriteOutcomeUnknownError)
    assert len(run.sends) == 1
    assert "may or may not have happened" in str(run.error)
    assert run.error.method == "crm.lead.add"


def test_explicit_write_flag_wins_over_the_name() -> None:
    run = run_call([RESET, reply(OK)], method="crm.lead.get", write=True)
    assert isinstance(run.error, WriteOutcomeUnknownError)


@pytest.mark.parametrize("failure", [reply(LIMIT, 503), REFUSED])
def test_writes_retry_when_they_cannot_have_run(failure: object) -> None:
    run = run_call([failure, reply(OK)], method="crm.lead.add")
    assert run.error is None and run.value.result == {"ID": 1}
    assert len(run.sends) == 2


def test_rest3_writes_carry_one_idempotency_key_and_retry() -> None:
    run = run_call(
        [reply({"error": {"code": "INTERNAL", "message": "x"}}, 500), RESET, reply(OK)],
        method="tasks.task.add",
        api_version=3,
    )
    assert run.error is None
    keys = {send.request.headers.get("Idempotency-Key") for send in run.sends}
    assert len(keys) == 1 and None not in keys
    assert "/rest/api/7/" in run.sends[0].request.url


def test_retry_after_is_honoured() -> None:
    run = run_call([reply(SERVER_ERROR, 503, {"Retry-After": "7"}), reply(OK)])
    assert 7.0 <= run.sleeps[0] <= 7.8


def test_query_limit_saturates_the_bucket() -> None:
    ctx = context(rate_limit=RateLimit(burst=50, drain=2))
    run = run_call([reply(LIMIT, 503), reply(OK)], ctx=ctx)
    assert run.error is None
    # After the portal said "full", the next slot is half a second away (drain 2/s).
    assert run.sleeps and run.sleeps[-1] >= 0.5


def test_client_errors_are_raised_at_once_with_their_class() -> None:
    run = run_call([reply({"error": "ERROR_METHOD_NOT_FOUND", "error_description": "no"}, 404)])
    assert isinstance(run.error, MethodNotFoundError) and len(run.sends) == 1
    assert (run.error.status, run.error.method, run.error.description) == (
        404,
        "crm.lead.get",
        "no",
    )


def test_unknown_code_gives_the_base_class_with_its_text() -> None:
    run = run_call([reply({"error": "SOMETHING_NEW", "error_description": "details here"}, 400)])
    assert type(run.error) is Bitrix24Error
    assert run.error.code == "SOMETHING_NEW" and "details here" in str(run.error)


def test_rest3_error_format_with_validation() -> None:
    body = {
        "error": {
            "code": "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "message": "Validation failed",
            "validation": [{"field": "title", "message": "Required"}],
        }
    }
    run = run_call([reply(body, 400)], api_version=3)
    assert isinstance(run.error, Bitrix24Error)
    assert run.error.code.endswith("VALIDATION_REQUESTVALIDATIONEXCEPTION")
    assert run.error.validation == ({"field": "title", "message": "Required"},)
    assert "title: Required" in str(run.error)


def test_register_and_for_code() -> None:
    @register("MY_TEST_CODE")
    class MyError(Bitrix24Error):
        pass

    assert Bitrix24Error.for_code("MY_TEST_CODE") is MyError
    assert Bitrix24Error.for_code("my_test_code") is MyError
    assert Bitrix24Error.for_code("NOPE") is Bitrix24Error
    assert Bitrix24Error.for_code("QUERY_LIMIT_EXCEEDED") is QueryLimitExceededError
    with pytest.raises(TypeError):
        register("X")(int)  # type: ignore[type-var]


def test_expired_token_asks_for_a_refresh_then_retries() -> None:
    from b24gen_templates.runtime.auth import OAuthAuth

    ctx = context()
    auth = OAuthAuth(
        "portal.example.com",
        "accessTOKEN1",
        refresh_token="refreshTOK1",
        client_id="app",
        client_secret="clientSECRET",
    )
    object.__setattr__(ctx, "auth", auth)
    expired = reply(
        {"error": "expired_token", "error_description": "The access token expired"}, 401
    )
    run = run_call([expired, reply(OK)], ctx=ctx, method="crm.lead.add")
    assert run.refreshes == [0] and run.error is None and len(run.sends) == 2
    assert run.sends[0].request.url.endswith("crm.lead.add?auth=accessTOKEN1")
    # webhook auth cannot refresh: the error surfaces
    run = run_call([expired, reply(OK)])
    assert isinstance(run.error, ExpiredTokenError) and run.refreshes == []


def test_non_json_error_page() -> None:
    from b24gen_templates.runtime.effects import HttpReply

    run = run_call([HttpReply(403, {}, b"<html>Forbidden</html>")])
    assert isinstance(run.error, Bitrix24Error) and run.error.code == "ACCESS_DENIED"
    assert run.error.status == 403


@pytest.mark.parametrize(
    ("method", "write"),
    [
        ("crm.lead.add", True),
        ("crm.lead.update", True),
        ("crm.deal.contact.items.delete", True),
        ("crm.activity.badge.set", True),
        ("crm.lead.get", False),
        ("crm.lead.list", False),
        ("crm.lead.fields", False),
        ("tasks.task.getaccess", False),
        ("user.current", False),
        ("im.notify.system.send", True),
        ("bizproc.workflow.start", True),  # unknown verbs count as writes
    ],
)
def test_is_write(method: str, write: bool) -> None:
    assert is_write(method) is write


def test_401_for_superseded_tokens_is_repeated_without_a_refresh() -> None:
    """A call sent with tokens another caller has since refreshed is repeated as is."""
    from b24gen_templates.runtime.auth import OAuthAuth

    ctx = context()
    auth = OAuthAuth("portal.example.com", "accessTOKEN2", refresh_token="refreshTOK2",
                     client_id="app", client_secret="clientSECRET")  # fmt: skip
    object.__setattr__(ctx, "auth", auth)
    unknown = reply({"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization"}, 401)

    def answer(send: object, index: int) -> object:
        if index == 0:
            auth.generation += 1  # another caller refreshed while this request was out
            return unknown
        return reply(OK)

    run = drive(call_flow(ctx, "crm.lead.get", {}), answer)  # type: ignore[arg-type]
    assert run.error is None and run.refreshes == [] and len(run.sends) == 2
    # with current tokens, the same answer is an error
    run = drive(call_flow(ctx, "crm.lead.get", {}), lambda s, i: unknown)
    assert isinstance(run.error, Bitrix24Error) and run.error.code == "NO_AUTH_FOUND"
