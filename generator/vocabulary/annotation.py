"""Annotation trees: a Python type annotation as data, rendered to text only at the end.

The same name may need qualifying in one class (a method called ``list`` shadows the
builtin inside its class body) and not in another, so annotations stay trees until then.
"""

from __future__ import annotations

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
    """``name[args]``; ``name == "|"`` is a union of ``args``; ``TD:Name`` a TypedDict."""

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

    def parts(self) -> tuple[Ann, ...]:
        return self.args if self.name == "|" else (self,)


ANY = Ann("Any")
STR = Ann("str")
INT = Ann("int")
FLOAT = Ann("float")
BOOL = Ann("bool")
NONE = Ann("None")
DICT_ANY = Ann("dict", (STR, ANY))
LIST_ANY = Ann("list", (ANY,))
YN = Ann("Literal", (Ann("'Y'"), Ann("'N'")))
_BIT = Ann("Literal", (Ann("0"), Ann("1")))


def union(*items: Ann) -> Ann:
    flat: list[Ann] = []
    for item in items:
        for a in item.parts():
            if a not in flat:
                flat.append(a)
    if ANY in flat:
        return ANY
    if STR in flat:  # str already takes the Y/N flag
        flat = [a for a in flat if a != YN]
    if FLOAT in flat:  # int is a float to a type checker; keep the union short
        flat = [a for a in flat if a != INT]
    if INT in flat or FLOAT in flat:
        flat = [a for a in flat if a != _BIT]
    return flat[0] if len(flat) == 1 else Ann("|", tuple(flat))


def merge_lists(ann: Ann) -> Ann:
    """``list[A] | list[B]`` -> ``list[A | B]``: a type checker infers a list literal against
    one list type, not a union of them (mypy rejects ``[["id", "=", 1]]`` otherwise)."""
    parts = ann.parts()
    lists = [p for p in parts if p.name == "list" and p.args]
    if len(lists) < 2:
        return ann
    items = union(*(merge_lists(p.args[0]) for p in lists))
    merged = Ann("list", (items,))
    out = [merged if p is lists[0] else p for p in parts if p is lists[0] or p not in lists]
    return union(*out)
