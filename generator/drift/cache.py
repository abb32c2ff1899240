"""Content-hash caches under ``.b24gen-cache/`` (outside the output, ignored by git).

Two layers, both keyed by content, never by time alone:

- ``Fingerprinter``: a hash of a whole folder (relative paths + bytes). File hashes are
  remembered with the file's (size, mtime_ns, inode), so an unchanged folder is hashed
  by a ``stat`` per file; a changed stat only costs re-reading that one file.
- ``RenderCache``: the rendered package (path -> text) stored under the hash of
  everything it was made from: the docs, the generator's own code and templates, the
  tool versions and the package name. Nothing changed means nothing is read or rendered.

Deleting the folder is always safe: it only costs time.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from generator.render.files import manifest_text, write_text_atomic

DEFAULT_CACHE_DIR = ".b24gen-cache"
CACHE_ENV = "B24GEN_CACHE_DIR"
_KEEP_RENDERS = 4  # a few, so that switching branches back and forth stays fast
_FORMAT = 2
_RACY_NS = 2_000_000_000


def default_cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE_DIR)


def ensure_cache_dir(folder: Path) -> None:
    """Create the cache folder with a ``.gitignore`` of ``*`` in it, so that git ignores it
    in any repository without the user configuring anything (as pytest does)."""
    marker = folder / ".gitignore"
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomic(marker, "# created by b24gen: a cache, safe to delete\n*\n")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def iter_files(root: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """Every regular file under ``root`` as (relative POSIX path, entry), sorted by path at
    every level so that the order never depends on the filesystem; dot-folders (.git,
    caches) are skipped."""
    stack = [("", root)]
    while stack:
        rel, folder = stack.pop()
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        subdirs = []
        for e in entries:
            path = f"{rel}/{e.name}" if rel else e.name
            if e.is_dir(follow_symlinks=False):  # as os.walk: no symlink loops
                if not e.name.startswith("."):
                    subdirs.append((path, Path(e.path)))
            elif e.is_file(follow_symlinks=True):
                yield path, e
        stack.extend(reversed(subdirs))


class Fingerprinter:
    """Folder hashes, remembering per-file hashes by stat in ``cache_dir/stat-*.json``."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self.rehashed = 0  # files read during this run (for tests and the bench)

    def folder(self, root: Path) -> str:
        root = Path(root)
        memo_file = self._memo_file(root)
        memo = self._load(memo_file)
        fresh: dict[str, list] = {}
        h = hashlib.sha256()
        for rel, entry in iter_files(root):
            st = entry.stat(follow_symlinks=True)
            sig = [st.st_size, st.st_mtime_ns, st.st_ino]
            old = memo.get(rel)
            if old is not None and old[:3] == sig:
                digest = old[3]
            else:
                digest = _sha(Path(entry.path).read_bytes())
                self.rehashed += 1
            if time.time_ns() - st.st_mtime_ns < _RACY_NS:
                # Written just now: a second edit within the clock's tick could keep size
                # and mtime, so this hash is not trusted next time (git's "racy" rule).
                sig[1] = -1
            fresh[rel] = [*sig, digest]
            h.update(rel.encode("utf-8") + b"\0" + digest.encode("ascii") + b"\n")
        if memo_file is not None and fresh != memo:
            ensure_cache_dir(memo_file.parent)
            write_text_atomic(memo_file, json.dumps(fresh, separators=(",", ":")))
        return h.hexdigest()

    def _memo_file(self, root: Path) -> Path | None:
        if self.cache_dir is None:
            return None
        where = _sha(str(root.resolve()).encode("utf-8"))[:16]
        return self.cache_dir / f"stat-{where}.json"

    @staticmethod
    def _load(path: Path | None) -> dict[str, list]:
        if path is None:
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The generator's own code and templates, and the versions of the tools that shape the
    output (Jinja, the formatters): a change to any of them may change the output, so each
    is part of every render key. Versions come from package metadata: importing black
    alone would cost a no-change `check` a tenth of a second."""
    from importlib import metadata

    from generator.paths import templates_dir

    versions = []
    for dist in ("Jinja2", "black", "ruff", "markdown-it-py"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} -")
    h = hashlib.sha256("\n".join(versions).encode())
    generator_root = Path(__file__).resolve().parent.parent
    for root in (generator_root, templates_dir()):
        for rel, entry in iter_files(root):
            if "__pycache__" in rel or rel.endswith((".pyc", ".pyo")):
                continue
            h.update(rel.encode("utf-8") + b"\0" + Path(entry.path).read_bytes() + b"\0")
    return h.hexdigest()


class RenderCache:
    """Rendered packages by input key, in ``cache_dir/render/<key>.marshal``, each with its
    manifest beside it (``<key>.manifest``)."""

    def __init__(self, cache_dir: Path) -> None:
        self.folder = Path(cache_dir) / "render"

    @staticmethod
    def key(docs_hash: str, package_name: str) -> str:
        return _sha(
            f"{_FORMAT}\0{marshal.version} {sys.version_info[:2]}\0{docs_hash}\0"
            f"{code_fingerprint()}\0{package_name}".encode()
        )

    def get(self, key: str) -> dict[str, str] | None:
        path = self.folder / f"{key}.marshal"
        try:
            files = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()
        ):
            return None
        os.utime(path)  # most recently used survives pruning
        return files

    def get_manifest(self, key: str) -> str | None:
        """The manifest text of the render stored under ``key``: enough for an in-sync
        ``check`` to compare hashes without loading every file's text."""
        try:
            return (self.folder / f"{key}.manifest").read_text(encoding="utf-8")
        except OSError:
            return None

    def put(self, key: str, files: dict[str, str]) -> None:
        # marshal: ten times faster than JSON for the ~13 MB of a full corpus's package,
        # which every generate after an edit stores (its format is in the key)
        ensure_cache_dir(self.folder.parent)
        write_text_atomic(self.folder / f"{key}.marshal", marshal.dumps(dict(files)))
        # written second: a manifest never points at a render that is not there
        write_text_atomic(self.folder / f"{key}.manifest", manifest_text(files))
        self._prune()

    def _prune(self) -> None:
        entries = sorted(
            self.folder.glob("*.marshal"), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
        for old in entries[_KEEP_RENDERS:]:
            old.with_suffix(".manifest").unlink(missing_ok=True)
            old.unlink(missing_ok=True)


class PartCache:
    """Pieces of renders (a namespace's files, a formatted file) by content key, in
    ``cache_dir/parts/<key>.json``: ``render_package``'s memo (``RenderMemo``), so that
    a one-page docs edit re-renders and re-formats only the namespace it belongs to."""

    def __init__(self, cache_dir: Path) -> None:
        self.folder = Path(cache_dir) / "parts"
        self.salt = code_fingerprint()
        self.used: set[str] = set()
        self.stored = 0  # entries written during this run (for tests and the bench)

    def get(self, key: str) -> dict | None:
        self.used.add(key)
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, key: str, value: dict) -> None:
        self.used.add(key)
        ensure_cache_dir(self.folder.parent)
        self.folder.mkdir(exist_ok=True)
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        write_text_atomic(self.folder / f"{key}.json", text)
        self.stored += 1

    def prune(self, keep_factor: int = _KEEP_RENDERS) -> None:
        """Mark this run's entries as recent and drop the oldest others, keeping about
        ``keep_factor`` renders' worth (switching branches back and forth stays fast)."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        now = time.time_ns()
        others = []
        for e in entries:
            if not e.name.endswith(".json"):
                continue
            if e.name[:-5] in self.used:
                try:
                    os.utime(e.path, ns=(now, now))
                except OSError:
                    pass
            else:
                try:
                    others.append((e.stat().st_mtime_ns, e.path))
                except OSError:
                    pass
        others.sort(reverse=True)
        for _, path in others[keep_factor * max(1, len(self.used)) :]:
            Path(path).unlink(missing_ok=True)
