"""Call variants (``Method.variants``) become ``typing.overload``s of the generated method.

Rendered from the real vote.AttachedVote.get page: three ways to call it, each accepted by
mypy --strict, and a call that mixes or halves them rejected.
"""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from generator.model import ApiModel
from generator.render import render_package
from tests.render.helpers import imported, run_mypy, write_files

USAGE = """\
from b24vote import Client

c = Client.from_webhook("https://example.bitrix24.com/rest/1/abc/")
c.vote.AttachedVote.get(attachId=1)
c.vote.AttachedVote.get(moduleId="Im", entityType="x", entityId=2)
c.vote.AttachedVote.get(signedAttachId="s")
c.vote.AttachedVote.get(moduleId="Im")  # E: call-overload
c.vote.AttachedVote.get(attachId=1, signedAttachId="s")  # E: call-overload
"""


@pytest.fixture(scope="module")
def vote_tree(ru_model, tmp_path_factory) -> Path:
    m = ru_model.method("vote.AttachedVote.get")
    assert len(m.variants) == 3
    files = render_package(ApiModel(methods=(m,)), package_name="b24vote")
    return write_files(tmp_path_factory.mktemp("vote"), files)


def test_variants_are_overloads_at_runtime(vote_tree: Path) -> None:
    with imported(vote_tree, "b24vote") as pkg:
        client = pkg.Client.from_webhook("https://example.bitrix24.com/rest/1/abc/")
        get = type(client.vote.AttachedVote).get
        overloads = typing.get_overloads(get)
        assert len(overloads) == 3
        kw = [set(typing.get_type_hints(o)) - {"return"} for o in overloads]
        assert kw[0] == {"attachId"} and kw[2] == {"signedAttachId"}
        assert {"moduleId", "entityType", "entityId"} <= kw[1]
    package = vote_tree / "b24vote" / "api" / "vote"
    text = "".join(p.read_text() for p in sorted(package.glob("*.py")))
    assert text.count("@_typing.overload") == 6  # sync and async, three each


@pytest.mark.slow
def test_mypy_accepts_each_way_and_rejects_the_others(vote_tree: Path, tmp_path: Path) -> None:
    (tmp_path / "usage.py").write_text(USAGE)
    proc = run_mypy(tmp_path, "usage.py", mypypath=str(vote_tree))
    errors = {
        int(line.split(":")[1]): line
        for line in proc.stdout.splitlines()
        if line.startswith("usage.py:") and ": error:" in line
    }
    assert sorted(errors) == [7, 8], proc.stdout + proc.stderr
    assert all("[call-overload]" in e for e in errors.values()), proc.stdout
