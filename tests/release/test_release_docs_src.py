"""Releases of docs_src/ in a throwaway docs repository: added method -> minor, description
edit -> patch, nothing -> unchanged; provenance; bad inputs."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.release.conftest import b24gen, commit_all, git, init_repo, record, version

ROOT = Path(__file__).resolve().parents[2]
DEALS = "api-reference/crm/deals"


@pytest.fixture()
def docs(tmp_path) -> Path:
    repo = init_repo(tmp_path / "docs-repo")
    shutil.copytree(ROOT / "docs_src", repo, dirs_exist_ok=True)
    git(repo, "remote", "add", "origin", "https://user:secret@example.com/b24/docs.git")
    commit_all(repo, "docs v1")
    return repo


def _generate(docs: Path, out: Path, *extra: str):
    res = b24gen("generate", "--docs", str(docs), "--out", str(out), "--no-progress", *extra)
    assert res.exit_code == 0, res.output
    return res


def _check(docs: Path, out: Path, *extra: str) -> int:
    return b24gen("check", "--docs", str(docs), "--out", str(out), *extra).exit_code


def _add_method(docs: Path) -> None:
    page = (docs / DEALS / "crm-deal-get.md").read_text(encoding="utf-8")
    page = page.replace("crm.deal.get", "crm.deal.peek").replace("Read one deal", "Peek")
    (docs / DEALS / "crm-deal-peek.md").write_text(page, encoding="utf-8")


def test_first_generate_is_the_first_release_with_provenance(docs, tmp_path, docs_src_model):
    out = tmp_path / "out"
    res = _generate(docs, out)
    assert "first release 0.1.0 recorded" in res.output
    head = git(docs, "rev-parse", "HEAD")
    rec = record(out)
    assert rec["version"] == "0.1.0" and version(out) == "0.1.0"
    prov = rec["provenance"]
    assert prov["revision"] == head and prov["date"] == "2025-08-01T12:00:00+00:00"
    assert prov["repository"] == "https://example.com/b24/docs.git", "no credentials kept"
    manifest = json.loads((out / ".b24gen-manifest.json").read_text())
    assert manifest["provenance"] == prov
    pyproject = (out / "pyproject.toml").read_text()
    assert f'docs-revision = "{head}"' in pyproject
    sys.path.insert(0, str(out))
    try:
        import b24client

        assert b24client.__docs_revision__ == head
        assert b24client.__version__ == "0.1.0"
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == "b24client" or m.startswith("b24client.")]:
            del sys.modules[name]
    changelog = (out / "CHANGELOG.md").read_text()
    methods = len(docs_src_model.methods)
    assert "## [0.1.0] - 2025-08-01" in changelog
    assert f"First release: {methods} method(s)" in changelog
    assert _check(docs, out) == 0
    # deterministic: a second output from the same inputs is byte-identical
    again = tmp_path / "again"
    _generate(docs, again)
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        assert path.read_bytes() == (again / path.relative_to(out)).read_bytes(), path


def test_added_method_is_minor_and_description_edit_is_patch(docs, tmp_path):
    out = tmp_path / "out"
    _generate(docs, out)
    _add_method(docs)
    second = commit_all(docs, "add crm.deal.peek", "2025-09-01T12:00:00+00:00")
    assert _check(docs, out) == 1, "the docs moved on"
    notes = tmp_path / "notes.md"
    res = _generate(docs, out, "--bump", "--release-notes", str(notes))
    assert "released 0.1.1 (minor; was 0.1.0)" in res.output, "0.x: minor moves the patch"
    assert version(out) == "0.1.1" and record(out)["provenance"]["revision"] == second
    text = notes.read_text()
    assert text.startswith("## [0.1.1] - 2025-09-01\n")
    assert "### Added (1)" in text and "[`crm.deal.peek`](https://" in text
    assert "Breaking" not in text
    assert _check(docs, out) == 0, "a released package is in sync"

    page = docs / DEALS / "crm-deal-get.md"
    text = page.read_text(encoding="utf-8")
    assert "Number of the deal;" in text
    page.write_text(text.replace("Number of the deal;", "Identifier of the deal;"), "utf-8")
    commit_all(docs, "reword crm.deal.list", "2025-10-01T12:00:00+00:00")
    res = _generate(docs, out, "--bump", "--release-notes", str(notes))
    assert "released 0.1.2 (patch; was 0.1.1)" in res.output
    assert "No API change: the generated code or its documentation changed." in notes.read_text()
    changelog = (out / "CHANGELOG.md").read_text()
    assert (
        changelog.index("## [0.1.2]")
        < changelog.index("## [0.1.1]")
        < changelog.index("## [0.1.0]")
    ), "newest first"

    res = _generate(docs, out, "--bump", "--release-notes", str(notes))
    assert "version 0.1.2 unchanged" in res.output and notes.read_text() == ""
    assert "0 created, 0 updated, 0 deleted" in res.output


def test_stable_versions_follow_semver(docs, tmp_path):
    out = tmp_path / "out"
    _generate(docs, out)
    res = _generate(docs, out, "--bump", "--set-version", "1.0.0")
    assert "released 1.0.0 (set; was 0.1.0)" in res.output
    _add_method(docs)
    commit_all(docs, "add", "2025-09-01T12:00:00+00:00")
    assert "released 1.1.0 (minor" in _generate(docs, out, "--bump").output
    (docs / DEALS / "crm-deal-delete.md").unlink()
    commit_all(docs, "remove", "2025-10-01T12:00:00+00:00")
    notes = tmp_path / "notes.md"
    res = _generate(docs, out, "--bump", "--release-notes", str(notes))
    assert "released 2.0.0 (major" in res.output
    text = notes.read_text()
    assert text.index("### ⚠ Breaking changes (1 in 1 item(s))") < text.index("### Removed (1)")
    assert "[`crm.deal.delete`](https://" in text


def test_docs_not_under_git(tmp_path):
    docs = tmp_path / "plain-docs"
    shutil.copytree(ROOT / "docs_src", docs)
    out = tmp_path / "out"
    _generate(docs, out)
    prov = record(out)["provenance"]
    assert prov["revision"] == "unknown" and prov["date"] == ""
    assert (
        "unknown revision (the docs folder is not a git checkout"
        in (out / "CHANGELOG.md").read_text()
    )
    assert _check(docs, out) == 0
    _generate(docs, out, "--docs-revision", "v2025.08")
    assert record(out)["provenance"]["revision"] == "v2025.08"
    assert _check(docs, out) == 1, "the recorded revision is an input"
    assert _check(docs, out, "--docs-revision", "v2025.08") == 0


def test_previous_output_without_a_recorded_model_is_a_first_release(docs, tmp_path):
    out = tmp_path / "out"
    _generate(docs, out)
    text = (out / "pyproject.toml").read_text()
    (out / "pyproject.toml").write_text(text.replace('version = "0.1.0"', 'version = "0.4.2"'))
    for name in (".b24gen-release.json", ".b24gen-release-model.jsonl"):
        (out / name).unlink()  # as an output of a b24gen that did not record releases
    res = _generate(docs, out, "--bump")
    assert "first release 0.4.2 recorded" in res.output, "the version it had is kept"
    assert record(out)["sections"][0]["kind"] == "first"


def test_hand_edited_version_is_a_one_line_error_with_an_override(docs, tmp_path):
    out = tmp_path / "out"
    _generate(docs, out)
    text = (out / "pyproject.toml").read_text()
    (out / "pyproject.toml").write_text(text.replace('version = "0.1.0"', 'version = "3.0.0"'))
    res = b24gen("generate", "--docs", str(docs), "--out", str(out), "--bump")
    assert res.exit_code == 2
    (line,) = [ln for ln in res.output.splitlines() if ln.strip()]
    assert f"{out / 'pyproject.toml'}:7: version 3.0.0 was edited by hand" in line
    assert "--set-version 3.0.0" in line
    assert "Traceback" not in res.output
    assert _check(docs, out) == 2
    res = _generate(docs, out, "--bump", "--set-version", "3.0.0")
    assert version(out) == "3.0.0" and _check(docs, out) == 0


def test_damaged_record_and_bad_version_are_usage_errors(docs, tmp_path):
    out = tmp_path / "out"
    _generate(docs, out)
    res = b24gen(
        "generate", "--docs", str(docs), "--out", str(out), "--bump", "--set-version", "1.x"
    )
    assert res.exit_code == 2 and "is not a version of the form MAJOR.MINOR.PATCH" in res.output
    (out / ".b24gen-release.json").write_text("{not json")
    res = b24gen("generate", "--docs", str(docs), "--out", str(out))
    assert res.exit_code == 2 and "not a b24gen release record" in res.output
    assert "Traceback" not in res.output
