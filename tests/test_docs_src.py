"""docs_src/ is the embedded sample documentation: real YFM layout, our own words.

These tests keep it that way: every page names a method or event in its H1, the markup is
balanced, and no prose line was lifted from the real page at the same path in ../shared.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CORPORA, DOCS_SRC, need_shared

API = DOCS_SRC / "api-reference"
# Reference pages that describe no method: type vocabulary, scope list, REST 3.0 primer.
NOT_METHOD_PAGES = {"data-types.md", "scopes/permissions.md", "rest-v3.md"}

H1_NAME = re.compile(r"^# .+ (?:[A-Za-z][\w]*(?:\.[\w]+)+|on[A-Z]\w+)$")
SKELETON_PREFIXES = ("{%", "#|", "|#", "> Scope:", "```", "curl ", "-H ")
MIN_PROSE = 40

SEED_PARAMS = {
    "crm.activity.badge.add": {"code": True, "title": True, "value": True, "type": True},
    "crm.activity.badge.get": {"code": True},
    "crm.lead.add": {"fields": False, "params": False},
    "crm.activity.binding.add": {"activityId": True, "entityTypeId": True, "entityId": True},
    "crm.lead.contact.add": {"id": True, "fields": True},
}


def method_pages() -> list[Path]:
    return sorted(
        p for p in API.rglob("*.md") if p.relative_to(API).as_posix() not in NOT_METHOD_PAGES
    )


def all_files() -> list[Path]:
    return sorted(DOCS_SRC.rglob("*.md"))


def test_there_are_enough_pages():
    pages = method_pages()
    assert len(pages) >= 40, f"only {len(pages)} method/event pages in docs_src"


@pytest.mark.parametrize("page", method_pages(), ids=lambda p: p.relative_to(API).as_posix())
def test_page_names_a_method_or_event_in_its_h1(page: Path):
    first = page.read_text(encoding="utf-8").splitlines()[0]
    assert H1_NAME.match(first), f"{page}:1: H1 does not end with a method or event name: {first!r}"


@pytest.mark.parametrize("page", all_files(), ids=lambda p: p.relative_to(DOCS_SRC).as_posix())
def test_markup_is_balanced(page: Path):
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines()
    fences = sum(1 for ln in lines if ln.strip().startswith("```"))
    assert fences % 2 == 0, f"{page}: unbalanced ``` fences"
    # Tables and directives outside code blocks must open and close in pairs.
    outside, in_code = [], False
    for ln in lines:
        if ln.strip().startswith("```"):
            in_code = not in_code
            continue
        if not in_code:
            outside.append(ln.strip())
    assert sum(ln == "#|" for ln in outside) == sum(ln == "|#" for ln in outside), page
    body = "\n".join(outside)
    assert body.count("{% list tabs %}") == body.count("{% endlist %}"), page
    assert len(re.findall(r"\{% note\b", body)) == body.count("{% endnote %}"), page
    for target in re.findall(r"\{% include (?:notitle )?\[[^\]]*\]\(([^)]+)\) %\}", body):
        if not target.startswith("/"):
            assert (page.parent / target).resolve().is_file(), f"{page}: include {target} missing"


@pytest.mark.parametrize("page", method_pages(), ids=lambda p: p.relative_to(API).as_posix())
def test_relative_links_resolve(page: Path):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):
        assert (page.parent / target).resolve().is_file(), f"{page}: link to {target} is broken"


TYPE_LINK = re.compile(r"\[`[^`]+`(\\\|`[^`]+`)*\]\([^)]*\)(\\\|)?")
# A JSON member inside an example ("error_description": "Not found") states data the API
# defines (codes, messages, URLs), so it may legitimately coincide with the real page.
JSON_MEMBER = re.compile(r'^"[^"]+":\s*("[^"]*"|[-\d.]+|true|false|null|\{|\[)?,?$')


def _is_prose(line: str, in_code: bool) -> bool:
    if in_code:
        return len(line) > MIN_PROSE and not JSON_MEMBER.match(line)
    if line.startswith(SKELETON_PREFIXES):
        return False
    # Only the words count: type links, pipes and cells that are pure code spans or bold
    # names (error codes, statuses, header rows) are facts or format, not wording.
    words = TYPE_LINK.sub("", line)
    cells = [c.strip() for c in words.replace("\\|", "").split("|")]
    prose = [c for c in cells if c and not re.fullmatch(r"(`[^`]*`|\*\*[^*]+\*\*\**)", c)]
    return len(" ".join(prose)) > MIN_PROSE


def _real_lines(path: Path) -> set[str]:
    return {ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_line_is_copied_from_the_real_page(lang: str):
    corpus = need_shared(CORPORA / lang)
    copied, compared = [], 0
    for page in all_files():
        rel = page.relative_to(DOCS_SRC)
        real = corpus / rel
        if not real.is_file():
            continue
        compared += 1
        theirs = _real_lines(real)
        assert page.read_bytes() != real.read_bytes(), f"{rel} is a byte copy of {real}"
        in_code = False
        for no, ln in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            s = ln.strip()
            if s.startswith("```"):
                in_code = not in_code
                continue
            if _is_prose(s, in_code) and s in theirs:
                copied.append(f"{rel}:{no}: {s[:100]}")
    # Most of docs_src mirrors real paths; if none matched, the path mapping broke.
    assert compared >= 30, f"only {compared} docs_src files have a counterpart in {lang}"
    assert not copied, "lines copied verbatim from the real docs:\n" + "\n".join(copied)
