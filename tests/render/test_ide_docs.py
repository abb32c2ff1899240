"""What an editor shows on hover in the package generated from ``ru``: short method
docstrings (every documented error, lists as lists, no repeated system-errors line) and a
docstring on each documented TypedDict key. Reads the session's ``corpus_tree`` with ``ast``
(``.py`` and ``.pyi`` alike, wherever a method's docstring lives)."""

from __future__ import annotations

import ast
import keyword
import re
import statistics
from pathlib import Path
from typing import Any

import pytest

from generator.render import text as tx
from generator.render.naming import camel

pytestmark = [pytest.mark.corpus]

PACKAGE = "b24_ru"
_HEAD = re.compile(r"^(\S+?)( \(REST 3\.0\))?: ")
# two items of a list run together on one line: "- Y — да - N — нет"
_FLATTENED = re.compile(r"(?:^|\s)- \S+ — .*\s- \S+ — ")


def _sources(corpus_tree: Path, folder: str) -> list[tuple[str, ast.Module]]:
    root = corpus_tree / PACKAGE / PACKAGE / folder
    # stubs first: a .pyi holds the whole docstring, its .py only the first line
    paths = sorted([*root.rglob("*.pyi"), *root.rglob("*.py")], key=lambda p: p.suffix != ".pyi")
    return [(p.name, ast.parse(p.read_text(encoding="utf-8"))) for p in paths]


@pytest.fixture(scope="module")
def method_docs(corpus_tree: Path) -> dict[tuple[str, int], str]:
    """(wire name, api version) -> the docstring of its typed method."""
    found: dict[tuple[str, int], str] = {}
    trees = _sources(corpus_tree, "api") + [
        ("client.pyi", ast.parse((corpus_tree / PACKAGE / PACKAGE / "client.pyi").read_text()))
    ]
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                doc = ast.get_docstring(node) or ""
                m = _HEAD.match(doc)
                if m:
                    found.setdefault((m.group(1), 3 if m.group(2) else 2), doc)
    assert len(found) > 1000
    return found


@pytest.fixture(scope="module")
def typed_dicts(corpus_tree: Path) -> dict[str, dict[str, str | None]]:
    """TypedDict name -> key -> its docstring (None: none), class and call forms alike."""
    found: dict[str, dict[str, str | None]] = {}
    for _, tree in _sources(corpus_tree, "types"):
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                call = node.value
                if getattr(call.func, "id", "") == "TypedDict" and isinstance(
                    call.args[1], ast.Dict
                ):
                    keys = {ast.literal_eval(k): None for k in call.args[1].keys if k is not None}
                    found[node.targets[0].id] = keys  # type: ignore[attr-defined]
            elif isinstance(node, ast.ClassDef):
                base = ast.unparse(node.bases[0]) if node.bases else ""
                keys = dict(found.pop(base, {})) if base.startswith("_") else {}
                body = node.body
                for i, stmt in enumerate(body):
                    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                        nxt = body[i + 1] if i + 1 < len(body) else None
                        doc = None
                        if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant):
                            doc = str(nxt.value.value)
                        keys[stmt.target.id] = doc
                found[node.name] = keys
    return found


def test_crm_deal_get_lists_every_documented_error(
    method_docs: dict[tuple[str, int], str], ru_model: Any
) -> None:
    method = next(m for m in ru_model.methods if m.name == "crm.deal.get")
    assert len(method.errors) >= 3  # three errors share the empty code on this page
    doc = " ".join(method_docs[("crm.deal.get", 2)].split())
    raises = doc[doc.index("Raises:") :]
    for e in method.errors:
        message = tx.clean(e.description).split(" — ")[0]
        assert message and message in raises, (message, raises)
    # an empty-code message has a class of its own: "Not found" -> NotFoundError
    assert "NotFoundError: Not found" in raises


def test_every_documented_error_is_in_the_raises_section(
    method_docs: dict[tuple[str, int], str], ru_model: Any
) -> None:
    missing = []
    for m in ru_model.methods:
        doc = method_docs.get((m.name, m.api_version))
        if doc is None or not m.errors:
            continue
        raises = " ".join(doc[doc.index("Raises:") :].split())
        # the first words of each (code, text) row, as the docstring cuts it
        for e in {(e.code, e.description) for e in m.errors}:
            words = " ".join(tx.shorten(e[1], 120).split()[:3]).rstrip("…")
            if words not in raises:
                missing.append((m.name, e))
    assert not missing, missing[:10]


