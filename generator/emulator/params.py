"""Request parameters the way a portal reads them: PHP-style form keys, JSON, and values
coerced by their documented type so that form and JSON requests store the same thing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from generator.vocabulary import types as vocab


def parse_php_query(text: str) -> dict[str, Any]:
    """``fields[TITLE]=x&select[]=ID&filter[>ID]=5`` -> nested dicts and lists."""
    return nest_php_pairs(parse_qsl(text, keep_blank_values=True))


PHP_MAX_NESTING = 64  # PHP's max_input_nesting_level: deeper keys are dropped, as there


def nest_php_pairs(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    # Next free index of each array that met "x[]", by id(): a scan of the keys for every
    # "x[]" made n appends cost n^2 (a 137 KiB body stalled the loop for seconds).
    free: dict[int, tuple[dict[str, Any], int]] = {}  # the dict is held so ids stay unique
    for key, value in pairs:
        base, path = _split_key(key)
        if not base or len(path) >= PHP_MAX_NESTING:
            continue
        _assign(root, [base, *path], value, free)
    return _lists_from_numeric_dicts(root)


def _split_key(key: str) -> tuple[str, list[str]]:
    bracket = key.find("[")
    if bracket <= 0:
        return key, []
    base = key[:bracket]
    path = []
    pos = bracket
    while pos < len(key) and key[pos] == "[":
        end = key.find("]", pos + 1)
        if end < 0:
            break  # PHP ignores anything after a malformed segment
        path.append(key[pos + 1 : end])
        pos = end + 1
    return base, path


def _assign(
    node: dict[str, Any],
    path: list[str],
    value: Any,
    free: dict[int, tuple[dict[str, Any], int]],
) -> None:
    last = len(path) - 1
    for i, seg in enumerate(path):
        if seg == "":  # "x[]": append with the next free integer key, as PHP does
            entry = free.get(id(node))
            n = entry[1] if entry is not None else 0
            seg = str(n)
            free[id(node)] = (node, n + 1)
        elif len(seg) < 19 and _is_index(seg):
            entry = free.get(id(node))
            if entry is None or entry[1] <= int(seg):
                free[id(node)] = (node, int(seg) + 1)
        if i == last:
            node[seg] = value
            return
        child = node.get(seg)
        if not isinstance(child, dict):
            child = {}
            node[seg] = child
        node = child


def _is_index(key: str) -> bool:
    return key.isascii() and key.isdigit()  # not "²", which isdigit() but int() refuses


def _lists_from_numeric_dicts(value: Any) -> Any:
    """PHP arrays with keys 0..n-1 are JSON lists; keep the same shape as a JSON request."""
    if isinstance(value, dict):
        value = {k: _lists_from_numeric_dicts(v) for k, v in value.items()}
        if value and all(_is_index(k) for k in value):
            keys = sorted(int(k) for k in value)
            if keys == list(range(len(keys))):
                return [value[str(k)] for k in keys]
        return value
    if isinstance(value, list):
        return [_lists_from_numeric_dicts(v) for v in value]
    return value


def get_ci(params: dict[str, Any], name: str, default: Any = None) -> Any:
    """Parameter lookup ignoring case: the portal accepts ``id`` and ``ID`` alike."""
    if name in params:
        return params[name]
    low = name.lower()
    for k, v in params.items():
        if k.lower() == low:
            return v
    return default


def has_ci(params: dict[str, Any], name: str) -> bool:
    sentinel = object()
    return get_ci(params, name, sentinel) is not sentinel


def base_type(doc_type: str) -> str:
    t = doc_type.strip().lower().split("|")[0]
    return t.removesuffix("[]")


def coerce(doc_type: str, value: Any) -> Any:
    """Turn form strings into the JSON value the documented type implies.

    Only unambiguous conversions: ``"12"`` for an integer becomes 12, ``"abc"`` stays as is
    (the portal would reject or ignore it; we keep it so nothing is silently lost)."""
    if isinstance(value, list):
        if not doc_type:  # nothing to convert to: the common case of undocumented fields
            return value
        return [coerce(doc_type, v) for v in value]
    if not isinstance(value, str) or not doc_type:
        return value
    # what the value is stored as is the vocabulary's decision (generator.vocabulary.types)
    stored = vocab.storage(base_type(doc_type))
    if stored == "integer":
        if re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
    elif stored == "number":
        try:
            return float(value) if value.strip() else value
        except ValueError:
            return value
    elif stored == "boolean":
        # Only the spellings that mean a JSON boolean; "Y"/"N" and "1"/"0" stay as sent,
        # since classic CRM "boolean" fields are Y/N strings on a real portal.
        low = value.strip().lower()
        if low == "true":
            return True
        if low == "false":
            return False
    return value


def coerce_filter_value(doc_type: str, value: Any) -> Any:
    """Filter values compare against stored values; numbers must meet numbers."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        t = base_type(doc_type)
        if vocab.storage(t) in ("integer", "number") or t == "":
            return float(value) if "." in value else int(value)
    return coerce(doc_type, value)
