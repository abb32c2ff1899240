"""Docs text never breaks or injects generated code (property-based).

Hostile names and texts go through the model into ``render_package``; every generated
module must parse and contain only the statement shapes the templates produce, and the
texts must survive as data (docstrings, string literals, Markdown cells).
"""

from __future__ import annotations

import ast
import json
import re

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.model import ApiModel, ErrorCode, Method, Param, Returns
from generator.render import render_package
from generator.render.text import clean, shorten

NASTY = [
    '"""',
    "'''",
    "\\",
    '\\"',
    "{{ x }}",
    "{% raw %}",
    "{% endfor %}",
    "{#",
    "\x00",
    "\r",
    "\x0b",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\ud800",
    "\n\nimport os\nos.system('x')\n",
    '"; import os; "',
    "\"), __import__('os')#",
    "from",
    "class",
    "None",
    "list",
    "str",
    "self",
    "_b24",
    "__init__",
    "Any",
    "Page",
    "NotGiven",
    "TYPE_CHECKING",
    "\U0001f600",
    "Пустое значение",
    "é",
    "",
    " ",
    "1",
    "$",
]

HOSTILE_EXAMPLE = json.dumps(
    {'"""': 1, "{{x}}": {"\\": [{"k": None, "\u202e": True}]}, "from": "x", "": 2.5}
)

text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=20),
    st.lists(st.sampled_from(NASTY), min_size=1, max_size=4).map("".join),
)
segment = st.one_of(text, st.sampled_from(["crm", "lead", "add", "get", "list", "v3", "batch"]))
method_name = st.lists(segment, min_size=1, max_size=4).map(".".join)
types = st.one_of(text, st.sampled_from(["string", "integer[]", "string|array", "object", "char"]))


@st.composite
def params(draw: st.DrawFn, depth: int = 0) -> Param:
    children: tuple[Param, ...] = ()
    if depth < 2 and draw(st.booleans()):
        children = tuple(draw(st.lists(params(depth + 1), max_size=3)))
    return Param(
        name=draw(text),
        type=draw(types),
        required=draw(st.booleans()),
        description=draw(text),
        values=tuple(draw(st.lists(text, max_size=3))),
        children=children,
    )


@st.composite
def methods(draw: st.DrawFn) -> Method:
    return Method(
        name=draw(method_name),
        title=draw(text),
        summary=draw(text),
        access=draw(text),
        deprecated=draw(st.booleans()),
        replacement=draw(st.none() | text),
        api_version=draw(st.sampled_from([2, 3])),
        params=tuple(draw(st.lists(params(), max_size=4))),
        errors=tuple(ErrorCode(draw(text), draw(text)) for _ in range(draw(st.integers(0, 3)))),
        returns=Returns(
            shape=draw(st.sampled_from(["scalar", "object", "list", "items", "unknown"])),
            type=draw(types),
            fields=tuple(draw(st.lists(params(1), max_size=2))),
            example=draw(
                st.sampled_from([None, "1", '"x"', "{}", "[1]", "not json", HOSTILE_EXAMPLE])
            ),
            paged=draw(st.booleans()),
        ),
        source=draw(text),
    )


ALLOWED_IMPORTS = {
    "__future__",
    "builtins",
    "functools",
    "importlib",
    "sys",
    "typing",
    "typing_extensions",
    "warnings",
}
ALLOWED_CALLS = {
    "_cast",
    "_drop",
    "_warnings.warn",
    "TypedDict",
    "register",
    "_LazyModule",
    "_rt_lazy.exports",  # an api package's __getattr__: its resource modules' classes by name
}
# the package __init__: errors registered lazily, ``errors``/``types`` as lazy attributes
INIT_CALLS = {"_defer_registrations", "_importlib.import_module", "AttributeError"}
INIT_FUNCTIONS = {"_load_errors", "__getattr__"}
_CALL_TARGET = re.compile(r"self(\._b24)?\._invoke(_page)?\Z")
_LAZY_TYPES = re.compile(r"_LazyModule\('\.{1,3}types\.\w+', __package__\)")


def check_module(rel: str, tree: ast.Module) -> None:
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    for i, node in enumerate(tree.body):
        if isinstance(node, ast.Expr):
            deferred = rel.endswith("/__init__.py") and ast.unparse(node) == (
                "_defer_registrations(_load_errors)"
            )
            assert deferred or (i == 0 and isinstance(node.value, ast.Constant)), (
                rel,
                ast.dump(node),
            )
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            check_import(rel, node)
        elif isinstance(node, ast.If):
            # TYPE_CHECKING imports, and Required/NotRequired from typing_extensions on 3.10
            test = ast.unparse(node.test)
            assert test in ("TYPE_CHECKING", "sys.version_info >= (3, 11)"), rel
            assert not node.orelse or test.startswith("sys.") or test == "TYPE_CHECKING", rel
            lazy = [sub for sub in node.orelse if test == "TYPE_CHECKING"]
            for sub in lazy:  # else: _t = _LazyModule("..types.<name>", __package__)
                assert isinstance(sub, ast.Assign) and ast.unparse(sub.targets[0]) == "_t", rel
                assert _LAZY_TYPES.fullmatch(ast.unparse(sub.value)), (rel, ast.unparse(sub))
            for sub in [*node.body, *node.orelse]:
                if sub in lazy:
                    continue
                assert isinstance(sub, (ast.ImportFrom, ast.Pass)), rel
                if isinstance(sub, ast.ImportFrom):
                    check_import(rel, sub)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assert len(targets) == 1 and isinstance(targets[0], ast.Name), rel
        elif isinstance(node, ast.ClassDef):
            check_class(rel, node)
        elif isinstance(node, ast.FunctionDef):
            init = rel.endswith("/__init__.py") and node.name in INIT_FUNCTIONS
            assert init or (rel.endswith("_util.py") and node.name == "drop"), rel
        else:
            raise AssertionError(f"{rel}: unexpected {ast.dump(node)[:200]}")
    for node in ast.walk(tree):
        assert not isinstance(node, (ast.Lambda, ast.Global, ast.Nonlocal, ast.Delete)), rel
        if isinstance(node, ast.Call) and not rel.endswith("_util.py"):
            func = ast.unparse(node.func)
            ok = (
                func in ALLOWED_CALLS
                or (rel.endswith("/__init__.py") and func in INIT_CALLS)
                or func in classes
                or _CALL_TARGET.match(func)
                or re.fullmatch(r"_(?:api|m)_\w+\.\w+", func)
            )
            assert ok, f"{rel}: unexpected call {func}"


