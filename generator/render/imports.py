"""The imports of a generated module, computed from what its body uses.

A template marks where the imports go (``MARKER``) and lists nothing; ``fill_imports``
finds the names the rendered body uses (outside string literals and comments) and writes
only the import lines that bind one of them, in a fixed order. Generated code passes
ruff's unused-import rule (F401) because of this, not because generated/ is excluded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MARKER = "#@b24gen-imports@"  # a comment: inert if it were ever left in

# One-line double-quoted literals as text.py writes them, and comments.
_STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*')
_TYPES_NAMES = ("Any", "Literal", "TypedDict", "NotRequired", "Required")
_KEY_NAMES = re.compile(r"(?m)^(\s+)\w+:")


@dataclass(frozen=True)
class ImportLine:
    """``import module as alias`` (``names == ()``), or ``from module import a as b, c``."""

    module: str
    names: tuple[tuple[str, str | None], ...] = ()  # (name, alias)
    alias: str | None = None  # for a plain ``import module as alias``

    def bound(self) -> list[str]:
        if not self.names:
            return [self.alias or self.module]
        return [a or n for n, a in self.names]

    def render(self, used: set[str]) -> str | None:
        if not self.names:
            bound = self.alias or self.module
            if bound not in used:
                return None
            return f"import {self.module}" + (f" as {self.alias}" if self.alias else "")
        kept = [(n, a) for n, a in self.names if (a or n) in used]
        if not kept:
            return None
        parts = ", ".join(f"{n} as {a}" if a else n for n, a in kept)
        return f"from {self.module} import {parts}"


def used_names(body: str, candidates: Iterable[str]) -> set[str]:
    """Which of ``candidates`` Python code ``body`` uses, string literals and comments
    left out.

    Triple quotes open and close docstrings only, and a docstring body never holds two
    quotes in a row (``text.docstring``), so splitting at them drops every docstring
    (the bulk of the text) at C speed before the scan.
    """
    code = _STRINGS.sub(" ", "\n".join(body.split('"""')[0::2]))
    wanted = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(candidates))) + r")\b")
    return set(wanted.findall(code))


def import_block(groups: list[list[ImportLine]], used: set[str]) -> str:
    """The lines of ``groups`` that bind a used name; a blank line between groups."""
    out: list[str] = []
    for group in groups:
        lines = [t for t in (line.render(used) for line in group) if t is not None]
        if lines:
            out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def client_imports(up: str, types_module: str) -> list[list[ImportLine]]:
    """What a module of an api package (``up="..."``) or client.py (``up="."``) may import."""
    return [
        [
            ImportLine("builtins", alias="_builtins"),
            ImportLine("functools", alias="_functools"),
            ImportLine("typing", alias="_typing"),
            ImportLine("warnings", alias="_warnings"),
            ImportLine("typing", (("TYPE_CHECKING", None), ("Any", None), ("Literal", None))),
            ImportLine("typing", (("cast", "_cast"),)),
        ],
        [
            ImportLine(f"{up}_runtime", (("client", "_rt_client"),)),
            ImportLine(f"{up}_runtime", (("lazy", "_rt_lazy"),)),
            ImportLine(f"{up}_runtime", (("typed", "_rt_typed"),)),
            ImportLine(f"{up}_runtime.lazy", (("LazyModule", "_LazyModule"),)),
            ImportLine(f"{up}_runtime", (("types", "_rt_types"),)),
            ImportLine(f"{up}_runtime", (("response", "_rt_response"),)),
            ImportLine(f"{up}_runtime.response", (("Page", None),)),
            ImportLine(f"{up}_runtime.types", (("NOT_GIVEN", "_NOT_GIVEN"),)),
            ImportLine(f"{up}_runtime.types", (("NotGiven", None),)),
            ImportLine(f"{up}api._util", (("drop", "_drop"),)),
        ],
    ]


def lazy_types_block(up: str, types_module: str) -> str:
    """``_t``, the module's TypedDicts: imported for type checkers, and at run time only when
    an annotation is evaluated (``typing.get_type_hints``), never by a call."""
    return (
        "\n\nif TYPE_CHECKING:\n"
        f"    from {up}types import {types_module} as _t\n"
        "else:\n"
        f'    _t = _LazyModule("{up}types.{types_module}", __package__)\n'
    )


def types_imports(used: set[str]) -> str:
    """The imports of a types module: ``Required``/``NotRequired`` from typing_extensions
    before Python 3.11."""
    head = import_block(
        [[ImportLine("typing", (("Any", None), ("Literal", None), ("TypedDict", None)))]], used
    )
    wrappers = [n for n in ("NotRequired", "Required") if n in used]
    if not wrappers:
        return head
    names = ", ".join(wrappers)
    return (
        "import sys\n"
        + head
        + "\nif sys.version_info >= (3, 11):\n"
        + f"    from typing import {names}\n"
        + "else:  # typing_extensions comes with httpx (through anyio) on Python 3.10\n"
        + f"    from typing_extensions import {names}\n"
    )


def fill_imports(
    text: str,
    groups: list[list[ImportLine]] | None = None,
    lazy_types: tuple[str, str] | None = None,
    stub: bool = False,
) -> str:
    """``text`` with ``MARKER`` replaced by the imports its body uses; with ``lazy_types``
    (``up``, types module), ``_t`` comes from ``lazy_types_block`` when the body uses it, or
    from a plain import in a ``stub`` (a .pyi is never run)."""
    head, marker, body = text.partition(MARKER)
    if not marker:
        raise ValueError("a generated module without its imports marker")
    if groups is None:
        # a key of a class-form TypedDict (``    Required: NotRequired[str]``) is no use of
        # the name it spells
        block = types_imports(used_names(_KEY_NAMES.sub(r"\1", body), _TYPES_NAMES))
    else:
        names = [name for group in groups for line in group for name in line.bound()]
        used = used_names(body, [*names, "_t"])
        tail = ""
        if lazy_types is not None and "_t" in used and stub:
            up, module = lazy_types
            tail = f"\nfrom {up}types import {module} as _t\n"
        elif lazy_types is not None and "_t" in used:
            used |= {"TYPE_CHECKING", "_LazyModule"}
            tail = lazy_types_block(*lazy_types)
        block = import_block(groups, used).rstrip("\n") + tail
    return head + block.rstrip("\n") + body
