"""The client-side leaky bucket and operating-time budget, on a hand-moved clock."""

from __future__ import annotations

import random
import threading

import pytest
from b24gen_templates.runtime.ratelimit import (
    PRESETS,
    LeakyBucket,
    OperatingBudget,
    RateLimit,
    resolve_rate_limit,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_presets() -> None:
    assert PRESETS["standard"] == RateLimit(50, 2)
    assert PRESETS["enterprise"] == RateLimit(250, 5)
    assert resolve_rate_limit("none") is None
    with pytest.raises(ValueError, match="rate_limit must be one of"):
        resolve_rate_limit("fast")  # type: ignore[arg-type]


def test_burst_then_drain_rate() -> None:
    clock = Clock()
    bucket = LeakyBucket(RateLimit(50, 2), clock)
    # one request of headroom under the portal's burst (see LeakyBucket.HEADROOM)
    assert [bucket.reserve() for _ in range(49)] == [0.0] * 49
    waits = [bucket.reserve() for _ in range(4)]
    # queued slots: 0.5 s apart at 2 per second
    assert waits == pytest.approx([0.5, 1.0, 1.5, 2.0], abs=0.01)
    clock.now += 10  # the bucket drains 20
    assert bucket.reserve() == 0.0


@pytest.mark.parametrize("latency", [0.0, 0.05, 0.3])
def test_sending_on_schedule_never_overflows_a_portal_bucket(latency: float) -> None:
    """Simulate the portal's bucket; requests sent at the client's slots and arriving after a
    varying network delay are all accepted, at the rate the bucket allows."""
    rng = random.Random(5)
    clock = Clock()
    client = LeakyBucket(RateLimit(50, 2), clock)
    portal_level, portal_last, refused = 0.0, clock.now, 0
    slots = []
    for _ in range(400):
        clock.now += rng.uniform(0, 0.01)  # callers reserve one after another
        slots.append(clock.now + client.reserve())
    arrivals = sorted(slot + rng.uniform(0, latency) for slot in slots)
    for moment in arrivals:
        portal_level = max(0.0, portal_level - (moment - portal_last) * 2)
        portal_last = moment
        if portal_level + 1 > 50:
            refused += 1
        else:
            portal_level += 1
    assert refused == 0
    # ...and the rate is what the bucket allows: ~50 at once, then 2 per second
    assert arrivals[-1] - arrivals[0] == pytest.approx((400 - 49) / 2, rel=0.01)


def test_threads_share_one_bucket() -> None:
    bucket = LeakyBucket(RateLimit(10, 5), Clock())
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(5):
            w = bucket.reserve()
            with lock:
                waits.append(w)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits)[:9] == [0.0] * 9  # burst 10 less one of headroom
    assert max(waits) == pytest.approx((40 - 9) / 5, abs=0.01)
    assert len({round(w, 4) for w in waits if w}) == 31  # every queued slot distinct


def test_saturate_after_a_refusal() -> None:
    clock = Clock()
    bucket = LeakyBucket(RateLimit(50, 2), clock)
    assert bucket.saturate() == 0.5
    # full: the next slot is one drained request beyond the headroom away
    assert bucket.reserve() == pytest.approx(1.0, abs=0.01)


def test_operating_budget_waits_for_the_reset() -> None:
    clock = Clock()
    budget = OperatingBudget(budget=10.0, clock=clock)
    budget.observe("crm.lead.list", {"operating": 4.0, "operating_reset_at": clock.now + 50})
    assert budget.wait_for("crm.lead.list") == 0.0
    # the portal reports the accumulated sum; a stale (smaller) answer does not lower it
    budget.observe("CRM.LEAD.LIST", {"operating": 11.0, "operating_reset_at": clock.now + 50})
    budget.observe("crm.lead.list", {"operating": 9.0, "operating_reset_at": clock.now + 50})
    assert budget.wait_for("crm.deal.list") == 0.0
    assert budget.wait_for("crm.lead.list") == pytest.approx(50.0)
    clock.now += 51
    assert budget.wait_for("crm.lead.list") == 0.0
    budget.block("crm.lead.list", 5)
    assert budget.wait_for("crm.lead.list") == pytest.approx(5.0)
    budget.observe("x.get", None)  # answers without a time block are ignored
    assert budget.wait_for("x.get") == 0.0
