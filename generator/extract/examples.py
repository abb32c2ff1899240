"""The page's cURL request example → the JSON body it sends (``Method.request_example``).

Pages show the call as ``curl -X POST ... -d '{...}' https://portal/rest/.../method``, in
a "Code examples" section the block parser never sees (it blanks that section for speed),
so the example is read from the page text here. The body is a shell word: the docs splice
shell substitutions into it (``'"$(date --iso-8601=seconds)"'``), which the shell's word
rules (``shell_words``, as ``shlex.split``) resolve into a plain JSON string, so the example
stays what the docs send.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.extract.returns import is_json, parse_json_lenient

# A fenced block: ``_FENCE`` says what one is; ``fences`` finds the same matches faster.
_FENCE = re.compile(
    r"^([ \t]*)(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n]*\n(.*?)^\1?[ \t]*\2[ \t]*$", re.M | re.S
)
_FENCE_LINE = re.compile(r"\n[ \t]*(?:```|~~~)")  # "\n" is a literal the engine skips to
_OPENING = re.compile(r"([ \t]*)(`{3,}|~{3,})([^\n]*)\n")
_LANG = re.compile(r"[ \t]*([\w+-]*)")
_CLOSINGS: dict[str, re.Pattern[str]] = {}
_CURL_LINE = re.compile(r"^\s*curl\s", re.M)  # pages tag the fence bash, http, curl or nothing
_DATA_FLAGS = ("-d", "--data", "--data-raw", "--data-binary", "--data-urlencode")
_METHOD_IN_URL = re.compile(r"/([A-Za-z][\w]*(?:\.[\w]+)+)(?:\.json)?/?(?:\?.*)?$")
_CONTINUATION = re.compile(r"\\[ \t]*\r?\n")
_SLASH_TYPO = re.compile(r"[ \t]/[ \t]*\r?\n")
# One piece of a POSIX shell word at a time: blanks, plain run, \x, '...', "...", or a
# character that starts nothing (an unclosed quote, a final backslash).
_SHELL_PIECE = re.compile(
    r"""([ \t\r\n]+)|([^ \t\r\n'"\\]+)|\\(.)|'([^']*)'|"((?:[^"\\]|\\.)*)"|(.)""", re.S
)
_DQ_ESCAPE = re.compile(r'\\([\\"])')


@dataclass(frozen=True)
class RequestExample:
    line: int  # 1-based line of the fence opening
    method: str  # the method the URL names ("" when the URL names none)
    body: Any  # the parsed JSON body (a dict for nearly every page)


def request_examples(text: str) -> list[RequestExample]:
    """Every cURL example of the page whose ``-d`` body is JSON, in page order."""
    return list(_iter_request_examples(text))


def _iter_request_examples(text: str) -> Iterator[RequestExample]:
    for start, lang, code in fences(text):
        if lang.lower() != "curl" and not _CURL_LINE.search(code):
            continue
        example = _read_curl(code)
        if example is not None:
            method, body = example
            yield RequestExample(text.count("\n", 0, start) + 1, method, body)


def fences(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, language, code) of each match of ``_FENCE.finditer(text)``, in order.

    ``_FENCE`` under re.M tries ``^`` at every character of the page and its lazy body at
    every character of every block; here only lines opening with ``` or ~~~ are tried, and
    the closing line is searched for directly. A closing line is ``[ \t]*MARK[ \t]*`` (the
    pattern's optional ``\1`` is spaces that ``[ \t]*`` takes anyway); where none closes
    the full run of backticks, a shorter run is tried, as the pattern backtracks.
    """
    pos = 0
    while True:
        if pos == 0 and _OPENING.match(text):
            line_start = 0
        else:
            found = _FENCE_LINE.search(text, max(pos - 1, 0))
            if found is None:
                return
            line_start = found.start() + 1
        pos = line_start + 1
        opening = _OPENING.match(text, line_start)
        if opening is None:
            continue
        run, rest = opening.group(2), opening.group(3)
        body = opening.end()
        for k in range(len(run), 2, -1):
            mark = run[:k]
            closing = _CLOSINGS.get(mark)
            if closing is None:
                closing = _CLOSINGS[mark] = re.compile(
                    r"\n[ \t]*" + re.escape(mark) + r"[ \t]*$", re.M
                )
            end = closing.search(text, body - 1)
            if end is not None:
                lang = _LANG.match(run[k:] + rest)
                yield line_start, lang.group(1) if lang else "", text[body : end.start() + 1]
                pos = end.end()
                break


def request_example(text: str, method_name: str) -> RequestExample | None:
    """The first cURL example calling ``method_name`` (or naming no method), else None."""
    for ex in _iter_request_examples(text):  # lazily: most pages match on the first
        if not ex.method or ex.method.lower() == method_name.lower():
            return ex
    return None


def example_text(ex: RequestExample | None) -> str | None:
    """The body as normalised JSON text, for the model (``auth`` belongs to OAuth, not the API)."""
    if ex is None:
        return None
    body = ex.body
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "auth"}
    return json.dumps(body, ensure_ascii=False)


def _read_curl(code: str) -> tuple[str, Any] | None:
    joined = _CONTINUATION.sub(" ", code)
    # "curl -X POST /" is a typo of the continuation backslash on a few pages
    joined = _SLASH_TYPO.sub(" ", joined)
    words = shell_words(joined)
    if words is None:
        return None
    body: str | None = None
    method = ""
    for i, word in enumerate(words):
        if word in _DATA_FLAGS and i + 1 < len(words) and body is None:
            body = words[i + 1]
        elif word.startswith(("http://", "https://")) or "/rest/" in word:
            m = _METHOD_IN_URL.search(word)
            if m:
                method = m.group(1)
    if body is None:
        return None
    value = parse_json_lenient(body)
    if not is_json(value):
        return None
    return method, value


def shell_words(text: str) -> list[str] | None:
    """``shlex.split(text, posix=True)`` (None where it raises), a piece at a time rather
    than shlex's character at a time: this runs on every cURL example of the docs."""
    words: list[str] = []
    parts: list[str] = []
    quoted = False
    for m in _SHELL_PIECE.finditer(text):
        blank, run, escaped, single, double, _stray = m.groups()
        if blank is not None:
            if parts or quoted:
                words.append("".join(parts))
                parts, quoted = [], False
        elif run is not None:
            parts.append(run)
        elif escaped is not None:
            parts.append(escaped)
        elif single is not None:
            parts.append(single)
            quoted = True
        elif double is not None:
            # inside double quotes only \" and \\ are escapes; \x stays as written
            parts.append(_DQ_ESCAPE.sub(r"\1", double))
            quoted = True
        else:  # ``stray``: an unclosed quote or a backslash at the end
            return None
    if parts or quoted:
        words.append("".join(parts))
    return words
