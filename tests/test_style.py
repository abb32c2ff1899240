"""House style, checked: black-formatted tree, lint-clean generated output, small modules,
no import circle under generator/."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_black_check_passes_on_the_repository() -> None:
    result = _run(sys.executable, "-m", "black", "--check", "--quiet", ".")
    assert result.returncode == 0, result.stderr[-3000:]


def test_generated_output_is_lint_clean() -> None:
    """Pyflakes' rules (ruff F: unused imports, undefined names, ...) over generated/: the
    generated imports are computed from use (generator/render/imports.py)."""
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed (it is a dependency)")
    result = _run(ruff, "check", "--isolated", "--select", "F", "--output-format", "concise",
                  "generated")  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "generator").rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def test_no_module_under_generator_is_over_500_lines() -> None:
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the generator modules it imports, at any depth of its code (lazy imports
    inside functions count: they close a circle as surely as top-level ones)."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                targets = [t for t in subs if t in modules] or [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_under_generator() -> None:
    assert _cycles(_imports(_modules())) == []


def test_the_circle_check_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
