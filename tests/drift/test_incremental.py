"""generate through the caches gives exactly what an uncached render gives, doing less."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.drift.incremental import generate_incremental, render_files
from generator.render.files import read_manifest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "api-reference/crm/deals/crm-deal-get.md"


def _tree(out: Path) -> dict[str, str]:
    return {p: (out / p).read_text(encoding="utf-8") for p in read_manifest(out)}


def test_cached_generate_matches_uncached_and_skips_work(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs_src", docs)
    cache, out = tmp_path / "cache", tmp_path / "out"

    first, r1 = generate_incremental(docs, out, package_name="b24client", cache_dir=cache)
    assert not r1.cache_hit and first.created and not first.updated
    uncached = render_files(docs, package_name="b24client", cache_dir=None)
    assert not uncached.cache_hit and _tree(out) == uncached.files

    again, r2 = generate_incremental(docs, out, package_name="b24client", cache_dir=cache)
    assert r2.cache_hit and "read" not in r2.timings and "render" not in r2.timings
    assert not again.changed

    page = docs / PAGE
    page.write_text(page.read_text().replace("Number of the deal", "Deal number"))
    edited, r3 = generate_incremental(docs, out, package_name="b24client", cache_dir=cache)
    assert not r3.cache_hit
    # a description lives in the stub's docstring, not in the .py
    assert "b24client/api/crm/deal.pyi" in edited.updated and not edited.created
    assert len(edited.updated) < len(edited.unchanged), "only the affected files are written"
    assert _tree(out) == render_files(docs, package_name="b24client", cache_dir=None).files

    # the per-page reader cache was used and filled
    assert any((cache / "pages").iterdir())
    renamed, r4 = generate_incremental(docs, out, package_name="other", cache_dir=cache)
    assert not r4.cache_hit and renamed.deleted, "the package name is part of the key"
    assert (out / "other" / "client.py").is_file() and not (out / "b24client").exists()


def test_check_fast_path_agrees_with_the_full_comparison(tmp_path, capsys):
    from generator.drift.cache import RenderCache
    from generator.drift.check import matches_manifest
    from generator.drift.commands import run_check
    from generator.drift.incremental import render_key

    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs_src", docs)
    cache, out = tmp_path / "cache", tmp_path / "out"
    from generator.release.run import check_state, generate_release

    generate_release(docs, out, package_name="b24client", cache_dir=cache)
    # the release layer (version, provenance, changelog) is part of the render's key
    salt = check_state(docs, out, package_name="b24client", cache_dir=cache).state.salt()
    key = render_key(docs, package_name="b24client", cache_dir=cache, salt=salt)
    manifest = RenderCache(cache).get_manifest(key)
    assert manifest is not None
    assert matches_manifest(out, manifest) == len(read_manifest(out))
    assert run_check(docs, out, package_name="b24client", cache_dir=cache) == 0

    target = out / "b24client" / "errors.py"
    target.write_text(target.read_text() + "# hand edit\n")
    assert matches_manifest(out, manifest) is None
    capsys.readouterr()
    assert run_check(docs, out, package_name="b24client", cache_dir=cache) == 1
    assert f"stale     {target}" in capsys.readouterr().out
    assert run_check(docs, out, package_name="b24client", cache_dir=None) == 1
