"""The sync and async drivers over httpx.MockTransport: protocol-level behaviour only
(URL checks, secrets scrubbing when httpx raises, one refresh for concurrent callers,
sync and async giving the same answers). Behaviour against a portal is in tests/integration."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import traceback
from typing import Any

import httpx
import pytest
from b24gen_templates.runtime import AsyncTransportClient, SyncTransportClient
from b24gen_templates.runtime.errors import (
    Bitrix24Error,
    InsecureURLError,
    TransportError,
    WriteOutcomeUnknownError,
)

SECRET = "hookSECRETvalue42"
HOOK = f"https://portal.example.com/rest/1/{SECRET}/"
ACCESS, REFRESH, CLIENT_SECRET = "accessTOKENold123", "refreshTOKENold456", "clientSECRET789"


def _everything_said(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) + repr(exc)


def test_https_required_and_loopback_opt_in() -> None:
    with pytest.raises(InsecureURLError, match="plain http") as info:
        SyncTransportClient.from_webhook(f"http://portal.example.com/rest/1/{SECRET}/")
    assert SECRET not in str(info.value)
    with pytest.raises(InsecureURLError, match="allow_insecure_http=True"):
        SyncTransportClient.from_webhook(f"http://127.0.0.1:8000/rest/1/{SECRET}/")
    client = SyncTransportClient.from_webhook(
        f"http://127.0.0.1:8000/rest/1/{SECRET}/", allow_insecure_http=True
    )
    assert "127.0.0.1" in repr(client) and SECRET not in repr(client)
    with pytest.raises(InsecureURLError):
        SyncTransportClient.from_oauth("http://portal.example.com", ACCESS)
    with pytest.raises(InsecureURLError, match="token URL"):
        SyncTransportClient.from_oauth(
            "portal.example.com", ACCESS, refresh_token=REFRESH, token_url="http://evil.example/t"
        )
    with pytest.raises(ValueError, match="webhook URL looks like"):
        SyncTransportClient.from_webhook("https://portal.example.com/rest/1/")


def test_secrets_never_surface_when_httpx_raises(caplog: pytest.LogCaptureFixture) -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)

    caplog.set_level(logging.DEBUG)
    client = SyncTransportClient.from_webhook(
        HOOK, transport=httpx.MockTransport(explode), max_retries=1, backoff_base=0.001
    )
    with pytest.raises(TransportError) as info:
        client.call("crm.lead.get", {"id": 1})
    said = _everything_said(info.value)
    assert "cannot connect" in said and SECRET not in said
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert all(SECRET not in r.getMessage() for r in caplog.records)
    assert any("retry" in r.getMessage() for r in caplog.records)


def test_httpx_request_log_is_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    client = SyncTransportClient.from_webhook(
        HOOK,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"result": 1})),
    )
    assert client.call("server.time") == 1
    messages = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert messages and all(SECRET not in m and "***" in m for m in messages)


def test_error_text_from_the_portal_is_scrubbed() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "X", "error_description": f"bad {request.url}"})

    client = SyncTransportClient.from_webhook(HOOK, transport=httpx.MockTransport(echo))
    with pytest.raises(Bitrix24Error) as info:
        client.call("crm.lead.get")
    assert SECRET not in _everything_said(info.value) and "***" in str(info.value)


def test_lost_write_answer_raises_outcome_unknown() -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    client = SyncTransportClient.from_webhook(HOOK, transport=httpx.MockTransport(drop))
    with pytest.raises(WriteOutcomeUnknownError, match="may or may not have happened"):
        client.call("crm.lead.add", {"fields": {"TITLE": "x"}})


class _OAuthPortal:
    """A portal whose first token is expired; the token endpoint counts refreshes."""

    def __init__(self) -> None:
        self.refreshes = 0
        self.lock = threading.Lock()
        self.valid = ACCESS + "-new"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/token"):
            q = request.url.params
            assert q["grant_type"] == "refresh_token" and q["client_secret"] == CLIENT_SECRET
            with self.lock:
                self.refreshes += 1
            time.sleep(0.05)  # let the other callers pile up on the lock
            return httpx.Response(
                200,
                json={
                    "access_token": self.valid,
                    "refresh_token": REFRESH + "-new",
                    "expires_in": 3600,
                },
            )
        if request.url.params.get("auth") != self.valid:
            return httpx.Response(
                401, json={"error": "expired_token", "error_description": "expired"}
            )
        return httpx.Response(200, json={"result": {"ok": True}, "time": {}})


def _oauth(cls: Any, portal: _OAuthPortal, persisted: list[Any], transport: Any) -> Any:
    return cls.from_oauth(
        "portal.example.com",
        ACCESS,
        refresh_token=REFRESH,
        client_id="app.1",
        client_secret=CLIENT_SECRET,
        on_token_refresh=persisted.append,
        token_url="https://oauth.example.com/oauth/token/",
        transport=transport,
        rate_limit="none",
    )


def test_one_refresh_for_concurrent_threads() -> None:
    portal, persisted = _OAuthPortal(), []
    client = _oauth(SyncTransportClient, portal, persisted, httpx.MockTransport(portal))
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(client.call("crm.lead.get")))
        for _ in range(20)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [{"ok": True}] * 20
    assert portal.refreshes == 1 and len(persisted) == 1
    assert persisted[0].access_token == portal.valid
    assert ACCESS not in repr(persisted[0]) and portal.valid not in repr(client)


def test_one_refresh_for_concurrent_tasks() -> None:
    portal, persisted = _OAuthPortal(), []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/token"):
            await asyncio.sleep(0.05)
        return portal(request)

    async def main() -> list[Any]:
        client = _oauth(AsyncTransportClient, portal, persisted, httpx.MockTransport(handler))
        async with client:
            return await asyncio.gather(*(client.call("crm.lead.get") for _ in range(20)))

    assert asyncio.run(main()) == [{"ok": True}] * 20
    assert portal.refreshes == 1 and len(persisted) == 1


def test_sync_and_async_share_behaviour() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if request.url.path.endswith("/batch"):
            res = {k: v.upper() for k, v in body["cmd"].items()}
            return httpx.Response(200, json={"result": {"result": res, "result_error": []}})
        start = body.get("start", 0)
        items = [{"ID": i} for i in range(start, min(start + 50, 120))]
        answer: dict[str, Any] = {"result": items, "total": 120, "time": {"operating": 0}}
        if start + 50 < 120:
            answer["next"] = start + 50
        return httpx.Response(200, json=answer)

    sync = SyncTransportClient.from_webhook(HOOK, transport=httpx.MockTransport(handler))
    records = list(sync.iterate("user.get"))
    page = sync._invoke_page("user.get", {})
    batch = sync.batch({"a": ("server.time", {})})

    async def run() -> tuple[list[Any], Any, Any]:
        client = AsyncTransportClient.from_webhook(HOOK, transport=httpx.MockTransport(handler))
        async with client:
            got = [r async for r in client.iterate("user.get")]
            return (
                got,
                await client._invoke_page("user.get", {}),
                await client.batch({"a": ("server.time", {})}),
            )

    a_records, a_page, a_batch = asyncio.run(run())
    assert records == a_records == [{"ID": i} for i in range(120)]
    assert page == a_page and page.total == 120 and page.next == 50 and len(page.items) == 50
    assert batch.results == a_batch.results == {"a": "SERVER.TIME"}


def test_stopping_an_iteration_early_closes_the_flow() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={"result": [{"ID": 1}] * 50, "next": 50, "total": 10**6})

    client = SyncTransportClient.from_webhook(HOOK, transport=httpx.MockTransport(handler))
    for index, _ in enumerate(client.iterate("user.get")):
        if index == 60:
            break
    assert len(calls) == 2


def test_iterate_mode_selection_and_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    bodies: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append((request.url.path.rsplit("/", 1)[-1], json.loads(request.content)))
        return httpx.Response(200, json={"result": [{"ID": 1}, {"ID": 2}], "total": 2})

    client = SyncTransportClient.from_webhook(HOOK, transport=httpx.MockTransport(handler))
    # a CRM list picks the fast mode by itself: start=-1, ordered by ID
    assert list(client.iterate("crm.deal.list", progress=True)) == [{"ID": 1}, {"ID": 2}]
    assert bodies[-1] == ("crm.deal.list", {"order": {"ID": "ASC"}, "start": -1, "filter": {}})
    assert "crm.deal.list" in capsys.readouterr().err  # the tqdm bar
    # other lists, or an order other than by ID, page by start/next
    list(client.iterate("user.get"))
    assert bodies[-1] == ("user.get", {"start": 0})
    list(client.iterate("crm.deal.list", {"order": {"TITLE": "ASC"}}))
    assert bodies[-1][1]["start"] == 0
    with pytest.raises(ValueError, match="fast iteration"):
        client.iterate("crm.deal.list", {"order": {"TITLE": "ASC"}}, fast=True)
