"""A YFM page as a flat list of blocks: the only view of Markdown the extractor sees.

markdown-it-py does the block structure (headings, paragraphs, quotes, lists, fences) with
our YFM plugins for tables and directives. Inline parsing is switched off: the extractor
needs raw inline text (``**name***``, ``[`type`](…)``) and reads the few inline constructs
it cares about with small patterns, which is several times cheaper than building inline
token trees for the whole corpus.

Sections that never feed the model (the multi-language code examples, "continue
learning" link lists) are blanked out before parsing, keeping line numbers intact.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import add, sub
from collections.abc import MutableMapping
from typing import Any, Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.fence import fence
from markdown_it.token import Token

from generator.yfm.directives import yfm_directive_plugin
from generator.yfm.tables import Cell, yfm_table_plugin

_ANCHOR = re.compile(r"\s*\{#([^}\s]+)\}\s*")
_ATTRS = re.compile(r"\s*\{\.[^}]*\}\s*$")

# H2 sections whose content the model never uses, in both languages.
_SKIP_H2 = re.compile(
    r"^##[ \t]+(?:Примеры кода|Примеры|Пример вызова|Code [Ee]xamples|Examples|"
    r"Продолжите изучение|Continue [Ll]earning|Продолжите|Continue exploring)[ \t]*(?:\{#[^}]*\})?[ \t]*$",
    re.M,
)
# "\n##" is a literal prefix the regex engine scans for at C speed; "^##" under re.M would
# be tried at every character of the page
_H2_AFTER_NEWLINE = re.compile(r"\n##[ \t]")


@dataclass
class Heading:
    level: int
    text: str
    anchor: str
    line: int


@dataclass
class Para:
    text: str
    line: int
    quote: bool = False


@dataclass
class Fence:
    lang: str
    text: str
    line: int


@dataclass
class Table:
    rows: list[list[Cell]]
    line: int
    closed: bool = True
    ragged: bool = False
    in_tabs: bool = False


@dataclass
class Directive:
    name: str
    meta: dict[str, str]
    line: int


Block = Heading | Para | Fence | Table | Directive


def indented_fence(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """A fence indented 4+ spaces (inside a tab or list item) is still a fence in YFM."""
    if state.sCount[startLine] - state.blkIndent < 4:
        return False
    pos = state.bMarks[startLine] + state.tShift[startLine]
    if state.src[pos : pos + 3] not in ("```", "~~~"):
        return False
    saved = state.blkIndent
    state.blkIndent = state.sCount[startLine]
    try:
        return fence(state, startLine, endLine, silent)
    finally:
        state.blkIndent = saved


class _LineMarkedState(StateBlock):
    """markdown-it's block state with its line markers computed by whole-list operations.

    ``StateBlock.__init__`` walks the page line by line in Python; the markers (begin, end,
    indent offsets, tab-expanded indent) are the same numbers, computed here by ``split``
    and map() at a fraction of the cost (checked against markdown-it's own
    on every page of the corpora by tests/reader/test_fast_paths.py).
    """

    def __init__(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> None:
        super().__init__("", md, env, tokens)  # every field but the markers, for no cost
        self.src = src
        lines = src.split("\n")
        last = lines[-1]
        if not last.strip(" \t"):
            # the text after the last newline: no line when empty or only blanks
            lines.pop()
        # all by map() over C functions: no Python-level step per line
        n = len(lines)
        lengths = list(map(len, lines))
        before = list(accumulate(lengths, initial=0))  # characters of the lines above
        begins = list(map(add, before[:n], range(n)))  # ... and their line breaks
        ends = list(map(add, begins, lengths))
        shifts = list(map(sub, lengths, map(len, map(str.lstrip, lines, repeat(" \t", n)))))
        counts = shifts[:]
        if "\t" in src:
            for i in compress(range(n), shifts):
                line = lines[i]
                if "\t" in line[: shifts[i]]:
                    offset = 0
                    for ch in line[: shifts[i]]:
                        offset += 4 - offset % 4 if ch == "\t" else 1
                    counts[i] = offset
        length = len(src)
        self.bMarks = [*begins, length]
        self.eMarks = [*ends, length]
        self.tShift = [*shifts, 0]
        self.sCount = [*counts, 0]
        self.bsCount = [0] * (len(lines) + 1)
        self.lineMax = len(lines)


def _parse_block_level(
    src: str, md: MarkdownIt, env: MutableMapping[str, Any], out_tokens: list[Token]
) -> list[Token] | None:
    """``ParserBlock.parse`` with ``_LineMarkedState`` (for our instance only)."""
    if not src:
        return None
    state = _LineMarkedState(src, md, env, out_tokens)
    md.block.tokenize(state, state.line, state.lineMax)
    return state.tokens


@lru_cache(maxsize=1)
def make_markdown() -> MarkdownIt:
    """The markdown-it instance with YFM plugins and only the block rules we use."""
    # No "list" rule: list structure never reaches the model, and it is the costliest
    # block rule. Tabs ({% list tabs %}) indent their content instead, so fences and
    # tables are accepted at any indentation (see indented_fence and the table rule).
    md = MarkdownIt("zero").enable(["heading", "fence", "paragraph", "blockquote"])
    md.use(yfm_table_plugin).use(yfm_directive_plugin)
    md.block.ruler.before("fence", "indented_fence", indented_fence, {"alt": ["paragraph"]})
    md.disable(["inline", "text_join"], ignoreInvalid=True)
    md.block.parse = _parse_block_level  # type: ignore[method-assign,assignment]
    return md


# The AI-tools tip most pages open with: an empty-titled tip note naming AI tooling.
_AI_TIP = re.compile(
    r'^\{% note tip "" %\}\n(?:(?!\{% endnote %\}).)*?(?:AI|MCP)(?:.*?)^\{% endnote %\}$',
    re.M | re.S,
)


def _blank(match: re.Match[str]) -> str:
    return "\n" * match.group().count("\n")


_SUBHEADING_AFTER_NEWLINE = re.compile(r"\n#{3,6}[ \t]+(.+?)[ \t]*$", re.M)


def _h2_starts(text: str) -> list[int]:
    """Offsets of the lines that open an H2 ("## ..."), in order."""
    starts = [m.start() + 1 for m in _H2_AFTER_NEWLINE.finditer(text)]
    if text.startswith(("## ", "##\t")):
        starts.insert(0, 0)
    return starts


def _unused_sections(
    text: str, keep_heading: Callable[[str], bool] | None
) -> tuple[str, list[tuple[int, int]]]:
    """(``text`` with the AI-tools tip blanked, the offsets (start, end) of the bodies of the
    sections the model never reads, in order, not overlapping)."""
    if '{% note tip "" %}' in text:
        text = _AI_TIP.sub(_blank, text, count=1)
    h2 = _h2_starts(text)
    skipped = [m for m in (_SKIP_H2.match(text, p) for p in h2) if m is not None]
    h2.append(len(text))
    spans: list[tuple[int, int]] = []
    last = 0
    for m in skipped:
        start = m.end()
        end = next((p for p in h2 if p > m.start()), len(text))
        if keep_heading is not None:
            for sh in _SUBHEADING_AFTER_NEWLINE.finditer(text, start, end):
                if keep_heading(sh.group(1)):
                    end = sh.start() + 1
                    break
        if start < last:
            continue
        spans.append((start, end))
        last = end
    return text, spans


def blank_unused_sections(text: str, keep_heading: Callable[[str], bool] | None = None) -> str:
    """Replace the lines of sections the model never reads with empty lines.

    ``keep_heading``: a sub-heading inside a skipped section for which it is true ends the
    skip there (a response documented under "## Примеры кода" / "### Обработка ответа").
    """
    text, spans = _unused_sections(text, keep_heading)
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        out.append("\n" * text.count("\n", start, end))
        last = end
    out.append(text[last:])
    return "".join(out)


def parse_page(text: str, keep_heading: Callable[[str], bool] | None = None) -> list[Block]:
    """``parse_blocks(blank_unused_sections(text, keep_heading))``, cheaper: a skipped
    section becomes one empty line instead of one per line (markdown-it visits every line,
    blank or not, and the skipped sections are half of the corpus's lines); the blocks' and
    cells' lines are then moved back to where they are on the page."""
    text, spans = _unused_sections(text, keep_heading)
    out: list[str] = []
    shifts: list[tuple[int, int]] = []  # (first squeezed line after a section, lines removed)
    lines = removed = last = 0
    for start, end in spans:
        out.append(text[last:start])
        lines += text.count("\n", last, start)
        count = text.count("\n", start, end)
        kept = min(count, 2)  # the heading's own line end, and one empty line
        out.append("\n" * kept)
        lines += kept
        if count > kept:
            removed += count - kept
            shifts.append((lines, removed))
        last = end
    out.append(text[last:])
    blocks = parse_blocks("".join(out))
    if shifts:
        _restore_lines(blocks, shifts)
    return blocks


def _restore_lines(blocks: list[Block], shifts: list[tuple[int, int]]) -> None:
    firsts = [first for first, _ in shifts]

    def page_line(line: int) -> int:  # 0-based, as markdown-it's and the cells' lines
        i = bisect_right(firsts, line)
        return line + shifts[i - 1][1] if i else line

    first = firsts[0]  # lines above the first squeezed section are the page's already
    for b in blocks:
        if b.line > first:
            b.line = page_line(b.line - 1) + 1
        if isinstance(b, Table):
            for row in b.rows:
                for cell in row:
                    if cell.line >= first:
                        cell.line = page_line(cell.line)


def parse_blocks(text: str, *, line_offset: int = 0) -> list[Block]:
    """Parse ``text`` into blocks; lines are 1-based, shifted by ``line_offset``."""
    md = make_markdown()
    tokens = md.parse(text, {})
    blocks: list[Block] = []
    quote = 0
    tabs = 0  # depth of open {% list tabs %}
    i = 0
    n = len(tokens)
    base = line_offset + 1
    while i < n:
        t = tokens[i]
        typ = t.type
        if typ == "heading_open":
            raw = tokens[i + 1].content
            anchor = ""
            m = _ANCHOR.search(raw)
            if m:
                anchor = m.group(1)
                raw = raw[: m.start()] + raw[m.end() :]
            raw = _ATTRS.sub("", raw)
            blocks.append(Heading(int(t.tag[1]), raw.strip(), anchor, t.map[0] + base))
            i += 3
            continue
        if typ == "paragraph_open":
            blocks.append(Para(tokens[i + 1].content, t.map[0] + base, quote > 0))
            i += 3
            continue
        if typ == "fence":
            blocks.append(Fence(t.info.strip().lower(), t.content, t.map[0] + base))
        elif typ == "yfm_table":
            rows = t.meta["rows"]
            if line_offset:
                for row in rows:
                    for c in row:
                        c.line += line_offset
            tbl = Table(rows, t.map[0] + base, t.meta["closed"], t.meta["ragged"], tabs > 0)
            blocks.append(tbl)
        elif typ == "yfm_directive":
            name = t.info
            if name == "list":
                tabs += 1
            elif name == "endlist":
                tabs = max(0, tabs - 1)
            blocks.append(Directive(name, t.meta, t.map[0] + base))
        elif typ == "blockquote_open":
            quote += 1
        elif typ == "blockquote_close":
            quote -= 1
        i += 1
    return blocks


def cell_blocks(cell: Cell) -> list[Block]:
    """The blocks inside one table cell (nested tables, fences, lists), parsed on demand."""
    return parse_blocks(cell.text, line_offset=cell.line)
