"""Call overhead: a typed call of the generated client against the emulator versus a bare
``httpx.post`` with the same body (and versus a kept-alive ``httpx.Client.post``, the
stricter baseline: the typed client keeps its connection too).

The emulator runs in a child process with limits off, and the client with ``rate_limit="none"``,
so both sides measure HTTP and the client's own work only. Each run makes ``--calls``
``crm.deal.get`` calls per contender, interleaved call by call; a run's figure is the median
call time, and the median over ``--runs`` runs is reported with the ratios (target: typed /
httpx.post <= 1.2).

    python bench/call_overhead.py [--calls 300] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bulk_read import Emulator, generated_client_package


def one_run(contenders: dict[str, Callable[[], object]], calls: int) -> dict[str, float]:
    """Median time of one call per contender; calls interleaved one by one, so that load
    from elsewhere on the machine falls on every contender alike."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    clock = time.perf_counter
    for _ in range(calls):
        for name, fn in contenders.items():
            started = clock()
            fn()
            samples[name].append(clock() - started)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per contender per run")
    parser.add_argument("--runs", type=int, default=7, help="runs (the median is reported)")
    args = parser.parse_args()

    import httpx

    pkg = generated_client_package()
    emulator = Emulator(records=10, limits="none")
    url = emulator.webhook + "crm.deal.get"
    body = {"id": 1}
    client = pkg.Client.from_webhook(emulator.webhook, allow_insecure_http=True, rate_limit="none")
    kept = httpx.Client()
    expected = client.crm.deal.get(id=1)
    assert httpx.post(url, json=body).json()["result"] == expected
    assert kept.post(url, json=body).json()["result"] == expected

    contenders: dict[str, Callable[[], object]] = {
        "typed client.crm.deal.get": lambda: client.crm.deal.get(id=1),
        "bare httpx.post": lambda: httpx.post(url, json=body).json()["result"],
        "httpx.Client.post (kept alive)": lambda: kept.post(url, json=body).json()["result"],
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    try:
        one_run(contenders, 20)  # warm up connections and caches
        for _ in range(args.runs):
            for name, value in one_run(contenders, args.calls).items():
                times[name].append(value)
    finally:
        client.close()
        kept.close()
        emulator.stop()

    median = {name: statistics.median(values) for name, values in times.items()}
    for name, value in median.items():
        print(f"{name:32} median {value * 1e3:7.3f} ms/call  (runs: "
              + ", ".join(f"{v * 1e3:.3f}" for v in times[name]) + ")")  # fmt: skip
    typed = median["typed client.crm.deal.get"]
    print(f"ratio typed / bare httpx.post:        {typed / median['bare httpx.post']:.2f}"
          "  (target <= 1.2)")  # fmt: skip
    print(
        f"ratio typed / kept-alive httpx.Client: "
        f"{typed / median['httpx.Client.post (kept alive)']:.2f}"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    main()
