"""Which parameters a call lacks, read from its page: required ones, "at least one of"
groups ("Обязателен, если не передан DIALOG_ID", "хотя бы один из параметров: IBLOCK_ID или
IBLOCK_CODE"), and the error the page documents for a missing one."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from generator.emulator.errors import (
    EMPTY_CODES as _EMPTY_CODES,
)
from generator.emulator.errors import (
    NOT_ARGUMENT_CODES as _NOT_ARGUMENT_CODES,
)
from generator.emulator.errors import (
    V3_VALIDATION,
    ApiError,
    portal_message,
)
from generator.emulator.params import get_ci
from generator.model import Method, Param

_PLACEHOLDER = re.compile(r"[\s<>{}.\[\]]|\.\.\.")


_ONE_OF = (
    "если не передан", "если не указан", "хотя бы один", "один из", "одно из", "либо",
    "at least one", "one of", "is not passed", "is not specified", "if not passed",
    "if not specified", "either",
)  # fmt: skip


def _given(params: dict[str, Any], name: str) -> bool:
    value = get_ci(params, name)
    return value is not None and value != ""


@lru_cache(maxsize=4096)
def alternatives(method: Method) -> dict[str, frozenset[str]]:
    """Required parameter -> the other parameters any of which stands in for it."""
    names = [p.name for p in method.params if not _PLACEHOLDER.search(p.name)]
    out: dict[str, set[str]] = {}
    for p in method.params:
        desc = p.description.lower()
        if not p.required or not any(w in desc for w in _ONE_OF):
            continue
        named = {
            n for n in names
            if n != p.name and re.search(rf"(?<![\w.]){re.escape(n.lower())}(?![\w])", desc)
        }  # fmt: skip
        group = named | {p.name}
        for member in group:
            out.setdefault(member, set()).update(group - {member})
    return {k: frozenset(v) for k, v in out.items()}


def case_folded(method: Method) -> bool:
    """Whether the method reads parameter names in any case. CRM does (``ID`` for ``id``),
    and so do the older modules whose pages write their parameters in capitals
    (bizproc ``LOG_MESSAGE``, timeman ``RANGES``: their own examples send them in lower
    case); methods documented in lower/camel case read names as written (``disk.file.get``
    knows ``id``, not ``ID``)."""
    if method.name.lower().startswith("crm.") or method.scope.lower() == "crm":
        return True
    return any(any(c.isupper() for c in p.name) for p in method.params)


def spell_params(method: Method, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters as the method reads them: in CRM a name differing from a documented
    one only in case is that parameter; elsewhere it is an unknown parameter, dropped."""
    documented = {p.name.lower(): p.name for p in method.params}
    out: dict[str, Any] = {}
    for key, value in params.items():
        real = documented.get(str(key).lower())
        if real is None or real == key:
            out[key] = value
        elif case_folded(method):
            out.setdefault(real, value)
    return out


def missing_required(method: Method, params: dict[str, Any]) -> Param | None:
    others = alternatives(method)
    for p in method.params:
        if not p.required or _PLACEHOLDER.search(p.name) or _given(params, p.name):
            continue
        if any(_given(params, alt) for alt in others.get(p.name, ())):
            continue  # one of its group is given
        return p
    return None


def variant_refusal(method: Method, params: dict[str, Any]) -> ApiError | None:
    """A call of a method with ways to call it (``Method.variants``: attachId, or moduleId +
    entityType + entityId, or signedAttachId) must take exactly one way: parameters of two
    ways are a mix, and a way short of its required parameters is not taken. Either is
    answered with the page's error for a missing parameter."""
    if len(method.variants) < 2:
        return None
    names = [{p.name for p in v.params} for v in method.variants]
    common = set.intersection(*names)
    taken = [i for i, own in enumerate(names) if any(_given(params, n) for n in own - common)]
    if len(taken) > 1:
        second = method.variants[taken[1]]
        extra = next(p for p in second.params if p.name not in common and _given(params, p.name))
        return required_error(method, extra)
    first_missing: Param | None = None
    for i in taken or range(len(method.variants)):
        lacking = [
            p for p in method.variants[i].params if p.required and not _given(params, p.name)
        ]
        if not lacking:
            return None
        first_missing = first_missing or lacking[0]
    return required_error(method, first_missing) if first_missing is not None else None


_DESC_WORDS = (
    "required", "обязательн", "не указан", "не передан", "missing", "не заполнен",
    "not specified", "could not find value", "is not defined", "not set", "не задан",
    "is empty", "empty", "пуст", "не найден параметр",
)  # fmt: skip
_CODE_WORDS = ("REQUIRED", "MISSING", "EMPTY", "NOT_SPECIFIED", "NOT_DEFINED", "NO_PARAM")


def required_error(method: Method, param: Param) -> ApiError:
    """The code the page documents for a missing ``param``, or a generic one."""
    if method.api_version == 3:
        message = f"Required field `{param.name}` is not specified"
        return ApiError(
            V3_VALIDATION,
            "Request object validation error",
            400,
            validation=[{"field": param.name, "message": message}],
            about_params=True,
        )
    best: tuple[int, Any] | None = None
    name = param.name.lower()
    for err in method.errors:
        desc = err.description.lower()
        code = err.code
        if any(w in code.upper() for w in _NOT_ARGUMENT_CODES) or desc.startswith(
            ("access denied", "доступ запрещ")
        ):
            continue  # about who calls, not about what was sent
        by_desc = any(w in desc for w in _DESC_WORDS)
        by_code = code.isascii() and any(w in code.upper() for w in _CODE_WORDS) and " " not in code
        if not (by_desc or by_code):
            continue
        score = 1
        if (
            f"`{name}`" in desc
            or f"{{{name}}}" in desc
            or re.search(rf"\b{re.escape(name)}\b", desc)
        ):
            score += 2
        if name.upper() in code.upper():
            score += 2
        if best is None or score > best[0]:
            best = (score, err)
    if best is not None and best[1].code.strip() not in ("", "-", "—"):
        err = best[1]
        # A missing argument is the caller's fault: a 4xx whatever else the page's table
        # says (a few pages put a numeric error code such as 510 in the status column).
        status = err.status if err.status and 400 <= err.status < 500 else 400
        code = "" if err.code.strip().lower() in _EMPTY_CODES else err.code.strip()
        message = portal_message(err.description) or f"Required parameter {param.name}"
        return ApiError(code, message, status, about_params=True)
    return ApiError(
        "ERROR_ARGUMENT",
        f"Could not find value for parameter {{{param.name}}}",
        400,
        about_params=True,
    )
