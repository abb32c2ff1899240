"""Putting documentation text into generated code and Markdown without letting it escape.

Docs text only ever reaches generated Python in three forms, all built here:
``py_str`` (a complete string literal), ``docstring`` (the inside of a triple-quoted
docstring) and ``comment`` (the text after a ``#``: one cleaned line, so it cannot end the
comment). Jinja never re-reads rendered values, so ``{{ }}`` and ``{% %}`` in docs text
are inert.
"""

from __future__ import annotations

import re

DOC_WIDTH = 92  # docstring text width (black leaves docstrings alone; 100 with the indent)

# Control, format (bidi overrides, zero-width), surrogate, private-use, unassigned and
# line/paragraph separator characters never reach generated code: they are exactly what
# ``str.isprintable`` rejects (together with non-ASCII spaces).


def clean(text: str) -> str:
    """One line of readable text: odd characters become spaces, whitespace collapses.

    ``str.isprintable`` is false exactly for the categories we drop (plus non-ASCII
    spaces, which become plain spaces anyway), so the common case is one C-level scan.
    """
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    elif "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already clean (text is cleaned again at each step of a layout)
    return " ".join(text.split())


def py_str(text: str) -> str:
    """A double-quoted Python literal equal to ``text``, safe for any input (black's style)."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    parts = ['"']
    for ch in text:
        if ch == "\\":
            parts.append("\\\\")
        elif ch == '"':
            parts.append('\\"')
        elif ch == "\n":
            parts.append("\\n")
        elif ch == "\t":
            parts.append("\\t")
        elif ch == "\r":
            parts.append("\\r")
        elif ch.isprintable():
            parts.append(ch)
        else:
            code = ord(ch)
            parts.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
            )
    parts.append('"')
    return "".join(parts)


def doc_escape(text: str) -> str:
    """Text that can sit inside a ``\"\"\"`` docstring: no backslash escapes, no closing quotes."""
    text = text.replace("\\", "\\\\")
    # Any run of quotes could meet the closing delimiter; escape every quote that
    # follows another quote, and a quote at the very end is handled by the template.
    text = re.sub(r'"(?=")', '\\"', text)
    return text


# A line starting with one of these reads as a list item (or a quote) in the Markdown an
# editor makes of a docstring: such a word stays on the line before.
_NO_LINE_START = frozenset({"-", "*", "+", ">", "—", "–", "#"})


def wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """Greedy word wrap of cleaned text (long words are never broken; like ``textwrap``).

    A word that would make a wrapped line look like a list item ("- x", "1. x") stays on
    the previous line. Hand-written because ``textwrap`` is a third of the renderer's time
    on a full corpus.
    """
    return _wrap_clean(clean(text), width, indent, indent if subsequent is None else subsequent)


def _wrap_clean(text: str, width: int, indent: str, nxt: str) -> list[str]:
    if not text:
        return []
    if len(indent) + len(text) <= width:
        return [indent + text]  # most lines: nothing to break
    words = text.split(" ")
    lines: list[str] = []
    current = indent + words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) <= width or word in _NO_LINE_START or _numbered(word):
            current += " " + word
        else:
            lines.append(current)
            current = nxt + word
    lines.append(current)
    return lines


def _numbered(word: str) -> bool:
    return len(word) < 5 and word[-1] in ".)" and word[:-1].isdigit()


# Docs text reaches the model flattened ("Возможные значения: - Y — да - N — нет По умолчанию
# N"): a list starts at " - " after a colon (or a full stop), its items are separated by
# " - ", and a paragraph after the last item shows only as a capitalised word following a
# lower-case one with no punctuation between ("нет По умолчанию").
_LIST_START = re.compile(r"(?:(?<=[:.])|\A)\s*-\s(?=\S)")
# ... or, with no colon ("где - field_n — название поля - value_n — значение поля"), at the
# first of two or more items that gloss a value ("- X — what X means")
_GLOSSED_ITEM = re.compile(r"\s-\s(?=[^\s—–-][^—–]{0,60}?\s[—–]\s)")
_ITEM_SEP = re.compile(r"\s-\s(?=\S)")
_PARAGRAPH_AFTER = re.compile(r"(?<=[a-zа-яё0-9)»\"'])\s(?=[A-ZА-ЯЁ][a-zа-яё])")
_GLOSS = re.compile(r"\s[—–]\s")


