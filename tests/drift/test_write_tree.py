"""write_tree: atomic, tidy, manifest-owned writes of the generated tree."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.render import files as files_mod
from generator.render.files import (
    MANIFEST_NAME,
    WriteConflict,
    plan_tree,
    read_manifest,
    recover,
    write_tree,
)

ROOT = Path(__file__).resolve().parents[2]

OLD = {
    "pkg/__init__.py": "from .client import Client\n",
    "pkg/client.py": "class Client: ...\n",
    "pkg/api/crm.py": "def lead_add(): ...\n",
    "pkg/api/tasks.py": "def task_add(): ...\n",
    "pkg/gone/only.py": "x = 1\n",
}
NEW = {
    "pkg/__init__.py": "from .client import Client\n",
    "pkg/client.py": "class Client:\n    crm = 1\n",
    "pkg/api/crm.py": "def lead_add(): ...\n",
    "pkg/api/im.py": "def message_add(): ...\n",
}


def test_fresh_write_creates_files_and_manifest(tmp_path):
    out = tmp_path / "out"
    report = write_tree(out, OLD)
    assert sorted(report.created) == sorted(OLD)
    for rel, text in OLD.items():
        assert (out / rel).read_text(encoding="utf-8") == text
    manifest = read_manifest(out)
    assert sorted(manifest) == sorted(OLD)
    assert all(h.startswith("sha256:") for h in manifest.values())
    assert not list(tmp_path.glob(".*b24gen-txn"))
    # ordinary permissions (umask), not mkstemp's 0600
    assert (out / "pkg/client.py").stat().st_mode & 0o044


def test_rewrite_changes_only_what_changed_and_keeps_mtimes(tmp_path, snapshot):
    out = tmp_path / "out"
    write_tree(out, OLD)
    old_ns = 1_000_000_000_000_000_000
    for rel in OLD:
        os.utime(out / rel, ns=(old_ns, old_ns))
    report = write_tree(out, NEW)
    assert report.created == ("pkg/api/im.py",)
    assert report.updated == ("pkg/client.py",)
    assert report.deleted == ("pkg/api/tasks.py", "pkg/gone/only.py")
    assert set(report.unchanged) == {"pkg/__init__.py", "pkg/api/crm.py"}
    assert (out / "pkg/__init__.py").stat().st_mtime_ns == old_ns
    assert (out / "pkg/api/crm.py").stat().st_mtime_ns == old_ns
    assert not (out / "pkg/api/tasks.py").exists()
    assert not (out / "pkg/gone").exists(), "a folder emptied by deletions is removed"
    assert sorted(read_manifest(out)) == sorted(NEW)

    before = snapshot(out)
    again = write_tree(out, NEW)
    assert not again.changed
    assert snapshot(out) == before, "a no-change run touches nothing"


def test_user_files_are_never_touched(tmp_path):
    out = tmp_path / "out"
    write_tree(out, OLD)
    mine = out / "pkg/gone/mine.py"
    mine.write_text("my code\n")
    (out / "README.md").write_text("mine\n")
    write_tree(out, NEW)
    assert mine.read_text() == "my code\n", "a user's file in an emptied folder stays"
    assert (out / "README.md").read_text() == "mine\n"
    assert not (out / "pkg/gone/only.py").exists()


def test_user_file_where_a_generated_one_goes_is_a_conflict(tmp_path, snapshot):
    out = tmp_path / "out"
    write_tree(out, OLD)
    (out / "pkg/api/im.py").write_text("my own im module\n")
    before = snapshot(out)
    with pytest.raises(WriteConflict, match=r"pkg/api/im\.py"):
        write_tree(out, NEW)
    assert snapshot(out) == before
    report = write_tree(out, NEW, force=True)
    assert "pkg/api/im.py" in report.updated
    assert (out / "pkg/api/im.py").read_text() == NEW["pkg/api/im.py"]


def test_identical_unowned_file_is_adopted(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.py").write_text("a\n")  # e.g. generated before manifests existed
    report = write_tree(out, {"a.py": "a\n", "b.py": "b\n"})
    assert report.unchanged == ("a.py",) and report.created == ("b.py",)
    assert sorted(read_manifest(out)) == ["a.py", "b.py"]


def test_full_disk_while_staging_leaves_old_tree(tmp_path, snapshot, monkeypatch):
    out = tmp_path / "out"
    write_tree(out, OLD)
    before = snapshot(out)
    real = files_mod._write_file
    calls = []

    def failing(path, data, fsync, **kw):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data, fsync, **kw)

    monkeypatch.setattr(files_mod, "_write_file", failing)
    with pytest.raises(OSError, match="No space"):
        write_tree(out, NEW)
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".*b24gen-txn")), "staging is cleaned up"


def test_exception_during_swap_rolls_back(tmp_path, snapshot, monkeypatch):
    out = tmp_path / "out"
    write_tree(out, OLD)
    before = snapshot(out)
    real = files_mod._apply_one
    calls = []

    def failing(txn, out_, kind, rel, *, backup):
        calls.append(rel)
        if len(calls) == 3:  # after a create and a replace went through
            raise PermissionError(errno.EACCES, "Permission denied", rel)
        return real(txn, out_, kind, rel, backup=backup)

    monkeypatch.setattr(files_mod, "_apply_one", failing)
    with pytest.raises(PermissionError):
        write_tree(out, NEW)
    after = snapshot(out)
    # Files are byte-identical; a restored file is the same inode, so even mtimes match.
    assert after == before
    assert not list(tmp_path.glob(".*b24gen-txn"))


_CHILD = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from generator.render import files as f
    mode = sys.argv[1]
    if mode == "kill-in-swap":
        real = f._apply_one
        n = []
        def dying(*a, **kw):
            n.append(1)
            if len(n) == 3:
                os._exit(9)  # like kill -9: no cleanup, no finally
            return real(*a, **kw)
        f._apply_one = dying
    files = json.loads(Path(sys.argv[3]).read_text())
    print("staging", flush=True)
    f.write_tree(Path(sys.argv[2]), files)
    print("done", flush=True)
    """)


