"""The one naming rule that turns wire names into Python identifiers.

The rule (also printed in the generated README, section "Names"):

1. Normalise the wire name with Unicode NFKC.
2. Replace every run of characters outside ``[A-Za-z0-9_]`` by one ``_`` and strip
   ``_`` from both ends (``data.FIELDS`` -> ``data_FIELDS``, ``{BOT_ID}`` -> ``BOT_ID``,
   ``TITLE (LANG)`` -> ``TITLE_LANG``). Leading underscores are never kept, so generated
   code can use ``_``-prefixed names of its own without clashes.
3. Empty -> ``unnamed``; a leading digit gets an ``n`` in front (``1c`` -> ``n1c``).
4. Within one scope (the parameters of a method, the members of a namespace) names that
   are already valid identifiers keep their spelling; the others are assigned after them in
   order of their wire name. A result that is a Python keyword, a reserved name of that scope
   or already taken gets ``_`` appended until it is free (``from`` -> ``from_``).

Case is kept: ``getFields`` and ``getfields`` are two different attributes.
The generated code always sends the exact wire name.
"""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata
from collections.abc import Iterable

_RUN = re.compile(r"[^A-Za-z0-9_]+")
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


@functools.lru_cache(maxsize=65536)
def sanitize(wire: str) -> str:
    """Steps 1-3 of the rule: a syntactically valid identifier, not yet checked for clashes."""
    text = unicodedata.normalize("NFKC", wire)
    text = _RUN.sub("_", text).strip("_")
    if not text:
        return "unnamed"
    if text[0].isdigit():
        return "n" + text
    return text


def is_plain(wire: str) -> bool:
    """True when the wire name is used unchanged (a valid, non-keyword identifier)."""
    return bool(_IDENT.match(wire)) and not keyword.iskeyword(wire) and wire.isascii()


def assign_names(wires: Iterable[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """Map each distinct wire name of one scope to its unique identifier (step 4)."""
    taken = set(reserved)
    result: dict[str, str] = {}
    unique = list(dict.fromkeys(wires))
    plain = [w for w in unique if is_plain(w)]
    other = sorted(w for w in unique if not is_plain(w))
    for wire in plain + other:
        name = sanitize(wire)
        while keyword.iskeyword(name) or name in taken:
            name += "_"
        taken.add(name)
        result[wire] = name
    return result


@functools.lru_cache(maxsize=65536)
def camel(*parts: str) -> str:
    """``("crm", "activity", "badge")`` -> ``CrmActivityBadge`` (for class names)."""
    out = []
    for part in parts:
        for piece in sanitize(part).split("_"):
            if piece:
                out.append(piece[0].upper() + piece[1:])
    return "".join(out) or "Unnamed"


class NameRegistry:
    """Hands out unique names in one Python scope (class names of a module, …)."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken = set(reserved)

    def claim(self, wanted: str) -> str:
        name = wanted
        n = 2
        while name in self._taken or keyword.iskeyword(name):
            name = f"{wanted}{n}"
            n += 1
        self._taken.add(name)
        return name


def class_name(text: str) -> str:
    """Words of ``text`` as a class name: ``onCrmLeadAdd`` -> ``OnCrmLeadAdd``,
    ``CATALOG.PRODUCT.ON.ADD`` -> ``CatalogProductOnAdd`` (all-caps words are capitalised)."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", text) if w]
    name = "".join(
        w.capitalize() if w.isupper() or w.islower() else w[0].upper() + w[1:] for w in words
    )
    if not name:
        name = "Key"
    if name[0].isdigit():
        name = "N" + name
    return name
