"""The emulator's front end under abuse, and its start-up, each against a baseline measured
in the same run (``b24gen serve`` in a child process, as a user runs it):

* ready time of ``serve --docs ../shared/b24docs/ru`` with a warm page cache (target
  <= 1.5 s), against the same start reading every page (``--no-cache``);
* server memory while a 200 MiB body with a wrong token is sent (target <= 10 MB above the
  idle server), against the same body with the right token (refused by ``--max-body``);
* 300 idle connections: how many the server has closed once the read timeout has passed,
  against how many it had closed before the timeout;
* answer time of PHP-form bodies built to be quadratic (``fields[A][]=…`` 137 KiB, 8,000
  keys) and of JSON nested 990 deep (target < 0.2 s each), against a flat body of the same
  size.

    python bench/emulator_front.py [--runs 3] [--docs ../shared/b24docs/ru]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import SHARED, _tree_rss_kb

TOKEN = "bench-front-secret"
CACHE = Path(tempfile.mkdtemp(prefix="b24gen-bench-cache-"))  # the page cache of every start


class Serve:
    """``b24gen serve`` in a child process; ``url`` once it has announced itself."""

    def __init__(self, docs: Path, *extra: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "B24GEN_CACHE_DIR": str(CACHE)}
        cmd = [sys.executable, "-m", "generator.cli", "serve", "--docs", str(docs)]
        cmd += ["--token", TOKEN, "--limits", "none", *extra]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.url = ""
        for line in self.proc.stdout:  # type: ignore[union-attr]
            if line.startswith("webhook: "):
                self.url = line.split(" ", 1)[1].strip()
                break
        self.ready = time.perf_counter() - self.started
        if not self.url:
            raise RuntimeError(f"serve did not start: {self.proc.stderr.read()}")  # type: ignore
        self.host, self.port = self.url.split("/")[2].split(":")

    def rss_mb(self) -> float:
        return _tree_rss_kb(self.proc.pid) / 1024

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def ready_times(docs: Path, runs: int) -> None:
    Serve(docs).stop()  # warms the page cache
    warm, cold = [], []
    for _ in range(runs):
        s = Serve(docs)
        warm.append(s.ready)
        s.stop()
        s = Serve(docs, "--no-cache")
        cold.append(s.ready)
        s.stop()
    w, c = statistics.median(warm), statistics.median(cold)
    print(
        f"serve ready on {docs.name}: warm cache {w:.2f} s, no cache {c:.2f} s; ratio {w / c:.2f}"
    )


def _stream_body(host: str, port: int, path: str, size: int, s: Serve) -> tuple[int, float]:
    """POST ``size`` bytes in 1 MiB chunks; (status or 0 when dropped, peak server RSS MB)."""
    peak = s.rss_mb()
    chunk = b"x" * (1 << 20)
    sock = socket.create_connection((host, port))
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded"
        f"\r\nContent-Length: {size}\r\n\r\n".encode()
    )
    status = 0
    sock.settimeout(0.05)
    sent = 0
    answer = b""
    try:
        while sent < size:
            try:
                sock.sendall(chunk)
                sent += len(chunk)
            except OSError:
                break  # the server closed on us: it refused the body
            peak = max(peak, s.rss_mb())
            try:
                answer += sock.recv(4096)
            except (TimeoutError, BlockingIOError):
                pass
            except OSError:
                break
    finally:
        try:
            sock.settimeout(2)
            answer += sock.recv(4096)
        except OSError:
            pass
        sock.close()
    if answer.startswith(b"HTTP/1.1 "):
        status = int(answer[9:12])
    return status, peak


def big_bodies(docs: Path) -> None:
    s = Serve(docs, "--max-body", str(8 << 20))
    try:
        idle = s.rss_mb()
        size = 200 << 20
        wrong_status, wrong_peak = _stream_body(
            s.host, int(s.port), "/rest/1/wrong/crm.lead.add", size, s
        )
        right_status, right_peak = _stream_body(
            s.host, int(s.port), f"/rest/1/{TOKEN}/crm.lead.add", size, s
        )
    finally:
        s.stop()
    print(
        f"200 MiB body, wrong token: HTTP {wrong_status}, server +{wrong_peak - idle:.1f} MB "
        f"over idle {idle:.0f} MB; right token past --max-body 8 MiB: HTTP {right_status}, "
        f"+{right_peak - idle:.1f} MB"
    )


def idle_connections(docs: Path, count: int = 300, timeout: float = 2.0) -> None:
    s = Serve(docs, "--read-timeout", str(timeout))
    socks = []
    try:
        for i in range(count):
            c = socket.create_connection((s.host, int(s.port)))
            if i % 2:
                c.sendall(b"POST /rest/1/x/crm.lead.add HTTP/1.1\r\nHost: a\r\n")  # head unfinished
            socks.append(c)

        def closed() -> int:
            n = 0
            for c in socks:
                c.settimeout(0.001)
                try:
                    n += c.recv(1) == b""
                except (TimeoutError, BlockingIOError):
                    pass
                except OSError:
                    n += 1
            return n

        time.sleep(timeout / 2)
        before = closed()
        time.sleep(timeout / 2 + 1.0)
        after = closed()
    finally:
        for c in socks:
            c.close()
        s.stop()
    print(
        f"{count} idle connections, read timeout {timeout:g} s: closed {before} before the "
        f"timeout, {after} at timeout + 1 s"
    )


def quadratic_bodies(docs: Path, runs: int) -> None:
    s = Serve(docs)
    try:
        url = s.url
        # the 137 KiB body: 8,000 appends to one array
        appends = "&".join(f"fields[A][]={i:04d}" for i in range(8_000)).encode()
        flat = ("fields[TITLE]=" + "x" * (len(appends) - 14)).encode()
        deep = ("[" * 990 + "]" * 990).encode()
        deep_obj = ('{"fields":' * 600 + "1" + "}" * 600).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        cases = {
            "fields[A][] x8000": (appends, form),
            "same-size flat body": (flat, form),
            "JSON 990 deep": (deep, {"Content-Type": "application/json"}),
            "JSON object 600 deep": (deep_obj, {"Content-Type": "application/json"}),
        }
        with httpx.Client(timeout=60) as http:
            for name, (body, headers) in cases.items():
                times, status = [], 0
                for _ in range(runs):
                    t = time.perf_counter()
                    r = http.post(url + "crm.lead.add", content=body, headers=headers)
                    times.append(time.perf_counter() - t)
                    status = r.status_code
                print(
                    f"{name} ({len(body) / 1024:.0f} KiB): HTTP {status} in "
                    f"{statistics.median(times) * 1000:.0f} ms (median of {runs})"
                )
    finally:
        s.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--docs", type=Path, default=SHARED / "ru")
    args = ap.parse_args()
    print(f"# emulator front end; load average {os.getloadavg()[0]:.1f}")
    ready_times(args.docs, args.runs)
    big_bodies(args.docs)
    idle_connections(args.docs)
    quadratic_bodies(args.docs, args.runs)
    print(json.dumps({"cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
