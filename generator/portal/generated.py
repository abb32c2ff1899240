"""What the portal rendering needs to know of the package the docs gave, read from the
rendered files themselves (with ``ast``), never from the renderer's internals: the class
behind ``client.crm`` and ``client.crm.<entity>``, the signatures of their ``add``/``update``/
``get`` and the TypedDicts those use. The generated code is the contract; a package whose
shape is not the expected one gives a ``PortalRenderError`` naming what is missing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


class PortalRenderError(ValueError):
    """The snapshot cannot be applied to this package (one-line message)."""


@dataclass(frozen=True)
class Override:
    """One method of a docs namespace class re-declared with the portal's TypedDicts."""

    name: str  # "add"
    is_async: bool
    args: str  # the parameter list, annotations rewritten (``_t.X`` -> ``_pt.X``)
    returns: str  # the return annotation, rewritten
    forward: str  # "fields=fields, params=params"
    narrows_params: bool  # a parameter type became narrower: needs ``ignore[override]``
    cast_result: bool  # the result type became narrower: ``cast`` the base's answer


@dataclass(frozen=True)
class EntityClasses:
    leaf: str  # "deal"
    sync_class: str  # "CrmDeal"
    async_class: str  # "AsyncCrmDeal"
    overrides: tuple[Override, ...]  # sync and async
    bases: tuple[str, ...]  # docs TypedDict names re-declared with the user fields


def _module(files: dict[str, str], rel: str) -> ast.Module:
    """Module ``rel`` (``pkg/api/crm.py``), or the package of that name (``pkg/api/crm/``: one
    module per resource) read as the one module it stands for: every module's statements,
    its imports as the module ``rel`` would write them (siblings' imports left out)."""
    if rel in files:
        return ast.parse(files[rel], filename=rel)
    folder = rel[: -len(".py")] + "/"
    parts = sorted(
        p
        for p in files
        if p.startswith(folder) and p.endswith(".py") and "/" not in p[len(folder) :]
    )
    if folder + "__init__.py" not in parts:
        raise PortalRenderError(f"the generated package has no {rel}")
    parts.remove(folder + "__init__.py")
    merged = ast.Module(body=[], type_ignores=[])
    for part in [folder + "__init__.py", *parts]:
        merged.body += _one_level_up(ast.parse(files[part], filename=part).body)
    return merged


def _one_level_up(body: list[ast.stmt]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            if node.level == 1:
                continue  # a sibling module of the package
            node.level -= 1
        elif isinstance(node, ast.If):
            node.body = _one_level_up(node.body) or [ast.Pass()]
        out.append(node)
    return out


def _classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}


def _property_class(cls: ast.ClassDef, name: str) -> str | None:
    """``Crm.deal -> CrmDeal``: the class a namespace property returns."""
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == name and node.returns is not None:
            ret = node.returns
            if isinstance(ret, ast.Constant) and isinstance(ret.value, str):
                ret = ast.parse(ret.value, mode="eval").body
            if isinstance(ret, ast.Attribute):
                return ret.attr
            if isinstance(ret, ast.Name):
                return ret.id
    return None


def members(files: dict[str, str], rel: str, cls: str) -> set[str]:
    """Names defined in the body of class ``cls`` of a generated module."""
    found = _classes(_module(files, rel)).get(cls)
    names: set[str] = set()
    for node in found.body if found is not None else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def imports(files: dict[str, str], rel: str) -> list[str]:
    """The module-level imports of a generated module, as source lines; those it makes for
    type checkers only (``if TYPE_CHECKING:``, the docs' TypedDicts as ``_t``) included."""
    tree = _module(files, rel)
    nodes: list[ast.stmt] = []
    for n in tree.body:
        if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING":
            nodes.extend(n.body)
        else:
            nodes.append(n)
    lines = [
        ast.unparse(n)
        for n in nodes
        if isinstance(n, (ast.Import, ast.ImportFrom)) and getattr(n, "module", "") != "__future__"
    ]
    return list(dict.fromkeys(lines))  # each once, whichever module of a package had it


def root_classes(files: dict[str, str], package: str, namespace: str) -> tuple[str, str]:
    """(sync, async) class names behind ``client.<namespace>``."""
    client = _classes(_module(files, f"{package}/client.py"))
    found = []
    for name in ("Client", "AsyncClient"):
        cls = client.get(name)
        target = _property_class(cls, namespace) if cls is not None else None
        if target is None:
            raise PortalRenderError(f"the generated {name} has no `{namespace}` namespace")
        found.append(target)
    return found[0], found[1]


