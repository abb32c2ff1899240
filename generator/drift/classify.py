"""Judging each docs-level change of a method by what it does to the generated SDK.

``diff.py`` finds what the docs say differently (a parameter removed, a type respelled);
this module looks the change up in both generated signatures (``surface``) and decides:

- the annotation at that place is the same in both SDKs (``int[]`` and ``integer[]``
  both print ``list[int]``) -> a type change is dropped: it is no change for a user;
- the change lets an old call or an old use of the result fail to type-check
  (``compat.accepts`` / ``compat.reads``) -> breaking; otherwise not.

A difference of the signatures that no docs-level change explains (a Python name taken by
a new sibling, a parameter object documented for the first time) is added as a change of
its own, so that every breaking difference of the SDK is reported, and reported once.
"""

from __future__ import annotations

from dataclasses import replace

from generator.drift.change import Change
from generator.drift.compat import accepts, differences, reads, render, shallow
from generator.drift.surface import MethodSurface, Shape

OPEN = Shape("open")  # a place inside dict[str, Any]: any key type-checks there
# a place inside Any: nothing was checked there, so what the docs now document inside it
# (even a required key) is a type documented for the first time, as Any -> int is
OPEN_ANY = Shape("open-any")

_RESULT_WHOLE = ("result_shape", "result_type", "result_paged")


def judge_method(changes: list, old: MethodSurface | None, new: MethodSurface | None) -> list:
    """``changes`` (``diff.Change``) with ``breaking`` set by the SDK surfaces, spellings
    dropped, and the surface differences no change explains added."""
    if old is None or new is None:
        # not exposed in one of the SDKs (a second page for the same method name)
        return [replace(c, breaking=False) for c in changes]
    kept = []
    whole_done = False
    has_whole = any(c.kind in ("result_type", "result_shape") for c in changes)
    for c in changes:
        if has_whole and c.param == "result" and c.kind.startswith("result_field_"):
            continue  # the same fact as the result_type/result_shape change: report it once
        judged = _judge(c, old, new)
        if judged is None:
            continue
        if judged.kind in _RESULT_WHOLE:
            # one annotation change, however many of shape/type/paging the docs moved
            if judged.breaking and whole_done:
                judged = replace(judged, breaking=False)
            whole_done = whole_done or judged.breaking
        kept.append(judged)
    return kept + _unexplained(kept, old, new, type(changes[0]) if changes else None)


def _judge(c, old: MethodSurface, new: MethodSurface):
    kind = c.kind
    if kind.startswith("param_"):
        a, b = input_slot(old, c.param), input_slot(new, c.param)
        return _judge_input(c, a, b)
    if kind in _RESULT_WHOLE:
        ra, rb = shallow(old.returns), shallow(new.returns)
        if ra == rb:
            return None  # the return annotation did not move
        return _with_ann(c, old.returns_text, new.returns_text, not reads(rb, ra))
    if kind.startswith("result_field_"):
        a, b = result_slot(old, c.param), result_slot(new, c.param)
        if kind == "result_field_removed":
            return replace(c, breaking=_real(a) and b is None)
        if kind == "result_field_added":
            return replace(c, breaking=False)
        if not (_real(a) and _real(b)):
            return replace(c, breaking=False)
        sa, sb = shallow(a[1]), shallow(b[1])
        if sa == sb:
            return None
        return _with_ann(c, _text(a[1]), _text(b[1]), not reads(sb, sa))
    if kind == "name_case" and old.py_path != new.py_path:
        # the Python attribute follows the docs' spelling: old code calls a name now gone
        return replace(c, breaking=True, old_annotation=old.py_path, new_annotation=new.py_path)
    return replace(c, breaking=False)  # deprecation, error codes: nothing fails


def _judge_input(c, a, b):
    kind = c.kind
    if kind == "param_removed":
        return replace(c, breaking=_real(a) and b is None)
    if kind == "param_added":
        return replace(c, breaking=_real(b) and b[0] and not _real(a) and a is not OPEN_ANY)
    if kind == "param_optional":
        return replace(c, breaking=False)
    if kind == "param_required":
        return replace(
            c, breaking=_real(b) and b[0] and not (_real(a) and a[0]) and a is not OPEN_ANY
        )
    if not (_real(a) and _real(b)):
        return replace(c, breaking=False)
    sa, sb = shallow(a[1]), shallow(b[1])
    if kind == "param_type" and sa == sb:
        return None  # two spellings of one annotation
    if kind == "param_values" and sa == sb:
        return replace(c, breaking=False)  # the annotation does not list the values
    return _with_ann(c, _text(a[1]), _text(b[1]), not accepts(sb, sa))


