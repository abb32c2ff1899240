"""A release over the real year: a docs repository with two commits (ru-2025-08, then ru on
top), generated at the first and released at the second.

The corpora are copied into a throwaway git repository (never into the project); each is
read once by ``generate``; the diff to compare with comes from the session's models.
"""

from __future__ import annotations

import json
import shutil

import pytest

from generator.drift.diff import diff_models
from generator.drift.report import render_diff
from tests.release.conftest import b24gen, git, record, version

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


@pytest.fixture(scope="module")
def year(year_docs, tmp_path_factory, release_cache):
    out = tmp_path_factory.mktemp("release") / "sdk"
    shutil.copytree(year_docs["first_out"], out)
    notes = out.parent / "notes.md"
    with pytest.MonkeyPatch.context() as mp:  # module scope: before the autouse fixture
        mp.setenv("B24GEN_CACHE_DIR", str(release_cache))
        release = b24gen(
            "generate", "--docs", str(year_docs["repo"]), "--out", str(out), "--bump",
            "--no-progress", "--release-notes", str(notes),
        )  # fmt: skip
    return {**year_docs, "out": out, "release": release, "notes": notes.read_text("utf-8")}


def test_a_year_of_docs_is_a_major_release(year):
    res, out = year["release"], year["out"]
    assert res.exit_code == 0, res.output
    # breaking changes move the major version; under 0.x that is the minor place
    assert "released 0.2.0 (major; was 0.1.0)" in res.output
    assert version(out) == "0.2.0"
    rec = record(out)
    assert rec["provenance"]["revision"] == year["second"]
    assert rec["provenance"]["date"] == "2025-11-30T12:00:00+00:00"
    assert [s["version"] for s in rec["sections"]] == ["0.2.0", "0.1.0"]
    assert year["first"][:12] in rec["sections"][1]["docs"]
    assert year["second"][:12] in rec["sections"][0]["docs"]


def test_the_changelog_counts_are_the_diffs(year, old_ru_model, ru_model):
    # what `b24gen diff ru-2025-08 ru --format json` prints, from the session's models of
    # the same two corpora (the repository's commits hold exactly their files)
    doc = json.loads(render_diff(diff_models(old_ru_model, ru_model), "json"))
    ev = doc["events"]
    expected = (
        f"{doc['breaking']} breaking change(s); {len(doc['added'])} method(s) added, "
        f"{len(doc['deprecated'])} deprecated, {len(doc['removed'])} removed, "
        f"{len(doc['changed'])} changed; events: {len(ev['added'])} added, "
        f"{len(ev['removed'])} removed, {len(ev['changed'])} changed."
    )
    notes = year["notes"]
    assert expected in notes
    assert doc["breaking"] > 100 and len(doc["added"]) > 150
    hard = doc["breaking"]
    assert f"### ⚠ Breaking changes ({hard} in " in notes
    order = [
        notes.index(t) for t in ("### ⚠ Breaking", "### Added", "### Deprecated", "### Removed")
    ]
    assert order == sorted(order), "breaking first, then added, deprecated, removed"
    assert "- **`crm`**" in notes, "grouped by namespace"
    assert "](https://apidocs.bitrix24.ru/api-reference/" in notes, "links to the docs pages"
    assert ": use `" in notes, "deprecations name their replacement"
    assert len(notes) < 65_536, "fits a pull request body"
    assert "<details>" in notes, "the long lists are folded"


def test_releasing_again_changes_nothing_and_check_is_in_sync(year):
    repo, out = year["repo"], year["out"]
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    res = b24gen("generate", "--docs", str(repo), "--out", str(out), "--bump", "--no-progress")
    assert res.exit_code == 0, res.output
    assert "version 0.2.0 unchanged" in res.output
    assert "0 created, 0 updated, 0 deleted" in res.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert b24gen("check", "--docs", str(repo), "--out", str(out)).exit_code == 0
    assert git(repo, "status", "--porcelain") == "", "the docs checkout is not touched"
