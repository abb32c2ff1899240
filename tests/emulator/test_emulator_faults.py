"""Injected faults, each kind forced at rate 1, over real loopback HTTP."""

from __future__ import annotations

import httpx
import pytest

from generator.emulator.faults import Faults


def _add(http: httpx.Client, emu, title: str = "x") -> httpx.Response:
    return http.post(emu.webhook_url + "crm.lead.add", json={"fields": {"TITLE": title}})


def test_500_before_anything_is_written(b24_emulator_factory, http) -> None:
    emu = b24_emulator_factory(limits="none", faults="500=1")
    r = _add(http, emu)
    assert r.status_code == 500 and r.json()["error"] == "INTERNAL_SERVER_ERROR"
    assert emu.portal.count("crm.lead") == 0


def test_503_is_query_limit_exceeded_and_writes_nothing(b24_emulator_factory, http) -> None:
    emu = b24_emulator_factory(limits="none", faults="503=1")
    r = _add(http, emu)
    assert r.status_code == 503 and r.json()["error"] == "QUERY_LIMIT_EXCEEDED"
    assert r.headers["Retry-After"] == "1"
    assert emu.portal.count("crm.lead") == 0


def test_connection_reset_without_an_answer(b24_emulator_factory, http) -> None:
    emu = b24_emulator_factory(limits="none", faults="reset=1")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        _add(http, emu)
    assert emu.portal.count("crm.lead") == 0
    # The server itself is fine afterwards.
    assert httpx.get(emu.base_url + "/_emulator/health").status_code == 200


def test_slow_answers_trip_client_timeouts(b24_emulator_factory) -> None:
    emu = b24_emulator_factory(limits="none", faults="slow=1,slow_seconds=0.3")
    with httpx.Client(timeout=0.05) as impatient, pytest.raises(httpx.ReadTimeout):
        impatient.post(emu.webhook_url + "server.time")
    with httpx.Client(timeout=5) as patient:
        assert patient.post(emu.webhook_url + "server.time").status_code == 200


def test_lost_write_is_committed_but_never_answered(b24_emulator_factory, http) -> None:
    emu = b24_emulator_factory(limits="none", faults="lost_write=1")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        _add(http, emu, "ghost")
    assert emu.portal.count("crm.lead") == 1  # it happened, the caller cannot know
    # Reads are never "lost writes".
    r = http.post(emu.webhook_url + "crm.lead.get", json={"id": 1})
    assert r.status_code == 200 and r.json()["result"]["TITLE"] == "ghost"
    # A batch that writes counts as a write.
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post(emu.webhook_url + "batch", json={"cmd": {"a": "crm.lead.add?fields[TITLE]=b"}})
    assert emu.portal.count("crm.lead") == 2


def test_mixed_rates_are_drawn_reproducibly(b24_emulator_factory) -> None:
    emu = b24_emulator_factory(limits="none", faults="all=0.1,slow_seconds=0.01,seed=3")
    outcomes: dict[str, int] = {}
    with httpx.Client(timeout=5) as client:
        for i in range(300):
            try:
                r = client.post(
                    emu.webhook_url + "crm.lead.add", json={"fields": {"TITLE": str(i)}}
                )
                key = str(r.status_code)
            except httpx.TransportError:
                key = "dropped"
            outcomes[key] = outcomes.get(key, 0) + 1
    counts = emu.portal.faults.counts
    assert set(counts) == {"500", "503", "reset", "slow", "lost_write"}
    assert outcomes["500"] == counts["500"] and outcomes["503"] == counts["503"]
    assert outcomes["dropped"] == counts["reset"] + counts["lost_write"]
    assert 90 < sum(counts.values()) < 210  # half of the requests, give or take
    # Every answered or lost write is in the database; refused ones are not.
    assert emu.portal.count("crm.lead") == outcomes["200"] + counts["lost_write"]


@pytest.mark.parametrize(
    "spec, message",
    [
        ("500", "expected KIND=RATE"),
        ("boom=0.1", "unknown fault kind"),
        ("500=x", "not a number"),
        ("500=0.7,503=0.7", "more than 1"),
        ("500=2", "between 0"),
    ],
)
def test_bad_fault_specs_are_explained(spec, message) -> None:
    with pytest.raises(ValueError, match=message):
        Faults.parse(spec)


def test_rest3_idempotency_key_replays_a_lost_write(b24_emulator_factory, http) -> None:
    from generator.emulator.faults import FaultDraw

    emu = b24_emulator_factory(limits="none", faults="lost_write=1")
    v3 = f"{emu.base_url}/rest/api/1/{emu.token}/tasks.task.add"
    body = {"fields": {"title": "once"}}
    headers = {"Idempotency-Key": "9f1c1a7e-5f1b"}
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post(v3, json=body, headers=headers)
    assert emu.portal.count("tasks.task", version=3) == 1
    emu.portal.faults = FaultDraw(Faults())  # the network heals; the client retries
    replay = http.post(v3, json=body, headers=headers)
    assert replay.status_code == 200
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.headers["Idempotency-Key"] == "9f1c1a7e-5f1b"
    assert replay.json()["result"]["item"]["id"] == 1
    assert emu.portal.count("tasks.task", version=3) == 1  # no duplicate
    other = http.post(v3, json={"fields": {"title": "other"}}, headers=headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION"
    fresh = http.post(v3, json=body, headers={"Idempotency-Key": "another"})
    assert fresh.json()["result"]["item"]["id"] == 2 and "Idempotent-Replayed" not in fresh.headers
    bad = http.post(v3, json=body, headers={"Idempotency-Key": "x" * 256})
    assert bad.status_code == 400