def check_import(rel: str, node: ast.Import | ast.ImportFrom) -> None:
    if isinstance(node, ast.Import):
        assert all(a.name in ALLOWED_IMPORTS for a in node.names), rel
    else:
        assert node.level > 0 or node.module in ALLOWED_IMPORTS, (rel, node.module)


def check_class(rel: str, cls: ast.ClassDef) -> None:
    for i, node in enumerate(cls.body):
        if isinstance(node, ast.Expr):
            assert isinstance(node.value, ast.Constant), rel
        elif isinstance(node, ast.Assign):
            assert ast.unparse(node.targets[0]) == "__slots__", rel
        elif isinstance(node, ast.AnnAssign):
            # a TypedDict key in the class form: a plain name, no value
            assert isinstance(node.target, ast.Name) and node.value is None, rel
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            check_function(rel, node)
        else:
            raise AssertionError(f"{rel}: unexpected in class {ast.dump(node)[:200]}")


def check_function(rel: str, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    body = list(fn.body)
    while body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body.pop(0)  # docstring, then "..." in a stub
    if not body:
        return
    if isinstance(body[0], ast.Expr):
        assert ast.unparse(body[0].value.func) == "_warnings.warn", rel  # type: ignore[attr-defined]
        body.pop(0)
    if body and isinstance(body[0], ast.ImportFrom):
        check_import(rel, body.pop(0))
    if len(body) == 2 and isinstance(body[0], ast.AnnAssign):
        # ``_answer: <annotation> = <call>`` then ``return _answer``
        assert ast.unparse(body[0].target) == "_answer", (rel, fn.name)
        assert ast.unparse(body[1]) == "return _answer", (rel, fn.name)
        body.pop(1)
    assert len(body) == 1, (rel, fn.name, [ast.dump(b)[:100] for b in body])
    assert isinstance(body[0], (ast.Return, ast.Assign, ast.AnnAssign)), (rel, fn.name)


def check_markdown(rel: str, text: str) -> None:
    width = None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = len(re.findall(r"(?<!\\)\|", line))
            if line.startswith("|---"):
                continue
            if width is None or line.startswith(("| Parameter", "| Error")):
                width = cells
            assert cells == width or line.startswith("| Namespace"), (rel, line)
        else:
            width = None


@settings(
    max_examples=30,
    deadline=None,
    # Each example runs ruff; shrinking would take minutes, and the unshrunk example is printed.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(methods(), min_size=1, max_size=4), st.lists(st.builds(ErrorCode, text, text)))
def test_hostile_docs_cannot_break_or_inject_code(
    ms: list[Method], system: list[ErrorCode]
) -> None:
    model = ApiModel(methods=tuple(ms), system_errors=tuple(system))
    files = render_package(model, package_name="hostile")
    for rel, content in files.items():
        if rel.startswith("hostile/_runtime/") or rel == "hostile/events.py":
            continue  # copied verbatim / owned by the events renderer
        if rel.endswith((".py", ".pyi")):
            tree = ast.parse(content, filename=rel)
            check_module(rel, tree)
            compile(content, rel, "exec")
        elif rel.endswith(".md"):
            check_markdown(rel, content)
    # texts survive as data: each method's first parameter description is in its docstring
    docs = {}
    for rel, content in files.items():
        # the docstrings are the stubs' (a .py keeps their first line)
        if rel.startswith("hostile/api/") and rel.endswith(".pyi") or rel == "hostile/client.pyi":
            for node in ast.walk(ast.parse(content)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    doc = ast.get_docstring(node, clean=False)
                    if doc:
                        docs.setdefault(" ".join(doc.split()), None)
    alldocs = "\n".join(docs)
    first: dict[tuple[str, int], Method] = {}
    for m in sorted(ms, key=lambda m: (m.name, m.api_version, m.source, m.line)):
        first.setdefault((m.name, m.api_version), m)  # a second page for a method is ignored
    for m in first.values():
        if m.params and clean(m.params[0].description):
            want = " ".join(shorten(m.params[0].description, 400).split())[:30]
            assert want in alldocs or any(p.name == m.params[0].name for p in m.params[1:]), (
                m.name,
                want,
            )
