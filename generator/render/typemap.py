"""From the docs' type expressions to Python annotations.

Annotations are small trees (``Ann``) rendered to text only at the end, because the
same name may need qualifying in one class (a method called ``list`` shadows the
builtin inside its class body) and not in another.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Names an annotation may use, and how to spell them when a class member shadows them.
QUALIFIED = {
    "str": "_builtins.str",
    "int": "_builtins.int",
    "float": "_builtins.float",
    "bool": "_builtins.bool",
    "list": "_builtins.list",
    "dict": "_builtins.dict",
    "Any": "_typing.Any",
    "Literal": "_typing.Literal",
    "NotGiven": "_rt_types.NotGiven",
    "Page": "_rt_response.Page",
}


@dataclass(frozen=True)
class Ann:
    """``name[args]``; ``name == "|"`` is a union of ``args``; a ``Literal``'s values are its
    ``args`` (each named by its Python literal, ``Ann('"a"')``)."""

    name: str
    args: tuple[Ann, ...] = ()

    def render(self, shadowed: frozenset[str] = frozenset(), td_prefix: str = "_t.") -> str:
        """Annotation text; ``TD:Name`` (a generated TypedDict) gets ``td_prefix``."""
        if self.name == "|":
            return " | ".join(a.render(shadowed, td_prefix) for a in self.args)
        if self.name.startswith("TD:"):
            name = td_prefix + self.name[3:]
        elif self.name in shadowed and self.name in QUALIFIED:
            name = QUALIFIED[self.name]
        else:
            name = self.name
        if not self.args:
            return name
        return f"{name}[{', '.join(a.render(shadowed, td_prefix) for a in self.args)}]"

    def names(self) -> set[str]:
        out = {self.name} if self.name != "|" else set()
        for a in self.args:
            out |= a.names()
        return out


ANY = Ann("Any")
STR = Ann("str")
INT = Ann("int")
FLOAT = Ann("float")
BOOL = Ann("bool")
NONE = Ann("None")
DICT_ANY = Ann("dict", (STR, ANY))
LIST_ANY = Ann("list", (ANY,))


def union(*items: Ann) -> Ann:
    flat: list[Ann] = []
    for item in items:
        for a in item.args if item.name == "|" else (item,):
            if a not in flat:
                flat.append(a)
    if ANY in flat:
        return ANY
    return flat[0] if len(flat) == 1 else Ann("|", tuple(flat))


# Base types of the docs vocabulary -> (annotation, meaning shown in docstrings).
# Unknown names map to Any: the renderer does not guess.
_BASE: dict[str, tuple[Ann, str]] = {
    "string": (STR, ""),
    "text": (STR, ""),
    "str": (STR, ""),
    "integer": (INT, ""),
    "int": (INT, ""),
    "long": (INT, ""),
    "number": (FLOAT, ""),
    "double": (FLOAT, ""),
    "float": (FLOAT, ""),
    "decimal": (FLOAT, ""),
    "boolean": (BOOL, ""),
    "bool": (BOOL, ""),
    "object": (DICT_ANY, ""),
    "json": (DICT_ANY, ""),
    "array": (LIST_ANY, ""),
    "null": (NONE, ""),
    "any": (ANY, ""),
    "mixed": (ANY, ""),
    "char": (STR, "one character, usually a Y/N flag"),
    "date": (STR, "date as text, e.g. 2024-01-31"),
    "datetime": (STR, "date and time as ISO 8601 text, e.g. 2024-01-31T10:00:00+03:00"),
    "time": (STR, "time as text"),
    "timestamp": (INT, "Unix time in seconds"),
    "enum": (STR, "one of the listed values"),
    "file": (ANY, "a file: [name, base64 content] or {fileData: [name, base64]}"),
    "attached_diskfile": (INT, "id of a file on Drive"),
    "disk_file": (INT, "id of a file on Drive"),
    "user": (INT, "user id"),
    "crm_status": (STR, "STATUS_ID of a CRM reference list (crm.status)"),
    "crm_currency": (STR, "currency code"),
    "crm_company": (INT, "company id"),
    "crm_contact": (INT, "contact id"),
    "crm_lead": (INT, "lead id"),
    "crm_deal": (INT, "deal id"),
    "crm_quote": (INT, "quote id"),
    "crm_entity": (STR, "CRM entity binding, e.g. C_12 or a numeric id"),
    "crm_multifield": (
        Ann("list", (DICT_ANY,)),
        "multifield values: a list of {VALUE, VALUE_TYPE[, ID]} objects",
    ),
    "lang_map": (Ann("dict", (STR, STR)), "texts by language code"),
    "iblock_section": (INT, "information block section id"),
    "location": (INT, "location id"),
    "employee": (INT, "user id"),
}

_SPLIT = re.compile(r"\s*\|\s*")
_CLEAN = re.compile(r"[`*\s]")


@dataclass(frozen=True)
class Mapped:
    ann: Ann
    meaning: str = ""  # what a domain type means, for docstrings


@functools.lru_cache(maxsize=4096)
def map_type(expr: str) -> Mapped:
    """``"string|array"`` -> ``str | list[Any]``; ``"integer[]"`` -> ``list[int]``; unknown -> Any."""
    parts = [p for p in _SPLIT.split(_CLEAN.sub("", expr or "")) if p]
    if not parts:
        return Mapped(ANY)
    anns: list[Ann] = []
    meanings: list[str] = []
    for part in parts:
        ann, meaning = _map_one(part)
        anns.append(ann)
        if meaning and meaning not in meanings:
            meanings.append(meaning)
    return Mapped(union(*anns), "; ".join(meanings))


def _map_one(part: str) -> tuple[Ann, str]:
    depth = 0
    while part.endswith("[]"):
        part = part[:-2]
        depth += 1
    key = part.lower()
    if key in _BASE:
        ann, meaning = _BASE[key]
    elif key.endswith((".id", "_id")):
        ann, meaning = INT, f"id of a {part.rsplit('.', 1)[0]}"
    elif key.endswith(".code"):
        ann, meaning = STR, f"code of a {part.rsplit('.', 1)[0]}"
    else:
        ann, meaning = ANY, ""
    for _ in range(depth):
        ann = Ann("list", (ann,))
    return ann, meaning


def base_kind(expr: str) -> str:
    """The scalar kind a type expression names, for Literal values: "str", "int" or ""."""
    mapped = map_type(expr).ann
    if mapped == STR:
        return "str"
    if mapped == INT:
        return "int"
    return ""
