"""The view model: what the templates print, computed from the ``ApiModel``.

Everything that needs a decision (names, types, docstrings, file layout) is decided
here, in plain Python; the templates only lay the results out. All orderings are
explicit sorts, so the output does not depend on hashing or on the reader's order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from generator.model import ApiModel, ErrorCode, Method, Param
from generator.render import text as tx
from generator.render.naming import NameRegistry, assign_names, camel, sanitize
from generator.render.typemap import (
    ANY,
    BOOL,
    DICT_ANY,
    FLOAT,
    INT,
    LIST_ANY,
    QUALIFIED,
    STR,
    Ann,
    base_kind,
    map_type,
    union,
)

DOC_WIDTH = 92  # docstring text width (black leaves docstrings alone; 100 with the indent)

# Public names of the runtime base classes; a method or namespace at the client's top level
# must not take them. Extended with whatever the runtime actually defines (see reserved_root).
ROOT_RESERVED = (
    "call",
    "call_raw",
    "batch",
    "iterate",
    "from_webhook",
    "from_oauth",
    "close",
    "aclose",
    "v3",
)
# Names imported at module level of every generated types module.
TYPES_RESERVED = ("Any", "Literal", "NotRequired", "Required", "TypedDict", "sys")
# Listed values become a Literal only when they look like tokens (not operators or prose).
_LITERAL_OK = re.compile(r"[\w.:/-]{1,64}\Z")
_READ_VERBS = (
    "get",
    "list",
    "fields",
    "search",
    "find",
    "count",
    "info",
    "status",
    "check",
    "version",
    "current",
    "read",
    "is",
    "has",
    "export",
    "tail",
    "history",
    "stat",
)


# -- views -------------------------------------------------------------------


@dataclass
class TypedDictView:
    name: str
    keys: list[tuple[str, str]]  # (python literal of the wire key, annotation text)


@dataclass
class ArgView:
    py: str
    wire: str  # python literal of the exact wire name
    ann: Ann
    required: bool


@dataclass
class MethodView:
    attr: str
    name: str  # wire method name
    name_lit: str
    args: list[ArgView]
    ret: Ann
    paged: bool
    api_version: int
    write: bool
    doc: str  # escaped docstring body
    deprecation: str | None  # python literal of the warning text
    model: Method
    py_path: str = ""  # "crm.lead.add": how it is reached from the client
    # one argument list per call variant (Method.variants), rendered as typing.overloads
    overloads: list[list[ArgView]] = field(default_factory=list)


@dataclass
class ChildView:
    attr: str
    sync_cls: str
    async_cls: str
    module_alias: str | None  # "_api_crm" when the class lives in another module (root only)
    lazy_import: str | None  # "from .api import crm as _api_crm", done inside the property


@dataclass
class NamespaceView:
    path: str  # dotted wire path ("" for the client root)
    sync_cls: str
    async_cls: str
    doc: str
    children: list[ChildView] = field(default_factory=list)
    methods: list[MethodView] = field(default_factory=list)
    call: MethodView | None = None  # the node is itself a method (calendar.event.get)
    attrs: frozenset[str] = frozenset()
    py_path: str = ""


@dataclass
class ModuleView:
    name: str  # python module name under api/ and types/
    title: str  # the wire namespace it holds ("crm", "v3")
    namespaces: list[NamespaceView] = field(default_factory=list)
    typeddicts: list[TypedDictView] = field(default_factory=list)
    methods: list[MethodView] = field(default_factory=list)  # every method, for docs


@dataclass
class ErrorView:
    code: str
    code_lit: str
    cls: str
    doc: str
    runtime: bool  # the runtime already defines the class


@dataclass
class PackageView:
    package: str
    root: NamespaceView
    root_module: ModuleView  # types for top-level methods
    modules: list[ModuleView]
    errors: list[ErrorView]
    error_base_codes: list[str]  # documented codes with no class (kept on the base)
    system_errors: list[str]
    method_count: int
    exposed_count: int
    doc_base_url: str


# -- the namespace tree -------------------------------------------------------


@dataclass
class _Node:
    segment: str
    path: str
    children: dict[str, _Node] = field(default_factory=dict)
    method: Method | None = None


def _insert(root: _Node, method: Method, segments: list[str]) -> bool:
    node = root
    for seg in segments:
        child = node.children.get(seg)
        if child is None:
            path = f"{node.path}.{seg}" if node.path else seg
            child = node.children[seg] = _Node(seg, path)
        node = child
    if node.method is not None:
        return False  # a second page for the same method: the first one (by source) wins
    node.method = method
    return True


def reserved_root() -> tuple[str, ...]:
    names = set(ROOT_RESERVED)
    try:
        from b24gen_templates.runtime import client as rt_client

        for cls_name in ("SyncTransportClient", "AsyncTransportClient"):
            cls = getattr(rt_client, cls_name, None)
            if cls is not None:
                names.update(n for n in dir(cls) if not n.startswith("_"))
    except Exception:  # noqa: BLE001 - the runtime may be absent or broken while it is written
        pass
    return tuple(sorted(names))


# -- building -----------------------------------------------------------------


class _Types:
    """Collects the TypedDicts of one types module."""

    def __init__(self, module: ModuleView) -> None:
        self.module = module
        self.registry = NameRegistry(TYPES_RESERVED + tuple(QUALIFIED))

    def typed_dict(self, wanted: str, params: tuple[Param, ...], *, returned: bool) -> str:
        name = self.registry.claim(wanted)
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for p in params:
            if p.name in seen:
                continue
            seen.add(p.name)
            ann = param_ann(p, f"{name}{camel(p.name)}", self, returned=returned)
            text = ann.render(td_prefix="")
            if returned:
                wrapper = "NotRequired"
            else:
                wrapper = "Required" if p.required else "NotRequired"
            keys.append((tx.py_str(p.name), f"{wrapper}[{text}]"))
        self.module.typeddicts.append(TypedDictView(name, keys))
        return name


def _literal(p: Param) -> Ann | None:
    if not p.values or len(p.values) > 60:
        return None
    kind = base_kind(p.type)
    values = list(dict.fromkeys(tx.clean(v) for v in p.values))
    if (kind == "str" or (kind == "" and not p.type)) and all(_LITERAL_OK.match(v) for v in values):
        return Ann("Literal", tuple(Ann(tx.py_str(v)) for v in values))
    if kind == "int":
        try:
            ints = list(dict.fromkeys(int(v) for v in values))
        except ValueError:
            return None
        return Ann("Literal", tuple(Ann(str(i)) for i in ints))
    return None


def param_ann(p: Param, td_name: str, types: _Types, *, returned: bool = False) -> Ann:
    mapped = map_type(p.type).ann
    if p.children:
        td = Ann("TD:" + types.typed_dict(td_name, p.children, returned=returned))
        if mapped == ANY or mapped == DICT_ANY:
            return td
        parts = mapped.args if mapped.name == "|" else (mapped,)
        replaced = []
        for part in parts:
            if part == DICT_ANY:
                replaced.append(td)
            elif part == LIST_ANY or part == Ann("list", (DICT_ANY,)):
                replaced.append(Ann("list", (td,)))
            else:
                replaced.append(part)
        if td not in replaced and Ann("list", (td,)) not in replaced:
            # children documented under a scalar-looking type: trust the sub-table
            return td
        return union(*replaced)
    lit = _literal(p)
    if lit is not None:
        return lit
    return mapped


def _is_write(name: str) -> bool:
    last = name.rsplit(".", 1)[-1].lower()
    return not last.startswith(_READ_VERBS)


def _example_ann(value: object) -> Ann:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, str):
        return STR
    if isinstance(value, dict):
        return DICT_ANY
    if isinstance(value, list):
        return LIST_ANY
    return ANY


_EXAMPLE_TYPES = ((bool, "boolean"), (int, "integer"), (float, "double"), (str, "string"))


def _record(value: object) -> dict[str, object] | None:
    """``value`` when it is a record (string keys, not a numeric-keyed map), else None."""
    if not isinstance(value, dict) or not value:
        return None
    if any(not isinstance(k, str) or k.isdigit() for k in value):
        return None
    return value


def _params_from_example(record: dict[str, object], depth: int = 0) -> tuple[Param, ...]:
    """What the response example shows, as returned-data rows (types as the example has them)."""
    out = []
    for key, value in record.items():
        children: tuple[Param, ...] = ()
        sub = _record(value)
        if isinstance(value, list) and value:
            sub = _record(value[0])
        if sub is not None and depth < 3:
            children = _params_from_example(sub, depth + 1)
            typ = "object[]" if isinstance(value, list) else "object"
        elif isinstance(value, list):
            typ = "array"
        elif isinstance(value, dict):
            typ = "object"
        else:
            typ = next((t for py, t in _EXAMPLE_TYPES if isinstance(value, py)), "")
        out.append(Param(name=key, type=typ, children=children))
    return tuple(out)


def _with_example(members: tuple[Param, ...], example: object) -> tuple[Param, ...]:
    """Returned-data rows, completed from the example where the table leaves objects empty."""
    record = _record(example)
    if record is None:
        return members
    if not members:
        return _params_from_example(record)
    done = []
    for m in members:
        value = record.get(m.name)
        sub = _record(value[0] if isinstance(value, list) and value else value)
        if not m.children and sub is not None:
            m = replace(m, children=_params_from_example(sub, 1))
        done.append(m)
    return tuple(done)


def return_ann(method: Method, prefix: str, types: _Types) -> tuple[Ann, bool]:
    """The return annotation and whether the method returns a page (``_invoke_page``).

    The returned-data table lists ``result`` itself and, as siblings or as its children,
    the members of the result; ``time``/``total``/``next`` belong to the envelope.
    """
    r = method.returns
    rows = [f for f in r.fields if f.name not in ("time", "total", "next")]
    result_row = next((f for f in rows if f.name == "result"), None)
    members = tuple(f for f in rows if f.name != "result")
    if not members and result_row is not None:
        members = result_row.children
    result_type = result_row.type if result_row is not None and result_row.type else r.type
    try:
        example = r.example_value()
    except ValueError:
        example = None
    shape = r.shape
    if r.paged and shape in ("list", "items"):
        return Ann("Page"), True
    if shape == "boolean":
        return BOOL, False
    if shape == "scalar":
        mapped = map_type(result_type).ann if result_type else ANY
        if mapped == ANY and example is not None and not isinstance(example, (dict, list)):
            mapped = _example_ann(example)
        return mapped, False
    if shape in ("object", "item", "items"):
        members = _with_example(members, example)
        if members:
            return Ann("TD:" + types.typed_dict(prefix + "Result", members, returned=True)), False
        return (DICT_ANY if example is None or isinstance(example, dict) else ANY), False
    if shape == "list":
        first = example[0] if isinstance(example, list) and example else None
        members = _with_example(members, first)
        if members:
            td = types.typed_dict(prefix + "Item", members, returned=True)
            return Ann("list", (Ann("TD:" + td),)), False
        return LIST_ANY, False
    return ANY, False


def _type_text(p: Param) -> str:
    meaning = map_type(p.type).meaning
    typ = tx.clean(p.type) or "?"
    return f"{typ}: {meaning}" if meaning else typ


def _method_doc(
    m: Method,
    args: list[ArgView],
    ret: Ann,
    error_classes: dict[str, str],
    doc_base_url: str,
    package: str,
) -> list[str]:
    lines: list[str] = []
    head = tx.clean(m.title) or m.name
    version = " (REST 3.0)" if m.api_version == 3 else ""
    lines += tx.wrap(f"{m.name}{version}: {head}", DOC_WIDTH)
    summary = tx.clean(m.summary)
    if summary and summary != tx.clean(m.title):
        lines.append("")
        lines += tx.wrap(tx.shorten(summary, 1200), DOC_WIDTH)
    if m.deprecated:
        lines.append("")
        repl = f" Use {m.replacement} instead." if m.replacement else ""
        lines += tx.wrap(f"Deprecated.{repl}", DOC_WIDTH)
    if m.access:
        lines.append("")
        lines += tx.wrap(f"Access: {tx.shorten(m.access, 300)}", DOC_WIDTH)
    if args:
        lines += ["", "Args:"]
        for arg, p in zip(args, _dedup_params(m.params)):
            req = "required" if p.required else "optional"
            wire = "" if arg.py == p.name else f" (sent as {p.name!r})"
            desc = tx.shorten(p.description, 400)
            lines += tx.wrap(
                f"{arg.py}{wire} ({_type_text(p)}, {req})" + (f": {desc}" if desc else ""),
                DOC_WIDTH,
                "    ",
                "        ",
            )
            for c in p.children[:60]:
                cdesc = tx.shorten(c.description, 160)
                star = ", required" if c.required else ""
                lines += tx.wrap(
                    f"{tx.clean(c.name)} ({_type_text(c)}{star})" + (f": {cdesc}" if cdesc else ""),
                    DOC_WIDTH,
                    "        ",
                    "            ",
                )
            if len(p.children) > 60:
                lines.append(f"        … {len(p.children) - 60} more, see the reference docs")
    lines += ["", "Returns:"]
    returned = tx.clean(m.returns.type) or m.returns.shape
    lines += tx.wrap(f"{returned}" + (" (paged)" if m.returns.paged else ""), DOC_WIDTH, "    ")
    if m.errors:
        lines += ["", "Raises:"]
        seen: set[str] = set()
        for e in m.errors:
            if e.code in seen:
                continue
            seen.add(e.code)
            cls = error_classes.get(e.code, "Bitrix24Error")
            code = tx.clean(e.code) or "(blank)"
            lines += tx.wrap(
                f"{cls}: {code} {tx.shorten(e.description, 200)}",
                DOC_WIDTH,
                "    ",
                "        ",
            )
    lines += ["", f"System errors any method may raise: {package}.errors.SYSTEM_ERRORS."]
    if m.source:
        lines += ["", "Source:"]
        lines += tx.wrap(f"{m.source}:{m.line}", DOC_WIDTH, "    ")
        if doc_base_url:
            lines += tx.wrap(_page_url(doc_base_url, m.source), DOC_WIDTH, "    ")
    return lines


def _page_url(base: str, source: str) -> str:
    path = source[:-3] + ".html" if source.endswith(".md") else source
    return f"{base}/{path}"


def _dedup_params(params: tuple[Param, ...]) -> list[Param]:
    seen: set[str] = set()
    out = []
    for p in params:
        if p.name not in seen:
            seen.add(p.name)
            out.append(p)
    return out


def _method_view(
    m: Method,
    attr: str,
    types: _Types,
    error_classes: dict[str, str],
    doc_base_url: str,
    package: str,
) -> MethodView:
    params = _dedup_params(m.params)
    names = assign_names([p.name for p in params], reserved=("self",))
    prefix = ("V3" if m.api_version == 3 else "") + camel(*m.name.split("."))
    args = [
        ArgView(
            py=names[p.name],
            wire=tx.py_str(p.name),
            ann=param_ann(p, prefix + camel(p.name), types),
            required=p.required,
        )
        for p in params
    ]
    by_name = {p.name: a for p, a in zip(params, args)}
    overloads = [
        [replace(by_name[p.name], required=p.required) for p in v.params if p.name in by_name]
        for v in m.variants
    ]
    ret, paged = return_ann(m, prefix, types)
    deprecation = None
    if m.deprecated:
        msg = f"{m.name} is deprecated"
        msg += f"; use {m.replacement} instead" if m.replacement else ""
        deprecation = tx.py_str(tx.clean(msg))
    doc = tx.docstring(_method_doc(m, args, ret, error_classes, doc_base_url, package))
    return MethodView(
        attr=attr,
        name=m.name,
        name_lit=tx.py_str(m.name),
        args=args,
        ret=ret,
        paged=paged,
        api_version=m.api_version,
        write=_is_write(m.name),
        doc=doc,
        deprecation=deprecation,
        model=m,
        overloads=overloads,
    )


@dataclass(frozen=True)
class RuntimeFacts:
    """What the generated code must know of the hand-written runtime (templates/runtime).

    Importing the runtime pulls in httpx (a tenth of a second), so ``render_package``
    keeps these in its memo, whose salt covers the runtime's source."""

    error_classes: tuple[tuple[str, str], ...]  # code -> class the runtime already defines
    error_all: tuple[str, ...] | None  # runtime errors' __all__; None when it cannot load
    reserved: tuple[str, ...]  # names the client root must not take (reserved_root)

    @staticmethod
    def load() -> RuntimeFacts:
        registry: tuple[tuple[str, str], ...] = ()
        error_all: tuple[str, ...] | None = None
        try:
            from b24gen_templates.runtime import errors as rt_errors

            registry = tuple(
                (code, cls.__name__) for code, cls in rt_errors.Bitrix24Error._registry.items()
            )
            error_all = tuple(rt_errors.__all__)
        except Exception:  # noqa: BLE001, S110 - the runtime is written concurrently
            pass
        return RuntimeFacts(registry, error_all, reserved_root())


