"""The generated SDK's start-up and type-checking cost, against ``httpx`` and ``b24pysdk``.

1. Import: fresh processes, bytecode compiled beforehand (``compileall``, as after ``pip
   install``). One run of each contender per round, interleaved, so that load from elsewhere
   falls on all of them; the median over ``--runs`` rounds is reported, with ratios to a bare
   ``import httpx`` (the one dependency the client cannot avoid; target: sdk <= 1.3x):

   - ``httpx``: ``import httpx``;
   - ``sdk``: ``import <pkg>``, building a ``Client`` and its first ``crm.deal.get`` (answered
     by an ``httpx.MockTransport``: no network) on the full package generated from ``--docs``;
   - ``b24pysdk``: ``import b24pysdk`` (the official SDK), for comparison.

2. ``mypy --strict``, cold cache, on a ~50-line user script against the generated package,
   and on the same script written for ``b24pysdk`` (``--mypy-runs`` each, median; b24pysdk
   has no ``py.typed``, so it is read with ``--follow-untyped-imports``).

    python bench/sdk_import.py [--docs ../shared/b24docs/ru] [--runs 5] [--mypy-runs 3]
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import ROOT, SHARED, b24gen, median

PACKAGE = "b24client"

# Each snippet prints the milliseconds of its own work (interpreter start-up left out: it is
# the same for every contender).
TIMED = """\
import time
_t0 = time.perf_counter()
{body}
print((time.perf_counter() - _t0) * 1000)
"""

HTTPX = "import httpx"

SDK = """\
import warnings
warnings.simplefilter("ignore", DeprecationWarning)  # crm.deal.* is documented as deprecated
import httpx
import {pkg}
_answer = {{"result": {{"ID": "1", "TITLE": "x"}}, "time": {{"operating": 0}}}}
client = {pkg}.Client.from_webhook(
    "https://example.bitrix24.ru/rest/1/secret/",
    transport=httpx.MockTransport(lambda request: httpx.Response(200, json=_answer)),
)
assert client.crm.deal.get(id=1)["ID"] == "1"
"""

B24PYSDK = "import b24pysdk"

USER_SCRIPT = '''\
"""A user's script: read deals page by page, batch a few calls, handle an error."""

from __future__ import annotations

import asyncio

from {pkg} import AsyncClient, Bitrix24Error, Client
from {pkg}.errors import AccessDeniedError


def won_titles(client: Client) -> list[str]:
    titles: list[str] = []
    for deal in client.crm.deal.list.iterate(filter={{"STAGE_ID": "WON"}}, select=["ID", "TITLE"]):
        title = deal.get("TITLE")
        if isinstance(title, str):
            titles.append(title)
    return titles


def first_page(client: Client) -> int:
    page = client.crm.deal.list(select=["ID"], start=0)
    return len(page.items) + (page.total or 0)


def batch_two(client: Client, deal_id: int) -> str:
    deal = client.crm.deal.get.prepare(id=deal_id)
    lead = client.crm.lead.get.prepare(id=deal_id)
    result = client.batch([deal, lead])
    return str(result[deal].get("TITLE", "")) + str(result[lead].get("TITLE", ""))


def add_lead(client: Client, title: str) -> int:
    try:
        return client.crm.lead.add(fields={{"TITLE": title, "NAME": "Ann"}})
    except AccessDeniedError:
        return 0
    except Bitrix24Error as exc:
        print(exc.code)
        return -1


def timed(client: Client) -> object:
    answer = client.with_options(timeout=5.0).crm.deal.get.raw(id=1)
    return answer.result, answer.time


async def async_count(client: AsyncClient) -> int:
    count = 0
    async for _ in client.crm.deal.list.iterate(select=["ID"]):
        count += 1
    return count


def main() -> None:
    client = Client.from_webhook("https://example.bitrix24.ru/rest/1/secret/")
    print(won_titles(client), first_page(client), batch_two(client, 1), add_lead(client, "x"))
    print(timed(client))
    print(asyncio.run(async_count(AsyncClient.from_webhook("https://example.bitrix24.ru/rest/1/s/"))))
'''

B24PYSDK_SCRIPT = '''\
"""The same script for b24pysdk (its API: results under ``.result``, ``as_list``)."""

from __future__ import annotations

from typing import Any

from b24pysdk import BitrixWebhook, Client
from b24pysdk.client import ClientV2  # what Client(...) returns (Client is a function)
from b24pysdk.errors import BitrixAPIError


