"""Formatting generated Python with ``ruff format`` (black-compatible, ~500x faster).

Black itself is kept out of the hot path; tests check that black agrees with the result.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LINE_LENGTH = 100
TARGET = "py311"


class FormatError(RuntimeError):
    """ruff could not format a generated file: a template produced invalid Python."""


def _ruff() -> str:
    found = shutil.which("ruff")
    if found:
        return found
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError) as exc:
        raise FormatError(f"ruff is not installed ({sys.executable} -m pip install ruff)") from exc


@functools.lru_cache(maxsize=1)
def format_identity() -> str:
    """What, besides the text, decides ruff's output (its version is in the render
    memo's salt): part of the key of every memoised formatting."""
    return f"{_ruff()}\0{LINE_LENGTH}\0{TARGET}"


def format_python(files: dict[str, str]) -> dict[str, str]:
    """The same mapping with every ``.py``/``.pyi`` value formatted (one ruff run for all)."""
    targets = sorted(p for p in files if p.endswith((".py", ".pyi")))
    if not targets:
        return dict(files)
    out = dict(files)
    with tempfile.TemporaryDirectory(prefix="b24gen-fmt-") as tmp:
        root = Path(tmp)
        for rel in targets:
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[rel], encoding="utf-8", newline="\n")
        proc = subprocess.run(
            [
                _ruff(),
                "format",
                "--isolated",
                "--no-cache",
                "--line-length",
                str(LINE_LENGTH),
                "--target-version",
                TARGET,
                ".",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, "RUFF_NO_CACHE": "true"},
            check=False,
        )
        if proc.returncode != 0:
            detail = (proc.stderr.strip() or proc.stdout.strip())[-3000:]
            raise FormatError(f"ruff format failed on generated code:\n{detail}")
        for rel in targets:
            out[rel] = (root / rel).read_text(encoding="utf-8")
    return out