def _errors(
    model: ApiModel, facts: RuntimeFacts
) -> tuple[list[ErrorView], list[str], dict[str, str]]:
    described: dict[str, ErrorCode] = {}
    for e in model.system_errors:
        described.setdefault(e.code, e)
    for m in sorted(model.methods, key=lambda m: (m.name, m.api_version, m.source)):
        for e in m.errors:
            described.setdefault(e.code, e)
    runtime = dict(facts.error_classes)
    runtime_names = set(facts.error_all or ())
    registry = NameRegistry({"Bitrix24Error", "register", "SYSTEM_ERRORS"} | runtime_names)
    views: list[ErrorView] = []
    on_base: list[str] = []
    classes: dict[str, str] = {}
    for code in sorted(described):
        e = described[code]
        stripped = code.strip()
        if code in runtime:
            cls, is_runtime = runtime[code], True
        elif re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", stripped):
            wanted = camel(*stripped.lower().split("_")) if stripped.isupper() else camel(stripped)
            wanted = wanted if wanted.endswith("Error") else wanted + "Error"
            cls, is_runtime = registry.claim(wanted), False
        elif re.fullmatch(r"[0-9]+", stripped):
            cls, is_runtime = registry.claim(f"Error{stripped}"), False
        else:
            on_base.append(code)
            classes[code] = "Bitrix24Error"
            continue
        classes[code] = cls
        described_as = tx.shorten(e.description, 300)
        doc_lines = [f"{tx.clean(code)}: {described_as}" if described_as else tx.clean(code)]
        if e.status is not None:
            doc_lines.append(f"HTTP status {e.status}.")
        views.append(ErrorView(code, tx.py_str(code), cls, tx.docstring(doc_lines), is_runtime))
    return views, on_base, classes