def won_titles(client: ClientV2) -> list[str]:
    titles: list[str] = []
    deals = client.crm.deal.list(filter={"STAGE_ID": "WON"}, select=["ID", "TITLE"])
    for deal in deals.as_list().result:
        title = deal.get("TITLE")
        if isinstance(title, str):
            titles.append(title)
    return titles


def first_page(client: ClientV2) -> int:
    page = client.crm.deal.list(select=["ID"], start=0)
    return len(page.result) + (page.response.total or 0)


def batch_two(client: ClientV2, deal_id: int) -> str:
    result: Any = client.call_batch(
        {
            "deal": client.crm.deal.get(bitrix_id=deal_id),
            "lead": client.crm.lead.get(bitrix_id=deal_id),
        }
    ).result
    return str(result.result["deal"].get("TITLE", "")) + str(result.result["lead"].get("TITLE", ""))


def add_lead(client: ClientV2, title: str) -> int:
    try:
        return int(client.crm.lead.add(fields={"TITLE": title, "NAME": "Ann"}).result)
    except BitrixAPIError as exc:
        print(exc)
        return -1


def timed(client: ClientV2) -> object:
    answer = client.crm.deal.get(bitrix_id=1)
    return answer.result, answer.time


def fast_count(client: ClientV2) -> int:
    count = 0
    for _ in client.crm.deal.list(select=["ID"]).as_list_fast().result:
        count += 1
    return count


def main() -> None:
    client = Client(BitrixWebhook(domain="example.bitrix24.ru", webhook_token="1/secret"))
    print(won_titles(client), first_page(client), batch_two(client, 1), add_lead(client, "x"))
    print(timed(client))
    print(fast_count(client))
'''


def generate(docs: Path, out: Path) -> Path:
    subprocess.run(
        b24gen("generate", "--docs", str(docs), "--out", str(out), "--package-name", PACKAGE),
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # as after pip install: every module byte-compiled
    assert compileall.compile_dir(out / PACKAGE, quiet=2, workers=1)
    return out


def timed_run(body: str, cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(cwd), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", TIMED.format(body=body)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"a timed snippet failed:\n{proc.stderr[-2000:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def mypy_cold(script: str, cwd: Path, mypypath: Path | None, *extra: str) -> float:
    import time

    with tempfile.TemporaryDirectory(prefix="b24-mypy-") as tmp:
        path = Path(tmp) / "user_script.py"
        path.write_text(script, encoding="utf-8")
        env = {**os.environ, "MYPYPATH": str(mypypath) if mypypath else ""}
        cmd = [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(Path(tmp) / "c"),
            *extra,
        ]
        started = time.perf_counter()
        proc = subprocess.run(
            [*cmd, str(path)], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
        elapsed = time.perf_counter() - started
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    print(f"    mypy: {len(errors)} error(s)" + (f", first: {errors[0]}" if errors else ""))
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=Path, default=SHARED / "ru")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--mypy-runs", type=int, default=3)
    ap.add_argument("--no-mypy", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="b24-sdk-import-") as tmp:
        out = generate(args.docs, Path(tmp) / "pkg")
        contenders = {"httpx": HTTPX, "sdk": SDK.format(pkg=PACKAGE), "b24pysdk": B24PYSDK}
        samples: dict[str, list[float]] = {name: [] for name in contenders}
        for name, body in contenders.items():  # warm the page cache once, not measured
            timed_run(body, out)
        for _ in range(args.runs):
            for name, body in contenders.items():
                samples[name].append(timed_run(body, out))
        med = {name: median(values) for name, values in samples.items()}
        print(f"import, median of {args.runs} fresh processes (ms), docs {args.docs}:")
        for name in contenders:
            print(f"  {name:9s} {med[name]:8.1f}   x{med[name] / med['httpx']:.2f} of httpx")
        print("  (sdk: import + Client + first crm.deal.get; target <= 1.3x httpx)")
        if args.no_mypy:
            return
        print(f"mypy --strict, cold cache, median of {args.mypy_runs} (s):")
        ours = [mypy_cold(USER_SCRIPT.format(pkg=PACKAGE), out, out) for _ in range(args.mypy_runs)]
        # b24pysdk ships no py.typed: without this flag mypy would not read it at all
        theirs = [
            mypy_cold(B24PYSDK_SCRIPT, out, None, "--follow-untyped-imports")
            for _ in range(args.mypy_runs)
        ]
        print(f"  sdk      {median(ours):8.1f}")
        print(
            f"  b24pysdk {median(theirs):8.1f}   sdk/b24pysdk x{median(ours) / median(theirs):.2f}"
        )


if __name__ == "__main__":
    main()
