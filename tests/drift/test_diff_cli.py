"""``b24gen diff`` end to end: docs folders and FOLDER@GITREV of a real git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEAL = "api-reference/crm/deals"
NEW_ROW = "|| **select***\n[`array`](../../data-types.md) | Fields to return ||\n|#"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """docs_src committed, then a commit that removes crm.deal.delete and adds a required
    parameter to crm.deal.get; the working tree is then edited once more, uncommitted."""
    repo = tmp_path_factory.mktemp("docsrepo")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    shutil.copytree(ROOT / "docs_src", repo / "docs")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "v1")
    (repo / "docs" / DEAL / "crm-deal-delete.md").unlink()
    page = repo / "docs" / DEAL / "crm-deal-get.md"
    text = page.read_text(encoding="utf-8")
    assert text.count("\n|#") >= 1
    # the page's own request example sends the new parameter too: where an example leaves a
    # "required" parameter out, the SDK takes the example's word (generator.vocabulary)
    text = text.replace("""'{"id":134}'""", """'{"id":134,"select":["ID"]}'""")
    page.write_text(text.replace("\n|#", "\n" + NEW_ROW, 1), encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "v2")
    return repo


def _run(*args: str):
    return CliRunner().invoke(main, ["diff", *args], catch_exceptions=False)


def test_git_revisions_json(repo):
    docs = repo / "docs"
    before = _git(repo, "status", "--porcelain")
    res = _run(f"{docs}@HEAD~1", f"{docs}@HEAD", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["removed"] == ["crm.deal.delete"]
    assert doc["added"] == []
    entry = next(e for e in doc["changed"] if e["method"] == "crm.deal.get")
    contract = ("kind", "param", "old", "new", "breaking")  # later fields are additions
    assert {
        "kind": "param_added",
        "param": "select",
        "old": None,
        "new": "array",
        "breaking": True,
    } in [{k: c[k] for k in contract} for c in entry["changes"]]
    assert entry["namespace"] == "crm"
    assert _git(repo, "status", "--porcelain") == before, "the working tree is not touched"
    cache = Path(os.environ["B24GEN_CACHE_DIR"])
    assert list((cache / "diff" / "pages").iterdir()), "pages are cached for the next run"
    again = _run(f"{docs}@HEAD~1", f"{docs}@HEAD", "--format", "json", "--no-cache")
    assert json.loads(again.output) == doc, "cached and uncached reads agree"


def test_fail_on_breaking_is_a_ci_gate(repo):
    docs = repo / "docs"
    res = _run(f"{docs}@HEAD~1", f"{docs}@HEAD", "--fail-on", "breaking")
    assert res.exit_code == 1
    assert "  - crm.deal.delete" in res.output
    assert "parameter added: select (array)  [breaking]" in res.output
    # the working tree equals HEAD: nothing to report, gate passes
    same = _run(f"{docs}@HEAD", str(docs), "--fail-on", "breaking", "--format", "markdown")
    assert same.exit_code == 0
    assert "No API changes." in same.output


def test_revision_of_a_subfolder_from_inside_the_repo(repo):
    # FOLDER is the docs folder itself, the repository root is found by git
    res = _run(
        f"{repo / 'docs' / 'api-reference'}@HEAD~1",
        f"{repo / 'docs' / 'api-reference'}@HEAD",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["removed"] == ["crm.deal.delete"]


@pytest.mark.parametrize(
    "old",
    ["{repo}/docs@no-such-rev", "{repo}/nowhere", "{repo}/nowhere@HEAD", "{tmp}@HEAD"],
)
def test_unreadable_sources_exit_2(repo, tmp_path, old):
    res = _run(old.format(repo=repo, tmp=tmp_path), str(repo / "docs"))
    assert res.exit_code == 2
    assert "error:" in res.output


def test_real_cli_process(repo):
    docs = repo / "docs"
    proc = subprocess.run(
        [
            "b24gen",
            "diff",
            f"{docs}@HEAD~1",
            f"{docs}@HEAD",
            "--fail-on",
            "breaking",
            "--format",
            "markdown",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "### Breaking changes\n\n#### `crm` (2 item(s), 2 change(s))" in proc.stdout
    assert "- `crm.deal.delete`: removed\n" in proc.stdout
    assert "breaking change(s)" in proc.stderr


def test_revision_spelling_with_at_signs(repo, tmp_path):
    from generator.drift.sources import split_spec

    docs = repo / "docs"
    assert split_spec(f"{docs}@HEAD@{{1}}") == (docs, "HEAD@{1}")
    odd = tmp_path / "my@docs"
    odd.mkdir()
    assert split_spec(str(odd)) == (odd, None), "an existing path is a path"
    assert split_spec(f"{odd}@main") == (odd, "main")
    res = _run(f"{docs}@HEAD@{{0}}", f"{docs}@HEAD", "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["removed"] == []
