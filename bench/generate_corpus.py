"""Cold `b24gen generate` of a whole corpus (default ru/): wall time and peak memory.

Usage: python bench/generate_corpus.py [--corpus ru] [--runs 3] [--baseline CHECKOUT]

Each run writes into a fresh empty folder with --no-cache (cold: nothing to reuse). Prints the median,
the reader's own share (a cold `b24gen model` of the same corpus, measured in this run),
seconds per method, and peak memory of the process tree. Targets: <= 10 s for ~1,650
methods (<= 0.006 s a method; openapi-python-client needs 0.077 s an operation on
Stripe's spec on this machine, a figure quoted in the issue, not measured here) and
< 600 MB. With ``--baseline`` (a checkout of an earlier revision), that checkout's cold
generate and model runs after each of ours, and the ratios ours/baseline are printed for
the whole generate, the reading and the rest (target: <= 1.0, "no slower").
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import SHARED, b24gen, baseline_env, median, ratio_line, run_timed

OPENAPI_PYTHON_CLIENT_S_PER_OP = 0.077  # quoted in issue 3 (32 s for 417 operations)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="ru")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--baseline", type=Path, default=None, help="checkout of the revision to compare"
    )
    a = ap.parse_args()
    base_env = baseline_env(a.baseline) if a.baseline else None
    cpu: dict[str, list[float]] = {"gen": [], "model": [], "base_gen": [], "base_model": []}
    base_gen: list[float] = []
    base_model: list[float] = []
    docs = SHARED / a.corpus
    tmp = Path(tempfile.mkdtemp(prefix="b24gen-bench-"))
    gen_times, gen_peaks, model_times = [], [], []
    try:
        for i in range(a.runs):
            out = tmp / f"out{i}"
            wall, c, peak = run_timed(
                b24gen(
                    "generate",
                    "--docs",
                    str(docs),
                    "--out",
                    str(out),
                    "--no-progress",
                    "--no-cache",
                )
            )
            gen_times.append(wall)
            cpu["gen"].append(c)
            gen_peaks.append(peak)
            wall, c, _ = run_timed(
                b24gen("model", "--docs", str(docs), "--json", str(tmp / "m.json"), "--no-progress")
            )
            model_times.append(wall)
            cpu["model"].append(c)
            if base_env is not None:
                bout = tmp / f"base{i}"
                wall, c, _ = run_timed(
                    b24gen(
                        "generate",
                        "--docs",
                        str(docs),
                        "--out",
                        str(bout),
                        "--no-progress",
                        "--no-cache",
                    ),
                    env=base_env,
                )
                base_gen.append(wall)
                cpu["base_gen"].append(c)
                shutil.rmtree(bout, ignore_errors=True)
                wall, c, _ = run_timed(
                    b24gen("model", str(docs), "--json", str(tmp / "b.json"), "--no-progress"),
                    env=base_env,
                )
                base_model.append(wall)
                cpu["base_model"].append(c)
        methods = len(json.loads((tmp / "m.json").read_text(encoding="utf-8"))["methods"])
        files = sum(1 for p in (tmp / "out0").rglob("*") if p.is_file())
        lines = sum(
            p.read_text(encoding="utf-8").count("\n")
            for p in (tmp / "out0").rglob("*.py*")
            if p.is_file()
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    g, m = median(gen_times), median(model_times)
    print(f"corpus: {docs}, {methods} methods -> {files} files, {lines} lines of Python")
    print(f"b24gen generate (cold):  median {g:.2f} s  runs {[round(x, 2) for x in gen_times]}")
    print(f"  of which reading (b24gen model, same run): median {m:.2f} s")
    print(f"  rendering + formatting + writing:          ~{g - m:.2f} s")
    print(f"per method: {g / methods * 1000:.2f} ms (target <= 6 ms; target total <= 10 s)")
    print(
        f"vs openapi-python-client's quoted {OPENAPI_PYTHON_CLIENT_S_PER_OP * 1000:.0f} ms/op: "
        f"{OPENAPI_PYTHON_CLIENT_S_PER_OP / (g / methods):.1f}x faster"
    )
    print(f"peak memory (process tree RSS): {max(gen_peaks)} MB (target < 600 MB)")
    if base_env is not None:
        print(f"vs baseline {a.baseline} (same run, pairs back to back):")
        for what, ours, base in (
            ("wall", gen_times, base_gen),
            ("cpu", cpu["gen"], cpu["base_gen"]),
        ):
            print(ratio_line(f"  generate, {what}", ours, base))
        print(ratio_line("  reading (model), cpu", cpu["model"], cpu["base_model"]))
        rest = [g - m for g, m in zip(cpu["gen"], cpu["model"])]
        base_rest = [g - m for g, m in zip(cpu["base_gen"], cpu["base_model"])]
        print(ratio_line("  the rest (render, format, write), cpu", rest, base_rest))


if __name__ == "__main__":
    main()