# Names every docs types module defines that are not TypedDicts: ``FieldValue``, the value of
# a user-field key. They are never re-declared by the portal (and would clash per module).
SHARED_ALIASES = frozenset({"FieldValue"})


def _is_open_map(node: ast.expr) -> bool:
    """``dict[str, _t.FieldValue]``: the docs' way of accepting user-field keys."""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "dict"
        and isinstance(node.slice, ast.Tuple)
        and len(node.slice.elts) == 2
        and isinstance(node.slice.elts[1], ast.Attribute)
        and node.slice.elts[1].attr in SHARED_ALIASES
    )


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [node]


class _Retarget(ast.NodeTransformer):
    """``_t.CrmDealAddFields`` -> ``_pt.CrmDealAddFields`` for the names in ``wanted``; a
    union of a retargeted TypedDict with ``dict[str, FieldValue]`` loses that alternative:
    the portal's TypedDict names the user fields, so other keys are misspellings."""

    def __init__(self, wanted: set[str]) -> None:
        self.wanted = wanted
        self.hit: set[str] = set()

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "_t" and node.attr in self.wanted:
            self.hit.add(node.attr)
            return ast.Attribute(value=ast.Name(id="_pt", ctx=ast.Load()), attr=node.attr,
                                 ctx=ast.Load())  # fmt: skip
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        new = self.generic_visit(node)
        if not isinstance(new, ast.BinOp) or not isinstance(new.op, ast.BitOr):
            return new
        members = _union_members(new)
        retargeted = any(isinstance(m, ast.Attribute) and isinstance(m.value, ast.Name)
                         and m.value.id == "_pt" for m in members)  # fmt: skip
        if not retargeted:
            return new
        kept = [m for m in members if not _is_open_map(m)]
        out = kept[0]
        for m in kept[1:]:
            out = ast.BinOp(left=out, op=ast.BitOr(), right=m)
        return out


def _typed_names(node: ast.AST | None) -> set[str]:
    """The docs' TypedDicts (``_t.<Name>``) an annotation mentions."""
    if node is None:
        return set()
    return {
        n.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute)
        and isinstance(n.value, ast.Name)
        and n.value.id == "_t"
        and n.attr not in SHARED_ALIASES
    }


def entity_classes(
    files: dict[str, str], rel: str, root: tuple[str, str], leaf: str
) -> EntityClasses | None:
    """The docs classes of ``client.crm.<leaf>`` and the overrides that type user fields;
    ``None`` when the docs have no such entity."""
    classes = _classes(_module(files, rel))
    pair = []
    for root_name in root:
        parent = classes.get(root_name)
        target = _property_class(parent, leaf) if parent is not None else None
        if target is None or target not in classes:
            return None
        pair.append(target)
    overrides: list[Override] = []
    bases: set[str] = set()
    for cls_name in pair:
        for node in classes[cls_name].body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if node.name in ("add", "update"):
                field_args = [a for a in node.args.kwonlyargs if a.arg == "fields"]
                wanted = _typed_names(field_args[0].annotation) if field_args else set()
                narrows, casts = True, False
            elif node.name == "get":
                wanted = _typed_names(node.returns)
                narrows, casts = False, True
            else:
                continue
            if not wanted:
                continue  # untyped (dict[str, Any]) already takes every key
            fixer = _Retarget(wanted)
            args = fixer.visit(_copy(node.args))
            returns = fixer.visit(_copy(node.returns)) if node.returns is not None else None
            bases |= fixer.hit
            names = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
            forward = ", ".join(f"{n}={n}" for n in names if n != "self")
            overrides.append(
                Override(
                    name=node.name,
                    is_async=isinstance(node, ast.AsyncFunctionDef),
                    args=ast.unparse(args),
                    returns=ast.unparse(returns) if returns is not None else "None",
                    forward=forward,
                    narrows_params=narrows,
                    cast_result=casts,
                )
            )
    return EntityClasses(leaf, pair[0], pair[1], tuple(overrides), tuple(sorted(bases)))


def _copy(node: ast.AST) -> ast.AST:
    """A fresh tree, so that rewriting it leaves the parsed module as it was."""
    if isinstance(node, ast.expr):
        return ast.parse(ast.unparse(node), mode="eval").body
    fn = ast.parse(f"def f({ast.unparse(node)}): pass").body[0]
    assert isinstance(fn, ast.FunctionDef)
    return fn.args


def client_import_lines(files: dict[str, str], package: str) -> tuple[int, int]:
    """1-based first and last line of ``from .client import …`` in the package's __init__."""
    tree = _module(files, f"{package}/__init__.py")
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module == "client":
            return node.lineno, node.end_lineno or node.lineno
    raise PortalRenderError(f"{package}/__init__.py does not import Client from .client")
