"""Cold `b24gen model` on a corpus versus markdown-it-py merely tokenizing the same pages.

Usage: python bench/parse_corpus.py [--corpus ru] [--runs 3] [--baseline CHECKOUT]
Prints medians, the ratio (target: model build <= 0.5 x plain tokenizing) and peak memory
(target < 500 MB). Both are measured in this run, on this machine. With ``--baseline``
(a checkout of an earlier revision), the same cold model build of that checkout runs after
each of ours, and the ratio ours/baseline is printed (target: <= 1.0, "no slower").
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import SHARED, b24gen, baseline_env, median, ratio_line, run_timed

TOKENIZE = """
import sys, time
from pathlib import Path
from markdown_it import MarkdownIt
from generator.reader import discover
root = Path(sys.argv[1])
texts = [(root / p).read_text(encoding="utf-8") for p in discover(root)]
md = MarkdownIt()
t = time.perf_counter()
for s in texts:
    md.parse(s)
print(time.perf_counter() - t, len(texts))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="ru")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument(
        "--baseline", type=Path, default=None, help="checkout of the revision to compare"
    )
    a = ap.parse_args()
    base_env = baseline_env(a.baseline) if a.baseline else None
    base_times: list[float] = []
    model_cpu: list[float] = []
    base_cpu: list[float] = []
    docs = SHARED / a.corpus
    out = Path(tempfile.mkdtemp()) / "model.json"
    extra = ["--jobs", str(a.jobs)] if a.jobs else []
    model_times, peaks, tok_times = [], [], []
    for _ in range(a.runs):
        wall, cpu, peak = run_timed(
            b24gen("model", "--docs", str(docs), "--json", str(out), "--no-progress", *extra)
        )
        model_times.append(wall)
        model_cpu.append(cpu)
        peaks.append(peak)
        if base_env is not None:  # DOCS as an argument: what every revision accepts
            wall, cpu, _ = run_timed(
                b24gen("model", str(docs), "--json", str(out), "--no-progress", *extra),
                env=base_env,
            )
            base_times.append(wall)
            base_cpu.append(cpu)
        r = subprocess.run(
            [sys.executable, "-c", TOKENIZE, str(docs)], capture_output=True, text=True, check=True
        )
        secs, n = r.stdout.split()
        tok_times.append(float(secs))
    m, t = median(model_times), median(tok_times)
    print(f"corpus: {docs} ({n} pages), runs: {a.runs}")
    print(
        f"b24gen model (cold, whole CLI run): median {m:.2f} s  runs {[round(x, 2) for x in model_times]}"
    )
    print(
        f"markdown-it-py tokenize only:       median {t:.2f} s  runs {[round(x, 2) for x in tok_times]}"
    )
    print(f"ratio model / tokenize:             {m / t:.2f}  (target <= 0.50)")
    print(f"peak memory (process tree RSS):     {max(peaks)} MB  (target < 500 MB)")
    if base_env is not None:
        print(f"vs baseline {a.baseline} (same run, pairs back to back):")
        print(ratio_line("  wall", model_times, base_times))
        print(ratio_line("  cpu (all processes)", model_cpu, base_cpu))


if __name__ == "__main__":
    main()