def _doc_base_url(model: ApiModel) -> str:
    cyr = sum(1 for m in model.methods[:200] if re.search("[а-яА-Я]", m.title + m.summary))
    return (
        "https://apidocs.bitrix24.ru"
        if cyr * 2 > min(len(model.methods), 200)
        else ("https://apidocs.bitrix24.com")
    )


@dataclass
class ModuleSummary:
    """What the whole-package files (client, docs index) need to know of a built module."""

    name: str
    title: str
    method_count: int
    tops: list[tuple[str, str]]  # (sync_cls, async_cls) of each top-level namespace, in order


@dataclass
class PackagePlan:
    """The package's global decisions (module names, error classes, the namespace tree),
    made without building any method. Modules are then built one at a time
    (``build_module``), each from its own subtree and these decisions only, which is what
    lets ``render_package`` reuse the output of modules whose inputs did not change."""

    package: str
    v2_root: _Node
    v3_root: _Node
    runtime: RuntimeFacts
    reserved: tuple[str, ...]  # reserved_root()
    root_names: dict[str, str]  # root segment -> attribute on the client
    modules: list[ModuleView]  # empty skeletons, sorted by name
    module_nodes: dict[str, list[_Node]]  # module name -> its top-level nodes, in root order
    errors: list[ErrorView]
    error_base_codes: list[str]
    error_classes: dict[str, str]
    system_errors: list[str]
    method_count: int
    exposed_count: int
    doc_base_url: str

    def module_inputs(self, name: str) -> str:
        """Everything ``build_module(name)`` reads, as text: equal text, equal module."""
        mv = next(m for m in self.modules if m.name == name)
        parts = [self.package, name, mv.title, self.doc_base_url]
        codes: set[str] = set()

        def walk(node: _Node) -> None:
            parts.append(f"node {node.path!r}")
            if node.method is not None:
                parts.append(repr(node.method))
                codes.update(e.code for e in node.method.errors)
            for seg in sorted(node.children):
                walk(node.children[seg])

        for node in self.module_nodes[name]:
            parts.append(f"top {node.segment!r} {self._root_attr(node)!r}")
            parts.append(f"v3 {node is self.v3_root}")
            walk(node)
        parts.append(repr(sorted((c, self.error_classes.get(c, "Bitrix24Error")) for c in codes)))
        return "\n".join(parts)

    def _root_attr(self, node: _Node) -> str:
        return self.root_names["\x00v3" if node is self.v3_root else node.segment]

    def _member_names(self, node: _Node, reserved: tuple[str, ...]) -> dict[str, str]:
        wires = [seg for seg in sorted(node.children) if seg != "\x00v3"]
        names = assign_names(wires, reserved=reserved)
        if "\x00v3" in node.children:
            names["\x00v3"] = "v3"
        return names

    def build_module(self, name: str) -> tuple[ModuleView, ModuleSummary]:
        """A fresh ``ModuleView`` of module ``name``, namespaces, methods and types filled in."""
        skeleton = next(m for m in self.modules if m.name == name)
        mv = ModuleView(name=skeleton.name, title=skeleton.title)
        attrs: set[str] = set()

        def collect_attrs(node: _Node) -> None:
            for seg, attr in self._member_names(node, ()).items():
                attrs.add(attr)
                collect_attrs(node.children[seg])

        tops = self.module_nodes[name]
        for node in tops:
            attrs.add(self._root_attr(node))
            collect_attrs(node)
        reg = NameRegistry(set(QUALIFIED) | {"Any", "Literal"})
        for a in sorted(attrs):
            reg.claim(a)
        types = _Types(mv)
        built = []
        for node in tops:
            top = self._build_ns(node, mv, types, reg, self._root_attr(node))
            built.append((top.sync_cls, top.async_cls))
        return mv, ModuleSummary(mv.name, mv.title, len(mv.methods), built)

    def _method(self, m: Method, attr: str, types: _Types) -> MethodView:
        return _method_view(m, attr, types, self.error_classes, self.doc_base_url, self.package)

    def _build_ns(
        self, node: _Node, mv: ModuleView, types: _Types, reg: NameRegistry, py_path: str
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
            doc=tx.docstring(tx.wrap(f"Methods under {node.path or 'the portal'}.", DOC_WIDTH)),
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
        types = _Types(root_module)
        node = self.v2_root
        ns = NamespaceView(
            path="",
            sync_cls="Client",
            async_cls="AsyncClient",
            doc=tx.docstring(tx.wrap("Methods under the portal.", DOC_WIDTH)),
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
    v2_root = _Node("", "")
    v3_root = _Node("v3", "v3")
    exposed = 0
    for m in methods:
        segments = m.name.split(".")
        target = v3_root if m.api_version == 3 else v2_root
        exposed += _insert(target, m, segments)
    if v3_root.children:
        v2_root.children.setdefault("\x00v3", v3_root)  # sorts first, never a wire segment
    errors, on_base, error_classes = _errors(model, facts)

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
    module_nodes: dict[str, list[_Node]] = {mv.name: [] for mv in modules.values()}
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
        errors=errors,
        error_base_codes=on_base,
        error_classes=error_classes,
        system_errors=[e.code for e in model.system_errors],
        method_count=len(methods),
        exposed_count=exposed,
        doc_base_url=_doc_base_url(model),
    )
    result.root_names = result._member_names(v2_root, reserved)
    return result


def build(model: ApiModel, package: str) -> PackageView:
    """The whole view model at once (``render_package`` builds module by module instead)."""
    p = plan(model, package)
    built = {mv.name: p.build_module(mv.name) for mv in p.modules}
    root, root_module = p.build_root({name: summary for name, (_, summary) in built.items()})
    return PackageView(
        package=package,
        root=root,
        root_module=root_module,
        modules=[built[mv.name][0] for mv in p.modules],
        errors=p.errors,
        error_base_codes=p.error_base_codes,
        system_errors=p.system_errors,
        method_count=p.method_count,
        exposed_count=p.exposed_count,
        doc_base_url=p.doc_base_url,
    )


def example_json(method: Method) -> str:
    try:
        value = method.returns.example_value()
    except ValueError:
        return ""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, indent=2)[:2000]
