"""Bulk read: 100,000 records from the emulator at the portal's default limits.

Measures, in the same run and against the same emulator and limits:

* ours: the generated client's ``iterate("crm.deal.list")`` (fast mode: ``start=-1``, ``>ID``
  cursor, 50 pages chained per ``batch``), with ``Client`` and with ``AsyncClient``;
* theirs: fast_bitrix24's ``get_all("crm.deal.list")`` (``pip install fast_bitrix24``; a bench
  dependency only).

Prints the median wall time of several runs of each, HTTP requests per read, records per
request, and the ratio ours / theirs (target <= 1.0, aiming for 0.5). The emulator runs in a
child process (its own GIL), with limits "standard" (burst 50, drain 2/s); its bucket is
emptied before every run so each starts as a fresh job would.

    python bench/bulk_read.py [--records 100000] [--runs 3] [--limits standard]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "b24bench"


# -- the emulator, in a child process ---------------------------------------------------


def _serve(port: int, records: int, limits: str) -> None:
    """Child: seed the emulator and serve it, with two bench-only routes (reset, stats)."""
    import uvicorn

    from generator.emulator.app import create_app
    from generator.emulator.server import _config
    from generator.reader import read_docs

    app = create_app(read_docs(ROOT / "docs_src"), limits=limits, token="bench-token")
    portal = app.portal
    batch = 20_000
    for start in range(0, records, batch):
        n = min(batch, records - start)
        portal.seed("crm.deal", [{"TITLE": f"deal {start + i}"} for i in range(n)])

    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/_bench/"):
            if scope["path"] == "/_bench/reset" and portal.bucket is not None:
                portal.bucket.reset()
            body = json.dumps(portal.stats).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    config = _config(app, "127.0.0.1", port, "warning")
    config.app = wrapper
    print("READY", flush=True)
    uvicorn.Server(config).run()


class Emulator:
    """A child-process emulator; ``stats()`` and ``reset()`` over HTTP."""

    def __init__(self, records: int, limits: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(self.port), "--records", str(records),
             "--limits", limits],
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "READY" not in line:
            raise RuntimeError("the emulator did not start")
        import httpx

        for _ in range(200):
            try:
                httpx.get(self.url("/_bench/stats"), timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        self.webhook = self.url("/rest/1/bench-token/")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stats(self) -> dict[str, int]:
        import httpx

        return dict(httpx.get(self.url("/_bench/stats")).json())

    def reset(self) -> None:
        import httpx

        httpx.get(self.url("/_bench/reset"))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def generated_client_package() -> Any:
    """The client generated from docs_src/, rendered into a temporary folder and imported."""
    from generator.reader import read_docs
    from generator.render import render_package

    out = Path(tempfile.mkdtemp(prefix="b24bench-"))
    for rel, text in render_package(read_docs(ROOT / "docs_src"), package_name=PACKAGE).items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(out))
    return importlib.import_module(PACKAGE)


# -- the two readers ----------------------------------------------------------------------


def read_ours(pkg: Any, emulator: Emulator) -> tuple[float, int, int]:
    client = pkg.Client.from_webhook(emulator.webhook, allow_insecure_http=True)
    before = emulator.stats()["requests"]
    started = time.perf_counter()
    ids = [r["ID"] for r in client.iterate("crm.deal.list", {"select": ["ID", "TITLE"]})]
    elapsed = time.perf_counter() - started
    client.close()
    if len(set(ids)) != len(ids):
        raise AssertionError("ours: duplicates")
    return elapsed, len(ids), emulator.stats()["requests"] - before


def read_ours_async(pkg: Any, emulator: Emulator) -> tuple[float, int, int]:
    async def run() -> list[Any]:
        async with pkg.AsyncClient.from_webhook(emulator.webhook, allow_insecure_http=True) as c:
            return [r["ID"] async for r in c.iterate("crm.deal.list", {"select": ["ID", "TITLE"]})]

    before = emulator.stats()["requests"]
    started = time.perf_counter()
    ids = asyncio.run(run())
    elapsed = time.perf_counter() - started
    if len(set(ids)) != len(ids):
        raise AssertionError("ours (async): duplicates")
    return elapsed, len(ids), emulator.stats()["requests"] - before


def read_theirs(emulator: Emulator) -> tuple[float, int, int]:
    from fast_bitrix24 import BitrixAsync

    async def run() -> list[Any]:
        # fast_bitrix24 takes any URL with a scheme; ssl=False skips certificate checks only.
        b = BitrixAsync(emulator.webhook, verbose=False, ssl=False)
        return list(await b.get_all("crm.deal.list", {"select": ["ID", "TITLE"]}))

    before = emulator.stats()["requests"]
    started = time.perf_counter()
    records = asyncio.run(run())
    elapsed = time.perf_counter() - started
    ids = [r["ID"] for r in records]
    if len(set(ids)) != len(ids):
        raise AssertionError("fast_bitrix24: duplicates")
    return elapsed, len(ids), emulator.stats()["requests"] - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="records to store and read")
    parser.add_argument("--runs", type=int, default=3, help="runs of each reader (median)")
    parser.add_argument("--limits", default="standard", help="emulator limits preset")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.records, args.limits)
        return

    try:
        import fast_bitrix24  # noqa: F401
    except ImportError:
        sys.exit("fast_bitrix24 is not installed: pip install fast_bitrix24 (bench only)")
    print(f"seeding {args.records:,} crm.deal records; limits={args.limits}", flush=True)
    pkg = generated_client_package()
    emulator = Emulator(args.records, args.limits)
    ours: list[tuple[float, int, int]] = []
    ours_async: list[tuple[float, int, int]] = []
    theirs: list[tuple[float, int, int]] = []
    try:
        for run in range(args.runs):
            for name, reader, sink in (
                ("ours", lambda: read_ours(pkg, emulator), ours),
                ("ours (async)", lambda: read_ours_async(pkg, emulator), ours_async),
                ("fast_bitrix24", lambda: read_theirs(emulator), theirs),
            ):
                emulator.reset()
                before = emulator.stats()["limited"]
                result = reader()
                limited = emulator.stats()["limited"] - before
                sink.append(result)
                print(f"  run {run + 1} {name:14} {result[0]:7.2f} s  {result[1]:,} records  "
                      f"{result[2]} requests  {limited} QUERY_LIMIT_EXCEEDED", flush=True)  # fmt: skip
    finally:
        emulator.stop()

    def summary(name: str, rows: list[tuple[float, int, int]]) -> float:
        wall = statistics.median(r[0] for r in rows)
        requests = statistics.median(r[2] for r in rows)
        records = rows[0][1]
        print(f"{name:14} median {wall:7.2f} s  {records:,} records  {requests:.0f} requests  "
              f"{records / max(requests, 1):,.0f} records/request  {records / wall:,.0f} records/s")  # fmt: skip
        return wall

    print()
    a = summary("ours", ours)
    summary("ours (async)", ours_async)
    b = summary("fast_bitrix24", theirs)
    print(f"ratio ours / fast_bitrix24 (wall time): {a / b:.2f}  (target <= 1.0, aim 0.5)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    main()
