"""Putting documentation text into generated code and Markdown without letting it escape.

Docs text only ever reaches generated Python in two forms, both built here:
``py_str`` (a complete string literal) and ``docstring_body`` (the inside of a
triple-quoted docstring). Jinja never re-reads rendered values, so ``{{ }}`` and
``{% %}`` in docs text are inert; Python comments never carry docs text.
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


def wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """Greedy word wrap of cleaned text (long words are never broken; like ``textwrap``).

    Hand-written because ``textwrap`` is a third of the renderer's time on a full corpus.
    """
    words = clean(text).split(" ")
    if not words[0]:
        return []
    nxt = indent if subsequent is None else subsequent
    lines: list[str] = []
    current = indent + words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = nxt + word
    lines.append(current)
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


def shorten(text: str, limit: int) -> str:
    text = clean(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return (cut or text[: limit - 1]) + "…"


def md_cell(text: str) -> str:
    """Text for one Markdown table cell."""
    return clean(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def md_text(text: str) -> str:
    """Text for a Markdown paragraph: raw HTML neutralised."""
    return clean(text).replace("<", "&lt;")
