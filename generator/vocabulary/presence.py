"""Which returned keys are always there, and which returned values may be ``null``.

Decided once for every consumer (the SDK's result TypedDicts read it through
``render/annotations.py``; see docs/types.md "Unset fields and always-present keys"):

- **null when unset.** A portal sends ``null`` for a field of a record that was never set
  (``"LEAD_ID": null``, ``"LAST_NAME": null`` in the docs' own crm.deal.get / crm.lead.get
  examples). Measured over every response example of the ``ru`` corpus, nulls appear for
  text, numbers, ids, dates, objects and PHP arrays (3-16% of the values of each), and never
  for flags, booleans and chars (0 of ~740), enumerations (0 of 58), multifields or typed lists
  (``string[]``, ``object[]``: an empty one is ``[]``). So a returned value admits ``None``
  unless its docs type is one of those, or it is the record's identifier (a record without
  an ``ID`` does not exist), or the returned-data table marks it required, or the answer
  describes fields (``crm.deal.fields``: every descriptor is there).
- **always present** (``Required``): a key the returned-data table marks required; and in a
  single record the method returns whole (no ``select`` parameter picks its fields), the
  record's identifier and, when the page's example shows the record with its unset fields as
  ``null`` (the portal sends every field, set or not), every documented scalar key the
  example shows. A key the example leaves out is never required.
- **left out when unset**: a multifield (``PHONE``, ``EMAIL``) without values is not sent at
  all (the emulator reads ``omitted_when_unset``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from generator.vocabulary.types import parse

IDENTIFIERS = frozenset({"ID", "id"})
# kinds a portal always fills in: a flag is "Y"/"N", a boolean true/false
_ALWAYS_SET_KINDS = frozenset({"boolean", "flag", "bit"})
_ALWAYS_SET_TYPES = frozenset({"enum", "char"})  # char: a Y/N flag in all but name
_FIELDS_METHODS = ("fields", "getfields")


def describes_fields(method_name: str, shape: str) -> bool:
    """``crm.lead.fields``, ``crm.item.getfields``…: the answer describes fields, not a record."""
    last = method_name.rsplit(".", 1)[-1].lower()
    return last in _FIELDS_METHODS and shape in ("object", "unknown")


def null_when_unset(expr: str) -> bool:
    """Whether a portal sends ``null`` for a returned value of docs type ``expr`` never set."""
    terms = parse(expr)
    if not terms:
        return False  # untyped: the example or Any decides
    for t in terms:
        if t.depth or t.docs.structure == "multifield":
            return False  # a list comes as [] when empty
        if not t.docs.returns:
            return False  # a named record type (catalog_product): no null ever shown
        if t.docs.returns <= _ALWAYS_SET_KINDS or t.docs.name in _ALWAYS_SET_TYPES:
            return False
    return True


def omitted_when_unset(expr: str) -> bool:
    """Whether a portal leaves a returned field of docs type ``expr`` out when it has no
    value: a multifield (crm.company.get's example has ``HAS_PHONE: "N"`` and no ``PHONE``)."""
    terms = parse(expr)
    return bool(terms) and all(t.docs.structure == "multifield" for t in terms)


def admits_null(name: str, expr: str, *, marked_required: bool, fields_answer: bool) -> bool:
    """Whether the returned key ``name`` of docs type ``expr`` may hold ``None``."""
    if fields_answer or marked_required or name in IDENTIFIERS:
        return False
    return null_when_unset(expr)


def _scalar(expr: str) -> bool:
    terms = parse(expr)
    return bool(terms) and all(
        not t.depth and t.docs.structure != "multifield" and not (t.docs.returns & {"list"})
        for t in terms
    )


def sent_whole(records: Iterable[Mapping[str, Any]], documented: Iterable[str]) -> bool:
    """The example shows the record with a documented field unset (``null``): the portal
    sends every field of it, set or not."""
    names = set(documented)
    return any(v is None and k in names for r in records for k, v in r.items())


def always_present(
    name: str,
    expr: str,
    *,
    marked_required: bool,
    single_record: bool,
    whole: bool,
    shown: list[Mapping[str, Any]],
) -> bool:
    """Whether the documented returned key ``name`` is in every answer (``Required``).

    ``single_record``: the key belongs to the one record a method returns, all its fields
    (no ``select``); ``whole``: that record's example shows unset fields as ``null``;
    ``shown``: the example's objects at this place."""
    if any(name not in r for r in shown):
        return False
    if marked_required:
        return True
    if not single_record:
        return False
    if name in IDENTIFIERS:
        return True
    return whole and bool(shown) and _scalar(expr)
