"""Content-hash caches that can speed ``check`` up but never make it say "in sync" falsely.

Where: the user's cache folder (``$B24GEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/b24gen``,
else ``~/.cache/b24gen``), one sub-folder per docs folder keyed by its absolute path,
so a repository never carries it; ``--cache-dir`` puts it anywhere.

Trust: every entry is JSON (data, never code: no pickle, no marshal) behind an HMAC
made with a key that lives outside any repository (``$B24GEN_CACHE_KEY``, else
``~/.cache/b24gen/key``, created 0600 on first use). An entry that does not verify (a
forged or copied ``.b24gen-cache/`` committed to a branch, a damaged file) is a miss.

Layers, all keyed by content:

- ``Fingerprinter``: a hash of a whole docs folder (paths, bytes, symlink targets).
  Per-file hashes are remembered with (size, mtime, ctime, inode, device): any write,
  ``touch -d`` or ``tar -x`` with restored mtimes changes the ctime, so a changed file is
  re-read; an unchanged folder costs a ``stat`` per file.
- ``RenderCache``: the rendered package (path -> text) under the hash of everything it
  was made from: the docs, the generator's code and templates, tool versions, package.
- ``PartCache``: per-namespace pieces of renders (``render_package``'s memo).

Deleting the folder is always safe: it only costs time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.render.files import manifest_text, write_text_atomic

CACHE_ENV = "B24GEN_CACHE_DIR"
KEY_ENV = "B24GEN_CACHE_KEY"
_KEEP_RENDERS = 4  # a few, so that switching branches back and forth stays fast
_FORMAT = 3
_RACY_NS = 2_000_000_000
_MAGIC = b"b24gen-cache-hmac-sha256 "


class CacheError(Exception):
    """The cache folder cannot be written (read-only, full disk); the message names the
    path. CLI exit 2: the user picks another ``--cache-dir`` or ``--no-cache``."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def user_cache_root() -> Path:
    """Where per-user caches go (``$XDG_CACHE_HOME``, else ``~/.cache``), plus ``b24gen``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "b24gen"


def default_cache_dir(docs: Path) -> Path:
    """The cache folder for ``docs``: under ``$B24GEN_CACHE_DIR`` or the user's cache root,
    named by a hash of the absolute docs path (two checkouts never share one)."""
    root = Path(os.environ.get(CACHE_ENV) or user_cache_root())
    where = _sha(os.fsencode(os.path.realpath(docs)))[:16]
    return root / f"docs-{where}"


def diff_cache_dir() -> Path:
    """The page cache ``b24gen diff`` shares between its two sides (and between runs)."""
    return Path(os.environ.get(CACHE_ENV) or user_cache_root()) / "diff"


def ensure_cache_dir(folder: Path) -> None:
    """Create the cache folder with a ``.gitignore`` of ``*`` in it, so that git ignores it
    even when ``--cache-dir`` puts it in a work tree (as pytest does)."""
    marker = folder / ".gitignore"
    if not marker.exists():
        _guard(folder, lambda: folder.mkdir(parents=True, exist_ok=True))
        _guard(marker, lambda: write_text_atomic(marker, "# b24gen cache, safe to delete\n*\n"))


def _guard(path: Path, action):
    try:
        return action()
    except OSError as exc:
        raise CacheError(
            f"{exc.filename or path}: cannot write the cache ({exc.strerror}); "
            "use --cache-dir DIR or --no-cache"
        ) from None


@lru_cache(maxsize=1)
def cache_key() -> bytes:
    """The secret behind every entry's HMAC: ``$B24GEN_CACHE_KEY`` (CI: a secret shared by
    runs that share a cache), else a random key in the user's cache root."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = user_cache_root() / "key"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)

    def create() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")

    try:
        create()
    except FileExistsError:  # another process created it meanwhile
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except OSError as exc:
        raise CacheError(
            f"{path}: cannot create the cache key ({exc.strerror}); "
            f"set ${KEY_ENV} or use --no-cache"
        ) from None
    return key


