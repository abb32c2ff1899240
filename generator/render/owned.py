"""What the generator owns inside the output folder, and which paths it may touch there.

The manifest (``OUT/.b24gen-manifest.json``) lists every file the generator wrote, with
its hash. Everything the generator replaces or deletes is named by a relative path that comes
from a manifest or a journal, files a repository can carry. Such a path is used only
when it is a plain relative POSIX path (no ``..``, no absolute path, no backslash) and
when no folder on the way to it is a symlink: a committed ``generated/evil -> ~/.ssh``
must not turn the manifest entry ``evil/id_rsa`` into a delete outside OUT.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

MANIFEST_NAME = ".b24gen-manifest.json"
MANIFEST_FORMAT = 1


class UnsafeOutput(Exception):
    """OUT (or an interrupted write's leftovers) holds something ``write_tree`` refuses to
    follow: a symlinked folder on the way to a generated file, a journal with a path
    leaving OUT. The message names the path (CLI exit 2); nothing was changed."""


def is_safe_relpath(rel: str) -> bool:
    p = PurePosixPath(rel)
    return (
        bool(rel)
        and "\\" not in rel
        and "\0" not in rel
        and not p.is_absolute()
        and all(part not in ("", ".", "..") for part in rel.split("/"))
        and rel != MANIFEST_NAME
    )


def check_relpath(rel: str) -> None:
    if not is_safe_relpath(rel):
        raise ValueError(f"not a relative POSIX path inside the output folder: {rel!r}")


class PathGuard:
    """Answers "does reaching ``base/rel`` pass through a symlink or a non-folder?", with
    each folder's ``lstat`` done once per guard (a plan asks for hundreds of paths)."""

    def __init__(self, base: Path) -> None:
        self.base = Path(base)
        self._dirs: dict[str, str] = {}  # folder rel -> "dir" | "missing" | "link" | "other"

    def _kind(self, rel_dir: str) -> str:
        if rel_dir not in self._dirs:
            try:
                mode = os.lstat(self.base / rel_dir).st_mode
            except FileNotFoundError:
                kind = "missing"
            except NotADirectoryError:
                kind = "other"
            else:
                kind = "link" if stat.S_ISLNK(mode) else "dir" if stat.S_ISDIR(mode) else "other"
            self._dirs[rel_dir] = kind
        return self._dirs[rel_dir]

    def blocker(self, rel: str) -> Path | None:
        """The first folder on the way to ``rel`` that is a symlink (or not a folder), or
        None when every existing folder on the way is a real one."""
        parts = rel.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            kind = self._kind("/".join(parts[:i]))
            if kind == "missing":
                return None  # nothing below exists either
            if kind != "dir":
                return self.base.joinpath(*parts[:i])
        return None

    def is_link(self, rel: str) -> bool:
        try:
            return stat.S_ISLNK(os.lstat(self.base / rel).st_mode)
        except OSError:
            return False

    def exists(self, rel: str) -> bool:
        """``base/rel`` exists as a file or a symlink (not followed), reached safely."""
        if self.blocker(rel) is not None:
            return False
        try:
            mode = os.lstat(self.base / rel).st_mode
        except OSError:
            return False
        return not stat.S_ISDIR(mode)


# -- manifest ----------------------------------------------------------------


def content_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


_RELEASE_RECORD = ".b24gen-release.json"  # generator.release.record.RECORD_NAME


def manifest_text(files: Mapping[str, str]) -> str:
    """The manifest ``write_tree`` writes for ``files``: sorted, stable bytes."""
    entries = {p: content_hash(files[p].encode("utf-8")) for p in sorted(files)}
    doc: dict[str, object] = {"format": MANIFEST_FORMAT, "generator": "b24gen"}
    if _RELEASE_RECORD in files:  # the docs revision the output was generated from
        doc["provenance"] = json.loads(files[_RELEASE_RECORD])["provenance"]
    doc["files"] = entries
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def read_manifest(out: Path) -> dict[str, str]:
    """Relative path -> hash of every file the generator wrote last time ({} when none).

    Raises ``ValueError`` naming the file when the manifest exists but is not ours.
    """
    path = Path(out) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        doc = json.loads(text)
        files = doc["files"]
        if not isinstance(files, dict):
            raise TypeError("'files' is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a b24gen manifest ({exc})") from exc
    return {str(k): str(v) for k, v in files.items() if is_safe_relpath(str(k))}


@contextlib.contextmanager
def lock_folder(folder: Path) -> Iterator[None]:
    """Serialise writers of the same folder (two `generate`s at once); callers pass the
    resolved path, so that two spellings of one folder take the same lock."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks on folders; best effort
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
