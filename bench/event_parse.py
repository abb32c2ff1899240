"""Incoming-event parsing: a 1 MiB form body with 50,000 ``data[A][]`` keys.

Times, per run, the answer of the runtime's ``EventRouter`` (in process, over ASGI) to that
body with the genuine application token (parsed in full) and with a forged one (refused
before the body is decoded), and ``parse_event`` alone; the baseline is the standard
library's ``urllib.parse.parse_qsl`` on the same body (splitting and decoding only, no
nesting), measured in the same run. Target: the genuine body answered in under 0.2 s.

    python bench/event_parse.py [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "51856fefc120afa4b628cc82d3935cce"
KEYS = 50_000


def make_body(token: str) -> bytes:
    from b24gen_templates.runtime.events import MAX_BODY

    head = "event=ONCRMLEADADD&ts=1742807175"
    tail = f"&auth[domain]=x.bitrix24.com&auth[application_token]={token}"
    room = MAX_BODY - len(head) - len(tail)
    width = room // KEYS - len("&data[A][]=")
    value = "v" * width
    body = head + "".join(f"&data[A][]={value}" for _ in range(KEYS)) + tail
    assert len(body) <= MAX_BODY and body.count("data[A][]") == KEYS
    return body.encode("ascii")


def asgi_answer(router: object, body: bytes) -> int:
    """Status the router answers for one POST of ``body`` (no sockets involved)."""
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/events",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
    }
    asyncio.run(router(scope, receive, send))  # type: ignore[operator]
    return int(sent[0]["status"])  # type: ignore[call-overload]


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs (the median is reported)")
    args = parser.parse_args()

    from b24gen_templates.runtime.events import EventRouter, ForgedEventError, parse_event

    genuine = make_body(TOKEN)
    forged = make_body("f" * len(TOKEN))
    router = EventRouter(application_token=TOKEN)
    seen: list[int] = []
    router.on("ONCRMLEADADD")(lambda event: seen.append(len(event.data["A"])))
    assert asgi_answer(router, genuine) == 200 and seen == [KEYS]
    assert asgi_answer(router, forged) == 401

    def forged_parse() -> None:
        try:
            parse_event(forged, application_token=TOKEN)
        except ForgedEventError:
            return
        raise AssertionError("the forged body was accepted")

    contenders: dict[str, Callable[[], object]] = {
        "baseline parse_qsl": lambda: parse_qsl(genuine.decode("ascii")),
        "parse_event genuine": lambda: parse_event(genuine, application_token=TOKEN),
        "parse_event forged": forged_parse,
        "router answer genuine": lambda: asgi_answer(router, genuine),
        "router answer forged": lambda: asgi_answer(router, forged),
    }
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.runs):
        for name, fn in contenders.items():
            samples[name].append(timed(fn))
    base = statistics.median(samples["baseline parse_qsl"])
    print(f"body: {len(genuine):,} bytes, {KEYS:,} data[A][] keys; {args.runs} runs (medians)")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"  {name:<24} {median * 1000:8.1f} ms   x{median / base:5.2f} of the baseline")
    answer = statistics.median(samples["router answer genuine"])
    verdict = "meets" if answer < 0.2 else "MISSES"
    print(f"genuine body answered in {answer * 1000:.1f} ms: {verdict} the 0.2 s target")


if __name__ == "__main__":
    main()
