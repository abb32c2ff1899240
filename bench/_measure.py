"""Shared helpers for the benchmarks: run a command, time it and sample its peak memory.

Peak memory is the largest sum of resident set sizes over the process and all of its
descendants (workers included), sampled every 20 ms from /proc.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "b24docs"


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return out


def _tree_rss_kb(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
        stack.extend(_children(p))
    return total


def run_measured(cmd: list[str], **kw) -> tuple[float, int]:
    """(wall seconds, peak tree RSS in MB) of one run of ``cmd``; raises if it fails."""
    wall, _, peak = run_timed(cmd, **kw)
    return wall, peak


def run_timed(cmd: list[str], **kw) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and its workers, peak tree RSS in MB).

    CPU time (user + sys of every process of the run, from the kernel's accounting) is the
    figure to compare on a shared machine: waiting for a core does not count in it."""
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.02)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    if proc.returncode != 0:
        sys.exit(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}"
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak // 1024


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def b24gen(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator.cli", *args]


def baseline_env(checkout: Path) -> dict[str, str]:
    """The environment that runs another checkout's generator (a baseline revision, e.g.
    ``git worktree add ../base d404683``): its ``generator`` and its templates first on
    the path, through a temporary folder holding ``b24gen_templates -> checkout/templates``."""
    checkout = checkout.resolve()
    if not (checkout / "generator" / "cli.py").is_file():
        sys.exit(f"error: {checkout}: not a b24gen checkout (no generator/cli.py)")
    shim = Path(tempfile.mkdtemp(prefix="b24gen-baseline-"))
    (shim / "b24gen_templates").symlink_to(checkout / "templates")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(shim), str(checkout)])
    return env


def ratio_line(label: str, ours: list[float], base: list[float]) -> str:
    """Median of the run-by-run ratios (each pair measured back to back) and of each side."""
    pairs = [a / b for a, b in zip(ours, base)]
    return (
        f"{label}: this checkout median {median(ours):.2f} s, baseline {median(base):.2f} s,"
        f" ratio median {median(pairs):.3f}  (pairs {[round(x, 2) for x in pairs]})"
    )
