"""docs/github-workflow.yml: its shell steps run as GitHub would run them, in a real repo."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "docs" / "github-workflow.yml"
DEAL = "docs_src/api-reference/crm/deals"


def _steps() -> dict[str, dict]:
    doc = yaml.safe_load(WORKFLOW.read_text())
    return {s.get("id", s.get("uses", "")): s for s in doc["jobs"]["drift"]["steps"]}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def _run_step(step: dict, repo: Path, summary: Path, github: dict[str, str]):
    """Run a step's script like the runner: bash -e, job env + step env, ${{ }} filled."""
    doc = yaml.safe_load(WORKFLOW.read_text())
    env = {**os.environ, **doc["env"], "GITHUB_STEP_SUMMARY": str(summary)}
    for key, value in step.get("env", {}).items():
        env[key] = re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: github.get(m[1], ""), value)
    assert "${{" not in step["run"], "expressions belong in env:, not pasted into scripts"
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_workflow_shape():
    steps = _steps()
    assert "actions/checkout@v4" in steps
    assert steps["actions/checkout@v4"]["with"]["fetch-depth"] == 0
    assert "pip install" in steps["install"]["run"]
    assert steps["check"]["run"].startswith("b24gen check")
    assert "always()" in steps["diff"]["if"]
    assert "--format markdown" in steps["diff"]["run"]
    assert "$GITHUB_STEP_SUMMARY" in steps["diff"]["run"]


def test_check_and_diff_steps_in_a_pull_request(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    shutil.copytree(ROOT / "docs_src", repo / "docs_src")
    subprocess.run(
        ["b24gen", "generate", "--no-progress"], cwd=repo, check=True, capture_output=True
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "remote", "add", "origin", str(repo))
    _git(repo, "fetch", "-q", "origin")
    _git(repo, "checkout", "-q", "-b", "feature")
    (repo / DEAL / "crm-deal-delete.md").unlink()  # the PR drops a method...
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "drop crm.deal.delete")  # ...but forgets to regenerate

    steps = _steps()
    summary = tmp_path / "summary.md"
    pr = {"github.base_ref": "main", "github.event.before": ""}
    check = _run_step(steps["check"], repo, summary, pr)
    assert check.returncode == 1
    assert "stale     generated/b24client/api/crm/deal.py" in check.stdout
    diff = _run_step(steps["diff"], repo, summary, pr)
    assert diff.returncode == 0, diff.stdout + diff.stderr
    text = summary.read_text()
    assert "## API changes: `docs_src@origin/main` → `docs_src`" in text
    assert "### Breaking changes" in text and "- `crm.deal.delete`: removed" in text

    subprocess.run(
        ["b24gen", "generate", "--no-progress"], cwd=repo, check=True, capture_output=True
    )
    assert _run_step(steps["check"], repo, summary, pr).returncode == 0


def test_diff_step_on_a_push_and_without_a_base(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    shutil.copytree(ROOT / "docs_src", repo / "docs_src")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "one")
    before = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    summary = tmp_path / "summary.md"
    steps = _steps()
    push = {"github.base_ref": "", "github.event.before": before}
    assert _run_step(steps["diff"], repo, summary, push).returncode == 0
    assert "No API changes." in summary.read_text()
    first_push = {"github.base_ref": "", "github.event.before": "0" * 40}
    assert _run_step(steps["diff"], repo, summary, first_push).returncode == 0
    assert "No base revision to compare with." in summary.read_text()
