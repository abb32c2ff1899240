"""The committed generated/ package under mypy --strict: usage_ok.py passes, and each
wrong call in usage_wrong.py is rejected with the expected error code (and nothing else)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.render.helpers import run_mypy

HERE = Path(__file__).resolve().parent
GENERATED = HERE.parent.parent / "generated"

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def _check(name: str, tmp_path: Path, cache: Path):
    shutil.copy(HERE / name, tmp_path / name)
    return run_mypy(tmp_path, name, cache=cache, mypypath=str(GENERATED))


def test_correct_usage_passes(tmp_path: Path, cache: Path) -> None:
    proc = _check("usage_ok.py", tmp_path, cache)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_wrong_calls_are_rejected(tmp_path: Path, cache: Path) -> None:
    proc = _check("usage_wrong.py", tmp_path, cache)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = (HERE / "usage_wrong.py").read_text().splitlines()
    expected = {
        i: m.group(1) for i, line in enumerate(lines, 1) if (m := re.search(r"# E: ([\w-]+)", line))
    }
    got: dict[int, set[str]] = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"usage_wrong\.py:(\d+): error: .*\[([\w-]+)\]$", line)
        if m:
            got.setdefault(int(m.group(1)), set()).add(m.group(2))
    assert len(expected) >= 10
    assert set(got) == set(expected), proc.stdout
    for line_no, code in expected.items():
        assert code in got[line_no], (line_no, got[line_no], proc.stdout)
