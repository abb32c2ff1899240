"""Families of keys the docs give by a placeholder (``UF_CRM_...``, ``PARENT_ID_...``,
``ufCrm...``): user fields, which a closed TypedDict cannot list."""

from __future__ import annotations

import re

from generator.model import Param, is_wire_name


def family_prefixes(params: tuple[Param, ...]) -> tuple[str, ...]:
    """``("UF_CRM_", "PARENT_ID_")`` for rows named ``UF_CRM_...``, ``PARENT_ID_...``."""
    out = []
    for p in params:
        if not is_wire_name(p.name) and _family_key(p.name):
            head = re.split(r"[.…<{\[ ]|\*", p.name, maxsplit=1)[0]
            if len(head) >= 2:
                out.append(head)
    return tuple(out)


def has_user_fields(params: tuple[Param, ...]) -> bool:
    """The docs document a family of keys (``UF_CRM_...``, ``PARENT_ID_...``, ``ufCrm...``)."""
    return any(not is_wire_name(p.name) and _family_key(p.name) for p in params)


def _family_key(name: str) -> bool:
    head = re.split(r"[.…<{\[ ]", name, maxsplit=1)[0]
    return bool(head) and bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", head))
