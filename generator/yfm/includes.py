"""Reading docs files safely, and the ``{% include %}`` loader that pages are expanded with.

Every file the reader opens goes through ``read_docs_file``: it must be a regular file
inside the docs folder, not bigger than ``MAX_FILE_BYTES``, so that a FIFO cannot hang a
run, ``/dev/zero`` cannot fill the memory, and ``../../../../etc/passwd`` cannot land in
a generated package. ``IncludeLoader`` resolves include targets with that rule and
records, per page, every file it read (with its hash) or looked for: the page cache keys
a page's result by exactly those bytes, wherever the fragment lives.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.model import Diagnostic
from generator.yfm.parser import Block, parse_page

# Over twenty times the biggest page of the real corpora (ru/whats-new.md, 180 kB).
MAX_FILE_BYTES = 4 * 1024 * 1024
ABSENT = "-"  # the hash recorded for an include target that does not exist
OUTSIDE = "outside"  # ... and for one that resolves outside the docs folder (never read)


class InputError(Exception):
    """A docs file that must not be read (not a regular file, too big, a symlink loop);
    the message names the path. The reader turns it into ``DocsError`` (CLI exit 2)."""


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_docs_file(path: Path | str, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    Opened without blocking and without following a final symlink (``path`` is already
    resolved by the caller), then checked on the open descriptor, so that swapping the
    file for a FIFO between a check and the read changes nothing. Raises
    ``FileNotFoundError`` when absent and ``InputError`` for anything else unreadable.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{path}: a symlink loop (or a symlink where a file must be)")
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{path}: not a regular file (a FIFO, device or folder)")
        if st.st_size > limit:
            raise InputError(f"{path}: {st.st_size} bytes, over the {limit}-byte limit")
        chunks = []
        left = limit + 1  # a file growing while read is still cut at the limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise InputError(f"{path}: grew over the {limit}-byte limit while being read")
        return data
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    finally:
        os.close(fd)


def resolve_inside(
    root: Path | str, rel: str, memo: dict[str, str] | None = None
) -> tuple[str | None, str]:
    """(the real path of ``root/rel`` relative to the real ``root``, or None; why not).

    ``rel`` may contain ``..`` and pass through symlinks: what counts is where it really
    is. Outside the root, or inside a dot-folder (which the docs fingerprint skips), it
    is refused. ``memo`` keeps the real path of each folder across calls (every page of
    the docs is checked after an edit, and they share their folders).
    """
    memo = {} if memo is None else memo

    def real_folder(folder: str) -> str:
        key = f"{os.fspath(root)}\0{folder}"
        if key not in memo:
            memo[key] = os.path.realpath(os.path.join(root, folder))
        return memo[key]

    folder, name = os.path.split(rel)
    real_root, candidate = real_folder(""), os.path.join(real_folder(folder), name)
    if name in ("", ".", "..") or os.path.islink(candidate):
        real = os.path.realpath(candidate)
    else:  # a plain name in a real folder is its own real path
        real = candidate
    if real == real_root:
        return None, "the docs folder itself"
    if not real.startswith(real_root.rstrip(os.sep) + os.sep):
        return None, "outside the docs folder"
    rel_real = real[len(real_root.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
    if any(part.startswith(".") for part in rel_real.split("/")):
        return None, "inside a hidden folder"
    return rel_real, ""


@dataclass
class _PageDeps:
    # the path as written (normalised, relative to the root) -> digest, ABSENT or OUTSIDE:
    # not the resolved path, so that retargeting a symlink on the way is a change too
    files: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fatal: InputError | None = None  # an include that must not be read at all


class IncludeLoader:
    """``load(rel, target)`` for ``extract_page``: the blocks of the fragment ``target``
    included by page ``rel`` (None when it cannot be included), parsed once per loader.

    Call ``begin(rel)`` before each page and ``finish()`` after it for the files the page
    depended on, the diagnostics about its includes and the ``InputError`` (if any) that
    makes the docs unreadable: kept rather than raised, because the extractor turns any
    exception of a page into a diagnostic.
    """

    def __init__(self, root: Path, *, limit: int = MAX_FILE_BYTES) -> None:
        self.root = Path(root)
        self.limit = limit
        self._parsed: dict[str, tuple[str, list[Block] | None]] = {}  # rel -> (digest, blocks)
        self._folders: dict[str, str] = {}  # resolve_inside's memo
        self._page: _PageDeps = _PageDeps()

    def begin(self, rel: str) -> None:
        self._page = _PageDeps()

    def resolve(self, lexical: str) -> tuple[str | None, str]:
        """``resolve_inside`` under this loader's root, each folder resolved once."""
        return resolve_inside(self.root, lexical, self._folders)

    def finish(self) -> tuple[dict[str, str], list[Diagnostic], InputError | None]:
        page, self._page = self._page, _PageDeps()
        return page.files, page.diagnostics, page.fatal

    def load(self, rel: str, target: str) -> list[Block] | None:
        target = target.split("#", 1)[0].strip()
        if not target:
            return None
        if target.startswith("/"):
            joined = target.lstrip("/")
        else:
            joined = os.path.join(os.path.dirname(rel), target)
        lexical = Path(os.path.normpath(joined)).as_posix()
        real, why = self.resolve(lexical)
        if real is None:
            self._page.files[lexical] = OUTSIDE
            self._page.diagnostics.append(
                Diagnostic(rel, 0, f"include {target!r} is {why}: not included", "include-outside")
            )
            return None
        if real not in self._parsed:
            try:
                self._parsed[real] = self._parse(real)
            except InputError as exc:
                self._page.fatal = self._page.fatal or exc
                return None
        digest, blocks = self._parsed[real]
        self._page.files[lexical] = digest
        return blocks

    def _parse(self, real: str) -> tuple[str, list[Block] | None]:
        try:
            data = read_docs_file(self.root / real, limit=self.limit)
        except FileNotFoundError:
            return ABSENT, None
        text = data.decode("utf-8", errors="replace")
        return file_digest(data), parse_page(text)


def current_digest(
    root: Path, lexical: str, *, limit: int = MAX_FILE_BYTES, memo: dict[str, str] | None = None
) -> str:
    """What ``IncludeLoader`` would record for ``lexical`` now (for checking a cached page)."""
    real, _ = resolve_inside(root, lexical, memo)
    if real is None:
        return OUTSIDE
    try:  # a str path: this runs for every page of the docs after any edit
        return file_digest(read_docs_file(os.path.join(root, real), limit=limit))
    except FileNotFoundError:
        return ABSENT
