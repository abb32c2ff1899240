"""Helpers for release tests: docs in a throwaway git repository, b24gen run in-process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def init_repo(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "docs@example.com")
    git(repo, "config", "user.name", "docs")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def commit_all(repo: Path, message: str, date: str = "2025-08-01T12:00:00+00:00") -> str:
    git(repo, "add", "-A")
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "-m", message],
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
    )
    return git(repo, "rev-parse", "HEAD")


def b24gen(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def record(out: Path) -> dict:
    return json.loads((out / ".b24gen-release.json").read_text(encoding="utf-8"))


def version(out: Path) -> str:
    for line in (out / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("version = "):
            return line.split('"')[1]
    raise AssertionError("no version line")


@pytest.fixture(scope="session")
def release_cache(tmp_path_factory) -> Path:
    """One b24gen cache for the release tests: its page cache is keyed by page bytes, so
    the corpora are parsed once for all of them."""
    return tmp_path_factory.mktemp("b24gen-cache")


@pytest.fixture(autouse=True)
def _private_cache(release_cache, monkeypatch):
    monkeypatch.setenv("B24GEN_CACHE_DIR", str(release_cache))


def _replace_tree(repo: Path, source: Path) -> None:
    for child in repo.iterdir():
        if child.name == ".git":
            continue
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(source, repo, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def year_docs(tmp_path_factory, release_cache) -> dict:
    """A docs repository of the real year: ru-2025-08 committed, ru committed on top; and
    ``first_out``, the SDK generated at the first commit (a first release: copy it before
    changing it)."""
    from tests.conftest import CORPORA, need_shared

    old, new = need_shared(CORPORA / "ru-2025-08"), need_shared(CORPORA / "ru")
    root = tmp_path_factory.mktemp("year")
    repo = init_repo(root / "b24docs")
    shutil.copytree(old, repo, dirs_exist_ok=True)
    first = commit_all(repo, "docs of 2025-08", "2025-08-31T12:00:00+00:00")
    out = root / "sdk-at-first"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("B24GEN_CACHE_DIR", str(release_cache))
        res = b24gen("generate", "--docs", str(repo), "--out", str(out), "--no-progress")
    assert res.exit_code == 0, res.output
    assert "first release 0.1.0 recorded" in res.output
    _replace_tree(repo, new)
    second = commit_all(repo, "docs of today", "2025-11-30T12:00:00+00:00")
    return {"repo": repo, "first": first, "second": second, "first_out": out}
