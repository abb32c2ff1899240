"""``{% … %}`` lines (note, list tabs, cut, if, include) as markdown-it-py block tokens.

Each directive line becomes one ``yfm_directive`` token: ``info`` is the directive name
(``note``, ``endnote``, ``list``, ``include``, …) and ``meta`` holds the parsed arguments.
Blocks are not matched here: the extractor keeps a stack of open directives while it walks
the page, which also copes with the odd unbalanced block instead of swallowing the rest of
the page.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_DIRECTIVE = re.compile(r"\{%-?\s*(\w+)\s*(.*?)\s*-?%\}\s*$")
_INCLUDE = re.compile(r"(?:notitle\s+)?\[(?P<title>[^\]]*)\]\((?P<path>[^)\s]+)\)")
_QUOTED = re.compile(r'"([^"]*)"|\'([^\']*)\'')

CLOSERS = {"endnote": "note", "endlist": "list", "endcut": "cut", "endif": "if"}


def parse_directive(line: str) -> tuple[str, dict[str, str]] | None:
    m = _DIRECTIVE.match(line.strip())
    if not m:
        return None
    name, args = m.group(1), m.group(2)
    meta: dict[str, str] = {"args": args}
    if name == "include":
        inc = _INCLUDE.search(args)
        if inc is None:
            return None
        meta["path"] = inc.group("path")
        meta["title"] = inc.group("title")
    elif name in ("note", "cut"):
        words = args.split(None, 1)
        if name == "note" and words and not words[0].startswith(("'", '"')):
            meta["kind"] = words[0]
        q = _QUOTED.search(args)
        meta["title"] = (q.group(1) or q.group(2) or "") if q else ""
    return name, meta


def yfm_directive_rule(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    pos = state.bMarks[startLine] + state.tShift[startLine]
    end = state.eMarks[startLine]
    if state.src[pos : pos + 2] != "{%":
        return False
    parsed = parse_directive(state.src[pos:end])
    if parsed is None:
        return False
    if silent:
        return True
    name, meta = parsed
    token = state.push("yfm_directive", "", 0)
    token.info = name
    token.meta = meta
    token.map = [startLine, startLine + 1]
    token.block = True
    state.line = startLine + 1
    return True


def yfm_directive_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "fence",
        "yfm_directive",
        yfm_directive_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.add_render_rule("yfm_directive", lambda self, tokens, idx, options, env: "")
