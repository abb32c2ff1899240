"""Where the docs a package was generated from came from: repository, commit, date.

Read from git when the docs folder is inside a git checkout; ``--docs-revision REV``
names the revision when it is not (or overrides what git says). Nothing here depends on
the clock or the machine: the date is the commit's own, the repository is the ``origin``
remote's address (without credentials), so two runs on the same inputs agree.

When the docs live in the same repository as the output (``docs_src/`` and
``generated/`` here), no commit can name them: the commit that will hold the output does
not exist yet, and recording the one before would make every commit stale. Then the
revision is ``tree:`` and the git tree id of the docs folder's files (what
``git rev-parse HEAD:docs_src`` prints once they are committed as they are), with no date.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from generator import __version__

UNKNOWN = "unknown"
_CREDENTIALS = re.compile(r"^(\w+://)[^/@]+@")


@dataclass(frozen=True)
class Provenance:
    repository: str  # "https://github.com/bitrix24/b24restdocs" ("" when there is no remote)
    revision: str  # full commit hash, the --docs-revision given, or "unknown"
    date: str  # ISO 8601 commit date ("" when unknown)
    path: str  # the docs folder inside the repository ("" for its root)
    dirty: bool  # the docs folder has uncommitted changes: the revision does not describe it
    generator: str  # b24gen's version

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def note(self) -> str:
        """One line for people: ``abc1234 (2025-08-01)`` or why there is no revision."""
        if self.revision == UNKNOWN:
            return "unknown revision (the docs folder is not a git checkout; see --docs-revision)"
        if self.revision.startswith("tree:"):
            return f"docs tree {self.revision[5:17]} (in the same repository as the package)"
        text = self.revision[:12] + (f" ({self.date[:10]})" if self.date else "")
        return text + (", with uncommitted changes" if self.dirty else "")


def _git(docs: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(docs), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None  # no git on this machine: the same as "not a checkout"
    return proc.stdout.strip() if proc.returncode == 0 else None


def _toplevel(path: Path) -> str | None:
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent  # OUT may not exist yet
    return _git(path, "rev-parse", "--show-toplevel")


def tree_id(folder: Path) -> str:
    """The git tree id (SHA-1) of the files under ``folder``, computed without git."""
    entries = []
    for child in sorted(Path(folder).iterdir(), key=lambda p: p.name):
        if child.name.startswith(".") or child.is_symlink():
            continue
        if child.is_dir():
            sub = tree_id(child)
            if sub != _EMPTY_TREE:
                entries.append((child.name + "/", b"40000 " + child.name.encode(), sub))
        elif child.is_file():
            data = child.read_bytes()
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324
            mode = b"100755 " if os.access(child, os.X_OK) else b"100644 "
            entries.append((child.name, mode + child.name.encode(), blob))
    entries.sort(key=lambda e: e[0])  # git orders a folder as if its name ended in "/"
    body = b"".join(head + b"\0" + bytes.fromhex(sha) for _, head, sha in entries)
    return hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()  # noqa: S324


_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def docs_provenance(
    docs: Path, revision: str | None = None, *, out: Path | None = None
) -> Provenance:
    """The provenance of ``docs``; ``revision`` (``--docs-revision``) wins over git's HEAD.

    A ``revision`` that git can resolve in the docs' repository is recorded as its full
    hash with its commit date; any other string is recorded as given. ``out``: the output
    folder; in the docs' own repository the revision is the docs' tree id (see above).
    """
    docs = Path(docs)
    top = _git(docs, "rev-parse", "--show-toplevel")
    if top is None:
        return Provenance("", revision or UNKNOWN, "", "", False, __version__)
    if revision is None and out is not None and _toplevel(out) == top:
        prefix = (_git(docs, "rev-parse", "--show-prefix") or "").rstrip("/")
        return Provenance("", "tree:" + tree_id(docs), "", prefix, False, __version__)
    wanted = revision or "HEAD"
    commit = _git(docs, "rev-parse", "--verify", "--quiet", f"{wanted}^{{commit}}")
    date = _git(docs, "show", "-s", "--format=%cI", commit) if commit else None
    remote = _git(docs, "remote", "get-url", "origin") or ""
    prefix = (_git(docs, "rev-parse", "--show-prefix") or "").rstrip("/")
    status = _git(docs, "status", "--porcelain", "--", ".")
    dirty = bool(status) and revision is None
    return Provenance(
        repository=_CREDENTIALS.sub(r"\1", remote),
        revision=commit or revision or UNKNOWN,
        date=date or "",
        path=prefix,
        dirty=dirty,
        generator=__version__,
    )