def _child(tmp_path: Path, mode: str, out: Path, files: dict[str, str], env=None):
    script = tmp_path / "child.py"
    script.write_text(_CHILD.format(root=str(ROOT)))
    data = tmp_path / "files.json"
    data.write_text(json.dumps(files))
    return subprocess.Popen(
        [sys.executable, str(script), mode, str(out), str(data)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_sigkill_while_staging_leaves_old_tree(tmp_path, snapshot):
    out = tmp_path / "out"
    write_tree(out, OLD)
    before = snapshot(out)
    many = {**NEW, **{f"pkg/api/gen{i}.py": f"x = {i}\n" for i in range(40)}}
    proc = _child(tmp_path, "stage", out, many, env={"B24GEN_TEST_WRITE_DELAY": "0.05"})
    txn = tmp_path / ".out.b24gen-txn" / "new"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        staged = [p for p in txn.rglob("*.py")] if txn.exists() else []
        if len(staged) >= 3:
            break
        time.sleep(0.01)
    else:
        proc.kill()
        pytest.fail("the child never started staging")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == before, "killed mid-write: old tree byte-identical"
    leftover = tmp_path / ".out.b24gen-txn"
    assert (leftover / ".gitignore").read_text() == "*\n", "git never shows the leftover"
    # the next run discards the half-written transaction and writes normally
    report = write_tree(out, NEW)
    assert report.recovered == "discarded an unfinished earlier write"
    assert {p: (out / p).read_text() for p in NEW} == NEW
    assert not (out / "pkg/api/tasks.py").exists()


def test_kill_during_swap_is_rolled_forward(tmp_path):
    out = tmp_path / "out"
    write_tree(out, OLD)
    proc = _child(tmp_path, "kill-in-swap", out, NEW)
    proc.wait(timeout=30)
    assert proc.returncode == 9
    assert (tmp_path / ".out.b24gen-txn" / "journal.json").exists()
    # half-swapped: check-style planning sees drift, recovery completes it
    assert not plan_tree(out, NEW).in_sync
    assert recover(out) == "completed an interrupted earlier write"
    assert {p: (out / p).read_text() for p in NEW} == NEW
    assert not (out / "pkg/api/tasks.py").exists()
    assert sorted(read_manifest(out)) == sorted(NEW)
    assert plan_tree(out, NEW).in_sync
    assert not (tmp_path / ".out.b24gen-txn").exists()


@pytest.mark.parametrize("bad", ["/abs.py", "../up.py", "a/../b.py", "a\\b.py", "", MANIFEST_NAME])
def test_paths_outside_the_tree_are_refused(tmp_path, bad):
    with pytest.raises(ValueError):
        write_tree(tmp_path / "out", {bad: "x"})
    assert not (tmp_path / "out").exists()


def test_file_and_folder_clash_is_refused(tmp_path):
    with pytest.raises(ValueError, match="both a file and a folder"):
        write_tree(tmp_path / "out", {"a": "x", "a/b.py": "y"})


def test_plan_reports_stale_missing_orphaned(tmp_path):
    out = tmp_path / "out"
    write_tree(out, OLD)
    plan = plan_tree(out, NEW)
    assert plan.create == ("pkg/api/im.py",)
    assert plan.update == ("pkg/client.py",)
    assert plan.delete == ("pkg/api/tasks.py", "pkg/gone/only.py")
    assert plan.manifest_stale and not plan.in_sync
    assert plan_tree(out, OLD).in_sync
