"""Classes for errors the portal answers with an empty code, told apart by their text.

Classic methods answer ``{"error": "", "error_description": "Not found."}``; their pages write
the code as "Пустое значение" / "Empty value" (or a dash) and the message first in the
description ("Not found — Сделки с переданным id не существует"), or put the message itself in
the code column ("The field SUBJECT is not defined or empty"). Each such message gets a class
named after it (``NotFoundError``; the class of a code of the same name when there is one),
registered for the methods (and status) that document it by decorators on the class:
``@register(message="Not found", methods=("crm.deal.get",))``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import ApiModel
from generator.render import text as tx
from generator.render.naming import camel

__all__ = [
    "MessageClass",
    "MessageRegistration",
    "is_blank_code",
    "message_class",
    "message_errors",
]

BLANK_CODES = frozenset({"", "пустое значение", "пустая строка", "empty value", "empty string"})
_DASHES = frozenset({"—", "-", "–"})
_WORD = re.compile(r"[A-Za-z]+")
# Longer messages would give unreadable class names; they stay on the base class.
_MAX_WORDS = 6


@dataclass(frozen=True)
class MessageRegistration:
    message_lit: str
    status: int | None
    methods_lit: str
    cls: str

    @property
    def decorator_args(self) -> str:
        status = "" if self.status is None else f", status={self.status}"
        return f"message={self.message_lit}{status}, methods={self.methods_lit}"


@dataclass(frozen=True)
class MessageClass:
    cls: str
    doc: str
    registrations: tuple[MessageRegistration, ...]


def is_blank_code(code: str) -> bool:
    """The docs' way of writing that the portal answers with an empty code."""
    stripped = code.strip()
    return stripped.lower() in BLANK_CODES or stripped in _DASHES


def _message_of(code: str, description: str) -> str | None:
    stripped = code.strip()
    if is_blank_code(code):
        text = description.split(" — ", 1)[0].strip()
    elif " " in stripped:
        text = stripped  # the message itself written in the code column
    else:
        return None
    # the portal sends these texts in English; a page's own-language gloss is not one
    if not text or not text.isascii() or len(text) > 200:
        return None
    return text


def _class_name(message: str) -> str | None:
    words = _WORD.findall(message)
    if not words or len(words) > _MAX_WORDS:
        return None
    return camel(*(w.lower() for w in words)) + "Error"


def message_class(
    code: str, description: str, code_classes: Iterable[str], runtime_names: Iterable[str]
) -> str | None:
    """The class ``errors.py`` registers for an empty-code answer documented as (``code``,
    ``description``); None when the text gets none (it stays on its code's class): no
    message, or the name of a runtime class that no documented code's class is."""
    message = _message_of(code, description)
    cls = None if message is None else _class_name(message)
    if cls is None or (cls in runtime_names and cls not in code_classes):
        return None
    return cls


def message_errors(
    model: ApiModel, code_classes: Iterable[str], runtime_names: Iterable[str]
) -> tuple[list[MessageClass], dict[str, list[MessageRegistration]]]:
    """New classes with their registrations, and the registrations for classes that a code
    already defines (by class name). Texts whose class name is a runtime class are left out:
    that class is not defined in ``errors.py`` to decorate."""
    code_names = set(code_classes)
    runtime = set(runtime_names) - code_names
    first_text: dict[str, str] = {}
    grouped: dict[tuple[str, int | None, str], set[str]] = {}
    for m in model.methods:
        for e in m.errors:
            cls = message_class(e.code, e.description, code_names, runtime)
            if cls is None:
                continue
            message = _message_of(e.code, e.description) or ""
            first_text.setdefault(cls, message)
            grouped.setdefault((message, e.status, cls), set()).add(m.name)
    by_class: dict[str, list[MessageRegistration]] = {}
    for (message, status, cls), methods in sorted(
        grouped.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1] or 0)
    ):
        methods_lit = "(" + "".join(f"{tx.py_str(name)}, " for name in sorted(methods)) + ")"
        by_class.setdefault(cls, []).append(
            MessageRegistration(tx.py_str(message), status, methods_lit, cls)
        )
    new = [
        MessageClass(
            cls,
            tx.docstring([f"Answered with an empty code: {tx.shorten(first_text[cls], 200)}"]),
            tuple(regs),
        )
        for cls, regs in sorted(by_class.items())
        if cls not in code_names
    ]
    existing = {cls: regs for cls, regs in by_class.items() if cls in code_names}
    return new, existing