def test_no_docstring_repeats_the_system_errors_line(
    method_docs: dict[tuple[str, int], str], corpus_tree: Path
) -> None:
    assert not [n for n, d in method_docs.items() if "System errors any method" in d]
    client = ast.parse((corpus_tree / PACKAGE / PACKAGE / "client.py").read_text())
    root_docs = [ast.get_docstring(n) or "" for n in client.body if isinstance(n, ast.ClassDef)]
    assert any("errors.SYSTEM_ERRORS" in d for d in root_docs)  # said once, on the client


def test_method_docstrings_are_short_and_lists_are_lists(
    method_docs: dict[tuple[str, int], str],
) -> None:
    lengths = sorted(len(d) for d in method_docs.values())
    # before: median 1,474 and max 11,509 characters (ast-cleaned figures are a bit lower)
    assert statistics.median(lengths) < 1100, statistics.median(lengths)
    assert lengths[-1] < 6500, lengths[-1]
    flattened = [
        (name, line)
        for name, doc in method_docs.items()
        for line in doc.splitlines()
        if _FLATTENED.search(line)
    ]
    assert not flattened, flattened[:5]
    # the value list of IS_RECURRING-like arguments shows one item a line
    doc = method_docs[("crm.deal.add", 2)]
    assert "Args:" in doc and "Returns:" in doc and "Docs: https://" in doc
    assert "(keys on ``CrmDealAddFields``)" in doc  # the keys are documented there, not here
    assert "TITLE" not in doc.split("Returns:")[0].split("Args:")[1]


def _documented_children(ru_model: Any) -> list[tuple[str, str, str]]:
    """(TypedDict name, key, description) of every documented row of an input sub-table
    (the TypedDict is named after the method and the parameter, see annotations.py)."""
    rows = []
    for m in ru_model.methods:
        prefix = ("V3" if m.api_version == 3 else "") + camel(*m.name.split("."))
        for p in m.params:
            for c in p.children:
                if c.description:
                    rows.append((prefix + camel(p.name), c.name, c.description))
    return rows


def test_documented_typed_dict_keys_carry_their_docstring(
    typed_dicts: dict[str, dict[str, str | None]], ru_model: Any
) -> None:
    rows = [r for r in _documented_children(ru_model) if r[0] in typed_dicts]
    assert len(rows) > 3000
    present = [(td, key, text) for td, key, text in rows if key in typed_dicts[td]]
    spellable = [
        r for r in present if r[1].isidentifier() and r[1].isascii() and not keyword.iskeyword(r[1])
    ]
    undocumented = [(td, key) for td, key, _ in spellable if not typed_dicts[td][key]]
    assert len(undocumented) <= 0.01 * len(spellable), undocumented[:10]
    # the docstring is the docs' text of that field
    wrong = [
        (td, key)
        for td, key, text in spellable
        if typed_dicts[td][key]
        and " ".join(tx.clean(text).split()[:3]).rstrip("…")
        not in " ".join(str(typed_dicts[td][key]).split())
    ]
    assert len(wrong) <= 0.01 * len(spellable), wrong[:10]
    # across every TypedDict (results too, keys the examples add have no docs to show):
    # keys with a docstring against keys whose docs describe them
    keys = [doc for td in typed_dicts.values() for doc in td.values()]
    share = sum(1 for d in keys if d) / len(keys)
    assert share >= 0.35, share


def test_key_docstrings_render_value_lists_as_lists(
    typed_dicts: dict[str, dict[str, str | None]],
) -> None:
    doc = typed_dicts["CrmDealAddFields"]["IS_RECURRING"]
    assert doc is not None
    lines = [line.strip() for line in doc.splitlines()]
    assert "- Y — да" in lines and "- N — нет" in lines, doc
    flattened = [
        (td, key)
        for td, keys in typed_dicts.items()
        for key, d in keys.items()
        if d and any(_FLATTENED.search(line) for line in d.splitlines())
    ]
    assert not flattened, flattened[:5]
