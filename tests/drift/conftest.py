"""Snapshots of a folder tree for byte-identity assertions."""

from __future__ import annotations

import os
from pathlib import Path


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Relative path -> (bytes, mode, mtime_ns) of every file, plus every folder as a key."""
    found: dict[str, tuple[bytes, int, int]] = {}
    if not root.exists():
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for d in dirnames:
            found[f"{rel_dir}/{d}/"] = (b"", 0, 0)
        for f in filenames:
            p = Path(dirpath) / f
            st = p.stat()
            found[f"{rel_dir}/{f}"] = (p.read_bytes(), st.st_mode, st.st_mtime_ns)
    return found


import pytest


@pytest.fixture(name="snapshot")
def snapshot_fixture():
    return snapshot


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Every test (and the b24gen processes it starts) gets its own cache folder."""
    monkeypatch.setenv("B24GEN_CACHE_DIR", str(tmp_path_factory.mktemp("b24gen-cache")))
