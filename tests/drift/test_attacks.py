"""The drift gate under attack (issue 15): every attack ends with `check` saying stale exactly
when `check --no-cache` does, no file outside OUT changed and no planted code run.

Each test builds a small project (a copy of docs_src/ and its generated SDK) in tmp_path:
``repo/docs``, ``repo/generated``, and files of the "user" beside it (``victim.txt``,
``ssh/id_rsa``) that no b24gen run may touch.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.drift import cache as cache_mod
from generator.drift.cache import Fingerprinter, RenderCache
from generator.render.files import MANIFEST_NAME, content_hash, manifest_text, read_manifest
from generator.render.owned import lock_folder
from tests.conftest import DOCS_SRC, need_shared
from tests.drift.conftest import snapshot

ROOT = Path(__file__).resolve().parents[2]
PAGE = "api-reference/crm/deals/crm-deal-get.md"
TABLE_START = "#|\n|| **Name**"


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = root / "repo"
        self.docs = self.repo / "docs"
        self.out = self.repo / "generated"
        shutil.copytree(DOCS_SRC, self.docs)
        (root / "victim.txt").write_text("the user's file\n")
        (root / "ssh").mkdir()
        (root / "ssh" / "id_rsa").write_text("PRIVATE KEY\n")

    # -- running b24gen --------------------------------------------------------

    def cli(self, *args: object):
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.output,
            result.exc_info,
        )
        return result

    def generate(self, *extra: object, expect: int = 0):
        r = self.cli("generate", "--no-progress", "--docs", self.docs, "--out", self.out, *extra)
        assert r.exit_code == expect, r.output
        return r

    def verdict(self, *extra: object) -> int:
        """`check` through the cache and from scratch must agree; returns their exit code."""
        base = ["check", "--docs", self.docs, "--out", self.out]
        cached = self.cli(*base, *extra)
        fresh = self.cli(*base, "--no-cache")
        assert cached.exit_code == fresh.exit_code, (cached.output, fresh.output)
        again = self.cli(*base, *extra)  # a second cached run (the stat memo now warm)
        assert again.exit_code == fresh.exit_code, (again.output, fresh.output)
        return cached.exit_code

    # -- what must not change ---------------------------------------------------

    def outside(self) -> dict:
        """Everything under tmp_path except OUT (the docs, the user's files)."""
        snap = snapshot(self.root)
        return {
            k: v
            for k, v in snap.items()
            if not k.startswith(("repo/generated/", "./repo/generated/"))
        }

    def page(self, rel: str = PAGE) -> Path:
        return self.docs / rel

    def move_params_to(self, fragment: Path, target: str) -> None:
        """Move the parameter table of crm.deal.get into ``fragment``, included as
        ``target``: the SDK's signature then depends on the fragment's bytes."""
        page = self.page()
        text = page.read_text(encoding="utf-8")
        start = text.index(TABLE_START)
        end = text.index("|#\n", start) + 3
        fragment.parent.mkdir(parents=True, exist_ok=True)
        fragment.write_text(text[start:end], encoding="utf-8")
        page.write_text(
            text[:start] + f"{{% include [parameters]({target}) %}}\n" + text[end:],
            encoding="utf-8",
        )


def one_line_error(result, *names: object) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for name in names:
        assert str(name) in lines[0], (name, lines[0])
    return lines[0]


@pytest.fixture
def project(tmp_path) -> Project:
    p = Project(tmp_path)
    p.generate()
    assert p.verdict() == 0
    return p


def crm_module(p: Project) -> str:
    return (p.out / "b24client/api/crm/deal.py").read_text(encoding="utf-8")


# -- 1. an edited include, wherever it lives ----------------------------------


def _symlinked_folder(p: Project) -> tuple[Path, str]:
    shared = p.docs / "shared"
    link = p.docs / "api-reference/crm/deals/_includes"
    link.symlink_to(Path("../../../shared"), target_is_directory=True)
    return shared / "deal-params.md", "_includes/deal-params.md"


LOCATIONS = {
    # the real ru corpus includes ../../_include/… (singular)
    "singular _include": lambda p: (
        p.docs / "api-reference/crm/_include/deal-params.md",
        "../_include/deal-params.md",
    ),
    "deep elsewhere": lambda p: (p.docs / "misc/a/b/c/params.md", "../../../misc/a/b/c/params.md"),
    "root-absolute": lambda p: (p.docs / "fragments/params.md", "/fragments/params.md"),
    "symlinked folder": _symlinked_folder,
}


@pytest.mark.parametrize("where", sorted(LOCATIONS))
def test_include_edit_anywhere_makes_check_stale(project, where):
    p = project
    fragment, target = LOCATIONS[where](p)
    p.move_params_to(fragment, target)
    p.generate()
    assert "id: int" in crm_module(p), "the fragment's table is what the signature is made of"
    assert p.verdict() == 0
    before = p.outside()

    fragment.write_text(fragment.read_text().replace("**id***", "**deal_id***"))
    assert p.verdict() == 1
    r = p.cli("check", "--docs", p.docs, "--out", p.out)
    assert "stale" in r.output and "b24client/api/crm/deal.py" in r.output
    p.generate()
    assert "deal_id: int" in crm_module(p)
    assert p.verdict() == 0
    after = p.outside()
    assert {k for k in after if after[k] != before.get(k)} == {
        fragment.relative_to(p.root).as_posix()
    }


def test_retargeted_symlinked_folder_makes_check_stale(project):
    p = project
    fragment, target = _symlinked_folder(p)
    p.move_params_to(fragment, target)
    other = p.docs / "shared2" / fragment.name
    other.parent.mkdir()
    other.write_text(fragment.read_text().replace("**id***", "**deal_id***"))
    p.generate()
    assert p.verdict() == 0
    link = p.docs / "api-reference/crm/deals/_includes"
    link.unlink()
    link.symlink_to(Path("../../../shared2"), target_is_directory=True)
    assert p.verdict() == 1
    p.generate()
    assert "deal_id: int" in crm_module(p)


# -- 2. same-size edit, mtime restored ---------------------------------------


@pytest.mark.parametrize("what", ["page", "fragment"])
def test_same_size_edit_with_the_mtime_restored(project, monkeypatch, what):
    p = project
    if what == "fragment":
        target = p.docs / "api-reference/crm/_include/deal-params.md"
        p.move_params_to(target, "../_include/deal-params.md")
        p.generate()
    else:
        target = p.page()
    # every stat signature is trusted at once: only the ctime can tell the edit
    monkeypatch.setattr(cache_mod, "_RACY_NS", 0)
    assert p.verdict() == 0
    st = target.stat()
    text = target.read_text(encoding="utf-8")
    edited = text.replace("Number of the deal", "Numbex of the deal")
    assert edited != text and len(edited.encode()) == len(text.encode())
    target.write_text(edited, encoding="utf-8")
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # as tar -x --overwrite does
    assert target.stat().st_mtime_ns == st.st_mtime_ns and target.stat().st_size == st.st_size
    assert p.verdict() == 1


# -- 3. a forged cache in the repository --------------------------------------


def _forge_sdk(p: Project) -> dict[str, str]:
    """A branch's hand edit of the generated SDK, with the manifest rewritten to match."""
    files = {rel: (p.out / rel).read_text(encoding="utf-8") for rel in read_manifest(p.out)}
    files["b24client/api/crm/deal.py"] += "\nBACKDOOR = True\n"
    (p.out / "b24client/api/crm/deal.py").write_text(files["b24client/api/crm/deal.py"])
    (p.out / MANIFEST_NAME).write_text(manifest_text(files))
    return files


def test_forged_cache_entries_never_vouch_for_sync(project, monkeypatch):
    p = project
    repo_cache = p.repo / ".b24gen-cache"  # committed, and used through --cache-dir
    p.generate("--cache-dir", repo_cache)
    forged = _forge_sdk(p)
    key = RenderCache.key(Fingerprinter(None).folder(p.docs), "b24client")  # public inputs
    render = repo_cache / "render"
    # (a) the entries written as plain files, as a branch would commit them
    (render / f"{key}.manifest").write_text(manifest_text(forged))
    (render / f"{key}.json").write_text(json.dumps({"files": forged, "diagnostics": 0}))
    assert p.verdict("--cache-dir", repo_cache) == 1
    # (b) well-formed entries made by the attacker's own b24gen (another key)
    monkeypatch.setenv(cache_mod.KEY_ENV, "the attacker's key")
    cache_mod.cache_key.cache_clear()
    RenderCache(repo_cache).put(key, forged)
    monkeypatch.delenv(cache_mod.KEY_ENV)
    cache_mod.cache_key.cache_clear()
    assert p.verdict("--cache-dir", repo_cache) == 1
    # (c) a guessed MAC: any key but the user's fails
    data = manifest_text(forged).encode()
    mac = hmac.new(b"guess", b"render/" + key.encode() + b".manifest\0" + data, hashlib.sha256)
    blob = b"b24gen-cache-hmac-sha256 " + mac.hexdigest().encode() + b"\n" + data
    (render / f"{key}.manifest").write_bytes(blob)
    assert p.verdict("--cache-dir", repo_cache) == 1


def test_default_cache_lives_outside_the_work_tree(tmp_path, monkeypatch):
    p = Project(tmp_path)
    monkeypatch.delenv("B24GEN_CACHE_DIR")
    xdg = Path(os.environ["XDG_CACHE_HOME"])
    monkeypatch.chdir(p.repo)
    p.generate()
    assert p.verdict() == 0
    assert not any(x.name.startswith(".") for x in p.repo.iterdir()), list(p.repo.iterdir())
    folders = [f.name for f in (xdg / "b24gen").iterdir()]
    assert "key" in folders and any(f.startswith("docs-") for f in folders)
    assert ((xdg / "b24gen" / "key").stat().st_mode & 0o077) == 0, "the key is private"


# -- 4. no executable deserialisation -----------------------------------------


class _Canary:
    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (os.mkdir, (self.path,))


def test_planted_pickle_and_marshal_never_run(project):
    p = project
    canary = p.root / "CANARY"
    repo_cache = p.repo / ".b24gen-cache"
    pages = repo_cache / "pages"
    pages.mkdir(parents=True)
    payload = pickle.dumps({PAGE: ("key", _Canary(canary))})
    (pages / "reader-pages.pickle").write_bytes(payload)
    (pages / "reader-pages.json").write_bytes(payload)
    key = RenderCache.key(Fingerprinter(None).folder(p.docs), "b24client")
    (repo_cache / "render").mkdir()
    for suffix in (".marshal", ".json", ".manifest"):
        (repo_cache / "render" / f"{key}{suffix}").write_bytes(payload)
    assert pickle.loads(payload) and canary.is_dir(), "the payload is live"
    canary.rmdir()

    assert p.verdict("--cache-dir", repo_cache) == 0
    page = p.page()
    page.write_text(page.read_text().replace("Number of the deal", "Deal number"))
    assert p.verdict("--cache-dir", repo_cache) == 1
    p.generate("--cache-dir", repo_cache)
    assert p.verdict("--cache-dir", repo_cache) == 0
    assert not canary.exists(), "a planted cache file ran code"


def test_no_module_of_the_generator_deserialises_code():
    banned = ("import pickle", "import marshal", "import shelve", "pickle.load", "marshal.load")
    for path in sorted((ROOT / "generator").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = [b for b in banned if b in text]
        assert not found, f"{path}: {found}"


# -- 5. journal traversal ------------------------------------------------------


def _plant_txn(p: Project, ops, *, new_link: Path | None = None) -> Path:
    txn = p.repo / ".generated.b24gen-txn"
    txn.mkdir()
    if new_link is not None:
        (txn / "new").symlink_to(new_link, target_is_directory=True)
    journal = {"state": "committed", "out": str(p.out), "ops": ops}
    (txn / "journal.json").write_text(json.dumps(journal))
    return txn


@pytest.mark.parametrize(
    "ops",
    [
        [["delete", "../../victim.txt"]],
        [["delete", str(Path("/tmp/../") / "victim.txt")]],
        [["replace", "../../victim.txt"]],
        [["unlink", "x"]],
        "not a list",
    ],
)
def test_planted_journal_cannot_delete_outside_out(project, ops):
    p = project
    txn = _plant_txn(p, ops)
    before, out_before = p.outside(), snapshot(p.out)
    assert p.verdict() == 0
    r = p.generate(expect=2)
    one_line_error(r, txn / "journal.json")
    assert p.outside() == before and snapshot(p.out) == out_before
    assert (p.root / "victim.txt").read_text() == "the user's file\n"


def test_planted_journal_cannot_move_files_in_through_a_symlink(project):
    p = project
    txn = _plant_txn(p, [["create", "id_rsa"]], new_link=p.root / "ssh")
    before, out_before = p.outside(), snapshot(p.out)
    r = p.generate(expect=2)
    one_line_error(r, "symlink")
    assert p.outside() == before and snapshot(p.out) == out_before
    assert (p.root / "ssh" / "id_rsa").is_file()
    assert txn.is_dir()


def test_planted_transaction_symlink_is_refused(project):
    p = project
    (p.root / "elsewhere").mkdir()
    (p.root / "elsewhere" / "keep.txt").write_text("keep\n")
    (p.repo / ".generated.b24gen-txn").symlink_to(p.root / "elsewhere")
    before = p.outside()
    r = p.generate(expect=2)
    one_line_error(r, ".generated.b24gen-txn")
    assert p.outside() == before


# -- 6. symlinks inside OUT ---------------------------------------------------


def test_manifest_entry_behind_a_symlink_is_not_deleted(project):
    p = project
    (p.out / "evil").symlink_to(p.root / "ssh", target_is_directory=True)
    files = {rel: (p.out / rel).read_text() for rel in read_manifest(p.out)}
    doc = json.loads((p.out / MANIFEST_NAME).read_text())
    doc["files"]["evil/id_rsa"] = content_hash(b"PRIVATE KEY\n")
    (p.out / MANIFEST_NAME).write_text(json.dumps(doc))
    before = p.outside()
    assert p.verdict() == 1  # the manifest is not the one generate writes
    p.generate()
    assert (p.root / "ssh" / "id_rsa").read_text() == "PRIVATE KEY\n"
    assert p.outside() == before
    assert read_manifest(p.out) == {rel: content_hash(t.encode()) for rel, t in files.items()}
    assert p.verdict() == 0


def test_generated_folder_replaced_by_a_symlink_is_refused(project):
    p = project
    api = p.out / "b24client" / "api"
    elsewhere = p.root / "elsewhere"
    shutil.copytree(api, elsewhere)
    shutil.rmtree(api)
    api.symlink_to(elsewhere, target_is_directory=True)
    assert p.verdict() == 1, "files reached through a symlinked folder are not in sync"
    r = p.cli("check", "--docs", p.docs, "--out", p.out, "--no-cache")
    assert "symlink" in r.output
    before = p.outside()
    page = p.page()
    page.write_text(page.read_text().replace("Number of the deal", "Deal number"))
    before = p.outside()
    one_line_error(p.generate(expect=2), api)
    assert p.outside() == before, "nothing written through the symlink"


# -- 7. two generates through different spellings of OUT ---------------------


def test_generates_through_a_symlinked_out_take_the_same_lock(project):
    p = project
    (p.root / "other").mkdir()
    link = p.root / "other" / "gen-link"
    link.symlink_to(p.out, target_is_directory=True)
    cmd = [sys.executable, "-m", "generator.cli", "generate", "--no-progress"]
    cmd += ["--docs", str(p.docs), "--out", str(link)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with lock_folder(p.repo):  # what a `generate --out repo/generated` holds
        proc = subprocess.Popen(cmd, env=env, cwd=p.root, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        assert proc.poll() is None, "the second writer did not wait for the first"
    assert proc.wait(timeout=120) == 0, proc.stderr.read()

    # and two real ones at once, each slowed down while staging, end in a consistent tree
    page = p.page()
    page.write_text(page.read_text().replace("Number of the deal", "Deal number"))
    slow = {**env, "B24GEN_TEST_WRITE_DELAY": "0.05"}
    both = [
        subprocess.Popen(
            [*cmd[:-1], str(out)], env=slow, cwd=p.root, stderr=subprocess.PIPE, text=True
        )
        for out in (p.out, link)
    ]
    for proc in both:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    assert p.verdict() == 0
    assert not list(p.repo.glob(".*b24gen-txn")) and not list(link.parent.glob(".*b24gen-txn"))


# -- 8. includes outside the docs root ----------------------------------------


def test_include_outside_the_root_is_a_diagnostic(project):
    p = project
    secret = p.root / "secret.md"
    secret.write_text(
        "#|\n|| **Name**\n`type` | **Description** ||\n|| **stolen_secret***\n"
        "[`string`](x.md) | root:x:0:0 ||\n|#\n"
    )
    (p.docs / "api-reference/crm/deals/leak.md").symlink_to(secret)
    page = p.page()
    text = page.read_text()
    targets = [
        "../../../../../secret.md",  # walks out
        "/../../secret.md",  # root-absolute, then out
        "leak.md",  # a symlink inside pointing out
        "../../../../../../../../../../etc/passwd",
    ]
    includes = "".join(f"{{% include [x]({t}) %}}\n\n" for t in targets)
    page.write_text(text.replace("#|\n|| **Name**", includes + "#|\n|| **Name**", 1))
    r = p.generate()
    assert "diagnostic(s)" in r.stderr and "b24gen coverage" in r.stderr
    for path in p.out.rglob("*"):
        if path.is_file():
            body = path.read_text(encoding="utf-8", errors="replace")
            assert "stolen_secret" not in body and "root:x:0:0" not in body, path
    cov = p.cli("coverage", p.docs)
    assert cov.output.count("is outside the docs folder: not included") == len(targets)
    assert "leak.md:0: page is outside the docs folder: skipped" in cov.output
    assert p.verdict() == 0
    secret.write_text(secret.read_text().replace("stolen_secret", "other_secret"))
    assert p.verdict() == 0, "bytes outside the docs root are not inputs"


# -- 9. FIFO, /dev/zero, oversized files ---------------------------------------


def _run(p: Project, *args: object, timeout: float = 120) -> subprocess.CompletedProcess:
    """A real b24gen process: a hang is a test failure, not a stuck test run."""
    cmd = [sys.executable, "-m", "generator.cli", *map(str, args)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        cmd, env=env, cwd=p.root, capture_output=True, text=True, timeout=timeout, check=False
    )


def _include(p: Project, target: str) -> None:
    page = p.page()
    text = page.read_text()
    page.write_text(
        text.replace("#|\n|| **Name**", f"{{% include [x]({target}) %}}\n\n#|\n|| **Name**", 1)
    )


def _bad_input_gives_exit_2(p: Project, path: Path, *words: str) -> None:
    before, out_before = p.outside(), snapshot(p.out)
    for args in (
        ["generate", "--no-progress", "--docs", p.docs, "--out", p.out],
        ["check", "--docs", p.docs, "--out", p.out],
        ["check", "--docs", p.docs, "--out", p.out, "--no-cache"],
    ):
        proc = _run(p, *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path.relative_to(p.docs)) in lines[0], proc.stderr
        assert all(w in lines[0] for w in words), lines[0]
    assert p.outside() == before and snapshot(p.out) == out_before


def test_fifo_include_and_fifo_page(project):
    p = project
    fifo = p.docs / "api-reference/crm/_include/pipe.md"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    _include(p, "../_include/pipe.md")
    _bad_input_gives_exit_2(p, fifo, "not a regular file")
    p.page().write_text((DOCS_SRC / PAGE).read_text())
    fifo.unlink()
    page_fifo = p.docs / "api-reference/crm/deals/pipe-page.md"
    os.mkfifo(page_fifo)
    _bad_input_gives_exit_2(p, page_fifo, "not a regular file")


def test_dev_zero_and_oversized_includes_are_bounded(project):
    p = project
    (p.docs / "api-reference/crm/deals/zero.md").symlink_to("/dev/zero")
    _include(p, "zero.md")
    _include(p, "../../../../../../../../../../dev/zero")
    t = time.perf_counter()
    proc = _run(p, "generate", "--no-progress", "--docs", p.docs, "--out", p.out, timeout=60)
    assert proc.returncode == 0 and time.perf_counter() - t < 60, proc.stderr
    assert "diagnostic(s)" in proc.stderr
    assert p.verdict() == 0

    big = p.docs / "api-reference/crm/deals/big.md"
    big.write_bytes(b"x" * (5 * 1024 * 1024))
    _include(p, "big.md")
    _bad_input_gives_exit_2(p, big, "limit")


# -- 10. full disk, read-only cache --------------------------------------------


def test_full_disk_while_writing_leaves_out_unchanged(project, monkeypatch):
    p = project
    page = p.page()
    page.write_text(page.read_text().replace("Number of the deal", "Deal number"))
    real_fsync, calls = os.fsync, []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the second staged file: some of the tree is on disk
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    before, out_before = p.outside(), snapshot(p.out)
    monkeypatch.setattr(os, "fsync", fsync)
    r = p.generate(expect=2)
    monkeypatch.setattr(os, "fsync", real_fsync)
    line = one_line_error(r, "No space left on device", ".generated.b24gen-txn")
    assert "/new/" in line, "the file being written is named"
    assert p.outside() == before and snapshot(p.out) == out_before
    assert not (p.repo / ".generated.b24gen-txn").exists(), "nothing half-written is left"
    assert p.verdict() == 1
    p.generate()
    assert p.verdict() == 0


def test_read_only_cache_is_one_line(project, monkeypatch):
    p = project
    page = p.page()
    page.write_text(page.read_text().replace("Number of the deal", "Deal number"))

    def refuse(path, text):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(cache_mod, "write_text_atomic", refuse)
    out_before = snapshot(p.out)
    line = one_line_error(p.generate(expect=2), os.environ["B24GEN_CACHE_DIR"], "--no-cache")
    assert "Read-only file system" in line
    assert snapshot(p.out) == out_before
    p.generate("--no-cache")  # the way out it names works


# -- 11. other bad input -------------------------------------------------------


def test_symlink_loop_non_utf8_name_and_long_namespace(project):
    p = project
    loop = p.docs / "api-reference/crm/deals/loop.md"
    loop.symlink_to("loop.md")
    _bad_input_gives_exit_2(p, loop, "symlink loop")
    loop.unlink()
    # a folder loop and a folder pointing out are never walked into: not an error
    (p.docs / "api-reference/crm/loopdir").symlink_to("..", target_is_directory=True)
    (p.docs / "api-reference/outdir").symlink_to(p.root, target_is_directory=True)
    assert _run(p, "generate", "--no-progress", "--docs", p.docs, "--out", p.out).returncode == 0
    assert p.verdict() == 0

    bad = Path(os.fsdecode(os.fsencode(p.docs / "api-reference/crm") + b"/\xff.md"))
    bad.write_text("# x\n")
    before = p.outside()
    for args in (["generate", "--no-progress"], ["check"], ["check", "--no-cache"]):
        proc = _run(p, *args, "--docs", p.docs, "--out", p.out)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1, proc.stderr
        assert "api-reference/crm/\\xff.md" in lines[0] and "UTF-8" in lines[0]
    assert p.outside() == before
    bad.unlink()

    long_page = p.docs / "api-reference/crm/deals/long.md"
    # 253: types/<name>.py is one byte over 255 (api/<name>/ is a folder of short names)
    long_page.write_text(p.page().read_text().replace("crm.deal.get", "n" * 253 + ".item.get"))
    _bad_input_gives_exit_2(p, long_page, "253 characters")


def test_missing_docs_folder_is_exit_2(project):
    p = project
    for args in (["generate"], ["check"], ["check", "--no-cache"]):
        r = p.cli(*args, "--docs", p.root / "nonexistent", "--out", p.out)
        assert r.exit_code == 2
        one_line_error(r, p.root / "nonexistent")


def test_broken_page_is_counted_and_points_to_coverage(project):
    p = project
    page = p.page()
    page.write_text(
        page.read_text().replace("|| **id***\n", "|| **broken** | no type ||\n|| **id***\n")
    )
    for _ in range(2):  # rendered, then from the cache: the count is told both times
        r = p.generate()
        assert "1 diagnostic(s)" in r.stderr and f"b24gen coverage --docs {p.docs}" in r.stderr


# -- 12. files in the package that shadow generated modules --------------------


@pytest.mark.parametrize(
    "shadow", ["crm/deal/__init__.py", "crm/deal/__init__.pyc", "crm/deal.abi3.so"]
)
def test_shadowing_files_are_reported(project, shadow):
    import importlib.machinery

    p = project
    if shadow.endswith(".so") and ".abi3.so" not in importlib.machinery.EXTENSION_SUFFIXES:
        shadow = "crm/deal" + importlib.machinery.EXTENSION_SUFFIXES[0]
    path = p.out / "b24client/api" / shadow  # beside the module api/crm/deal.py
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("raise SystemExit('the shadow ran')\n")
    assert p.verdict() == 1
    r = p.cli("check", "--docs", p.docs, "--out", p.out)
    assert f"shadows   {path}" in r.output
    p.generate()
    assert path.exists(), "not ours: generate never deletes it"
    assert p.verdict() == 1
    path.unlink()
    assert p.verdict() == 0


# -- 13. the real corpus ---------------------------------------------------------


def test_real_corpus_pages_record_the_fragments_they_splice(tmp_path):
    """On ru, calendar.event.get's result table lives in a fragment; moved to a singular
    `_include/` folder (as ru's crm pages use), the page still records it as an input."""
    from generator.reader import _read_page
    from generator.yfm.includes import IncludeLoader, file_digest
    from tests.conftest import ROOT as PROJECT

    ru = need_shared(PROJECT.parent / "shared" / "b24docs" / "ru")
    docs = tmp_path / "docs"
    cal = "api-reference/calendar"
    page = f"{cal}/calendar-event/calendar-event-get.md"
    (docs / cal / "calendar-event").mkdir(parents=True)
    (docs / cal / "_include").mkdir()
    fragment = ru / cal / "_includes" / "calendar_event_fields.md"
    shutil.copy(fragment, docs / cal / "_include" / fragment.name)
    text = (ru / page).read_text(encoding="utf-8")
    assert "_includes/calendar_event_fields.md" in text
    (docs / page).write_text(text.replace("_includes/calendar_", "_include/calendar_"))
    res, deps = _read_page(docs, page, IncludeLoader(docs))
    assert deps[f"{cal}/_include/calendar_event_fields.md"] == file_digest(fragment.read_bytes())
    assert res.method is not None and res.method.name == "calendar.event.get"
