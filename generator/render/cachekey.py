"""Keys of the render memo: what a memoised piece of output is made from, serialised.

Equal text means equal output; ``RenderMemo.salt`` covers everything but the model (the
generator's code and templates, Jinja's and ruff's versions).
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from generator.render import runtime_contract as contract
from generator.render.errors import BASE_CLASS
from generator.render.plan import PackagePlan
from generator.render.tree import Node


class RenderMemo(Protocol):
    """Where ``render_package`` keeps work it may reuse (``generator.drift.cache.PartCache``).

    ``salt`` must change whenever anything but the model could change the output: the
    generator's code and templates, Jinja's and ruff's versions. Values are JSON objects.
    """

    salt: str

    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, value: dict[str, Any]) -> None: ...


def memo_key(memo: RenderMemo, kind: str, *parts: str) -> str:
    h = hashlib.sha256(f"{kind}\0{memo.salt}".encode())
    for part in parts:
        h.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def module_inputs(plan: PackagePlan, name: str) -> str:
    """Everything ``plan.build_module(name)`` reads, as text: equal text, equal module."""
    mv = next(m for m in plan.modules if m.name == name)
    parts = [plan.package, name, mv.title, plan.doc_base_url]
    codes: set[str] = set()

    def walk(node: Node) -> None:
        parts.append(f"node {node.path!r}")
        if node.method is not None:
            parts.append(repr(node.method))
            codes.update(e.code for e in node.method.errors)
        for seg in sorted(node.children):
            walk(node.children[seg])

    for node in plan.module_nodes[name]:
        parts.append(f"top {node.segment!r} {plan.root_attr(node)!r}")
        parts.append(f"v3 {node is plan.v3_root}")
        walk(node)
    parts.append(repr(sorted((c, plan.error_classes.get(c, BASE_CLASS)) for c in codes)))
    # an empty-code message named like a runtime class has that class only where some
    # documented code (on any page) is raised as it (docstrings.message_class)
    parts.append(repr(sorted(set(contract.ERRORS_ALL) & set(plan.error_classes.values()))))
    return "\n".join(parts)