def blocks(text: str) -> list[tuple[bool, str]]:
    """Cleaned ``text`` as (is_list_item, text) blocks, list items recovered from the flat
    form (see above); text with no list is one paragraph block."""
    text = clean(text)
    if " -" not in text and not text.startswith("-"):
        return [(False, text)] if text else []  # most texts: no list to recover
    out: list[tuple[bool, str]] = []
    while text:
        start = _list_start(text)
        if start is None:
            out.append((False, text))
            break
        lead = text[: start.start()].strip()
        if lead:
            out.append((False, lead))
        items = _ITEM_SEP.split(text[start.end() :])
        last = items[-1]
        gloss = _GLOSS.search(last)
        after = _PARAGRAPH_AFTER.search(last, gloss.end() if gloss else last.find(" ") + 1 or 0)
        text = ""
        if after is not None:
            items[-1], text = last[: after.start()], last[after.end() :]
        out.extend((True, item.strip()) for item in items if item.strip())
    return out


def gist(text: str, limit: int, items: int, item_limit: int) -> str:
    """The opening of ``text`` (its first paragraph cut to ``limit`` at a sentence end where it
    can be) and the list right after it (``items`` items, each cut to ``item_limit``), in the
    flat form ``blocks`` reads; later paragraphs and lists are left out."""
    parts = blocks(text)
    if not parts:
        return ""
    head = parts[0]
    out = [first_sentences(head[1], limit)] if not head[0] else []
    listed = parts[1:] if not head[0] else parts
    for kept, (is_item, block) in enumerate(listed):
        if not is_item:
            break
        if kept == items:
            out.append("- …")
            break
        out.append("- " + shorten(block, item_limit))
    if not head[0] and len(out) > 1 and not out[0].endswith((":", ".")):
        out[0] += ":"  # so that the items read as a list again (``_LIST_START``)
    return " ".join(out)


def _list_start(text: str) -> re.Match[str] | None:
    start = _LIST_START.search(text)
    glossed = _GLOSSED_ITEM.finditer(text)
    first = next(glossed, None)
    two = first is not None and next(glossed, None) is not None
    if two and first is not None and (start is None or first.start() < start.start()):
        return first
    return start


def block_lines(
    text: str, width: int, indent: str = "", subsequent: str | None = None, *, gap: bool = False
) -> list[str]:
    """``text`` wrapped to ``width``, each recovered list item on a line of its own ("- x",
    continued two columns in); the first line starts with ``indent``, the rest with
    ``subsequent``. ``gap``: a blank line before a paragraph that follows a list (Markdown
    would otherwise read it as part of the last item; not inside an indented section)."""
    nxt = indent if subsequent is None else subsequent
    lines: list[str] = []
    after_item = False
    for is_item, block in blocks(text):
        first = indent if not lines else nxt
        if is_item:
            lines += _wrap_clean("- " + block, width, first, nxt + "  ")
        else:
            if gap and after_item:
                lines.append("")
            lines += _wrap_clean(block, width, first, nxt)
        after_item = is_item
    return lines


def docstring(lines: list[str]) -> str:
    """The inside of a docstring from already-cleaned lines: escaped, never ending in a quote."""
    body = "\n".join(line.rstrip() for line in lines).strip("\n")
    if '"' in body or "\\" in body:
        body = doc_escape(body)
    if not body:
        return ""
    if body.endswith('"'):
        # black and ruff treat a docstring ending in a quote differently; avoid the case
        body += "."
    return body


def comment(text: str) -> str:
    """Text for after a ``#``: one line (``clean`` leaves no line break or control)."""
    return clean(text)


def shorten(text: str, limit: int) -> str:
    text = clean(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return (cut or text[: limit - 1]) + "…"


def first_sentences(text: str, limit: int) -> str:
    """As much of ``text`` as fits in ``limit`` characters, cut after a sentence where one
    ends in the second half (else as ``shorten``)."""
    text = clean(text)
    if len(text) <= limit:
        return text
    end = text.rfind(". ", limit // 2, limit)
    return text[: end + 1] if end > 0 else shorten(text, limit)


def md_cell(text: str) -> str:
    """Text for one Markdown table cell."""
    return clean(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def md_text(text: str) -> str:
    """Text for a Markdown paragraph: raw HTML neutralised."""
    return clean(text).replace("<", "&lt;")


def md_cell_lists(text: str) -> str:
    """``md_cell`` with the lists ``blocks`` recovers, one item a line (``<br>``, ours)."""
    parts = blocks(text)
    if len(parts) < 2:
        return md_cell(text)
    return "<br>".join(md_cell(f"- {b}" if item else b) for item, b in parts)


def md_lists(text: str) -> str:
    """``md_text`` with the recovered lists as Markdown lists (a blank line around each)."""
    out: list[str] = []
    previous_item = False
    for item, block in blocks(text):
        if out and item != previous_item:
            out.append("")
        out.append(md_text(f"- {block}" if item else block))
        previous_item = item
    return "\n".join(out)
