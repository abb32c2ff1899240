"""Error classes of the generated ``errors.py``: one per documented code, named once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.model import ApiModel, ErrorCode
from generator.render import text as tx
from generator.render.naming import NameRegistry, camel
from generator.render.runtime_facts import RuntimeFacts
from generator.render.views import ErrorView

BASE_CLASS = "Bitrix24Error"
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_NUMERIC = re.compile(r"[0-9]+")


@dataclass
class ErrorPlan:
    views: list[ErrorView]  # the classes errors.py defines or re-exports, by code
    on_base: list[str]  # documented codes with no class of their own (kept on the base)
    classes: dict[str, str]  # every documented code -> the class raised for it


def error_class_name(code: str, registry: NameRegistry) -> str | None:
    """``ACCESS_DENIED`` -> ``AccessDeniedError``, ``404`` -> ``Error404``; None: no class."""
    stripped = code.strip()
    if _IDENTIFIER.fullmatch(stripped):
        wanted = camel(*stripped.lower().split("_")) if stripped.isupper() else camel(stripped)
        wanted = wanted if wanted.endswith("Error") else wanted + "Error"
        return registry.claim(wanted)
    if _NUMERIC.fullmatch(stripped):
        return registry.claim(f"Error{stripped}")
    return None


def plan_errors(model: ApiModel, facts: RuntimeFacts) -> ErrorPlan:
    described: dict[str, ErrorCode] = {}
    for e in model.system_errors:
        described.setdefault(e.code, e)
    for m in sorted(model.methods, key=lambda m: (m.name, m.api_version, m.source)):
        for e in m.errors:
            described.setdefault(e.code, e)
    runtime = dict(facts.error_classes)
    runtime_names = set(facts.error_all or ())
    registry = NameRegistry({BASE_CLASS, "register", "SYSTEM_ERRORS"} | runtime_names)
    result = ErrorPlan([], [], {})
    for code in sorted(described):
        e = described[code]
        if code in runtime:
            cls, is_runtime = runtime[code], True
        else:
            named = error_class_name(code, registry)
            if named is None:
                result.on_base.append(code)
                result.classes[code] = BASE_CLASS
                continue
            cls, is_runtime = named, False
        result.classes[code] = cls
        result.views.append(ErrorView(code, tx.py_str(code), cls, _error_doc(e), is_runtime))
    return result


def _error_doc(e: ErrorCode) -> str:
    described_as = tx.shorten(e.description, 300)
    code = tx.clean(e.code)
    doc_lines = [f"{code}: {described_as}" if described_as else code]
    if e.status is not None:
        doc_lines.append(f"HTTP status {e.status}.")
    return tx.docstring(doc_lines)
