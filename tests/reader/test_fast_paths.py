"""The reader's fast paths give what the slow, obvious code gives.

``shell_words`` stands in for ``shlex.split`` on every cURL example, ``fences`` for the
``_FENCE`` pattern's matches, ``blank_unused_sections``
finds H2 lines by a literal scan instead of ``^##`` under re.M, ``_LineMarkedState`` computes
markdown-it's line markers by list operations, ``parse_page`` parses a page with its skipped
sections squeezed to one empty line: each is checked against the straightforward
version on tricky inputs, on seeded random ones and on every page of the ``ru`` corpus.
"""

from __future__ import annotations

import random
import re
import shlex

import pytest
from markdown_it.rules_block import StateBlock

from generator.extract.examples import _CONTINUATION, _FENCE, _SLASH_TYPO, fences, shell_words
from generator.extract.sections import is_response_heading
from generator.reader import discover
from generator.yfm.parser import (
    Table,
    _LineMarkedState,
    blank_unused_sections,
    make_markdown,
    parse_blocks,
    parse_page,
)
from tests.conftest import CORPORA, need_shared


def _shlex(text: str) -> list[str] | None:
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError:
        return None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "curl -d '{\"a\": 1}' https://x/rest/crm.deal.add",
        'a\'b\'c "d\\"e" f\\ g',
        "'' \"\" x",
        '"unclosed',
        "'unclosed",
        "trailing\\",
        '"in \\x double \\\\ and \\" "',
        "a\\\nb",
        "tab\tsep\r\nline",
        "'\"$(date --iso-8601=seconds)\"'",
    ],
)
def test_shell_words_is_shlex_split(text: str) -> None:
    assert shell_words(text) == _shlex(text)


def test_shell_words_agrees_with_shlex_on_random_words() -> None:
    rng = random.Random(10)
    alphabet = [" ", "\t", "\n", "'", '"', "\\", "a", "b", "$", "(", "x y", "\\\n", '\\"', "''"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert shell_words(text) == _shlex(text), text


_SKIP = re.compile(
    r"^##[ \t]+(?:Примеры кода|Примеры|Пример вызова|Code [Ee]xamples|Examples|"
    r"Продолжите изучение|Continue [Ll]earning|Продолжите|Continue exploring)[ \t]*"
    r"(?:\{#[^}]*\})?[ \t]*$"
)


def _blank_slowly(text: str, keep=None) -> str:
    """Line by line: blank from a skipped H2 to the next H2 (or a kept sub-heading)."""
    out, skipping = [], False
    for line in text.split("\n"):
        if re.match(r"##[ \t]", line):
            skipping = False
        if skipping and keep is not None:
            m = re.match(r"#{3,6}[ \t]+(.+?)[ \t]*$", line)
            if m and keep(m.group(1)):
                skipping = False
        out.append("" if skipping else line)
        if _SKIP.match(line):
            skipping = True
    return "\n".join(out)


@pytest.mark.parametrize("keep", [None, is_response_heading])
@pytest.mark.parametrize(
    "text",
    [
        "## Examples\ncode\n## Parameters\nrow\n",
        "# T\n\n## Примеры кода {#examples}\n\n```\nx\n```\n\n### Обработка ответа\n\nkept\n",
        "##\tExamples\nskipped\n## Errors\nkept",
        "# T\n## Continue learning\n- a\n- b",
        "# T\n### Examples\nnot an H2\n",
        "text ## Examples\nnot a heading\n",
    ],
)
def test_blank_unused_sections_matches_line_by_line(text: str, keep) -> None:
    assert blank_unused_sections(text, keep) == _blank_slowly(text, keep)


_MARKERS = ("bMarks", "eMarks", "tShift", "sCount", "bsCount", "lineMax", "src", "line")


@pytest.mark.parametrize(
    "text",
    ["", "\n", "a", "a\n", "  ", "  \n", " \t x\n\t\ty", "a\n  ", "a\n\t", "\t \tq\n  \t r\n"],
)
def test_line_markers_are_markdown_its(text: str) -> None:
    md = make_markdown()
    ours, theirs = _LineMarkedState(text, md, {}, []), StateBlock(text, md, {}, [])
    assert [getattr(ours, k) for k in _MARKERS] == [getattr(theirs, k) for k in _MARKERS]


def test_fast_paths_agree_on_every_ru_page() -> None:
    root = need_shared(CORPORA / "ru")
    md = make_markdown()
    pages = discover(root)
    assert len(pages) > 2000
    examples = 0
    for rel in pages:
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        for src in (text, blank_unused_sections(text, is_response_heading)):
            src = src.replace("\r\n", "\n")
            ours, theirs = _LineMarkedState(src, md, {}, []), StateBlock(src, md, {}, [])
            assert [getattr(ours, k) for k in _MARKERS] == [
                getattr(theirs, k) for k in _MARKERS
            ], rel
        squeezed = parse_page(text, is_response_heading)
        blanked = parse_blocks(blank_unused_sections(text, is_response_heading))
        assert _blocks(squeezed) == _blocks(blanked), rel
        found = [(m.start(), m.group(3), m.group(4)) for m in _FENCE.finditer(text)]
        assert list(fences(text)) == found, rel
        for _, _, code in found:
            code = _SLASH_TYPO.sub(" ", _CONTINUATION.sub(" ", code))
            if "curl" in code:
                examples += 1
                assert shell_words(code) == _shlex(code), (rel, code[:80])
    assert examples > 1000


def test_fences_are_the_fence_patterns_matches() -> None:
    rng = random.Random(16)
    alphabet = ["```", "````", "~~~", "\n", "  ", "\t", "js", "x", "`", " ", "~"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        expected = [(m.start(), m.group(3), m.group(4)) for m in _FENCE.finditer(text)]
        assert list(fences(text)) == expected, text


def _blocks(blocks: list) -> list:
    """Blocks as plain data: kind, fields, and each table cell's text and line."""
    out = []
    for b in blocks:
        fields = dict(vars(b))
        if isinstance(b, Table):
            fields["rows"] = [[(c.text, c.line) for c in row] for row in b.rows]
        out.append((type(b).__name__, fields))
    return out


def test_parse_page_keeps_page_lines() -> None:
    text = "# T\n\n## Examples\n" + "x\n" * 50 + "## Errors\n\n#|\n|| a | b ||\n|#\n"
    blocks = parse_page(text)
    assert _blocks(blocks) == _blocks(parse_blocks(blank_unused_sections(text)))
    errors = next(b for b in blocks if getattr(b, "text", "") == "Errors")
    assert errors.line == 54 and text.splitlines()[errors.line - 1] == "## Errors"
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.rows[0][0].line == 56
