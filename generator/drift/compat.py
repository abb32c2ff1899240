"""Does code written against the old generated SDK still type-check against the new one?

Two questions, one per direction a value travels:

- ``accepts(new, old)``: an argument. Every call that passed a value the old annotation
  allowed must still be allowed: the new annotation may widen (``int`` -> ``int | str``,
  ``Literal["a"]`` -> ``str``, a new optional TypedDict key), never narrow.
- ``reads(new, old)``: a return value. Code that used what the old annotation promised must
  still be able to: every alternative of the new annotation must be usable as the old one
  (a removed TypedDict key, or a new alternative such as ``| bool``, breaks that code; a
  narrower result does not).

``Any`` is what the generated SDK says when the docs say nothing, and it is the gradual
type: a call or a use checked against ``Any`` was not checked at all. So ``Any`` -> a
concrete type is the docs documenting a type for the first time (reported, not breaking:
no check that passed before fails "again"), and a concrete type -> ``Any`` loses a check
(not breaking either). ``dict[str, Any]`` is not ``Any``: a parameter object whose keys are
documented for the first time refuses calls with other keys, and that is breaking.
Calls are taken as the SDK is used: with literals, so ``list`` is read covariantly and a
TypedDict argument may go where ``dict[str, Any]`` is expected.

``deep=False`` compares TypedDicts as opaque: their keys are parameters of their own, and
each key's change is judged (and reported) once, at that key.
"""

from __future__ import annotations

from generator.drift.surface import OPAQUE_TD, Shape, union

# (new, old) pairs of names where the new annotation takes every value of the old one
_SCALAR_WIDER = {("float", "int"), ("int", "bool"), ("float", "bool")}
_LITERAL_BASE = {"str": ('"', "'"), "int": tuple("-0123456789")}


def accepts(new: Shape, old: Shape, *, deep: bool = True) -> bool:
    if new == old or new.kind == "any" or old.kind == "any":
        return True
    if old.kind == "union":
        return all(accepts(new, o, deep=deep) for o in old.args)
    if new.kind == "union":
        return any(accepts(n, old, deep=deep) for n in new.args)
    if new.kind == "list" and old.kind == "list":
        return accepts(new.args[0], old.args[0], deep=deep)
    if new.kind == "dict" and old.kind == "dict":
        return accepts(new.args[-1], old.args[-1], deep=deep)
    if new.kind == "dict" and old.kind == "td":
        return new.args[-1].kind == "any"  # a dict literal of any keys goes there
    if new.kind == "td" and old.kind == "td":
        if not deep:
            return True
        for wire, required, shape in old.keys:
            found = new.key(wire)
            if found is None or not accepts(found[1], shape):
                return False  # a call sending that key no longer type-checks
        return all(not required or (old.key(wire) or (False,))[0] for wire, required, _ in new.keys)
    return _scalar_takes(new, old)


def reads(new: Shape, old: Shape, *, deep: bool = True) -> bool:
    if new == old or new.kind == "any" or old.kind == "any":
        return True
    if new.kind == "union":
        return all(reads(n, old, deep=deep) for n in new.args)
    if old.kind == "union":
        return any(reads(new, o, deep=deep) for o in old.args)
    if new.kind == "list" and old.kind == "list":
        return reads(new.args[0], old.args[0], deep=deep)
    if new.kind == "dict" and old.kind == "dict":
        return reads(new.args[-1], old.args[-1], deep=deep)
    if new.kind == "dict" and old.kind == "td":
        return new.args[-1].kind == "any"  # result["KEY"] still type-checks
    if new.kind == "td" and old.kind == "td":
        if not deep:
            return True
        for wire, _, shape in old.keys:
            found = new.key(wire)
            if found is None or not reads(found[1], shape):
                return False  # code reading that key no longer type-checks
        return True
    return _scalar_takes(old, new)


def _scalar_takes(wide: Shape, narrow: Shape) -> bool:
    """Does ``wide`` take every value of ``narrow`` (scalars, Literals, None, Page)?"""
    if narrow.kind == "literal":
        if wide.kind == "literal":
            return narrow.values <= wide.values
        if wide.kind != "name" or wide.args:
            return False
        starts = _LITERAL_BASE["int"] if wide.name == "float" else _LITERAL_BASE.get(wide.name)
        return bool(starts) and all(v.startswith(starts) for v in narrow.values)
    if wide.kind == "name" and narrow.kind == "name":
        if wide.args or narrow.args:
            return wide == narrow
        return wide.name == narrow.name or (wide.name, narrow.name) in _SCALAR_WIDER
    return wide.kind == narrow.kind and wide.kind in ("none", "page")


def shallow(shape: Shape) -> Shape:
    """``shape`` with every TypedDict made opaque (its keys judged one by one elsewhere)."""
    if shape.kind == "td":
        return OPAQUE_TD
    if shape.kind == "union":
        return union(*(shallow(a) for a in shape.args))
    if shape.args:
        return Shape(shape.kind, shape.name, tuple(shallow(a) for a in shape.args), shape.values)
    return shape


def differences(new: Shape, old: Shape, path: str, *, argument: bool) -> list[tuple[str, str, str]]:
    """Where ``new`` fails old code, as (dotted path, old annotation, new annotation);
    ``argument``: judged as an argument (``accepts``) or as a return value (``reads``)."""
    ok = accepts if argument else reads
    if ok(new, old):
        return []
    at = lambda key: f"{path}.{key}" if path else key
    if new.kind == "td" and old.kind == "td":
        out: list[tuple[str, str, str]] = []
        for wire, _, shape in old.keys:
            found = new.key(wire)
            if found is None:
                out.append((at(wire), render(shape), "—"))
            else:
                out += differences(found[1], shape, at(wire), argument=argument)
        if argument:
            for wire, required, shape in new.keys:
                was = old.key(wire)
                if required and not (was and was[0]):
                    out.append(
                        (at(wire), render(was[1]) if was else "—", f"Required[{render(shape)}]")
                    )
        return out or [(path, render(old), render(new))]
    if new.kind == "list" and old.kind == "list":
        return differences(new.args[0], old.args[0], path, argument=argument)
    return [(path, render(old), render(new))]


def render(s: Shape) -> str:
    """A ``Shape`` as annotation text (TypedDicts by name), for reports."""
    if s.kind in ("any", "none", "page"):
        return {"any": "Any", "none": "None", "page": "Page"}[s.kind]
    if s.kind == "td":
        return s.name
    if s.kind == "union":
        return " | ".join(render(a) for a in s.args)
    if s.kind == "literal":
        return f"Literal[{', '.join(sorted(s.values))}]"
    if s.kind in ("list", "dict") or s.args:
        return f"{s.name or s.kind}[{', '.join(render(a) for a in s.args)}]"
    return s.name
