"""Drift speed on a full docs corpus: check with nothing changed, generate after one edit.

    python bench/drift.py [--docs ../shared/b24docs/ru] [--runs 5]

Works on a temporary copy of the corpus (pages get edited), with a temporary output and
cache, and on a frozen copy of generator/ and templates/ (a working tree that others edit
meanwhile would change the code fingerprint and turn cache hits into misses; --live
runs the working tree itself). Every figure is the median of several runs of a fresh `b24gen` process (what a
pre-commit hook or CI pays), next to its ratio to a cold generate in the same run.
Targets (issue 5): check, nothing changed <= 1 s; generate after editing one page <= 2 s.
Issue 15: check, nothing changed <= 5% of a cold generate, with every cache entry
authenticated (HMAC) and stored as JSON.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = ROOT.parent / "shared" / "b24docs" / "ru"
# What `b24gen generate` runs, as a process that also prints where the time went.
GEN_INCREMENTAL = (
    "import sys; from pathlib import Path;"
    "from generator.drift.incremental import generate_incremental as g;"
    "r, x = g(Path(sys.argv[1]), Path(sys.argv[2]), package_name='b24client',"
    " cache_dir=Path(sys.argv[3]));"
    "print(r.summary(), 'cache hit' if x.cache_hit else 'rendered',"
    " {k: round(v, 2) for k, v in x.timings.items()}, file=sys.stderr)"
)


CWD = ROOT  # set to the temporary folder in main(): the current folder is first on sys.path


def timed(cmd: list[str], *, expect: int = 0) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=CWD)
    took = time.perf_counter() - t
    if proc.returncode != expect:
        sys.exit(f"{cmd[:3]} exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return took, proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""


def pages_to_edit(docs: Path, out: Path, n: int) -> list[Path]:
    """Method pages spread over the corpus whose H1 title shows in the generated docs, so
    that editing the title surely changes the output (some pages are not rendered)."""
    rendered = "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.md")))
    found = []
    for p in sorted(docs.rglob("*.md")):
        if "/_" in p.as_posix():
            continue
        text = p.read_text(encoding="utf-8", errors="replace")
        if not text.startswith("# "):
            continue
        words = text.split("\n", 1)[0][2:].split()
        title = " ".join(words[:-1])  # the H1 ends with the method name
        if len(title) > 12 and f"{title}" in rendered:
            found.append(p)
    step = max(1, len(found) // n)
    return found[::step][:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--live", action="store_true", help="run the working tree, not a copy")
    args = ap.parse_args()
    if not args.docs.is_dir():
        sys.exit(f"{args.docs}: no such docs folder")
    global CWD
    b24gen = [sys.executable, "-m", "generator.cli"]
    with tempfile.TemporaryDirectory(prefix="b24gen-bench-") as tmp:
        tmp = CWD = Path(tmp)
        docs, out, cache = tmp / "docs", tmp / "out", tmp / "cache"
        shutil.copytree(args.docs, docs)
        os.environ["B24GEN_CACHE_DIR"] = str(cache)
        os.environ["XDG_CACHE_HOME"] = str(tmp / "xdg")  # the cache key, never the user's
        if not args.live:
            code = tmp / "code"
            for part in ("generator", "templates"):
                shutil.copytree(
                    ROOT / part, code / part, ignore=shutil.ignore_patterns("__pycache__")
                )
            # first on sys.path, ahead of the editable install's finder
            os.environ["PYTHONPATH"] = str(code)
        gen_cli = [*b24gen, "generate", "--no-progress", "--docs", str(docs), "--out"]
        check = [
            *b24gen,
            "check",
            "--docs",
            str(docs),
            "--out",
            str(out),
            "--cache-dir",
            str(cache),
        ]
        gen_inc = [sys.executable, "-c", GEN_INCREMENTAL, str(docs), str(out), str(cache)]

        print(f"corpus {args.docs} ({sum(1 for _ in docs.rglob('*.md'))} pages), runs={args.runs}")
        cold, _ = timed([*gen_cli, str(tmp / "cold")])
        print(f"cold generate (b24gen generate, empty output):   {cold:7.2f} s  = 1.00")
        cold_inc, note = timed(gen_inc)
        print(
            f"cold generate through the caches (empty cache):  {cold_inc:7.2f} s  "
            f"= {cold_inc / cold:.2f}   [{note}]"
        )

        def report(
            label: str,
            samples: list[float],
            target: float | None,
            note: str = "",
            ratio: float | None = None,
        ) -> None:
            med = statistics.median(samples)
            verdict = "" if target is None else ("  ok" if med <= target else f"  OVER {target} s")
            if ratio is not None:
                ok = med / cold <= ratio
                verdict += f"  {'ok' if ok else 'OVER'} (ratio target {ratio:.2f})"
            print(
                f"{label:<49}{med:7.2f} s  = {med / cold:.3f} of cold "
                f"(min {min(samples):.2f}, max {max(samples):.2f}){verdict}"
                + (f"   [{note}]" if note else "")
            )

        report(
            "check, nothing changed (median)",
            [timed(check)[0] for _ in range(args.runs)],
            1.0,
            ratio=0.05,
        )
        samples, note = [], ""
        for _ in range(args.runs):
            took, note = timed(gen_inc)
            samples.append(took)
        report("generate, nothing changed (median)", samples, None, note)

        pages = pages_to_edit(docs, out, 4 * args.runs)
        gen_edit = [*gen_cli, str(out), "--cache-dir", str(cache)]
        edits, check_stale, after_check, cli_edits = [], [], [], []
        gen_note = ""
        for i in range(args.runs):
            # the H1 title goes into docstrings and docs, so each edit changes the output
            edit(pages[4 * i])
            took, gen_note = timed(gen_inc)
            edits.append(took)
            edit(pages[4 * i + 1])
            check_stale.append(timed(check, expect=1)[0])
            # the usual hook flow: check fails, then generate reuses the render it cached
            edit(pages[4 * i + 2])
            timed(check, expect=1)
            after_check.append(timed(gen_inc)[0])
            edit(pages[4 * i + 3])
            cli_edits.append(timed(gen_edit)[0])
        report("check after editing one page (median)", check_stale, None)
        report("generate after editing one page (median)", edits, 2.0, gen_note)
        report("generate after a failed check (median)", after_check, None)
        report("b24gen generate CLI after one edit (median)", cli_edits, 2.0)


def edit(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("# ", "# Bench ", 1), encoding="utf-8")


if __name__ == "__main__":
    main()
