"""Inside a generated project, under the settings of its own pyproject.toml, ``black --check``
and ``ruff check`` find nothing (issue 16): on the committed generated/ and the full ru
package (the session's rendered corpora, not rendered again)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from generator.render.fmt import LINE_LENGTH
from tests.render.conftest import CORPUS_PACKAGES

ROOT = Path(__file__).resolve().parent.parent.parent
GENERATED = ROOT / "generated"

pytestmark = [pytest.mark.slow]


def _ruff() -> str:
    found = shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is not installed")
    return found


def _lint(project: Path) -> None:
    settings = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    # the project says what the renderer formats at
    assert settings["black"]["line-length"] == settings["ruff"]["line-length"] == LINE_LENGTH
    assert {"E", "F", "W", "I"} <= set(settings["ruff"]["lint"]["select"])
    # run from the project itself: both tools read its pyproject.toml, nothing else
    black = subprocess.run(
        [sys.executable, "-m", "black", "--check", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert black.returncode == 0, black.stderr[-3000:]
    assert "would be left unchanged" in black.stderr
    ruff = subprocess.run(
        [_ruff(), "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout[-3000:] + ruff.stderr[-1000:]


def test_generated_is_black_and_ruff_clean_under_its_own_settings() -> None:
    _lint(GENERATED)


@pytest.mark.corpus
def test_the_ru_project_is_black_and_ruff_clean_under_its_own_settings(corpus_tree: Path) -> None:
    project = corpus_tree / CORPUS_PACKAGES["ru"]
    assert len(list(project.rglob("*.py"))) > 300  # the whole package, one module per resource
    _lint(project)
