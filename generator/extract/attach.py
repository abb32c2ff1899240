"""Sub-tables → the parameter they describe, at the right depth.

A sub-table names its parameter by its heading ("Параметр fields", "### section") or by its
heading's anchor, which a parameter's description or type link points at (``[ниже](#fields)``,
``[`section[]`](#section)``). When several parameters carry that name, the one in the table
read most recently before the sub-table wins: "### Параметр CODE" after "### Параметр FIELDS"
means the ``CODE`` row of ``FIELDS``, not a top-level ``CODE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.extract.params import (
    PNode,
    anchors_linked,
    find_param,
    merge_rows,
    nest_dotted,
    walk,
)
from generator.model import is_name_pattern


@dataclass
class SubTable:
    object_name: str | None  # the name the heading gives, if any
    anchor: str  # the heading's anchor (explicit or generated)
    heading: str
    rows: list[PNode]
    line: int
    before: list[list[PNode]] = field(default_factory=list)  # tables read before it, in order
    # a table of possible values ("Возможные значения ключа TYPE"): rows are values, not members
    values: bool = False
    # the table continues the object of another sub-table (a bold "**Импорт**" paragraph)
    follows: SubTable | None = None
    target: PNode | None = None  # set once attached


def _recent_first(st: SubTable, roots: list[PNode]) -> list[list[PNode]]:
    """Earlier tables, latest first, keeping only rows that made it into the tree (a
    duplicate row dropped by ``merge_rows`` must not receive a sub-table)."""
    live = {id(n) for n in walk(roots)}
    return [[n for n in t if id(n) in live] for t in reversed(st.before)]


def _deepest(nodes: list[PNode], anchor: str, depth: int = 0) -> tuple[int, PNode] | None:
    """The deepest node linking ``anchor`` (a member that links the same anchor as its parent
    is the one described); among equals the first, so ``select``/``order`` sharing a link
    give it to the first as before."""
    best: tuple[int, PNode] | None = None
    for n in nodes:
        if anchor in anchors_linked(n) and (best is None or depth > best[0]):
            best = (depth, n)
        deeper = _deepest(n.children, anchor, depth + 1)
        if deeper is not None and (best is None or deeper[0] > best[0]):
            best = deeper
    return best


def _by_anchor(roots: list[PNode], st: SubTable) -> PNode | None:
    if not st.anchor:
        return None
    for table in _recent_first(st, roots):
        hit = _deepest(table, st.anchor)
        if hit is not None:
            return hit[1]
    hit = _deepest(roots, st.anchor)
    return hit[1] if hit else None


def _by_name(roots: list[PNode], st: SubTable) -> PNode | None:
    name = st.object_name
    if not name:
        return None
    for table in _recent_first(st, roots):
        node = find_param(table, name)
        if node is not None:
            return node
    node = find_param(roots, name)
    if node is not None:
        return node
    # "### section" documents the type of a parameter typed `section[]`, and
    # "section_element.options" a member of such a type
    head, _, rest = name.partition(".")
    for n in walk(roots):
        if any(t.removesuffix("[]").lower() == head.lower() for t in n.type.split("|")):
            if not rest:
                return n
            found = find_param(n.children, rest)
            if found is not None:
                return found
    return None


def target_for(roots: list[PNode], st: SubTable) -> PNode | None:
    found = _by_anchor(roots, st) or _by_name(roots, st)
    if found is None and st.follows is not None:
        return st.follows.target
    return found


def attach(roots: list[PNode], subs: list[SubTable]) -> tuple[list[SubTable], int]:
    """Attach sub-tables to their parameters; repeat while progress is made (deeper first).

    Returns the sub-tables that match no parameter and the number of rows attached.
    """
    pending = list(subs)
    attached = 0
    progress = True
    while pending and progress:
        progress = False
        rest: list[SubTable] = []
        for st in pending:
            target = target_for(roots, st)
            if target is None:
                rest.append(st)
                continue
            st.target = target
            if st.values:
                _attach_values(target, st.rows)
            else:
                rows, _ = nest_dotted(st.rows)
                merge_rows(target.children, rows)
            attached += len(st.rows)
            progress = True
        pending = rest
    return pending, attached


def _attach_values(target: PNode, rows: list[PNode]) -> None:
    for r in rows:
        if r.name not in target.values:
            target.values.append(r.name)
        if r.description and r.name not in dict(target.labels):
            target.labels.append((r.name, r.description))


def hoist_pattern_members(nodes: list[PNode]) -> None:
    """Named keys listed under a wildcard row move up beside it.

    ``UF_*`` with a sub-table of ``UF_BLOG_POST_FILE``, ``UF_GRATITUDE``…: those are keys of the
    same object that match the wildcard, not members of each ``UF_*`` value. Placeholders
    that stand for a value (``<селектор>``) keep their members.
    """
    for n in list(nodes):
        hoist_pattern_members(n.children)
        prefix = _glob_prefix(n.name)
        if prefix is None:
            continue
        names = {x.name.lower() for x in nodes}
        keep = []
        for c in n.children:
            if c.name.startswith(prefix) and not is_name_pattern(c.name):
                if c.name.lower() not in names:
                    nodes.append(c)
                    names.add(c.name.lower())
            else:
                keep.append(c)
        n.children = keep


def _glob_prefix(name: str) -> str | None:
    for tail in ("*", "...", "…"):
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)]
    return None
