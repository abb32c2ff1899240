"""What an SDK user sees of each method: the generated signature and return annotation.

The one place the diff reads the renderer. Everything here comes from the renderer's own
view model (``generator.render.plan.plan``: the same ``param_ann``/``return_ann`` that print
the ``.pyi`` stubs), parsed from the annotation *text* it prints, so the diff and the
generated SDK cannot disagree about a type. When the renderer's modules move (or the
vocabulary moves to ``generator.vocabulary``), only the imports below change.

A ``Shape`` is an annotation as a structure: TypedDict names are replaced by their keys,
unions are sets, so two spellings the renderer maps to the same annotation are equal.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from generator.model import ApiModel
from generator.render.plan import plan as _render_plan
from generator.render.typemap import map_type as _map_type

# TypedDicts nest at most a few levels; a deeper reference is shown, not expanded.
_MAX_DEPTH = 12


@dataclass(frozen=True)
class Shape:
    """``kind``: any | none | name | union | list | dict | literal | td | page."""

    kind: str
    name: str = ""  # for "name": int, str, float, bool (and any other printed name)
    args: tuple[Shape, ...] = ()  # union alternatives (sorted), list item, dict key and value
    values: frozenset[str] = frozenset()  # Literal values as Python literals ('"a"', "1")
    keys: tuple[tuple[str, bool, Shape], ...] = ()  # td: (wire key, required, shape), sorted

    def key(self, wire: str) -> tuple[bool, Shape] | None:
        for name, required, shape in self.keys:
            if name == wire:
                return required, shape
        return None


ANY = Shape("any")
OPAQUE_TD = Shape("td", name="…")  # a TypedDict whose keys are judged elsewhere


@dataclass(frozen=True)
class Arg:
    py: str  # the keyword the caller writes
    wire: str  # the parameter's name in the docs (and on the wire)
    required: bool
    shape: Shape
    text: str  # the annotation as printed in the stub


@dataclass(frozen=True)
class MethodSurface:
    name: str
    api_version: int
    py_path: str  # "crm.lead.add": how it is reached from the client (v3 under "v3.")
    args: tuple[Arg, ...]
    returns: Shape
    returns_text: str

    def arg(self, wire: str) -> Arg | None:
        return next((a for a in self.args if a.wire == wire), None)

    def signature(self) -> str:
        """The signature as the stub prints it (without ``self``), for reports."""
        parts = [f"{a.py}: {a.text}" + ("" if a.required else " = ...") for a in self.args]
        return f"({', '.join(parts)}) -> {self.returns_text}"


SurfaceKey = tuple[str, int, str, int]  # (name, api_version, source, line) of the Method


def surface_key(name: str, api_version: int, source: str, line: int) -> SurfaceKey:
    return (name, api_version, source, line)


def method_surfaces(model: ApiModel) -> dict[SurfaceKey, MethodSurface]:
    """Every method the generated client exposes, keyed by the page that defines it."""
    p = _render_plan(model, "b24client")
    built = {mv.name: p.build_module(mv.name) for mv in p.modules}
    _, root_module = p.build_root({name: summary for name, (_, summary) in built.items()})
    found: dict[SurfaceKey, MethodSurface] = {}
    for mv in [view for view, _ in built.values()] + [root_module]:
        tds = {td.name: td.keys for td in mv.typeddicts}
        parser = _Parser(tds)
        for m in mv.methods:
            model_method = m.model
            args = tuple(
                Arg(a.py, _wire(a.wire), a.required, parser.shape(t), t)
                for a in m.args
                for t in [a.ann.render(td_prefix="")]
            )
            ret_text = m.ret.render(td_prefix="")
            found[
                surface_key(
                    model_method.name,
                    model_method.api_version,
                    model_method.source,
                    model_method.line,
                )
            ] = MethodSurface(
                name=model_method.name,
                api_version=model_method.api_version,
                py_path=m.py_path,
                args=args,
                returns=parser.shape(ret_text),
                returns_text=ret_text,
            )
    return found


def type_shape(expr: str) -> tuple[Shape, str]:
    """The renderer's annotation of a bare docs type expression (event payload fields)."""
    text = _map_type(expr).ann.render(td_prefix="")
    return _Parser({}).shape(text), text


def _wire(literal: str) -> str:
    value = ast.literal_eval(literal)
    return value if isinstance(value, str) else str(value)


class _Parser:
    """Annotation text (as the renderer prints it) -> ``Shape``."""

    def __init__(self, typeddicts: dict[str, list[tuple[str, str]]]) -> None:
        self.tds = typeddicts
        self.memo: dict[str, Shape] = {}

    def shape(self, text: str) -> Shape:
        hit = self.memo.get(text)
        if hit is None:
            hit = self.memo[text] = self._node(ast.parse(text, mode="eval").body, 0)
        return hit

    def _td(self, name: str, depth: int) -> Shape:
        keys = []
        for wire_literal, wrapped in self.tds[name]:
            node = ast.parse(wrapped, mode="eval").body
            required = True
            if isinstance(node, ast.Subscript) and _name_of(node.value) in (
                "Required",
                "NotRequired",
            ):
                required = _name_of(node.value) == "Required"
                node = node.slice
            keys.append((_wire(wire_literal), required, self._node(node, depth + 1)))
        return Shape("td", name=name, keys=tuple(sorted(keys, key=lambda k: k[0])))

    def _node(self, node: ast.expr, depth: int) -> Shape:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return union(self._node(node.left, depth), self._node(node.right, depth))
        if isinstance(node, ast.Constant) and node.value is None:
            return Shape("none")
        if isinstance(node, ast.Subscript):
            base = _name_of(node.value)
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if base == "Literal":
                return Shape("literal", values=frozenset(ast.unparse(i) for i in items))
            args = tuple(self._node(i, depth) for i in items)
            if base in ("list", "dict"):
                return Shape(base, args=args)
            return Shape("name", name=base, args=args)
        name = _name_of(node)
        if name == "Any":
            return ANY
        if name == "None":
            return Shape("none")
        if name == "Page":
            return Shape("page")
        if name in self.tds and depth < _MAX_DEPTH:
            return self._td(name, depth)
        return Shape("name", name=name)


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # "_builtins.str" where a member shadows "str"
        return node.attr
    return ast.unparse(node)


def union(*items: Shape) -> Shape:
    flat: set[Shape] = set()
    for item in items:
        flat.update(item.args if item.kind == "union" else (item,))
    if ANY in flat:
        return ANY
    if len(flat) == 1:
        return next(iter(flat))
    return Shape("union", args=tuple(sorted(flat, key=repr)))


def docs_page_urls(model: ApiModel) -> dict[str, str]:
    """Method label (``crm.lead.add``, ``tasks.task.add@v3``) -> its published docs page,
    as the generated docstrings link it; events by name."""
    from generator.render.docstrings import page_url as _page_url
    from generator.render.plan import doc_base_url as _doc_base_url

    base = _doc_base_url(model)
    urls: dict[str, str] = {}
    for m in sorted(model.methods, key=lambda m: (m.source, m.line)):
        if m.source:
            label = m.name if m.api_version == 2 else f"{m.name}@v{m.api_version}"
            urls.setdefault(label, _page_url(base, m.source))
    for e in sorted(model.events, key=lambda e: (e.source, e.line)):
        if e.source:
            urls.setdefault(e.name, _page_url(base, e.source))
    return urls
