"""IDE documentation of a generated package: docstring lengths, per-key docs, render cost.

Usage: python bench/docstrings.py [--corpus ru] [--runs 3]

Reads the corpus once, then renders the package ``--runs`` times in this process and prints:
the median wall and CPU time of ``render_package`` (formatting included), the median time spent
laying out method docstrings (``method_doc`` + ``method_docstring``, CPU time of the thread,
timed by wrapping the two functions where ``methods.py`` calls them; CPU time because wall
time on a shared machine varies twice over), the median and largest method docstring
length in the generated api modules (read back with ``ast``), and the share of TypedDict
keys that carry their own docstring. Run it against another checkout (PYTHONPATH) for a
before/after under the same load. The layout filters cache texts per process, so runs
after the first are cheaper than a real (one-render) ``generate``: compare ``--runs 1``.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import SHARED, median


def _timed(fn: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[0] += time.thread_time() - t

    return wrapper


def _method_docstrings(files: dict[str, str]) -> list[str]:
    docs: list[str] = []
    for path, text in files.items():
        if "/api/" not in path or not path.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node, clean=False)
                if doc and not isinstance(node, ast.AsyncFunctionDef):
                    docs.append(doc)
    return docs


def _key_doc_share(files: dict[str, str]) -> tuple[int, int]:
    """(keys with a docstring, all keys) over every TypedDict of the types modules."""
    documented = total = 0
    for path, text in files.items():
        if "/types/" not in path or not path.endswith(".py"):
            continue
        for node in ast.parse(text).body:
            if isinstance(node, ast.ClassDef):
                body = node.body
                for i, stmt in enumerate(body):
                    if isinstance(stmt, ast.AnnAssign):
                        total += 1
                        nxt = body[i + 1] if i + 1 < len(body) else None
                        if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant):
                            documented += 1
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                call = node.value
                if getattr(call.func, "id", "") == "TypedDict" and len(call.args) > 1:
                    keys = call.args[1]
                    if isinstance(keys, ast.Dict):
                        total += len(keys.keys)
    return documented, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="ru")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    from generator.reader import read_docs
    from generator.render import methods, render_package

    model = read_docs(SHARED / a.corpus, progress=False)
    spent = [0.0]
    methods.method_doc = _timed(methods.method_doc, spent)  # type: ignore[assignment]
    methods.method_docstring = _timed(methods.method_docstring, spent)  # type: ignore[assignment]
    walls, cpus, doc_times = [], [], []
    files: dict[str, str] = {}
    for _ in range(a.runs):
        spent[0] = 0.0
        t, c = time.perf_counter(), time.thread_time()
        files = render_package(model, package_name="b24_bench")
        walls.append(time.perf_counter() - t)
        cpus.append(time.thread_time() - c)
        doc_times.append(spent[0])
    docs = _method_docstrings(files)
    lengths = sorted(len(d) for d in docs)
    documented, total = _key_doc_share(files)
    print(f"corpus: {a.corpus}, {len(model.methods)} methods, {len(docs)} method docstrings")
    print(f"render_package: median {median(walls):.2f} s wall  runs {[round(x, 2) for x in walls]}")
    print(f"  CPU of this thread (formatting runs in a ruff process): median {median(cpus):.2f} s")
    print(f"  of which method docstrings (CPU): median {median(doc_times):.3f} s")
    print(
        f"docstring length: median {statistics.median(lengths):.0f}, "
        f"p90 {lengths[int(len(lengths) * 0.9)]}, max {lengths[-1]} chars"
    )
    share = documented / total if total else 0.0
    print(f"TypedDict keys with their own docstring: {documented}/{total} ({share:.1%})")


if __name__ == "__main__":
    main()
