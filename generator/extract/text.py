"""Raw inline Markdown → plain text, and the small inline patterns the extractor reads."""

from __future__ import annotations

import re
from functools import lru_cache

_LINK = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^()\s]*(?:\([^)]*\))?[^()\s]*)(?:\s+\"[^\"]*\")?\)"
)
_CODE3 = re.compile(r"```+\s*(.*?)\s*```+", re.S)
_CODE = re.compile(r"`+([^`]*)`+")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.S)
_SUP = re.compile(r"\^([^^]*)\^")
_DIRECTIVE = re.compile(r"\{%.*?%\}")
_HTML = re.compile(r"</?[a-zA-Z][^>]*>")
_ESC = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>^~])")
_SPACES = re.compile(r"\s+")
_ATTR = re.compile(r"\{[.#][^}]*\}")
_MARKUP = re.compile(r"[`*_\[\]{}<>\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Method names as the docs write them: at least one dot, letters first.
METHOD_NAME = re.compile(r"(?<![\w./-])([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)(?![\w/-])")


# Three texts in four (cells, headings, descriptions) repeat one seen before: a pure function
# of the text, memoised per process.
@lru_cache(maxsize=16384)
def plain(text: str) -> str:
    """Markdown inline text as one line of plain text (links → their text, marks dropped)."""
    if not text:
        return ""
    if not _MARKUP.search(text):  # most cells are plain words: skip the pattern chain
        return _SPACES.sub(" ", text).strip()
    s = _DIRECTIVE.sub(" ", text)
    s = _CODE3.sub(lambda m: m.group(1), s)
    s = _LINK.sub(lambda m: m.group(1), s)
    s = _CODE.sub(lambda m: m.group(1), s)
    s = _BOLD.sub(lambda m: m.group(1) or m.group(2) or "", s)
    s = _HTML.sub(" ", s)
    s = _ATTR.sub("", s)
    s = _ESC.sub(r"\1", s)
    s = _CTRL.sub("", s)
    return _SPACES.sub(" ", s).strip()


def unescape(text: str) -> str:
    return _ESC.sub(r"\1", text)


def links(text: str) -> list[tuple[str, str]]:
    """(text, target) of every Markdown link in ``text``."""
    return [(m.group(1), m.group(2)) for m in _LINK.finditer(text)]


def code_spans(text: str) -> list[str]:
    return [m.group(1).strip() for m in _CODE.finditer(text)]
