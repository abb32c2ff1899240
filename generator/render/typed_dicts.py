"""How a TypedDict of a types module is printed: the class form where it can be.

The class form takes a docstring after each key, which editors show on hover over
``fields["TITLE"]``; the call form (``TypedDict("X", {"from": ...})``) takes no per-key
text, but it is the only one that can spell a key that is not an identifier. A TypedDict
with both kinds of documented keys is a class whose base, in the call form, holds the keys
the class cannot spell (``class X(_XKeys): ...``).
"""

from __future__ import annotations

import keyword
import re

from generator.render.views import KeyView, TypedDictLayout, TypedDictView

# A class-body key must be an ASCII identifier (a non-ASCII one would be NFKC-normalised into
# another key), not a keyword, not mangled (``__x``), and no name its annotations use (a type
# checker would read the annotation's name as the key declared in the class).
_ANN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")  # Literal["EMAIL"] names no key


def _class_key(key: str, used: set[str]) -> bool:
    return (
        key.isidentifier()
        and key.isascii()
        and not keyword.iskeyword(key)
        and not key.startswith("__")
        and key not in used
    )


def layout(td: TypedDictView) -> TypedDictLayout:
    """Which keys of ``td`` go in the class body (with their docstrings), which in a base."""
    name, keys = td.name, td.keys
    if not any(td.docs):
        # nothing to show on hover: the call form, as compact as before
        return TypedDictLayout(name, "", tuple(KeyView(lit, ann, "") for lit, ann in keys), ())
    used = set(_ANN_NAME.findall(_STRING.sub("", " ".join(ann for _, ann in keys))))
    used |= {name, "TypedDict"}
    in_class: list[KeyView] = []
    in_call: list[KeyView] = []
    for (lit, ann), doc in zip(keys, td.docs):
        # an identifier's literal is the plain quoted text (``text.py_str``): no escapes
        key = lit[1:-1] if "\\" not in lit else ""
        if _class_key(key, used):
            in_class.append(KeyView(key, ann, doc))
        else:
            in_call.append(KeyView(lit, ann, doc))
    if not any(k.doc for k in in_class):
        return TypedDictLayout(name, "", tuple(KeyView(lit, ann, "") for lit, ann in keys), ())
    base = f"_{name}Keys" if in_call else ""
    return TypedDictLayout(name, base, tuple(in_call), tuple(in_class))
