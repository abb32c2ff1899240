"""The reader's per-page cache: a warm run equals a cold one; one edited page is re-read alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.reader import PageCache, discover, read_docs
from tests.conftest import DOCS_SRC


def test_cache_reuses_unchanged_pages(tmp_path: Path):
    docs = tmp_path / "docs"
    shutil.copytree(DOCS_SRC, docs)
    cache = tmp_path / "cache"
    cold = read_docs(docs, cache_dir=cache)
    assert read_docs(docs, cache_dir=cache) == cold
    pages = discover(docs)
    assert PageCache(cache, docs, pages).missing() == []

    page = docs / "api-reference/crm/activity/badge/crm-activity-badge-get.md"
    if not page.exists():
        page = next(docs.rglob("crm-activity-badge-get.md"))
    page.write_text(
        page.read_text(encoding="utf-8").replace("**code***", "**code**"), encoding="utf-8"
    )
    rel = page.relative_to(docs).as_posix()
    assert PageCache(cache, docs, pages).missing() == [rel]
    warm = read_docs(docs, cache_dir=cache)
    assert warm == read_docs(docs)  # same as an uncached read of the edited docs
    m = warm.method("crm.activity.badge.get")
    assert [p.required for p in m.params if p.name == "code"] == [False]


def test_fragment_change_invalidates_the_pages_that_include_it(tmp_path: Path):
    docs = tmp_path / "docs"
    shutil.copytree(DOCS_SRC, docs)
    cache = tmp_path / "cache"
    read_docs(docs, cache_dir=cache)
    frag = docs / "_includes" / "auth-params-in-events.md"
    frag.write_text(frag.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    pages = discover(docs)
    including = [p for p in pages if "auth-params-in-events.md" in (docs / p).read_text("utf-8")]
    assert including and PageCache(cache, docs, pages).missing() == including
