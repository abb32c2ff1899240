"""Typed paging, batch, raw answers and per-call options (issue 16) under mypy --strict and
pyright's standard mode (basedpyright), on generated/ and on the full ru package: every
``assert_type`` of surface_typed.py holds and each ``# E:`` line is an error (nothing else)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.render.conftest import CORPUS_PACKAGES
from tests.render.conftest import corpus_tree as corpus_tree  # the session's rendered packages
from tests.render.helpers import run_mypy

HERE = Path(__file__).resolve().parent
GENERATED = HERE.parent.parent / "generated"
SURFACE = HERE / "surface_typed.py"

pytestmark = [pytest.mark.slow]


def expected_errors(text: str) -> set[int]:
    return {i for i, line in enumerate(text.splitlines(), 1) if "# E:" in line}


def run_pyright(cwd: Path, target: str, extra_path: Path) -> subprocess.CompletedProcess[str]:
    """basedpyright at error level with ``typeCheckingMode = "standard"``: pyright's
    standard mode (the PyPI ``pyright`` wrapper would fetch node from npm)."""
    exe = shutil.which("basedpyright")
    if exe is None:
        pytest.fail("basedpyright is not installed (pip install basedpyright)")
    config = {
        "typeCheckingMode": "standard",
        "extraPaths": [str(extra_path)],
        "pythonVersion": f"{sys.version_info.major}.{sys.version_info.minor}",
    }
    (cwd / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    cmd = [exe, "--level", "error", "--outputjson", target]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)


def pyright_error_lines(proc: subprocess.CompletedProcess[str]) -> dict[int, list[str]]:
    report = json.loads(proc.stdout)
    lines: dict[int, list[str]] = {}
    for diag in report["generalDiagnostics"]:
        if diag["severity"] == "error":
            lines.setdefault(diag["range"]["start"]["line"] + 1, []).append(diag["message"])
    return lines


def mypy_error_lines(proc: subprocess.CompletedProcess[str], name: str) -> dict[int, list[str]]:
    lines: dict[int, list[str]] = {}
    for line in proc.stdout.splitlines():
        m = re.match(rf"{re.escape(name)}:(\d+): error: (.*)$", line)
        if m:
            lines.setdefault(int(m.group(1)), []).append(m.group(2))
    return lines


def _script(tmp_path: Path, package: str) -> tuple[str, set[int]]:
    text = SURFACE.read_text(encoding="utf-8").replace("PKG", package)
    (tmp_path / "surface.py").write_text(text, encoding="utf-8")
    expected = expected_errors(text)
    assert len(expected) >= 6
    return "surface.py", expected


@pytest.fixture(params=["generated", "ru"])
def package_root(request: pytest.FixtureRequest) -> tuple[str, Path]:
    if request.param == "generated":
        return "b24client", GENERATED
    package = CORPUS_PACKAGES["ru"]
    return package, request.getfixturevalue("corpus_tree") / package


def test_surface_under_mypy_strict(tmp_path: Path, package_root: tuple[str, Path]) -> None:
    package, root = package_root
    name, expected = _script(tmp_path, package)
    proc = run_mypy(tmp_path, name, mypypath=str(root))
    got = mypy_error_lines(proc, name)
    assert set(got) == expected, proc.stdout + proc.stderr


def test_surface_under_pyright_standard(tmp_path: Path, package_root: tuple[str, Path]) -> None:
    package, root = package_root
    name, expected = _script(tmp_path, package)
    proc = run_pyright(tmp_path, name, root)
    got = pyright_error_lines(proc)
    assert set(got) == expected, (got, proc.stderr)
