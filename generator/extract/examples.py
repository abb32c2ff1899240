"""The page's cURL request example → the JSON body it sends (``Method.request_example``).

Pages show the call as ``curl -X POST ... -d '{...}' https://portal/rest/.../method``, in
a "Code examples" section the block parser never sees (it blanks that section for speed),
so the example is read from the page text here. The body is a shell word: the docs splice
shell substitutions into it (``'"$(date --iso-8601=seconds)"'``), which ``shlex`` resolves
into a plain JSON string, so the example stays what the docs send.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from generator.extract.returns import is_json, parse_json_lenient

_FENCE = re.compile(
    r"^([ \t]*)(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n]*\n(.*?)^\1?[ \t]*\2[ \t]*$", re.M | re.S
)
_CURL_LINE = re.compile(r"^\s*curl\s", re.M)  # pages tag the fence bash, http, curl or nothing
_DATA_FLAGS = ("-d", "--data", "--data-raw", "--data-binary", "--data-urlencode")
_METHOD_IN_URL = re.compile(r"/([A-Za-z][\w]*(?:\.[\w]+)+)(?:\.json)?/?(?:\?.*)?$")


@dataclass(frozen=True)
class RequestExample:
    line: int  # 1-based line of the fence opening
    method: str  # the method the URL names ("" when the URL names none)
    body: Any  # the parsed JSON body (a dict for nearly every page)


def request_examples(text: str) -> list[RequestExample]:
    """Every cURL example of the page whose ``-d`` body is JSON, in page order."""
    found: list[RequestExample] = []
    for m in _FENCE.finditer(text):
        lang = m.group(3).lower()
        code = m.group(4)
        if lang != "curl" and not _CURL_LINE.search(code):
            continue
        example = _read_curl(code)
        if example is not None:
            method, body = example
            found.append(RequestExample(text.count("\n", 0, m.start()) + 1, method, body))
    return found


def request_example(text: str, method_name: str) -> RequestExample | None:
    """The first cURL example calling ``method_name`` (or naming no method), else None."""
    for ex in request_examples(text):
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
    joined = re.sub(r"\\[ \t]*\r?\n", " ", code)
    # "curl -X POST /" is a typo of the continuation backslash on a few pages
    joined = re.sub(r"[ \t]/[ \t]*\r?\n", " ", joined)
    try:
        words = shlex.split(joined, comments=False, posix=True)
    except ValueError:
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