class CacheStore:
    """Authenticated files under ``folder``: ``write`` prefixes an HMAC of the file's
    name (relative to ``folder``) and bytes, ``read`` returns the bytes only when it
    verifies, so that an entry cannot be forged nor moved to another key's name."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._key = cache_key()

    def _mac(self, path: Path, data: bytes) -> bytes:
        name = os.fsencode(os.path.relpath(path, self.folder))
        return hmac.new(self._key, name + b"\0" + data, hashlib.sha256).hexdigest().encode()

    def read(self, path: Path) -> bytes | None:
        try:
            with open(path, "rb") as fh:
                blob = fh.read()
        except OSError:
            return None
        head, sep, data = blob.partition(b"\n")
        if not sep or not head.startswith(_MAGIC):
            return None
        if not hmac.compare_digest(head[len(_MAGIC) :], self._mac(path, data)):
            return None
        return data

    def read_json(self, path: Path):
        data = self.read(path)
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return None

    def write(self, path: Path, data: bytes) -> None:
        ensure_cache_dir(self.folder)
        blob = _MAGIC + self._mac(path, data) + b"\n" + data
        _guard(path, lambda: write_text_atomic(path, blob))

    def write_json(self, path: Path, value: object) -> None:
        self.write(path, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def iter_files(root: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """Every entry under ``root`` that is not a folder, as (relative POSIX path, entry),
    sorted by path at every level so that the order never depends on the filesystem.
    Symlinks are not followed (no loops; the reader refuses what they point at outside
    the folder); dot-folders (.git, caches) are skipped, and the reader never reads
    from one."""
    stack = [("", root)]
    while stack:
        rel, folder = stack.pop()
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        subdirs = []
        for e in entries:
            path = f"{rel}/{e.name}" if rel else e.name
            if e.is_dir(follow_symlinks=False):
                if not e.name.startswith("."):
                    subdirs.append((path, Path(e.path)))
            else:
                yield path, e
        stack.extend(reversed(subdirs))


def _file_digest(entry: os.DirEntry, st: os.stat_result) -> str:
    if stat.S_ISLNK(st.st_mode):
        return "link:" + os.fsencode(os.readlink(entry.path)).hex()
    if not stat.S_ISREG(st.st_mode):
        return f"special:{stat.S_IFMT(st.st_mode)}"  # never opened: a FIFO could block
    h = hashlib.sha256()
    with open(entry.path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Fingerprinter:
    """Folder hashes, remembering per-file hashes by stat in ``cache_dir/stat-*.json``."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self.store = CacheStore(cache_dir) if cache_dir is not None else None
        self.rehashed = 0  # files read during this run (for tests and the bench)

    def folder(self, root: Path) -> str:
        root = Path(root)
        memo_file = self._memo_file(root)
        memo = self._load(memo_file)
        fresh: dict[str, list] = {}
        h = hashlib.sha256()
        now = time.time_ns()
        for rel, entry in iter_files(root):
            try:
                st = entry.stat(follow_symlinks=False)
                sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
                old = memo.get(rel)
                if old is not None and old[:5] == sig:
                    digest = old[5]
                else:
                    digest = _file_digest(entry, st)
                    self.rehashed += 1
            except FileNotFoundError:  # removed while listing
                continue
            if now - max(st.st_mtime_ns, st.st_ctime_ns) < _RACY_NS:
                # Changed just now: a second edit within the clock's tick could keep every
                # stat field, so this hash is not trusted next time (git's "racy" rule).
                sig[1] = -1
            fresh[rel] = [*sig, digest]
            name = rel.encode("utf-8", "surrogateescape")  # a non-UTF-8 name still hashes
            h.update(name + b"\0" + digest.encode("ascii") + b"\n")
        if memo_file is not None and self.store is not None and fresh != memo:
            self.store.write(memo_file, json.dumps(fresh, separators=(",", ":")).encode())
        return h.hexdigest()

    def _memo_file(self, root: Path) -> Path | None:
        if self.cache_dir is None:
            return None
        where = _sha(os.fsencode(os.path.realpath(root)))[:16]
        return Path(self.cache_dir) / f"stat-{where}.json"

    def _load(self, path: Path | None) -> dict[str, list]:
        if path is None or self.store is None:
            return {}
        data = self.store.read_json(path)
        return data if isinstance(data, dict) else {}


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


@dataclass(frozen=True)
class CachedRender:
    files: dict[str, str]
    diagnostics: int  # how many diagnostics the reader gave (generate reports it)


class RenderCache:
    """Rendered packages by input key, in ``cache_dir/render/<key>.json``, each with its
    manifest beside it (``<key>.manifest``), both authenticated."""

    def __init__(self, cache_dir: Path) -> None:
        self.store = CacheStore(cache_dir)
        self.folder = Path(cache_dir) / "render"

    @staticmethod
    def key(docs_hash: str, package_name: str) -> str:
        return _sha(
            f"{_FORMAT}\0{sys.version_info[:2]}\0{docs_hash}\0"
            f"{code_fingerprint()}\0{package_name}".encode()
        )

    def get(self, key: str) -> CachedRender | None:
        path = self.folder / f"{key}.json"
        doc = self.store.read_json(path)
        if not isinstance(doc, dict):
            return None
        files, count = doc.get("files"), doc.get("diagnostics")
        if not isinstance(files, dict) or not isinstance(count, int):
            return None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            return None
        try:
            os.utime(path)  # most recently used survives pruning
        except OSError:
            pass
        return CachedRender(files, count)

    def get_manifest(self, key: str) -> str | None:
        """The manifest text of the render stored under ``key``: enough for an in-sync
        ``check`` to compare hashes without loading every file's text."""
        data = self.store.read(self.folder / f"{key}.manifest")
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put(self, key: str, files: dict[str, str], diagnostics: int = 0) -> None:
        self.store.write_json(
            self.folder / f"{key}.json", {"files": files, "diagnostics": diagnostics}
        )
        # written second: a manifest never points at a render that is not there
        self.store.write(self.folder / f"{key}.manifest", manifest_text(files).encode("utf-8"))
        self._prune()

    def _prune(self) -> None:
        def mtime(p: Path) -> int:
            try:
                return p.stat().st_mtime_ns
            except OSError:
                return 0

        entries = sorted(self.folder.glob("*.json"), key=mtime, reverse=True)
        for old in entries[_KEEP_RENDERS:]:
            old.with_suffix(".manifest").unlink(missing_ok=True)
            old.unlink(missing_ok=True)


class PartCache:
    """Pieces of renders (a namespace's files, a formatted file) by content key, in
    ``cache_dir/parts/<key>.json``: ``render_package``'s memo (``RenderMemo``), so that
    a one-page docs edit re-renders and re-formats only the namespace it belongs to."""

    def __init__(self, cache_dir: Path) -> None:
        self.store = CacheStore(cache_dir)
        self.folder = Path(cache_dir) / "parts"
        self.salt = code_fingerprint()
        self.used: set[str] = set()
        self.stored = 0  # entries written during this run (for tests and the bench)

    def get(self, key: str) -> dict | None:
        self.used.add(key)
        data = self.store.read_json(self.folder / f"{key}.json")
        return data if isinstance(data, dict) else None

    def put(self, key: str, value: dict) -> None:
        self.used.add(key)
        self.store.write_json(self.folder / f"{key}.json", value)
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
