"""Every answer the emulator gave the integration tests (the docs_src emulators, batch
commands included) fits the return type the generated client declares for that method.

Runs after the other integration tests of this folder (file order), over what they made
the emulator answer; ``*.list`` methods return ``Page`` (its items are checked by the
runtime's own tests)."""

from __future__ import annotations

import keyword
import typing
from typing import Any

import pytest
from conftest import ANSWERS
from typecheck import mismatch


def _bound(client: Any, name: str) -> Any:
    node = client
    for part in name.split("."):
        for attr in (part, part + "_", part.lower()):
            if hasattr(node, attr) and not (keyword.iskeyword(attr)):
                node = getattr(node, attr)
                break
        else:
            return None
    return node if callable(node) else None


def _unfit(client: Any) -> tuple[int, set[str], list[tuple[str, str]]]:
    seen: set[str] = set()
    checked, unfit = 0, []
    for name, version, result in ANSWERS:
        if version != 2:
            continue
        fn = _bound(client, name)
        if fn is None:
            continue
        hint = typing.get_type_hints(fn).get("return", Any)
        checked += 1
        seen.add(name)
        found = mismatch(result, hint)
        if found:
            unfit.append((name, found))
    return checked, seen, unfit


def _is_portal_null(why: str) -> bool:
    return ": NoneType None, not " in why


def test_every_answer_fits_its_generated_return_type(client: Any) -> None:
    checked, seen, unfit = _unfit(client)
    print(f"\n{checked} answers of {len(seen)} methods checked against the generated types")
    assert checked > 100 and len(seen) > 20
    other = [(n, why) for n, why in unfit if not _is_portal_null(why)]
    assert other == [], other[:20]


def test_unset_fields_sent_as_null_fit_the_generated_types(client: Any) -> None:
    """A portal (and the emulator) sends null for a record's unset fields; the generated
    record types admit it (generator/vocabulary/presence.py)."""
    _, _, unfit = _unfit(client)
    nulls = sorted({(n, why) for n, why in unfit if _is_portal_null(why)})
    print(f"\n{len(nulls)} distinct null fields the generated types do not admit: {nulls[:8]}")
    assert nulls == []
