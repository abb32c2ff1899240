"""PHP-style form encoding, as the portal parses it (``fields[TITLE]=x``, ``select[]=ID``).

Used for ``batch`` commands (``method?query``); calls themselves send JSON. The decoder is the
inverse, for tests and tools: ``decode_query(encode_query(p)) == normalize(p)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote

__all__ = ["decode_query", "encode_command", "encode_query", "flatten", "normalize", "scalar"]

# Brackets and ``$`` stay readable: ``$result[cmd][ID]`` references must survive as written,
# and PHP's parser accepts them unescaped.
_SAFE = "[]$"


def scalar(value: Any) -> str:
    """A scalar as PHP's ``http_build_query`` writes it."""
    if value is True:
        return "1"
    if value is False:
        return "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def flatten(params: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """``(key, value)`` pairs of ``params`` with PHP-style bracketed keys.

    ``None`` and empty containers are left out, as ``http_build_query`` does. Lists of scalars
    use ``key[]``; lists holding containers use indices, so the items stay grouped.
    """
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        yield from _flatten_value(name, value)


def _flatten_value(name: str, value: Any) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    if isinstance(value, Mapping):
        yield from flatten(value, name)
    elif isinstance(value, (list, tuple)):
        # Items that encode to nothing are dropped before numbering, so indices stay 0..n-1.
        kept = [item for item in value if not _vanishes(item)]
        indexed = any(isinstance(item, (Mapping, list, tuple)) for item in kept)
        for index, item in enumerate(kept):
            yield from _flatten_value(f"{name}[{index}]" if indexed else f"{name}[]", item)
    else:
        yield name, scalar(value)


def encode_query(params: Mapping[str, Any]) -> str:
    """``params`` as a URL-encoded PHP-style query string."""
    return "&".join(
        f"{quote(key, safe=_SAFE)}={quote(value, safe=_SAFE)}" for key, value in flatten(params)
    )


def encode_command(method: str, params: Mapping[str, Any]) -> str:
    """One ``batch`` command: ``method?query``."""
    query = encode_query(params)
    return f"{method}?{query}" if query else method


def _split_key(key: str) -> list[str]:
    """``fields[PHONE][0][VALUE]`` -> ``["fields", "PHONE", "0", "VALUE"]``; ``a[]`` -> ``["a", ""]``."""
    head, bracket, rest = key.partition("[")
    if not bracket:
        return [key]
    parts = [head]
    rest = "[" + rest
    while rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            break
        parts.append(rest[1:end])
        rest = rest[end + 1 :]
    return parts


def decode_query(query: str) -> dict[str, Any]:
    """A PHP-style query string back into nested dicts and lists (values stay strings)."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        parts = _split_key(key)
        node: Any = root
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            if isinstance(node, list):
                # ``[]`` appends; ``[n]`` is an index (PHP keeps them as keys; so do we below).
                if part == "":
                    if last:
                        node.append(value)
                        break
                    node.append({})
                    node = node[-1]
                    continue
                raise ValueError(f"mixed [] and [{part}] under one key in {key!r}")
            if part == "" and not last:
                raise ValueError(f"[] must end the key: {key!r}")
            if last:
                if part == "":
                    raise ValueError(f"empty key in {key!r}")
                node[part] = value
            else:
                following = parts[depth + 1]
                if part not in node:
                    node[part] = [] if following == "" else {}
                node = node[part]
    return {key: _lists_from_indices(value) for key, value in root.items()}


def _lists_from_indices(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {key: _lists_from_indices(value) for key, value in node.items()}
        keys = list(converted)
        if keys and keys == [str(i) for i in range(len(keys))]:
            return [converted[key] for key in keys]
        return converted
    if isinstance(node, list):
        return [_lists_from_indices(item) for item in node]
    return node


def normalize(value: Any) -> Any:
    """What ``value`` looks like after a trip through the form encoding.

    Scalars become strings, ``None`` and empty containers vanish, tuples become lists, and
    dicts keyed ``0..n-1`` become lists (PHP cannot tell them apart).
    """
    if isinstance(value, Mapping):
        out = {str(k): normalize(v) for k, v in value.items() if not _vanishes(v)}
        keys = list(out)
        if keys and keys == [str(i) for i in range(len(keys))]:
            return [out[key] for key in keys]
        return out
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value if not _vanishes(v)]
    return scalar(value)


def _vanishes(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, Mapping):
        return all(_vanishes(v) for v in value.values())
    if isinstance(value, (list, tuple)) and not isinstance(value, str):
        return all(_vanishes(v) for v in value)
    return False


def dumps(body: Any) -> bytes:
    """The JSON body of a request (compact; non-ASCII kept, the portal reads UTF-8)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_default).encode()


def _default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, Sequence):
        return list(value)
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()  # datetime, date: the portal takes ISO 8601
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
