"""The JSON example and the returned-data table → ``Returns`` (result shape and fields)."""

from __future__ import annotations

import json
import re
from typing import Any

from generator.model import Param, Returns

_LINE_COMMENT = re.compile(r'("(?:[^"\\]|\\.)*")|//[^\n]*|#[^\n"]*$', re.M)
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_ELLIPSIS_LINE = re.compile(r"^\s*(?:\.\.\.|…)\s*,?\s*$", re.M)
_ELLIPSIS_ITEM = re.compile(r",\s*(?:\.\.\.|…)(?=\s*[\]}])|(?<=[\[{])\s*(?:\.\.\.|…)\s*,?")
_TRAILING_COMMA = re.compile(r",(\s*[\]}])")


def parse_json_lenient(text: str) -> Any:
    """json.loads, then again after removing comments, ellipses and trailing commas."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    s = _BLOCK_COMMENT.sub("", text)
    s = _LINE_COMMENT.sub(lambda m: m.group(1) or "", s)
    s = _ELLIPSIS_LINE.sub("", s)
    s = _ELLIPSIS_ITEM.sub("", s)
    s = _TRAILING_COMMA.sub(r"\1", s)
    try:
        return json.loads(s)
    except ValueError:
        return _NOT_JSON


class _NotJson:
    pass


_NOT_JSON = _NotJson()


def is_json(value: Any) -> bool:
    return value is not _NOT_JSON


def shape_of(result: Any) -> str:
    if isinstance(result, bool):
        return "boolean"
    if isinstance(result, (int, float, str)):
        return "scalar"
    if isinstance(result, list):
        return "list"
    if isinstance(result, dict):
        if "item" in result and len(result) <= 2:
            return "item"
        if "items" in result and isinstance(result.get("items"), list):
            return "items"
        return "object"
    return "unknown"


_SHAPE_BY_TYPE = {
    "boolean": "boolean", "bool": "boolean", "integer": "scalar", "int": "scalar",
    "string": "scalar", "double": "scalar", "float": "scalar", "number": "scalar",
    "object": "object", "array": "list", "datetime": "scalar", "date": "scalar",
}


def build_returns(
    example: Any | None, fields: tuple[Param, ...], method_name: str
) -> Returns:
    result_row = next((p for p in fields if p.name.lower() == "result"), None)
    rtype = result_row.type if result_row else ""
    shape = "unknown"
    example_text = None
    paged = False
    if isinstance(example, dict) and "result" in example:
        result = example["result"]
        shape = shape_of(result) if result is not None else "unknown"
        example_text = json.dumps(result, ensure_ascii=False, sort_keys=False)
        paged = "total" in example or "next" in example
    elif example is not None and not (isinstance(example, dict) and "error" in example):
        # envelope-less examples (catalog *.list): the object is the result
        shape = shape_of(example)
        example_text = json.dumps(example, ensure_ascii=False)
    if shape == "unknown" and rtype:
        shape = _SHAPE_BY_TYPE.get(rtype.split("|")[0].lower(), "unknown")
        if rtype.endswith("[]"):
            shape = "list"
    if any(p.name.lower() in ("total", "next") for p in fields):
        paged = True
    if method_name.lower().endswith(".list") and shape in ("list", "items"):
        paged = True
    return Returns(shape=shape, type=rtype, fields=fields, example=example_text, paged=paged)
