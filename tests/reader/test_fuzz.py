"""Mutated real pages (cut tables, stray bars, unclosed blocks, odd unicode): nothing escapes.

The reader turns a bad page into diagnostics; an exception that reaches the caller is a bug.
``extract_page`` would hide one behind a "reader-error" diagnostic, so the property checks
that no such diagnostic appears either: every mutated page is handled by the reader proper.
"""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.extract.page import extract_page
from generator.model import Method
from tests.conftest import CORPORA, need_shared

HARD_PAGES = [
    "crm/leads/crm-lead-add.md",
    "crm/leads/crm-lead-list.md",
    "sale/basket-item/sale-basket-item-add.md",
    "crm/universal/user-defined-object-types/crm-type-add.md",
    "catalog/product/events/catalog-product-on-add.md",
    "landing/block/methods/landing-block-update-cards.md",
    "chat-bots/chat-bots-v2/im.v2/events/event-get.md",
    "tasks/tasks-task-add-rest-v3.md",
    "crm/leads/userfield/crm-lead-userfield-add.md",
    "imopenlines/openlines/sessions/imopenlines-session-history-get.md",
]

INSERTS = [
    "|",
    "||",
    "|#",
    "#|",
    "\\|",
    "```",
    "{% note info %}",
    "{% endnote %}",
    "{% list tabs %}",
    "**",
    "***",
    "^*^",
    "[`x`](",
    "\u202e",
    "\u0000",
    "\ufeff",
    "ё\u0301",
    "𝔘𝔫𝔦",
    "\r",
    "\t",
    "{% include [x](../nowhere.md) %}",
    "#",
    "\n#| \n|| **a",
    "> Scope: [`",
    "\\",
]


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, str]]:
    root = need_shared(CORPORA / "ru") / "api-reference"
    return [(p, (root / p).read_text(encoding="utf-8")) for p in HARD_PAGES]


def _load(rel: str, target: str):
    return None


mutation = st.tuples(
    st.sampled_from(["insert", "cut", "truncate", "dup_line", "swap"]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.sampled_from(INSERTS) | st.text(min_size=1, max_size=8),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(0, len(HARD_PAGES) - 1), st.lists(mutation, min_size=1, max_size=6))
def test_mutated_pages_never_raise(pages, idx, muts):
    rel, text = pages[idx]
    for kind, a, b, ins in muts:
        n = len(text)
        i, j = sorted((int(a * n), int(b * n)))
        if kind == "insert":
            text = text[:i] + ins + text[i:]
        elif kind == "cut":
            text = text[:i] + text[j:]
        elif kind == "truncate":
            text = text[:i]
        elif kind == "dup_line":
            lines = text.split("\n")
            k = int(a * len(lines)) % max(1, len(lines))
            lines.insert(k, lines[k] if lines else "")
            text = "\n".join(lines)
        else:
            text = text[i:j] + text[:i] + text[j:]
    res = extract_page(rel, text, _load)
    assert [d for d in res.diagnostics if d.code == "reader-error"] == []
    if res.method is not None:
        assert isinstance(res.method, Method) and res.method.name
        res.method.params  # noqa: B018 - frozen, fully built


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#|*`\\{}%[]()-> \nabcQ.^_ёй\u202e")), max_size=400))
def test_random_markup_never_raises(text):
    res = extract_page("x/y.md", "# T a.b\n\n## Параметры метода\n\n" + text)
    assert [d for d in res.diagnostics if d.code == "reader-error"] == []
