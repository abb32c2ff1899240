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
    "crm.lead.add": {"fields": True, "params": False},
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
def test_links_and_anchors_resolve(page: Path):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):
        assert (page.parent / target).resolve().is_file(), f"{page}: link to {target} is broken"
    # "[below](#fields)" must land on a "{#fields}" heading of the same page.
    anchors = set(re.findall(r"\{#([\w-]+)\}", text))
    for anchor in re.findall(r"\]\(#([\w-]+)\)", text):
        assert anchor in anchors, f"{page}: in-page link #{anchor} has no {{#{anchor}}} target"


@pytest.mark.parametrize("page", method_pages(), ids=lambda p: p.relative_to(API).as_posix())
def test_tables_are_closed_and_rectangular(page: Path):
    """Read with the project's own YFM block parser: every table closes and rows match."""
    from generator.yfm.parser import Table, parse_blocks

    tables = [b for b in parse_blocks(page.read_text(encoding="utf-8")) if isinstance(b, Table)]
    assert tables, f"{page}: no #| |# table found"
    for t in tables:
        assert t.closed, f"{page}:{t.line}: table is not closed"
        widths = {len(row) for row in t.rows}
        assert len(widths) == 1, f"{page}:{t.line}: rows have different cell counts {widths}"


TYPE_LINK = re.compile(r"\[`[^`]+`(\\\|`[^`]+`)*\]\([^)]*\)(\\\|)?")
# A JSON member inside an example ("error_description": "Not found") states data the API
# defines (codes, messages, URLs), so it may legitimately coincide with the real page.
JSON_MEMBER = re.compile(r'^"[^"]+":\s*("[^"]*"|[-\d.]+|true|false|null|\{|\[)?,?$')


def test_every_type_used_is_defined_in_data_types():
    defs = (API / "data-types.md").read_text(encoding="utf-8")
    defined = set(re.findall(r"^\|\| `([\w.]+)` \|", defs, re.MULTILINE))
    defined |= set(
        re.findall(r"^## (\w+) \{#", defs, re.MULTILINE)
    )  # object types with their own section
    used: dict[str, str] = {}
    for page in method_pages():
        for link in re.findall(
            r"\[((?:`[^`]+`(?:\\\|)?)+)\]\([^)]*data-types\.md", page.read_text()
        ):
            for t in re.findall(r"`([^`]+)`", link):
                for part in t.split("|"):
                    used.setdefault(part.strip().removesuffix("[]"), page.name)
    assert len(used) >= 15, sorted(used)
    missing = {t: where for t, where in used.items() if t not in defined}
    assert not missing, f"types used but not defined in data-types.md: {missing}"


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


# -- read through the real reader ------------------------------------------------------


def _params(params) -> dict:
    return {p.name: p for p in params}


def test_every_page_yields_a_method_or_event(docs_src_model):
    read = {m.source for m in docs_src_model.methods} | {e.source for e in docs_src_model.events}
    pages = {p.relative_to(DOCS_SRC).as_posix() for p in method_pages()}
    assert pages - read == set(), "pages the reader got no method or event from"
    assert not docs_src_model.diagnostics, "\n".join(map(str, docs_src_model.diagnostics))


@pytest.mark.parametrize("name", sorted(SEED_PARAMS))
def test_seed_methods_have_the_documented_parameters(docs_src_model, name):
    method = docs_src_model.method(name)
    got = {p.name: p.required for p in method.params}
    assert got == SEED_PARAMS[name]


def test_seed_details(docs_src_model):
    badge = _params(docs_src_model.method("crm.activity.badge.add").params)
    assert badge["title"].type == badge["value"].type == "string|array"
    codes = {e.code for e in docs_src_model.method("crm.activity.badge.add").errors}
    assert {"ACCESS_DENIED", "REQUIRED_ARG_MISSING"} <= codes

    lead = docs_src_model.method("crm.lead.add")
    assert lead.deprecated and lead.replacement == "crm.item.add"
    lead_fields = _params(lead.params)["fields"]
    fields = _params(lead_fields.children)
    assert {"TITLE", "PHONE", "EMAIL", "WEB", "STATUS_ID", "OPENED"} <= set(fields)
    # a placeholder row is a key pattern of the object, never a member named after it
    assert "UF_..." not in fields and "UF_..." in {p.name for p in lead_fields.patterns}
    assert fields["OPPORTUNITY"].type == "double"
    assert {"NEW", "IN_PROCESS", "PROCESSED", "JUNK", "CONVERTED"} <= set(
        fields["STATUS_ID"].values
    )
    options = _params(_params(lead.params)["params"].children)
    assert set(options) == {"REGISTER_SONET_EVENT"}

    link = _params(docs_src_model.method("crm.lead.contact.add").params)
    children = {p.name: p.required for p in link["fields"].children}
    assert children == {"CONTACT_ID": True, "SORT": False, "IS_PRIMARY": False}


def test_hard_constructs_survive_reading(docs_src_model):
    assert "from" in _params(docs_src_model.method("calendar.event.get").params)

    v3 = [m for m in docs_src_model.methods if m.name == "tasks.task.add"]
    assert [m.api_version for m in v3] == [3]
    task_fields = _params(_params(v3[0].params)["fields"].children)
    assert task_fields["accomplices"].type == "integer[]"
    assert task_fields["title"].required

    contact = _params(docs_src_model.method("crm.contact.add").params)
    phone = _params(_params(contact["fields"].children)["PHONE"].children)
    assert phone["VALUE"].required and "VALUE_TYPE" in phone

    assert _params(docs_src_model.method("crm.deal.update").params)["id"].required
    badge = _params(docs_src_model.method("crm.activity.badge.add").params)
    assert badge["title"].type == "string|array", "union split over two lines was not joined"

    (event,) = [e for e in docs_src_model.events if e.name.lower() == "oncrmleadadd"]
    names = {p.name for p in event.params}
    assert {"event", "event_handler_id", "ts", "auth"} <= names
    assert "data.FIELDS" in names or "FIELDS" in {
        c.name for p in event.params if p.name == "data" for c in p.children
    }
