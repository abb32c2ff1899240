"""The view model: what the templates print, already decided and escaped.

Plain mutable dataclasses because the namespace plan fills them in as it walks the tree;
nothing after ``render_package`` changes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model import Method
from generator.render.typemap import Ann


@dataclass
class TypedDictView:
    name: str
    keys: list[tuple[str, str]]  # (python literal of the wire key, annotation text)
    # escaped docstring body of each key ("" when the docs say nothing), parallel to ``keys``
    docs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KeyView:
    name: str  # the identifier (class form) or the literal (call form)
    ann: str
    doc: str


@dataclass(frozen=True)
class TypedDictLayout:
    """A TypedDict as printed: documented identifier keys in a class body with a docstring
    after each (what editors show on hover); keys the class form cannot spell in a base
    made with the call form (``base`` is its name, "" when there is none)."""

    name: str
    base: str
    call_keys: tuple[KeyView, ...]
    class_keys: tuple[KeyView, ...]


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
class ModuleSummary:
    """What the whole-package files (client, docs index) need to know of a built module."""

    name: str
    title: str
    method_count: int
    tops: list[tuple[str, str]]  # (sync_cls, async_cls) of each top-level namespace, in order
