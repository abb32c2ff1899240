"""The namespace plan: the package's global decisions, then modules built one at a time.

``plan(model, package, facts)`` makes every decision that spans modules (module names,
client attributes, error classes, the namespace tree) without building any method;
``PackagePlan.build_module`` then builds one module from its own subtree and those
decisions only (what lets ``render_package`` reuse unchanged modules, see cachekey.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.model import ApiModel, Method
from generator.render.annotations import TypesCollector
from generator.render.docstrings import namespace_docstring
from generator.render.errors import plan_errors
from generator.render.methods import method_view
from generator.render.naming import NameRegistry, assign_names, camel, sanitize
from generator.render.runtime_facts import RuntimeFacts
from generator.render.tree import V3_SEGMENT, Node, insert
from generator.render.typemap import QUALIFIED
from generator.render.views import (
    ChildView,
    ErrorView,
    MethodView,
    ModuleSummary,
    ModuleView,
    NamespaceView,
)


def doc_base_url(model: ApiModel) -> str:
    """The published docs site of the model's language: Cyrillic titles mean the .ru site.

    The model does not record its language, so the first 200 methods' titles decide."""
    cyr = sum(1 for m in model.methods[:200] if re.search("[а-яА-Я]", m.title + m.summary))
    return (
        "https://apidocs.bitrix24.ru"
        if cyr * 2 > min(len(model.methods), 200)
        else ("https://apidocs.bitrix24.com")
    )


@dataclass
class PackagePlan:
    """The package's global decisions (module names, error classes, the namespace tree),
    made without building any method. Modules are then built one at a time
    (``build_module``), each from its own subtree and these decisions only, which is what
    lets ``render_package`` reuse the output of modules whose inputs did not change."""

    package: str
    v2_root: Node
    v3_root: Node
    runtime: RuntimeFacts
    reserved: tuple[str, ...]  # reserved_root()
    root_names: dict[str, str]  # root segment -> attribute on the client
    modules: list[ModuleView]  # empty skeletons, sorted by name
    module_nodes: dict[str, list[Node]]  # module name -> its top-level nodes, in root order
    errors: list[ErrorView]
    error_base_codes: list[str]
    error_classes: dict[str, str]
    system_errors: list[str]
    method_count: int
    exposed_count: int
    doc_base_url: str

    def root_attr(self, node: Node) -> str:
        return self.root_names[V3_SEGMENT if node is self.v3_root else node.segment]

    def _member_names(self, node: Node, reserved: tuple[str, ...]) -> dict[str, str]:
        wires = [seg for seg in sorted(node.children) if seg != V3_SEGMENT]
        names = assign_names(wires, reserved=reserved)
        if V3_SEGMENT in node.children:
            names[V3_SEGMENT] = "v3"
        return names

    def build_module(self, name: str) -> tuple[ModuleView, ModuleSummary]:
        """A fresh ``ModuleView`` of module ``name``, namespaces, methods and types filled in."""
        skeleton = next(m for m in self.modules if m.name == name)
        mv = ModuleView(name=skeleton.name, title=skeleton.title)
        attrs: set[str] = set()

        def collect_attrs(node: Node) -> None:
            for seg, attr in self._member_names(node, ()).items():
                attrs.add(attr)
                collect_attrs(node.children[seg])

        tops = self.module_nodes[name]
        for node in tops:
            attrs.add(self.root_attr(node))
            collect_attrs(node)
        reg = NameRegistry(set(QUALIFIED) | {"Any", "Literal"})
        for a in sorted(attrs):
            reg.claim(a)
        types = TypesCollector(mv)
        built = []
        for node in tops:
            top = self._build_ns(node, mv, types, reg, self.root_attr(node))
            built.append((top.sync_cls, top.async_cls))
        return mv, ModuleSummary(mv.name, mv.title, len(mv.methods), built)

    def _method(self, m: Method, attr: str, types: TypesCollector) -> MethodView:
        return method_view(m, attr, types, self.error_classes, self.doc_base_url, self.package)

    def _build_ns(
        self, node: Node, mv: ModuleView, types: TypesCollector, reg: NameRegistry, py_path: str
    ) -> NamespaceView:
        parts = node.path.split(".")
        base = camel(*parts) if node is not self.v3_root else "V3"
        sync_cls = reg.claim(base)
        async_cls = reg.claim("Async" + base)
        names = self._member_names(node, ())
        ns = NamespaceView(
            path=node.path if node is not self.v3_root else "v3",
            sync_cls=sync_cls,
            async_cls=async_cls,
            doc=namespace_docstring(node.path),
            py_path=py_path,
        )
        mv.namespaces.append(ns)
        if node.method is not None:
            ns.call = self._method(node.method, "__call__", types)
            ns.call.py_path = py_path
            mv.methods.append(ns.call)
        for seg in sorted(node.children):
            child = node.children[seg]
            attr = names[seg]
            if not child.children and child.method is not None:
                mview = self._method(child.method, attr, types)
                mview.py_path = f"{py_path}.{attr}"
                ns.methods.append(mview)
                mv.methods.append(mview)
                continue
            sub = self._build_ns(child, mv, types, reg, f"{py_path}.{attr}")
            ns.children.append(ChildView(attr, sub.sync_cls, sub.async_cls, None, None))
        ns.attrs = frozenset([c.attr for c in ns.children] + [m.attr for m in ns.methods])
        return ns

    def build_root(self, summaries: dict[str, ModuleSummary]) -> tuple[NamespaceView, ModuleView]:
        """The client class (top-level methods, one property per top-level namespace) and
        the types module of the top-level methods; ``summaries`` of every module."""
        root_module = ModuleView(name="root", title="")
        types = TypesCollector(root_module)
        node = self.v2_root
        ns = NamespaceView(
            path="",
            sync_cls="Client",
            async_cls="AsyncClient",
            doc=namespace_docstring(""),
            py_path="",
        )
        module_of = {id(n): name for name, nodes in self.module_nodes.items() for n in nodes}
        top_index = {id(n): i for nodes in self.module_nodes.values() for i, n in enumerate(nodes)}
        for seg in sorted(node.children):
            child = node.children[seg]
            attr = self.root_names[seg]
            if not child.children and child.method is not None:
                mview = self._method(child.method, attr, types)
                mview.py_path = attr
                ns.methods.append(mview)
                root_module.methods.append(mview)
                continue
            name = module_of[id(child)]
            sync_cls, async_cls = summaries[name].tops[top_index[id(child)]]
            alias = f"_api_{name}"
            ns.children.append(
                ChildView(
                    attr=attr,
                    sync_cls=sync_cls,
                    async_cls=async_cls,
                    module_alias=alias,
                    lazy_import=f"from .api import {name} as {alias}",
                )
            )
        ns.attrs = frozenset([c.attr for c in ns.children] + [m.attr for m in ns.methods])
        return ns, root_module


