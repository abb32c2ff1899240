"""render_package with a memo (per-namespace renders, memoised formatting) gives exactly the
text of a render without one, and after a one-page edit re-renders only that namespace."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from generator.drift.cache import PartCache
from generator.reader import read_docs
from generator.render import render_package

ROOT = Path(__file__).resolve().parents[2]
PAGE = "api-reference/crm/deals/crm-deal-get.md"


class Recording(PartCache):
    """The real on-disk memo, remembering what each run stored."""

    def __init__(self, cache_dir: Path) -> None:
        super().__init__(cache_dir)
        self.puts: list[dict] = []

    def put(self, key: str, value: dict) -> None:
        self.puts.append(value)
        super().put(key, value)

    def modules_stored(self) -> list[str]:
        return sorted(v["summary"]["name"] for v in self.puts if "summary" in v)


def test_memoised_render_after_an_edit_equals_a_cold_render(tmp_path, docs_src_model):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs_src", docs)
    cache = tmp_path / "cache"
    cold = render_package(docs_src_model, package_name="b24client")

    first = Recording(cache)
    assert render_package(docs_src_model, package_name="b24client", memo=first) == cold
    assert "crm" in first.modules_stored() and len(first.modules_stored()) > 1

    again = Recording(cache)
    assert render_package(docs_src_model, package_name="b24client", memo=again) == cold
    assert again.puts == [], "nothing changed: every piece comes from the memo"

    page = docs / PAGE
    text = page.read_text(encoding="utf-8")
    assert "Number of the deal" in text
    page.write_text(text.replace("Number of the deal", "Deal number"), encoding="utf-8")
    edited_model = read_docs(docs, progress=False)
    edited = Recording(cache)
    memoised = render_package(edited_model, package_name="b24client", memo=edited)
    uncached = render_package(edited_model, package_name="b24client")
    assert memoised == uncached
    assert memoised != cold
    assert edited.modules_stored() == ["crm"], "only the edited page's namespace re-renders"
    changed = sorted(p for p in cold if cold[p] != memoised[p])
    assert changed and all("crm" in p for p in changed), changed


def test_damaged_or_foreign_memo_entries_are_rendered_again(tmp_path, docs_src_model):
    cache = tmp_path / "cache"
    cold = render_package(docs_src_model, package_name="b24client")
    render_package(docs_src_model, package_name="b24client", memo=PartCache(cache))
    parts = sorted((cache / "parts").glob("*.json"))
    assert parts
    for i, part in enumerate(parts):
        # truncated JSON, a JSON list, and entries of the wrong shape
        damage = ['{"files": {', "[1, 2]", json.dumps({"summary": {}, "files": 3})]
        part.write_text(damage[i % 3], encoding="utf-8")
    memo = Recording(cache)
    assert render_package(docs_src_model, package_name="b24client", memo=memo) == cold
    assert len(memo.puts) == len(parts), "every damaged entry is replaced"

    # another generator version (salt) shares nothing with this one
    other = Recording(cache)
    other.salt = "another generator"
    assert render_package(docs_src_model, package_name="b24client", memo=other) == cold
    assert len(other.puts) == len(parts)

    # the package name is part of every module's key
    renamed = Recording(cache)
    files = render_package(docs_src_model, package_name="other", memo=renamed)
    assert files == render_package(docs_src_model, package_name="other")
    assert renamed.modules_stored() and all(
        p.startswith(("other/", "docs/", "README", "pyp")) for p in files
    )


def test_prune_keeps_this_runs_entries(tmp_path, docs_src_model):
    cache = tmp_path / "cache"
    memo = PartCache(cache)
    render_package(docs_src_model, package_name="b24client", memo=memo)
    used = set(memo.used)
    stale = cache / "parts"
    for i in range(5 * len(used)):
        (stale / f"stale{i:04}.json").write_text("{}", encoding="utf-8")
    memo.prune(keep_factor=1)
    left = {p.name[:-5] for p in stale.glob("*.json")}
    assert used <= left
    assert len(left - used) == len(used), "older entries beyond the bound are deleted"
