"""Docs arguments of ``b24gen diff``: a folder, or ``FOLDER@GITREV`` of a git checkout."""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path


class SourceError(Exception):
    """The argument names no folder and no readable git revision (CLI exit 2)."""


def split_spec(spec: str) -> tuple[Path, str | None]:
    """``"docs@main"`` -> (docs, "main"); an existing path keeps any ``@`` it contains, and
    the revision may hold ``@`` too (``docs@HEAD@{1}``): the folder is the shortest prefix
    before an ``@`` that is an existing folder."""
    if Path(spec).exists() or "@" not in spec:
        return Path(spec), None
    cuts = [i for i, ch in enumerate(spec) if ch == "@"]
    for i in cuts:
        folder = spec[:i] or "."
        if Path(folder).is_dir() and spec[i + 1 :]:
            return Path(folder), spec[i + 1 :]
    folder, _, rev = spec.rpartition("@")
    if not rev:
        raise SourceError(f"{spec}: empty git revision after '@'")
    return Path(folder or "."), rev


@contextlib.contextmanager
def docs_folder(spec: str) -> Iterator[Path]:
    """Yield a folder holding the docs ``spec`` names; a git revision is exported to a
    temporary folder (removed afterwards), never checked out over the user's work."""
    folder, rev = split_spec(spec)
    if rev is None:
        if not folder.is_dir():
            raise SourceError(f"{folder}: no such folder")
        yield folder
        return
    if not folder.is_dir():
        raise SourceError(f"{spec}: {folder} is not a folder")
    top = _git(folder, "rev-parse", "--show-toplevel").strip()
    prefix = _git(folder, "rev-parse", "--show-prefix").strip()  # folder inside the repo
    commit = _git(folder, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    if not commit:
        raise SourceError(f"{spec}: {rev!r} is not a commit in {top}")
    args = ["archive", "--format=tar", commit]
    if prefix:
        args.append(prefix)
    data = _git_bytes(Path(top), *args)
    with tempfile.TemporaryDirectory(prefix="b24gen-docs-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            # git archive output is trusted, but refuse anything escaping the folder anyway
            members = [m for m in tar.getmembers() if _inside(m.name)]
            if hasattr(tarfile, "data_filter"):  # 3.10.12+/3.11.4+: no links out, no devices
                tar.extractall(tmp, members=members, filter="data")
            else:  # pragma: no cover
                tar.extractall(tmp, members=members)
        root = Path(tmp) / prefix if prefix else Path(tmp)
        if not root.is_dir():
            raise SourceError(f"{spec}: {prefix or '.'} does not exist at {rev}")
        yield root


def _inside(name: str) -> bool:
    parts = Path(name).parts
    return not Path(name).is_absolute() and ".." not in parts


def _git(folder: Path, *args: str) -> str:
    return _git_bytes(folder, *args).decode("utf-8", "replace")


def _git_bytes(folder: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise SourceError("git is not installed, so FOLDER@REV cannot be read") from exc
    if proc.returncode != 0 and not (args[:1] == ("rev-parse",) and "--quiet" in args):
        msg = proc.stderr.decode("utf-8", "replace").strip()
        raise SourceError(f"{folder}: git {' '.join(args[:2])} failed: {msg}")
    return proc.stdout
