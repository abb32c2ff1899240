"""Classes for errors the portal answers with an empty code, told apart by their text.

Classic methods answer ``{"error": "", "error_description": "Not found."}``; their pages write
the code as "Пустое значение" / "Empty value" (or a dash) and the message first in the
description ("Not found — Сделки с переданным id не существует"), or put the message itself in
the code column ("The field SUBJECT is not defined or empty"). Each such message gets a class
named after it (``NotFoundError``; the class of a code of the same name when there is one),
registered with ``register_message`` for the methods (and status) that document it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import ApiModel
from generator.render import text as tx
from generator.render.naming import camel

__all__ = ["MessageClass", "MessageRegistration", "message_errors"]

BLANK_CODES = frozenset({"", "пустое значение", "пустая строка", "empty value", "empty string"})
_DASHES = frozenset({"—", "-", "–"})
_WORD = re.compile(r"[A-Za-z]+")
# Longer messages would give unreadable class names; they stay on the base class.
_MAX_WORDS = 6


@dataclass(frozen=True)
class MessageClass:
    cls: str
    doc: str


@dataclass(frozen=True)
class MessageRegistration:
    message_lit: str
    status: int | None
    methods_lit: str
    cls: str


def _message_of(code: str, description: str) -> str | None:
    stripped = code.strip()
    if stripped.lower() in BLANK_CODES or stripped in _DASHES:
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


def message_errors(
    model: ApiModel, code_classes: Iterable[str], runtime_names: Iterable[str]
) -> tuple[list[MessageClass], list[MessageRegistration]]:
    """New classes (those not already defined for a code) and the registrations to emit."""
    existing = set(code_classes) | set(runtime_names)
    new: dict[str, MessageClass] = {}
    grouped: dict[tuple[str, int | None, str], set[str]] = {}
    for m in model.methods:
        for e in m.errors:
            message = _message_of(e.code, e.description)
            if message is None:
                continue
            cls = _class_name(message)
            if cls is None:
                continue
            if cls not in existing and cls not in new:
                new[cls] = MessageClass(
                    cls, tx.docstring([f"Answered with an empty code: {message}"])
                )
            grouped.setdefault((message, e.status, cls), set()).add(m.name)
    registrations = [
        MessageRegistration(
            tx.py_str(message),
            status,
            "(" + "".join(f"{tx.py_str(name)}, " for name in sorted(methods)) + ")",
            cls,
        )
        for (message, status, cls), methods in sorted(
            grouped.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0, kv[0][2])
        )
    ]
    return sorted(new.values(), key=lambda c: c.cls), registrations
