"""YFM multiline tables (``#| || … | … || |#``) as a markdown-it-py block rule.

The splitting follows the Diplodoc toolchain's tokenizer, which is what decides how the
published pages look:

- ``\u0060\u0060\u0060`` anywhere toggles code mode; nothing inside code splits cells,
- ``||`` opens and closes a row, ``|`` splits cells, ``\\|`` is a literal bar
  (single backticks do not protect a bar, which is why the docs write ``\\|``),
- a ``#|`` at the start of a line inside a cell opens a nested table that stays part of
  that cell's text, closed by its own ``|#``.

A table becomes one ``yfm_table`` token whose ``meta["rows"]`` holds, per row, a list of
:class:`Cell` (raw Markdown text and 1-based line). Cell contents are parsed lazily by
whoever needs them (``Cell.blocks``): most cells only need their plain text, and parsing
every cell as Markdown would be most of the reader's time.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_TOKEN = re.compile(r"```|\\\||#\||\|#|\|\||\|")


@dataclass
class Cell:
    text: str  # raw Markdown, indentation of the enclosing block removed
    line: int  # 0-based line in the source the parser was given

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Cell({self.text[:30]!r}@{self.line})"


@dataclass
class ScanResult:
    rows: list[list[Cell]]
    end: int  # offset just past the closing ``|#``
    closed: bool  # False when the source ended before ``|#``
    ragged: bool  # rows with different cell counts


def _at_line_start(src: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and src[i] in " \t":
        i -= 1
    return i < 0 or src[i] == "\n"


def _at_line_end(src: str, pos: int) -> bool:
    n = len(src)
    while pos < n and src[pos] in " \t":
        pos += 1
    return pos >= n or src[pos] in "\r\n"


def scan_table(src: str, start: int, line_starts: list[int], indent: int = 0) -> ScanResult:
    """Split the table whose ``#|`` is at ``start`` into rows of cells."""
    pos = start + 2
    rows: list[list[Cell]] = []
    row: list[Cell] | None = None
    cell_start = -1
    depth = 0
    code = False

    def close_cell(end: int) -> None:
        assert row is not None
        raw = src[cell_start:end]
        line = bisect.bisect_right(line_starts, cell_start) - 1
        row.append(Cell(_dedent(raw, indent), line))

    for m in _TOKEN.finditer(src, pos):
        tok = m.group()
        at = m.start()
        if tok == "```":
            code = not code
            continue
        if code or tok == "\\|":
            continue
        if tok == "#|":
            if _at_line_start(src, at):
                depth += 1
            continue
        if tok == "|#":
            if depth > 0:
                if _at_line_end(src, at + 2) or _at_line_start(src, at):
                    depth -= 1
                continue
            if row is not None:
                close_cell(at)
                rows.append(row)
            return _result(rows, m.end(), True)
        if depth > 0:
            continue
        if tok == "||":
            if row is None:
                row = []
                cell_start = m.end()
            else:
                close_cell(at)
                rows.append(row)
                row = None
        elif row is not None:  # a single "|" inside a row: next cell
            close_cell(at)
            cell_start = m.end()
    if row is not None:
        close_cell(len(src))
        rows.append(row)
    return _result(rows, len(src), False)


def _result(rows: list[list[Cell]], end: int, closed: bool) -> ScanResult:
    widths = {len(r) for r in rows}
    return ScanResult(rows, end, closed, len(widths) > 1)


def _dedent(text: str, indent: int) -> str:
    if indent <= 0 or "\n" not in text:
        return text
    out = []
    for ln in text.split("\n"):
        k = 0
        while k < indent and k < len(ln) and ln[k] in " \t":
            k += 1
        out.append(ln[k:])
    return "\n".join(out)


def _line_starts(state: StateBlock) -> list[int]:
    # markdown-it already holds each line's start offset (bMarks); only a blockquote shifts
    # them, and then only within the same line, so bisecting them still finds the line.
    return state.bMarks


def yfm_table_rule(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    pos = state.bMarks[startLine] + state.tShift[startLine]
    if state.src[pos : pos + 2] != "#|":
        return False
    # Any indentation: tables inside {% list tabs %} items are indented by the tab.
    if silent:
        return True
    starts = _line_starts(state)
    result = scan_table(state.src, pos, starts, indent=state.sCount[startLine])
    end_line = bisect.bisect_right(starts, max(result.end - 1, pos)) - 1
    # The closing line belongs to the table; never move past the enclosing block's end.
    next_line = min(end_line + 1, endLine)
    token = state.push("yfm_table", "table", 0)
    token.map = [startLine, next_line]
    token.meta = {"rows": result.rows, "closed": result.closed, "ragged": result.ragged}
    token.block = True
    state.line = next_line
    return True


def render_yfm_table(self, tokens, idx, options, env) -> str:  # noqa: ANN001 - markdown-it API
    """HTML for a table token, cells rendered as Markdown (used by tests and docs previews)."""
    md: MarkdownIt | None = env.get("_yfm_md") if isinstance(env, dict) else None
    out = ["<table>\n"]
    for row in tokens[idx].meta["rows"]:
        out.append("<tr>")
        for cell in row:
            body = md.render(cell.text) if md is not None else cell.text
            out.append(f"<td>{body.strip()}</td>")
        out.append("</tr>\n")
    out.append("</table>\n")
    return "".join(out)


def yfm_table_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "fence", "yfm_table", yfm_table_rule, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.add_render_rule("yfm_table", render_yfm_table)
