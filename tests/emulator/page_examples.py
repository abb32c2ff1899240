"""The request examples of the docs' method pages (their cURL webhook snippet), read from
the page a method came from, and a comparison of two JSON values by shape and wire types.

Test-side only: the model carries no request examples, and the measure "the emulator accepts
the docs' own requests" has to read what the pages show."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.emulator.params import parse_php_query

_FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.DOTALL)
_PLACEHOLDER = re.compile(r"([:\[,]\s*)\*\*put_\w+\*\*")  # a value, not inside a string
_SHELL_SUBST = re.compile(r"'\"\$\([^)]*\)\"'")  # '"$(date --iso-8601=seconds)"'


@dataclass(frozen=True)
class RequestExample:
    method: str  # as the URL names it
    params: dict[str, Any]
    json_body: bool


def curl_example(page: Path) -> RequestExample | None:
    """The page's first webhook cURL call, or None."""
    try:
        text = page.read_text(encoding="utf-8")
    except OSError:
        return None
    for block in _FENCE.findall(text):
        if "curl" not in block or "put_your_webhook_here" not in block:
            continue
        command = _SHELL_SUBST.sub("2025-01-01T10:00:00+03:00", block.replace("\\\n", " "))
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        data, url = None, None
        for i, w in enumerate(words):
            if w in ("-d", "--data", "--data-raw") and i + 1 < len(words):
                data = words[i + 1]
            elif "/rest/" in w:
                url = w
        if url is None:
            continue
        parts = urlsplit(url.replace("**", ""))
        method = parts.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
        params: dict[str, Any] = parse_php_query(parts.query) if parts.query else {}
        json_body = False
        if data:
            body = _json_or_none(data)
            if body is None:  # shell variables in the JSON ("id": $id) stand for a number,
                # and so do the pages' unquoted placeholders ("attachId": **put_attach_id**)
                numbered = re.sub(r"\$\{?\w+\}?", "1", data)
                body = _json_or_none(_PLACEHOLDER.sub(r"\g<1>1", numbered))
            json_body = body is not None
            if body is None:
                body = parse_php_query(data)
            if isinstance(body, dict):
                params.update(body)
        return RequestExample(method, params, json_body)
    return None


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def shape_mismatch(example: Any, answer: Any, path: str = "result") -> str | None:
    """Where ``answer`` differs from ``example`` in JSON type (a string where the docs show a
    number is a difference; null on either side is not), or None when they agree. Objects
    are compared on the keys both have; lists by their first items."""
    if example is None or answer is None:
        return None
    if isinstance(example, bool) or isinstance(answer, bool):
        ok = isinstance(example, bool) == isinstance(answer, bool)
        return None if ok else f"{path}: {type(example).__name__} vs {type(answer).__name__}"
    if isinstance(example, (int, float)):
        ok = isinstance(answer, (int, float))
        return None if ok else f"{path}: number vs {type(answer).__name__}"
    if isinstance(example, str):
        return None if isinstance(answer, str) else f"{path}: string vs {type(answer).__name__}"
    if isinstance(example, list):
        if not isinstance(answer, list):
            return f"{path}: list vs {type(answer).__name__}"
        if example and answer:
            return shape_mismatch(example[0], answer[0], path + "[0]")
        return None
    if isinstance(example, dict):
        if not isinstance(answer, dict):
            # PHP writes an empty object as [] ({} in one place, [] in another)
            return None if answer == [] else f"{path}: object vs {type(answer).__name__}"
        for key in example.keys() & answer.keys():
            found = shape_mismatch(example[key], answer[key], f"{path}.{key}")
            if found:
                return found
        return None
    return None
