"""Byte-identical output across runs, hash seeds, locales/encodings and listing orders."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "api-reference/crm/deals/crm-deal-get.md"


def _docs_with_cyrillic(dest: Path, *, reverse: bool = False) -> Path:
    """docs_src/ copied file by file (in reverse order when asked, so the folder listing
    order differs), with one page in Russian so that text encodings matter."""
    files = sorted(p for p in (ROOT / "docs_src").rglob("*") if p.is_file())
    for src in reversed(files) if reverse else files:
        target = dest / src.relative_to(ROOT / "docs_src")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    page = dest / PAGE
    text = page.read_text(encoding="utf-8").replace("Number of the deal", "Номер сделки «ёж»")
    page.write_text(text, encoding="utf-8")
    return dest


def _generate(docs: Path, out: Path, env: dict[str, str]) -> dict[str, bytes]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    full.update(env)
    proc = subprocess.run(
        ["b24gen", "generate", "--no-progress", "--docs", str(docs), "--out", str(out)],
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


@pytest.mark.slow
def test_output_is_byte_identical_across_environments(tmp_path):
    forward = _docs_with_cyrillic(tmp_path / "docs-a")
    backward = _docs_with_cyrillic(tmp_path / "docs-b", reverse=True)
    runs = {
        "seed 0, C.UTF-8": (forward, {"PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8"}),
        # ASCII locale encoding with Python's UTF-8 coercion off: any open() without an
        # explicit encoding would fail or mangle the Cyrillic page
        "seed 1, ASCII locale": (
            forward,
            {
                "PYTHONHASHSEED": "1",
                "LC_ALL": "C",
                "PYTHONCOERCECLOCALE": "0",
                "PYTHONUTF8": "0",
            },
        ),
        "random seed, POSIX, reversed listing": (
            backward,
            {"PYTHONHASHSEED": "random", "LANG": "POSIX", "TZ": "Asia/Kamchatka"},
        ),
        "seed 4242, de_DE (absent: falls back)": (
            backward,
            {"PYTHONHASHSEED": "4242", "LANG": "de_DE.ISO-8859-1", "PYTHONUTF8": "1"},
        ),
    }
    results = {
        name: _generate(docs, tmp_path / f"out{i}", env)
        for i, (name, (docs, env)) in enumerate(runs.items())
    }
    names = list(results)
    first = results[names[0]]
    assert any("Номер сделки «ёж»".encode() in v for v in first.values())
    for name in names[1:]:
        other = results[name]
        assert sorted(other) == sorted(first), f"{name}: different file list"
        differing = [p for p in first if first[p] != other[p]]
        assert not differing, f"{name}: differs from {names[0]} in {differing[:5]}"


def test_regenerating_in_place_changes_nothing(tmp_path):
    docs = _docs_with_cyrillic(tmp_path / "docs")
    out = tmp_path / "out"
    first = _generate(docs, out, {"PYTHONHASHSEED": "7"})
    stamps = {p: (out / p).stat().st_mtime_ns for p in first}
    second = _generate(docs, out, {"PYTHONHASHSEED": "8"})
    assert second == first
    assert {p: (out / p).stat().st_mtime_ns for p in first} == stamps, "nothing rewritten"
