"""The real ``pre-commit`` running our hooks in a temporary git repository.

The hooks come from this repo's ``.pre-commit-hooks.yaml``, turned into ``repo: local``
hooks with ``language: system`` (the b24gen installed in this environment): same entry,
file filter and options, but no network install of a hook environment, so the test runs
offline in CI. ``test_hook_repo_installs_from_a_clone`` covers what ``language: python``
needs on top: that the project installs non-editably from a git clone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGE = "docs_src/api-reference/crm/deals/crm-deal-get.md"

# pre-commit is in the dev extra: under CI it must be there and these tests must run.
pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None and os.environ.get("CI") != "true",
    reason="needs pre-commit (pip install -e '.[dev]')",
)


def _hooks() -> dict[str, dict]:
    return {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def _run(repo: Path, *args: str, env: dict[str, str], check: bool = True):
    proc = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def repo(tmp_path) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "sdk"
    repo.mkdir()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "B24GEN_CACHE_DIR": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    shutil.copytree(ROOT / "docs_src", repo / "docs_src")
    _run(repo, "git", "init", "-q", "-b", "main", env=env)
    _run(repo, "b24gen", "generate", "--no-progress", env=env)
    return repo, env


def _config(repo: Path, hook_id: str) -> None:
    hook = dict(_hooks()[hook_id])
    hook["language"] = "system"
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}, sort_keys=False)
    )


def _commit(repo: Path, env, message: str):
    _run(repo, "git", "add", "-A", env=env)
    return _run(repo, "git", "commit", "-q", "-m", message, env=env, check=False)


def test_check_hook_blocks_a_stale_sdk(repo):
    repo, env = repo
    _config(repo, "b24gen-check")
    _run(repo, "pre-commit", "install", env=env)
    first = _commit(repo, env, "docs and a fresh SDK")
    assert first.returncode == 0, first.stdout + first.stderr

    page = repo / PAGE
    page.write_text(page.read_text().replace("Number of the deal", "Number (ID) of the deal"))
    stale = _commit(repo, env, "docs only")
    out = stale.stdout + stale.stderr
    assert stale.returncode != 0, "a stale SDK must not be committed"
    assert "b24gen check (generated SDK matches the docs)" in out and "Failed" in out
    assert "stale     generated/b24client/api/crm/deal.pyi" in out
    assert "+            id: Number (ID) of the deal" in out
    assert "Fix: b24gen generate" in out
    assert _run(repo, "git", "log", "--oneline", env=env).stdout.count("\n") == 1

    _run(repo, "b24gen", "generate", "--no-progress", env=env)
    fixed = _commit(repo, env, "docs and the regenerated SDK")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout + fixed.stderr
    assert _run(repo, "git", "status", "--porcelain", env=env).stdout == ""


def test_check_hook_ignores_unrelated_files(repo):
    repo, env = repo
    _config(repo, "b24gen-check")
    _run(repo, "pre-commit", "install", env=env)
    assert _commit(repo, env, "start").returncode == 0
    page = repo / PAGE
    page.write_text(page.read_text().replace("Number of the deal", "Number (ID) of the deal"))
    (repo / "notes.txt").write_text("not docs\n")
    _run(repo, "git", "add", "notes.txt", env=env)
    # only notes.txt is staged: the hook's file filter does not match, so it is skipped
    proc = _run(repo, "git", "commit", "-q", "-m", "notes", env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Skipped" in proc.stdout + proc.stderr


def test_generate_hook_fixes_then_passes(repo):
    repo, env = repo
    _config(repo, "b24gen-generate")
    _run(repo, "pre-commit", "install", env=env)
    assert _commit(repo, env, "start").returncode == 0
    page = repo / PAGE
    page.write_text(page.read_text().replace("Number of the deal", "Number (ID) of the deal"))
    proc = _commit(repo, env, "docs only")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "files were modified by this hook" in out
    assert "Number (ID) of the deal" in (repo / "generated/b24client/api/crm/deal.pyi").read_text()
    again = _commit(repo, env, "docs and the SDK the hook regenerated")
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.slow
def test_hook_repo_installs_from_a_clone(tmp_path):
    """What pre-commit's ``language: python`` does with a hook repo: pip install a clone of
    it (not editable) into a fresh environment. The installed b24gen must find its
    templates (package b24gen_templates) and its runtime sources."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    proc = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", str(clone)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    probe = (
        "import generator, b24gen_templates, pathlib;"
        "from generator.paths import templates_dir;"
        "t = templates_dir();"
        "assert 'site-packages' in str(t), t;"
        "assert (t / 'client').is_dir() and (t / 'runtime' / 'errors.py').is_file(), t;"
        "assert 'site-packages' in generator.__file__, generator.__file__;"
        "print('ok')"
    )
    res = subprocess.run(
        [str(py), "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert res.returncode == 0 and "ok" in res.stdout, res.stdout + res.stderr
