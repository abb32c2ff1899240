"""Putting documentation text into generated code and Markdown without letting it escape.

Docs text only ever reaches generated Python in two forms, both built here:
``py_str`` (a complete string literal) and ``docstring_body`` (the inside of a
triple-quoted docstring). Jinja never re-reads rendered values, so ``{{ }}`` and
``{% %}`` in docs text are inert; Python comments never carry docs text.
"""

from __future__ import annotations

import re
import textwrap

# Control, format (bidi overrides, zero-width), surrogate, private-use, unassigned and
# line/paragraph separator characters never reach generated code: they are exactly what
# ``str.isprintable`` rejects (together with non-ASCII spaces).
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """One line of readable text: odd characters become spaces, whitespace collapses.

    ``str.isprintable`` is false exactly for the categories we drop (plus non-ASCII
    spaces, which become plain spaces anyway), so the common case is one C-level scan.
    """
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


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
    """Wrapped lines of cleaned text (each line without trailing spaces)."""
    text = clean(text)
    if not text:
        return []
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def docstring(lines: list[str]) -> str:
    """The inside of a docstring from already-cleaned lines: escaped, never ending in a quote."""
    body = "\n".join(doc_escape(line).rstrip() for line in lines).strip("\n")
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