def _with_ann(c, old_text: str, new_text: str, breaking: bool):
    return replace(c, breaking=breaking, old_annotation=old_text, new_annotation=new_text)


def _real(slot) -> bool:
    return slot is not None and slot is not OPEN and slot is not OPEN_ANY


# -- finding a dotted docs path in a signature -------------------------------------------


def input_slot(s: MethodSurface, path: str | None) -> tuple[bool, Shape] | Shape | None:
    """(required, shape) of the argument / TypedDict key at ``path``; ``OPEN`` inside an
    untyped object; ``None`` when the signature has no such place."""
    if not path:
        return None
    parts = path.split(".")
    for i in range(len(parts), 0, -1):  # wire names may themselves hold dots
        arg = s.arg(".".join(parts[:i]))
        if arg is not None:
            return _descend((arg.required, arg.shape), parts[i:])
    return None


def result_slot(s: MethodSurface, path: str | None) -> tuple[bool, Shape] | Shape | None:
    if not path:
        return None
    parts = path.split(".")
    ret = s.returns
    if parts[0] == "result" and _find_key(ret, "result") is None:
        parts = parts[1:]
    return _descend((False, ret), parts)


def _descend(slot, parts: list[str]):
    i = 0
    while i < len(parts):
        if not _real(slot):
            return slot
        shape = slot[1]
        found = None
        for j in range(len(parts), i, -1):
            found = _find_key(shape, ".".join(parts[i:j]))
            if _real(found):
                i = j
                break
        if not _real(found):
            return found
        slot = found
    return slot


def _find_key(shape: Shape, wire: str):
    if shape.kind == "td":
        return shape.key(wire)
    if shape.kind == "list":
        return _find_key(shape.args[0], wire)
    if shape.kind == "union":
        found = [_find_key(a, wire) for a in shape.args]
        real = [f for f in found if _real(f)]
        if real:
            return real[0]
        return next((f for f in (OPEN_ANY, OPEN) if f in found), None)
    if shape.kind == "any":
        return OPEN_ANY
    if shape.kind in ("dict", "page"):
        return OPEN
    return None


def _text(shape: Shape) -> str:
    return render(shape)


# -- what the docs-level changes do not explain ------------------------------------------


def _unexplained(kept: list, old: MethodSurface, new: MethodSurface, change_cls) -> list:
    if change_cls is None:
        change_cls = Change
    out = []
    hard = [c.param or "" for c in kept if c.breaking and c.kind.startswith("param_")]
    if old.py_path != new.py_path and not any(c.kind == "name_case" for c in kept):
        out.append(change_cls("py_name", None, old.py_path, new.py_path, True))
    for a in old.args:
        b = new.arg(a.wire)
        if b is None:
            continue  # a removed parameter is a docs-level change (or not visible)
        if a.py != b.py:
            out.append(change_cls("param_py_name", a.wire, a.py, b.py, True))
        if any(p == a.wire or p.startswith(a.wire + ".") for p in hard):
            continue
        found = differences(b.shape, a.shape, a.wire, argument=True)
        if b.required and not a.required:
            found.append((a.wire, a.text, f"{b.text} (required)"))
        for path, was, now in found:
            out.append(change_cls("param_annotation", path, was, now, True, was, now))
        if not found and a.shape != b.shape and not _mentions(kept, a.wire):
            # widened inside, where the docs changed nothing (keys from the example)
            out.append(
                change_cls("param_annotation", a.wire, a.text, b.text, False, a.text, b.text)
            )
    for b in new.args:
        if old.arg(b.wire) is None and b.required and b.wire not in hard:
            out.append(change_cls("param_added", b.wire, None, b.text, True))
    if not any(c.breaking and c.kind.startswith("result_") for c in kept):
        found = differences(new.returns, old.returns, "", argument=False)
        for path, was, now in found:
            out.append(change_cls("result_annotation", path or None, was, now, True, was, now))
        if (
            not found
            and new.returns != old.returns
            and not any(c.kind.startswith("result_") for c in kept)
        ):
            # e.g. a key the response example gained: the SDK moved, nobody's code breaks
            was, now = old.returns_text, new.returns_text
            out.append(change_cls("result_annotation", None, was, now, False, was, now))
    return out


def _mentions(kept: list, wire: str) -> bool:
    return any(c.param and (c.param == wire or c.param.startswith(wire + ".")) for c in kept)
