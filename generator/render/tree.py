"""The namespace tree: dotted method names as nested nodes (``crm`` > ``lead`` > ``add``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model import Method

V3_SEGMENT = "\x00v3"  # the REST 3.0 subtree under the v2 root; sorts first, never a wire name


@dataclass
class Node:
    segment: str
    path: str
    children: dict[str, Node] = field(default_factory=dict)
    method: Method | None = None


def insert(root: Node, method: Method, segments: list[str]) -> bool:
    """Hang ``method`` at ``segments``; False when a method already sits there."""
    node = root
    for seg in segments:
        child = node.children.get(seg)
        if child is None:
            path = f"{node.path}.{seg}" if node.path else seg
            child = node.children[seg] = Node(seg, path)
        node = child
    if node.method is not None:
        return False  # a second page for the same method: the first one (by source) wins
    node.method = method
    return True
