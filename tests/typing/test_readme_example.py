"""The generated README's example type-checks as written: under pyright's standard mode
(basedpyright) and mypy --strict, against the full ru package it documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.render.conftest import CORPUS_PACKAGES
from tests.render.conftest import corpus_tree as corpus_tree  # the session's rendered packages
from tests.render.helpers import run_mypy
from tests.typing.test_typed_surface import run_pyright

pytestmark = [pytest.mark.slow, pytest.mark.corpus]


def _example(project: Path, tmp_path: Path) -> str:
    readme = (project / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.DOTALL)
    assert code is not None, "the README has no Python example"
    text = code.group(1)
    assert ".iterate(" in text and ".prepare(" in text and ".raw(" in text
    assert "with_options(" in text and "await " in text
    (tmp_path / "readme_example.py").write_text(text, encoding="utf-8")
    return "readme_example.py"


def _project(corpus_tree: Path, which: str) -> Path:
    # the full ru package, or the committed generated/ (from docs_src) with its own README
    root = Path(__file__).resolve().parents[2]
    return corpus_tree / CORPUS_PACKAGES["ru"] if which == "ru" else root / "generated"


@pytest.mark.parametrize("which", ["ru", "generated"])
def test_readme_example_passes_mypy_strict(corpus_tree: Path, tmp_path: Path, which: str) -> None:
    project = _project(corpus_tree, which)
    name = _example(project, tmp_path)
    proc = run_mypy(tmp_path, name, mypypath=str(project))
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("which", ["ru", "generated"])
def test_readme_example_passes_pyright_standard(
    corpus_tree: Path, tmp_path: Path, which: str
) -> None:
    project = _project(corpus_tree, which)
    name = _example(project, tmp_path)
    proc = run_pyright(tmp_path, name, project)
    errors = [d for d in json.loads(proc.stdout)["generalDiagnostics"] if d["severity"] == "error"]
    assert errors == [], errors
