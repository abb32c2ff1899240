"""Limits with an injected clock: leaky bucket, operating time, token lifetime + refresh."""

from __future__ import annotations

import pytest

from generator.emulator.limits import Limits, ManualClock


def _add(http, emu) -> int:
    return http.post(emu.webhook_url + "server.time").status_code


def test_bucket_refuses_past_the_burst_and_drains_at_the_rate(b24_emulator_factory, http) -> None:
    clock = ManualClock(1_000_000.0)
    emu = b24_emulator_factory(limits="standard", clock=clock)
    codes = [_add(http, emu) for _ in range(50)]
    assert codes == [200] * 50
    r = http.post(emu.webhook_url + "server.time")
    assert r.status_code == 503
    assert r.json()["error"] == "QUERY_LIMIT_EXCEEDED"
    clock.advance(1.0)  # drains 2 per second
    assert [_add(http, emu) for _ in range(3)] == [200, 200, 503]
    clock.advance(10.0)
    assert [_add(http, emu) for _ in range(21)] == [200] * 20 + [503]
    assert emu.portal.stats["limited"] == 3


def test_enterprise_preset_and_batch_counts_once(b24_emulator_factory, http) -> None:
    clock = ManualClock(1_000_000.0)
    emu = b24_emulator_factory(limits="enterprise", clock=clock)
    for _ in range(250):
        assert _add(http, emu) == 200
    assert _add(http, emu) == 503
    clock.advance(1.0)  # 5 per second
    cmd = {f"c{i}": "server.time" for i in range(50)}
    for _ in range(5):
        assert http.post(emu.webhook_url + "batch", json={"cmd": cmd}).status_code == 200
    assert _add(http, emu) == 503


def test_no_limits_never_refuses(emu, http) -> None:
    assert {_add(http, emu) for _ in range(120)} == {200}


def test_operating_time_blocks_one_method_with_429(b24_emulator_factory, http) -> None:
    clock = ManualClock(1_000_000.0)
    emu = b24_emulator_factory(
        limits=Limits(burst=1000, drain=100, operating_limit=480, operating_cost=100),
        clock=clock,
    )
    for i in range(5):  # 500 s of operating time: the fifth call is allowed to finish
        r = http.post(emu.webhook_url + "crm.lead.list")
        assert r.status_code == 200
        assert r.json()["time"]["operating"] == pytest.approx(100 * (i + 1))
    blocked = http.post(emu.webhook_url + "crm.lead.list")
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "OPERATION_TIME_LIMIT"
    assert http.post(emu.webhook_url + "server.time").status_code == 200  # other methods work
    # Inside a batch the blocked method fails by itself; the others run.
    body = http.post(
        emu.webhook_url + "batch", json={"cmd": {"a": "crm.lead.list", "b": "server.time"}}
    ).json()["result"]
    assert body["result_error"]["a"]["error"] == "OPERATION_TIME_LIMIT"
    assert "b" in body["result"]
    clock.advance(601)  # the oldest baskets leave the sum
    assert http.post(emu.webhook_url + "crm.lead.list").status_code == 200


def test_expired_token_then_refresh(b24_emulator_factory, http) -> None:
    clock = ManualClock(1_000_000.0)
    emu = b24_emulator_factory(limits="none", clock=clock, token_lifetime=60)
    grant = emu.portal.tokens.issue()
    url = f"{emu.base_url}/rest/server.time"
    assert http.post(url, data={"auth": grant.access_token}).status_code == 200
    clock.advance(61)
    expired = http.post(url, data={"auth": grant.access_token})
    assert expired.status_code == 401
    assert expired.json()["error"] == "expired_token"

    opts = emu.portal.options
    refreshed = http.get(
        f"{emu.base_url}/oauth/token/",
        params={
            "grant_type": "refresh_token",
            "client_id": opts.client_id,
            "client_secret": opts.client_secret,
            "refresh_token": grant.refresh_token,
        },
    )
    assert refreshed.status_code == 200
    body = refreshed.json()
    assert body["expires_in"] == 60 and body["refresh_token"] != grant.refresh_token
    assert http.post(url, data={"auth": body["access_token"]}).status_code == 200
    assert emu.portal.tokens.refreshes == 1
    # A refresh token works once; a wrong client secret never.
    again = http.post(
        f"{emu.base_url}/oauth/token/",
        data={
            "grant_type": "refresh_token",
            "client_id": opts.client_id,
            "client_secret": opts.client_secret,
            "refresh_token": grant.refresh_token,
        },
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    wrong = http.get(
        f"{emu.base_url}/oauth/token/",
        params={
            "grant_type": "refresh_token",
            "client_id": opts.client_id,
            "client_secret": "nope",
            "refresh_token": body["refresh_token"],
        },
    )
    assert wrong.status_code == 401


def test_preset_names_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown limits preset"):
        Limits.preset("gold")
    assert Limits.preset("none") is None
    assert Limits.preset("enterprise") == Limits(burst=250, drain=5)


def test_a_superseded_access_token_still_reads_as_expired(b24_emulator_factory, http) -> None:
    """Callers racing a refresh send the old token; the portal says expired, not unknown."""
    clock = ManualClock(1_000_000.0)
    emu = b24_emulator_factory(limits="none", clock=clock, token_lifetime=60)
    grant = emu.portal.tokens.issue()
    clock.advance(61)
    assert emu.portal.tokens.refresh(grant.refresh_token) is not None
    late = http.post(f"{emu.base_url}/rest/server.time", data={"auth": grant.access_token})
    assert late.status_code == 401 and late.json()["error"] == "expired_token"
