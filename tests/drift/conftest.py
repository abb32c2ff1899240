"""Snapshots of a folder tree for byte-identity assertions."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Relative path -> (bytes, mode, mtime_ns) of every file, plus every folder as a key
    (symlinks to folders are listed as files: their target is their content)."""
    found: dict[str, tuple[bytes, int, int]] = {}
    if not root.exists():
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for d in dirnames:
            if os.path.islink(Path(dirpath) / d):
                found[f"{rel_dir}/{d}"] = (os.readlink(Path(dirpath) / d).encode(), 0, 0)
            else:
                found[f"{rel_dir}/{d}/"] = (b"", 0, 0)
        for f in filenames:
            p = Path(dirpath) / f
            st = p.lstat()  # a symlink or a FIFO is recorded, never followed nor opened
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(p).encode()
            elif stat.S_ISREG(st.st_mode):
                data = p.read_bytes()
            else:
                data = b""
            found[f"{rel_dir}/{f}"] = (data, st.st_mode, st.st_mtime_ns)
    return found


import pytest


@pytest.fixture(name="snapshot")
def snapshot_fixture():
    return snapshot


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Every test (and the b24gen processes it starts) gets its own cache folder, and its
    own cache key (never the user's ~/.cache/b24gen/key)."""
    from generator.drift.cache import cache_key

    monkeypatch.setenv("B24GEN_CACHE_DIR", str(tmp_path_factory.mktemp("b24gen-cache")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("B24GEN_CACHE_KEY", raising=False)
    cache_key.cache_clear()
    yield
    cache_key.cache_clear()
