"""``b24gen check`` / ``generate`` as a user runs them: real processes on real folders."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "api-reference/crm/deals/crm-deal-get.md"


def b24gen(*args: str, cwd: Path = ROOT, env: dict | None = None, check=None):
    proc = subprocess.run(
        ["b24gen", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if check is not None:
        assert proc.returncode == check, proc.stdout + proc.stderr
    return proc


@pytest.fixture
def work(tmp_path) -> Path:
    """A copy of docs_src/ and a fresh generated/ beside it: the repo is never touched."""
    shutil.copytree(ROOT / "docs_src", tmp_path / "docs_src")
    b24gen("generate", "--no-progress", cwd=tmp_path, check=0)
    return tmp_path


def _edit_page(docs: Path) -> None:
    page = docs / PAGE
    text = page.read_text(encoding="utf-8")
    assert "Number of the deal" in text
    page.write_text(text.replace("Number of the deal", "Номер сделки"), encoding="utf-8")


def test_committed_generated_is_in_sync():
    """The SDK in the repository is what docs_src/ gives (uncached, from scratch)."""
    proc = b24gen("check", "--no-cache", check=0)
    assert "generated: in sync" in proc.stdout


def test_check_fails_naming_the_file_then_generate_fixes_it(work):
    cache = ["--cache-dir", str(work / "cache")]
    b24gen("check", *cache, cwd=work, check=0)
    _edit_page(work / "docs_src")
    stale = b24gen("check", *cache, cwd=work, check=1)
    # the docstring lives in the stub, the docs page in the reference docs
    assert "stale     generated/b24client/api/crm/deal.pyi" in stale.stdout
    assert "+            id: Номер сделки" in stale.stdout
    assert "Fix: b24gen generate" in stale.stdout
    b24gen("generate", "--no-progress", cwd=work, check=0)
    assert "generated: in sync" in b24gen("check", *cache, cwd=work, check=0).stdout
    # the same without any cache gives the same answer
    b24gen("check", "--no-cache", cwd=work, check=0)


def test_check_ignores_user_files_and_reports_orphans(work):
    (work / "generated" / "b24client" / "my_helpers.py").write_text("x = 1\n")
    b24gen("check", "--no-cache", cwd=work, check=0)
    manifest = json.loads((work / "generated" / ".b24gen-manifest.json").read_text())
    assert "b24client/my_helpers.py" not in manifest["files"]
    # a page removed from the docs: its files become orphans... here a whole namespace
    shutil.rmtree(work / "docs_src" / "api-reference" / "calendar", ignore_errors=True)
    for f in (work / "docs_src").rglob("calendar-*.md"):
        f.unlink()
    proc = b24gen("check", "--no-cache", cwd=work, check=1)
    assert "orphaned  generated/b24client/api/calendar/__init__.py" in proc.stdout
    b24gen("generate", "--no-progress", cwd=work, check=0)
    assert not (work / "generated/b24client/api/calendar").exists()
    assert (work / "generated/b24client/my_helpers.py").read_text() == "x = 1\n"


def test_check_usage_errors_exit_2(work):
    assert b24gen("check", "--docs", str(work / "nope"), cwd=work).returncode == 2
    (work / "empty").mkdir()
    bad = b24gen("check", "--docs", str(work / "empty"), "--no-cache", cwd=work)
    assert bad.returncode == 2 and "error:" in bad.stderr
    (work / "generated" / ".b24gen-manifest.json").write_text("not json")
    assert b24gen("check", "--no-cache", cwd=work).returncode == 2


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_killed_generate_leaves_the_old_tree_byte_identical(work, snapshot):
    out = work / "generated"
    before = snapshot(out)
    # Another package name changes every file, so there is a lot to write; the test hook
    # slows each staged file down so that the kill lands in the middle of writing.
    proc = subprocess.Popen(
        ["b24gen", "generate", "--no-progress", "--package-name", "renamed"],
        cwd=work,
        env={**os.environ, "B24GEN_TEST_WRITE_DELAY": "0.2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staging = work / ".generated.b24gen-txn" / "new"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if staging.exists() and sum(1 for p in staging.rglob("*") if p.is_file()) >= 3:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "generate finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert snapshot(out) == before, "old tree must be byte-identical (and untouched)"
    # the next generate discards the half-written transaction and succeeds
    b24gen("generate", "--no-progress", "--package-name", "renamed", cwd=work, check=0)
    assert (out / "renamed" / "client.py").is_file()
    assert not (out / "b24client").exists(), "the old package's files are gone"
    assert not (work / ".generated.b24gen-txn").exists()
