"""The first cell of a parameter row: name, required marker and type expression.

Variants handled (counts in CORPUS-GUIDE.md §3): ``**code***``, ``**id**^*^``,
``**id^*^**``, ``**x\\***``, broken ``**weight****`` / ``**name***,**``; types as
``[`t`](data-types.md)`` on the next line, unions inside one link (``[`a`\\|`b`]``) or split
across lines, ```` ```a | b``` ````, unlinked `` `t` ``, ``[`object`]`` with no target, two type
lines with no separator, prose after the type (``или `null```).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from generator.extract.text import plain, unescape

_BOLD_HEAD = re.compile(
    r"^\s*(?:\\?<[^>]*>\s*)?\*\*(?P<name>.+?)\*\*(?P<after>(?:\*+|\^\*\^|\\\*)?)", re.S
)
_CODE3 = re.compile(r"```+\s*(.*?)\s*```+", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_TYPE_WORD = re.compile(r"^[A-Za-z_][\w.]*(?:\[\])*(?:\s*\|\s*[A-Za-z_][\w.]*(?:\[\])*)*$")
_OR_NULL = re.compile(r"\b(?:или|or)\s+`?(null)`?", re.I)


@dataclass(frozen=True)
class FirstCell:
    name: str
    required: bool
    type: str
    bold: bool  # the name was bold (the docs' convention for parameter names)
    has_link: bool  # a type link followed the name


# Three first cells in four repeat one seen before ("**id**" over "[`integer`](…)"): a pure
# function of the text, memoised per process.
@lru_cache(maxsize=8192)
def parse_first_cell(text: str) -> FirstCell:
    raw = text.strip()
    m = _BOLD_HEAD.match(raw)
    required = False
    if m:
        name = m.group("name")
        rest = raw[m.end() :]
        after = m.group("after")
        if name.endswith("_\\") and after.startswith("*"):
            # "**UF_\***": the escaped star is inside the bold, a wildcard (renders "UF_*")
            name, after = name[:-1] + "*", after[1:]
        if after:
            required = True
        bold = True
    else:
        first, _, rest = raw.partition("\n")
        name = first
        bold = False
        # a plain cell may still carry a type on the same line: "id `integer`"
        if "`" in name and "[" not in name:
            head, _, tail = name.partition("`")
            name, rest = head, "`" + tail + "\n" + rest
        elif "[`" in name:
            head, _, tail = name.partition("[`")
            name, rest = head, "[`" + tail + "\n" + rest
    # required markers inside the bold text
    if "^*^" in name:
        name = name.replace("^*^", "")
        required = True
    if name.endswith("\\*"):
        name = name[:-2]
        required = True
    elif name.endswith("\\"):  # "**x\***": the lazy match stops inside the escape
        name = name[:-1]
        required = True
    if rest.lstrip().startswith("^*^"):
        required = True
        rest = rest.lstrip()[3:]
    name = unescape(plain_name(name))
    if name.endswith("*") and not name.endswith("_*") and not bold:
        name = name.rstrip("*").strip()
        required = True
    typ, has_link = parse_type(rest)
    return FirstCell(name=name, required=required, type=typ, bold=bold, has_link=has_link)


def plain_name(name: str) -> str:
    name = name.strip().strip("`").strip()
    if "`" in name or "[" in name:
        name = plain(name)
    return name.replace("\n", " ").strip().rstrip(",").strip()


def parse_type(rest: str) -> tuple[str, bool]:
    """The type expression in what follows the name, e.g. ``"string|array"``, ``"integer[]"``."""
    if not rest or not rest.strip():
        return "", False
    # The type sits on the lines right after the name; a blank line starts prose.
    head = rest.strip().split("\n\n", 1)[0]
    has_link = "](" in head or "[`" in head
    # Only the type lines: prose under an untyped name ("Возможные значения для `order`:")
    # has code spans too, and they are values, not types.
    lines = head.split("\n")
    typed = []
    for i, ln in enumerate(lines):
        if i == 0 and _ALT_NAME.match(ln):
            continue  # "**A**\|**B**": an alternative name before the type line
        if not _is_type_line(ln):
            break
        typed.append(ln)
    if typed:
        head = "\n".join(typed)
    parts: list[str] = []
    for m in _CODE3.finditer(head if typed else ""):
        parts.extend(_split_union(m.group(1)))
    head_wo3 = _CODE3.sub(" ", head) if typed else ""
    for m in _CODE.finditer(head_wo3):
        parts.extend(_split_union(m.group(1)))
    if not parts:
        # "[object](…)" without backticks, or a bare word on the type line
        for ln in head.split("\n"):
            word = plain(ln)
            if word and _TYPE_WORD.match(word) and len(word) < 40:
                parts.extend(_split_union(word))
                break
    if _OR_NULL.search(head) and "null" not in parts:
        parts.append("null")
    seen: list[str] = []
    for p in parts:
        if p and p not in seen and _TYPE_WORD.match(p):
            seen.append(p)
    return "|".join(seen), has_link


_ALT_NAME = re.compile(r"^\s*\\?\|\s*\*\*")
_TYPE_START = re.compile(r"^\s*(?:\\?\||или\s+|or\s+)?\s*(?:\[|`)", re.I)


def _is_type_line(line: str) -> bool:
    """A line that starts with a type span or link (``[`a`](x) со значением `Y/N```,
    ```` ```a | b``` ````), not prose that merely quotes code (``Значения для `order`:``)."""
    return bool(_TYPE_START.match(line))


def _split_union(s: str) -> list[str]:
    s = s.replace("\\|", "|")
    return [p.strip() for p in s.split("|") if p.strip()]
