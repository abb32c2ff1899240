"""One api package per top-level namespace, one module per resource inside it.

``api/crm/__init__.py`` holds the top-level classes (``Crm``, ``AsyncCrm``) and their own
methods; each child namespace (``crm.deal``) and everything under it goes to its own module
(``api/crm/deal.py``), imported the first time ``client.crm.deal`` is reached. The first
``crm.deal.get`` of a program so loads ``deal`` and not the hundreds of classes of ``crm``.
The package re-exports every class by name (for type checkers under ``TYPE_CHECKING``, at run
time through a module ``__getattr__``), so ``api.crm.CrmDeal`` still names the class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.render.naming import NameRegistry
from generator.render.views import ModuleSummary, ModuleView, NamespaceView


@dataclass
class ApiFile:
    """One module of an api package, as the api module template prints it."""

    stem: str  # "__init__" or the resource's module name ("deal")
    namespaces: list[NamespaceView]
    submodules: list[tuple[str, str]] = field(default_factory=list)  # (stem, alias): __init__
    exports: list[tuple[str, str]] = field(default_factory=list)  # (class, stem): __init__


def split_module(mv: ModuleView, summary: ModuleSummary) -> list[ApiFile]:
    """The files of module ``mv``'s package: ``__init__`` first, then one per resource, in
    the order of the namespaces. The top namespaces' ``ChildView``s get the alias and lazy
    import of the module their class now lives in."""
    by_cls = {ns.sync_cls: ns for ns in mv.namespaces}
    tops = [by_cls[sync] for sync, _ in summary.tops]
    stems = NameRegistry(("__init__",))  # lower case: case-insensitive file systems
    init = ApiFile("__init__", list(tops))
    files = [init]
    for top in tops:
        for child in top.children:
            stem = _stem(stems, child.attr)
            alias = f"_m_{stem}"
            subtree = _subtree(by_cls, by_cls[child.sync_cls])
            child.module_alias = alias
            child.lazy_import = f"from . import {stem} as {alias}"
            files.append(ApiFile(stem, subtree))
            init.submodules.append((stem, alias))
            for ns in subtree:
                init.exports += [(ns.sync_cls, stem), (ns.async_cls, stem)]
    init.submodules.sort()  # the order isort keeps
    init.exports.sort(key=lambda export: (export[1], export[0]))
    placed = {ns.sync_cls for f in files for ns in f.namespaces}
    if placed != set(by_cls):
        raise ValueError(f"{mv.name}: namespaces outside the tree: {sorted(set(by_cls) - placed)}")
    return files


def _stem(stems: NameRegistry, attr: str) -> str:
    wanted = attr.lower().strip("_") or "ns"
    return stems.claim("ns" + wanted if wanted[0].isdigit() else wanted)


def _subtree(by_cls: dict[str, NamespaceView], root: NamespaceView) -> list[NamespaceView]:
    out = [root]
    for child in root.children:
        out += _subtree(by_cls, by_cls[child.sync_cls])
    return out
