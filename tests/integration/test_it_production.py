"""Production behaviour against the emulator with the portal's limits and injected faults:
no QUERY_LIMIT_EXCEEDED at the default limits, reads exactly once and writes never duplicated
under faults, one token refresh for concurrent callers."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import Any

import pytest
from conftest import WATCH, remember_secrets

pytestmark = pytest.mark.filterwarnings("ignore:crm.*is deprecated:DeprecationWarning")

# The issue asks for a 60 s run, and CI runs that; B24GEN_RATE_SECONDS shortens it locally.
RATE_SECONDS = float(os.environ.get("B24GEN_RATE_SECONDS", "60"))
FAULTS = "500=0.02,503=0.02,reset=0.02,slow=0.02,lost_write=0.02,slow_seconds=0.2,seed=11"


@pytest.mark.slow
def test_default_limits_are_never_exceeded(emulator_factory: Any, client_pkg: Any) -> None:
    emulator = emulator_factory(limits="standard")
    client = client_pkg.Client.from_webhook(emulator.webhook_url, allow_insecure_http=True)
    stats = emulator.portal.stats
    errors: list[BaseException] = []
    start = time.monotonic()
    deadline = start + RATE_SECONDS

    def hammer() -> None:
        try:
            while time.monotonic() < deadline:
                client.crm.deal.list(select=["ID"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    remember_secrets(emulator)
    assert not errors, errors
    assert stats["limited"] == 0  # not one QUERY_LIMIT_EXCEEDED
    allowed = 50 + 2 * elapsed  # the bucket: a burst of 50, then 2 per second
    print(f"\n{stats['requests']} requests in {elapsed:.1f} s; the bucket allows {allowed:.1f}")
    assert abs(stats["requests"] - allowed) / allowed <= 0.05, (stats["requests"], allowed)


def _faulty(emulator_factory: Any, client_pkg: Any) -> tuple[Any, Any]:
    emulator = emulator_factory(limits="none", faults=FAULTS)
    client = client_pkg.Client.from_webhook(
        emulator.webhook_url, allow_insecure_http=True, rate_limit="none",
        backoff_base=0.02, max_retries=8,
    )  # fmt: skip
    WATCH.repr_of(client)
    return emulator, client


@pytest.mark.slow
@pytest.mark.parametrize("fast", [True, False])
def test_reads_under_faults_return_each_record_once(
    emulator_factory: Any, client_pkg: Any, fast: bool
) -> None:
    emulator, client = _faulty(emulator_factory, client_pkg)
    ids = emulator.portal.seed("crm.deal", [{"TITLE": f"d{i}"} for i in range(10_000)])
    # fast mode needs 5 requests for 10,000 records: read three times so faults do occur
    for _ in range(3 if fast else 1):
        got = [int(r["ID"]) for r in client.iterate("crm.deal.list", {"select": ["ID"]}, fast=fast)]
        assert len(got) == 10_000 and set(got) == set(ids)
    remember_secrets(emulator)
    counts = emulator.portal.faults.counts
    assert sum(counts.values()) > 0, "no fault was injected: the test proves nothing"


@pytest.mark.slow
def test_creates_under_faults_are_never_duplicated(emulator_factory: Any, client_pkg: Any) -> None:

    emulator, client = _faulty(emulator_factory, client_pkg)
    unknown_cls = client_pkg._runtime.errors.WriteOutcomeUnknownError
    created: dict[str, int] = {}
    unknown: set[str] = set()
    for n in range(500):
        title = f"create {n}"
        try:
            created[title] = client.crm.deal.add(fields={"TITLE": title})
        except unknown_cls as exc:
            assert "may or may not have happened" in str(exc)
            WATCH.exception(exc)
            unknown.add(title)
    stored = [r["TITLE"] for r in client.iterate("crm.deal.list", {"select": ["ID", "TITLE"]})]
    remember_secrets(emulator)
    counts = emulator.portal.faults.counts
    print(f"\nfaults {counts}; {len(created)} created, {len(unknown)} unknown "
          f"({len(unknown & set(stored))} of them stored), {len(stored)} stored")  # fmt: skip
    assert counts.get("lost_write", 0) > 0 and counts.get("503", 0) > 0
    assert len(stored) == len(set(stored)), "a retry created a duplicate"
    assert set(created) <= set(stored)  # every reported create is there
    assert set(stored) - set(created) <= unknown  # anything else was reported as unknown
    assert len(created) + len(unknown) == 500
    # lost writes were committed: some unknown outcomes did happen, and the count adds up
    assert len(stored) == len(created) + len(unknown & set(stored)) <= 500
    assert unknown & set(stored)


def _expiring(emulator_factory: Any) -> tuple[Any, Any]:
    from generator.emulator.limits import ManualClock

    clock = ManualClock()
    emulator = emulator_factory(limits="none", clock=clock, token_lifetime=60)
    return emulator, clock


def test_expired_token_refreshed_once_for_20_threads(
    emulator_factory: Any, client_pkg: Any
) -> None:
    emulator, clock = _expiring(emulator_factory)
    persisted: list[Any] = []
    client = emulator.oauth_client(client_pkg.Client, on_token_refresh=persisted.append)
    old_access = client.auth.tokens.access_token
    WATCH.secrets.add(old_access)
    assert client.crm.deal.list().items == []
    clock.advance(61)
    results: list[Any] = []
    barrier = threading.Barrier(20)

    def call() -> None:
        barrier.wait()
        results.append(client.crm.deal.add(fields={"TITLE": "after refresh"}))

    threads = [threading.Thread(target=call) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    remember_secrets(emulator)
    assert len(results) == 20 and len(set(results)) == 20
    assert emulator.portal.tokens.refreshes == 1
    assert len(persisted) == 1 and persisted[0].access_token != old_access
    assert persisted[0].access_token not in repr(persisted[0]) + repr(client)
    WATCH.repr_of(persisted[0])
    WATCH.repr_of(client)


def test_expired_token_refreshed_once_for_20_tasks(emulator_factory: Any, client_pkg: Any) -> None:
    emulator, clock = _expiring(emulator_factory)
    persisted: list[Any] = []

    async def run() -> list[Any]:
        client = emulator.oauth_client(client_pkg.AsyncClient, on_token_refresh=persisted.append)
        async with client:
            await client.crm.deal.list()
            clock.advance(61)
            return await asyncio.gather(*(client.crm.deal.list() for _ in range(20)))

    pages = asyncio.run(run())
    remember_secrets(emulator)
    assert len(pages) == 20
    assert emulator.portal.tokens.refreshes == 1 and len(persisted) == 1