def plan(model: ApiModel, package: str, facts: RuntimeFacts | None = None) -> PackagePlan:
    facts = facts or RuntimeFacts.load()
    methods = sorted(model.methods, key=lambda m: (m.name, m.api_version, m.source, m.line))
    v2_root = Node("", "")
    v3_root = Node("v3", "v3")
    exposed = 0
    for m in methods:
        segments = m.name.split(".")
        target = v3_root if m.api_version == 3 else v2_root
        exposed += insert(target, m, segments)
    if v3_root.children:
        v2_root.children.setdefault(V3_SEGMENT, v3_root)  # sorts first, never a wire segment
    errors = plan_errors(model, facts)

    # modules: one per top-level namespace, names folded to lower case (case-insensitive
    # file systems) and made unique
    module_names = NameRegistry(("root", "util"))
    modules: dict[str, ModuleView] = {}
    top_nodes = sorted(
        (n for n in v2_root.children.values() if n.children), key=lambda n: n.segment
    )
    module_of: dict[int, ModuleView] = {}
    for node in top_nodes:
        key = "v3" if node is v3_root else sanitize(node.segment).lower()
        if key not in modules:
            name = module_names.claim(key if key != "v3" or node is v3_root else key + "_")
            modules[key] = ModuleView(name=name, title=node.path)
        module_of[id(node)] = modules[key]
    module_nodes: dict[str, list[Node]] = {mv.name: [] for mv in modules.values()}
    for seg in sorted(v2_root.children):  # the order the client's properties are built in
        node = v2_root.children[seg]
        if id(node) in module_of:
            module_nodes[module_of[id(node)].name].append(node)
    reserved = facts.reserved
    result = PackagePlan(
        package=package,
        v2_root=v2_root,
        v3_root=v3_root,
        runtime=facts,
        reserved=reserved,
        root_names={},
        modules=sorted(modules.values(), key=lambda mv: mv.name),
        module_nodes=module_nodes,
        errors=errors.views,
        error_base_codes=errors.on_base,
        error_classes=errors.classes,
        system_errors=[e.code for e in model.system_errors],
        method_count=len(methods),
        exposed_count=exposed,
        doc_base_url=doc_base_url(model),
    )
    result.root_names = result._member_names(v2_root, reserved)
    return result
