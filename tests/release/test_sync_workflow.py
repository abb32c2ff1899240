"""docs/upstream-sync-workflow.yml, its steps run locally as the runner would run them.

The upstream docs are a local git repository (ru-2025-08 committed, ru on top: the
``year_docs`` fixture), the SDK repository has generated/ at the first commit and a bare
"origin" to push to, and ``gh`` is a stand-in that records what it was asked to do. No
network: the two ``actions/checkout`` steps are done with local git.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.release.conftest import commit_all, git, init_repo

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "docs" / "upstream-sync-workflow.yml"

FAKE_GH = """#!/bin/sh
# records each call; "pr view" finds no open pull request
echo "gh $*" >> "$GH_LOG"
while [ $# -gt 0 ]; do
  if [ "$1" = "--body-file" ]; then cp "$2" "$GH_LOG.body"; fi
  shift
done
case "$GH_LOG_VIEW" in open) echo OPEN ;; esac
exit 0
"""


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps() -> dict[str, dict]:
    return {s.get("id", s.get("name", "")): s for s in _workflow()["jobs"]["sync"]["steps"]}


def _run(step: dict, cwd: Path, env: dict[str, str], outputs: dict[str, str]):
    """bash -e with the job env and the step env, ${{ }} filled from ``outputs``."""

    def fill(value: str) -> str:
        def one(m: re.Match) -> str:
            key = m[1]
            if key.startswith("steps."):
                _, step_id, _, name = key.split(".")
                return outputs.get(f"{step_id}.{name}", "")
            return {"github.token": "fake-token"}.get(key, "")

        return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", one, str(value))

    full = {**env, **{k: fill(v) for k, v in step.get("env", {}).items()}}
    assert "${{" not in step["run"], "expressions belong in env:, not in scripts"
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=cwd, env=full, capture_output=True, text=True
    )


def _read_outputs(path: Path, step_id: str) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        found[f"{step_id}.{key}"] = value
    return found


def _if(step: dict, outputs: dict[str, str]) -> bool:
    cond = step.get("if")
    if cond is None:
        return True
    m = re.fullmatch(r"steps\.(\w+)\.outputs\.(\w+) == '(\w+)'", cond)
    assert m, f"the test understands this condition only: {cond}"
    return outputs.get(f"{m[1]}.{m[2]}") == m[3]


def test_workflow_shape():
    doc = _workflow()
    assert doc[True if True in doc else "on"]["schedule"], "runs on a schedule"
    steps = _steps()
    docs = steps["docs"]
    assert docs["uses"] == "actions/checkout@v4"
    assert docs["with"]["repository"] == "${{ env.DOCS_REPOSITORY }}"
    assert "--bump" in steps["regenerate"]["run"]
    assert "--release-notes" in steps["regenerate"]["run"]
    assert "--body-file" in steps["pr"]["run"]
    assert doc["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_sync_steps_against_a_local_docs_repository(year_docs, tmp_path, release_cache):
    doc = _workflow()
    # the SDK repository: generated/ from the older docs, pushed to a bare origin
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    sdk = init_repo(tmp_path / "sdk")
    shutil.copytree(year_docs["first_out"], sdk / doc["env"]["OUT"])
    (sdk / ".gitignore").write_text(doc["env"]["DOCS"] + "/\n")
    commit_all(sdk, "SDK 0.1.0")
    git(sdk, "remote", "add", "origin", str(origin))
    git(sdk, "push", "-q", "origin", "main")
    # actions/checkout of the docs at the newest commit of DOCS_REF
    git(
        sdk,
        "clone",
        "-q",
        "--depth",
        "1",
        f"file://{year_docs['repo']}",
        doc["env"]["DOCS"],
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    gh_log = tmp_path / "gh.log"
    env = {
        **os.environ,
        **{k: str(v) for k, v in doc["env"].items()},
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GH_LOG": str(gh_log),
        "B24GEN_CACHE_DIR": str(release_cache),
    }

    def run_job() -> dict[str, str]:
        outputs: dict[str, str] = {}
        for step_id in ("regenerate", "pr"):
            step = _steps()[step_id]
            if not _if(step, outputs):
                continue
            out_file = tmp_path / f"{step_id}.out"
            out_file.write_text("")
            res = _run(step, sdk, {**env, "GITHUB_OUTPUT": str(out_file)}, outputs)
            assert res.returncode == 0, res.stdout + res.stderr
            outputs.update(_read_outputs(out_file, step_id))
        return outputs

    outputs = run_job()
    assert outputs["regenerate.released"] == "true"
    assert outputs["regenerate.version"] == "0.2.0"
    assert outputs["regenerate.breaking"] == "true"
    calls = gh_log.read_text().splitlines()
    assert calls[-1].startswith("gh pr create --head b24gen/upstream-docs --title SDK 0.2.0")
    assert "(breaking changes)" in calls[-1]
    notes = (runner_temp / "release-notes.md").read_text()
    assert Path(f"{gh_log}.body").read_text() == notes, "the body is the changelog section"
    assert notes.startswith("## [0.2.0] - 2025-11-30")
    changelog = (sdk / "generated" / "CHANGELOG.md").read_text()
    assert notes in changelog
    pushed = git(origin, "log", "-1", "--format=%s", "b24gen/upstream-docs")
    assert pushed == "SDK 0.2.0 from the upstream docs (breaking changes)"
    files = git(origin, "show", "--name-only", "--format=", "b24gen/upstream-docs").split()
    assert all(f.startswith("generated/") for f in files), "only the SDK is committed"

    # the pull request is merged; the next scheduled run finds nothing to do
    git(sdk, "checkout", "-q", "main")
    git(sdk, "merge", "-q", "--ff-only", "b24gen/upstream-docs")
    gh_log.write_text("")
    outputs = run_job()
    assert outputs["regenerate.released"] == "false"
    assert gh_log.read_text() == "", "no pull request when nothing changed"
    assert git(sdk, "status", "--porcelain") == ""
