"""check_tree's report and the content-hash caches, on hand-made trees."""

from __future__ import annotations

import os

from generator.drift.cache import Fingerprinter, RenderCache, iter_files
from generator.drift.check import check_tree, report_lines
from generator.render.files import write_tree

FILES = {
    "pkg/__init__.py": "x = 1\n",
    "pkg/api/crm.py": "".join(f"line{i} = {i}\n" for i in range(40)),
    "pkg/api/old.py": "old = True\n",
}


def test_check_names_stale_missing_orphaned_and_ignores_user_files(tmp_path):
    out = tmp_path / "out"
    write_tree(out, FILES)
    (out / "pkg/mine.py").write_text("user code\n")
    assert check_tree(out, FILES).in_sync, "a user's file is not drift"

    now = dict(FILES)
    del now["pkg/api/old.py"]
    now["pkg/api/crm.py"] = FILES["pkg/api/crm.py"].replace("line7 = 7", "line7 = 70")
    now["pkg/api/im.py"] = "im = 1\n"
    result = check_tree(out, now)
    assert not result.in_sync
    assert result.stale == ("pkg/api/crm.py",)
    assert result.missing == ("pkg/api/im.py",)
    assert result.orphaned == ("pkg/api/old.py",)
    text = "\n".join(report_lines(result, now, fix_hint="b24gen generate"))
    assert f"stale     {out / 'pkg/api/crm.py'}" in text
    assert "-line7 = 7" in text and "+line7 = 70" in text
    assert f"missing   {out / 'pkg/api/im.py'}" in text
    assert f"orphaned  {out / 'pkg/api/old.py'}" in text
    assert "mine.py" not in text
    assert text.endswith("Fix: b24gen generate")


def test_long_diffs_are_cut_short(tmp_path):
    out = tmp_path / "out"
    write_tree(out, FILES)
    now = {**FILES, "pkg/api/crm.py": "".join(f"other{i} = {i}\n" for i in range(40))}
    text = report_lines(check_tree(out, now), now, fix_hint="x")
    assert any("more diff line(s)" in line for line in text)
    assert len(text) < 25


def test_missing_manifest_is_drift(tmp_path):
    out = tmp_path / "out"
    write_tree(out, FILES)
    (out / ".b24gen-manifest.json").unlink()
    result = check_tree(out, FILES)
    assert result.manifest_stale and not result.in_sync
    assert ".b24gen-manifest.json" in "\n".join(report_lines(result, FILES, fix_hint="x"))


def test_fingerprint_rehashes_only_changed_files(tmp_path, monkeypatch):
    import time

    import generator.drift.cache as cache_mod

    # ctime cannot be set back, so "old enough to trust" is shortened, not faked
    monkeypatch.setattr(cache_mod, "_RACY_NS", 300_000_000)
    docs = tmp_path / "docs"
    for i in range(20):
        (docs / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (docs / f"d{i % 3}" / f"p{i}.md").write_text(f"# page {i}\n")
    (docs / ".git").mkdir()
    (docs / ".git" / "HEAD").write_text("ignored\n")
    old = 1_600_000_000_000_000_000  # stat signatures of old files are trusted
    for _, e in iter_files(docs):
        os.utime(e.path, ns=(old, old))
    time.sleep(0.35)
    cache = tmp_path / "cache"
    first = Fingerprinter(cache)
    h1 = first.folder(docs)
    assert first.rehashed == 20
    second = Fingerprinter(cache)
    assert second.folder(docs) == h1 and second.rehashed == 0
    (docs / "d1" / "p4.md").write_text("# page 4 edited\n")
    third = Fingerprinter(cache)
    h3 = third.folder(docs)
    assert h3 != h1 and third.rehashed == 1
    # a just-written file is re-read next time (same size and tick could hide an edit)
    fourth = Fingerprinter(cache)
    assert fourth.folder(docs) == h3 and fourth.rehashed == 1
    assert Fingerprinter(None).folder(docs) == h3, "the memo never changes the hash"


def test_fingerprint_does_not_depend_on_listing_order(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    for name in ("b.md", "a.md", "c/z.md", "c/a.md"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(name)
    h = Fingerprinter(None).folder(docs)
    real = os.scandir

    class Reversed:
        def __init__(self, path):
            self.it = real(path)

        def __enter__(self):
            return reversed(list(self.it))

        def __exit__(self, *exc):
            self.it.close()

    monkeypatch.setattr(os, "scandir", Reversed)
    assert Fingerprinter(None).folder(docs) == h


def test_render_cache_round_trip_and_pruning(tmp_path):
    cache = RenderCache(tmp_path)
    keys = [cache.key(f"docs{i}", "pkg") for i in range(6)]
    assert len(set(keys)) == 6 and cache.key("docs0", "other") != keys[0]
    for i, k in enumerate(keys):
        cache.put(k, {"a.py": f"{i}\n"})
        os.utime(tmp_path / "render" / f"{k}.json", ns=(i * 10**9, i * 10**9))
    cache.put(keys[5], {"a.py": "5\n"}, 3)
    assert cache.get(keys[5]).files == {"a.py": "5\n"} and cache.get(keys[5]).diagnostics == 3
    assert cache.get(keys[0]) is None, "old entries are pruned"
    assert len(list((tmp_path / "render").glob("*.json"))) == 4
    assert len(list((tmp_path / "render").glob("*.manifest"))) == 4
    assert cache.get_manifest(keys[5]) is not None and cache.get_manifest(keys[0]) is None
    (tmp_path / "render" / f"{keys[5]}.json").write_bytes(b"\xff damaged")
    assert cache.get(keys[5]) is None, "a damaged entry is a miss"


def test_cache_folder_ignores_itself_in_git(tmp_path):
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# a\n")
    Fingerprinter(tmp_path / ".b24gen-cache").folder(tmp_path / "docs")
    RenderCache(tmp_path / ".b24gen-cache").put("k", {"a.py": "a\n"})
    status = subprocess.run(
        ["git", "-C", str(tmp_path), "status", "--porcelain", "--untracked-files=all"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert status.split() == ["??", "docs/a.md"], status
