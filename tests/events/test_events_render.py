"""generator.render.events.render_events_module: typed payloads that compile, type-check and escape docs text."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from event_samples import NASTY, SMALL

from generator.model import ApiModel, Event, Param
from generator.paths import templates_dir
from generator.render import text as tx
from generator.render.docstrings import paragraphs_docstring
from generator.render.events import render_events_module
from generator.render.naming import class_name


def write_package(tmp: Path, source: str, name: str = "evpkg") -> Path:
    """A minimal generated package: events.py plus the one runtime module it imports.

    The rest of ``_runtime`` (the HTTP client) is left out: it is not this module's
    dependency, and mypy then checks only what the events module brings in.
    """
    pkg = tmp / name
    (pkg / "_runtime").mkdir(parents=True)
    (pkg / "_runtime" / "__init__.py").write_text('"""Runtime (events only, for tests)."""\n')
    shutil.copy(templates_dir() / "runtime" / "events.py", pkg / "_runtime" / "events.py")
    (pkg / "__init__.py").write_text("")
    (pkg / "py.typed").write_text("")
    (pkg / "events.py").write_text(source, encoding="utf-8")
    return pkg


def run_mypy(pkg: Path, *extra: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null"]
        + [str(pkg)]
        + [str(e) for e in extra],
        cwd=pkg.parent,
        capture_output=True,
        check=False,
        text=True,
    )


def test_small_module_parses_and_has_one_typed_dict_per_event() -> None:
    src = render_events_module(SMALL, "b24client")
    tree = ast.parse(src)
    classes = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    assert {"EventAuth", "OnCrmLeadAddData", "OnCrmLeadAddDataFields"} <= classes
    assert "CatalogProductOnAddDataFields" in classes  # dotted data.FIELDS rows nested
    assert "OnEvilNameData = TypedDict(" in src  # keys like "from" need the call form
    assert "'ONCRMLEADADD'" in src or '"ONCRMLEADADD"' in src


def test_module_is_deterministic() -> None:
    reordered = ApiModel(events=tuple(reversed(SMALL.events)))
    assert render_events_module(SMALL, "p") == render_events_module(reordered, "p")


def test_module_behaves_at_runtime(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, render_events_module(SMALL, "evpkg"))
    code = (
        "from evpkg.events import EVENTS, data_type, OnCrmLeadAddData, parse_event\n"
        "assert data_type('onCrmLeadAdd') is OnCrmLeadAddData\n"
        "assert data_type('nope') is None\n"
        "assert EVENTS['CATALOG.PRODUCT.ON.ADD'].name == 'CATALOG.PRODUCT.ON.ADD'\n"
        "assert set(OnCrmLeadAddData.__annotations__) == {'FIELDS'}\n"
        "e = parse_event('event=onCrmLeadAdd&data[FIELDS][ID]=5&auth[application_token]=t',"
        " application_token='t')\n"
        "print(e.name, e.data['FIELDS']['ID'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=pkg.parent, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ONCRMLEADADD 5"


@pytest.mark.slow
def test_small_module_passes_mypy_strict_and_types_handler_code(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, render_events_module(SMALL, "evpkg"))
    user = tmp_path / "user_app.py"
    user.write_text(
        "from evpkg.events import EventRouter, OnCrmLeadAddEvent\n"
        "router = EventRouter(application_token='t')\n"
        "@router.on('ONCRMLEADADD')\n"
        "def added(event: OnCrmLeadAddEvent) -> None:\n"
        "    lead_id: str = event.data['FIELDS']['ID']\n"
        "    domain: str = event.auth['domain']\n"
        "    print(lead_id, domain)\n"
    )
    ok = run_mypy(pkg, user)
    assert ok.returncode == 0, ok.stdout
    # and the types are real: a wrong key is an error
    user.write_text(
        "from evpkg.events import OnCrmLeadAddEvent\n"
        "def added(event: OnCrmLeadAddEvent) -> None:\n"
        "    print(event.data['FIELDS']['NOPE'])\n"
    )
    bad = run_mypy(pkg, user)
    assert bad.returncode == 1 and "NOPE" in bad.stdout


def test_docs_text_cannot_inject_code() -> None:
    src = render_events_module(ApiModel(events=(NASTY,)), "p")
    tree = ast.parse(src)
    # nothing but imports, classes, assignments, the registry function and string literals
    kinds = {type(n).__name__ for n in tree.body}
    assert kinds <= {"Expr", "ImportFrom", "ClassDef", "Assign", "AnnAssign", "FunctionDef"}
    calls = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert calls <= {"TypedDict", "EventInfo", "dataclass"}
    exprs = [n.value for n in tree.body if isinstance(n, ast.Expr)]
    assert all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in exprs)
    assert "system" not in {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert "\x00" not in src


@pytest.mark.parametrize(
    "text",
    ['"""', "\\", 'a"', '""""""\\', "x\r\ny\u2028z\x00", "\\N{BULLET}", "'''", '"\\"""'],
)
def test_docstring_and_comment_escape_anything(text: str) -> None:
    """The client's escapers, which the events module shares, hold any docs text."""
    tree = ast.parse(f'def f():\n    """{paragraphs_docstring([text])}\n    """\n    return 1\n')
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    doc = ast.get_docstring(func, clean=False)
    assert doc is not None
    assert " ".join(doc.split()).rstrip(".") == tx.clean(text).rstrip(".")
    line = "# " + tx.comment(text)
    assert "\n" not in line and "\r" not in line
    assert ast.parse(line + "\nx = 1\n").body[0].lineno == 2


def test_docstring_keeps_the_text() -> None:
    text = 'Say "hi" \\ then """ stop'
    tree = ast.parse(f'def f():\n    """{paragraphs_docstring([text])}\n    """\n')
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    assert (ast.get_docstring(func) or "").strip() == text


def test_class_names() -> None:
    assert class_name("onCrmLeadAdd") == "OnCrmLeadAdd"
    assert class_name("CATALOG.PRODUCT.ON.ADD") == "CatalogProductOnAdd"
    assert class_name("ONIMBOTMESSAGEADD") == "Onimbotmessageadd"
    assert class_name("1x") == "N1x"


def test_colliding_names_get_distinct_classes() -> None:
    a = Event("onFoo", params=(Param("data", "object", children=(Param("A", "string"),)),))
    b = Event("on.foo", params=(Param("data", "object", children=(Param("B", "string"),)),))
    src = render_events_module(ApiModel(events=(a, b)), "p")
    tree = ast.parse(src)
    names = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert len(names) == len(set(names))
    assert "OnFooData" in names and "OnFoo2Data" in names or "OnFooData2" in names


def test_output_is_black_formatted() -> None:
    import black

    src = render_events_module(SMALL, "b24client")
    assert black.format_str(src, mode=black.Mode(line_length=100)) == src


def test_field_annotations_come_from_the_vocabulary() -> None:
    """Events type a field as the vocabulary decides for a form-encoded call: scalars as the
    str the form carries, lists as the PHP array they arrive as (a list when keyed 0..n-1,
    a mapping after a gap)."""
    fields = (
        Param("MULTI", "crm_multifield"),  # the SDK's list of {VALUE, VALUE_TYPE} objects
        Param("USER", "user"),  # an int id in the SDK, text in a form
        Param("ODD", "no_such_type"),  # unknown: Any, as in the SDK
        Param("IDS", "integer[]"),
        Param("MIXED", "string|array"),
    )
    ev = Event("onThing", params=(Param("data", "object", children=fields),))
    tree = ast.parse(render_events_module(ApiModel(events=(ev,)), "p"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "OnThingData")
    anns = {
        n.target.id: ast.unparse(n.annotation)
        for n in cls.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    }
    assert anns == {
        "MULTI": "list[Any] | dict[str, Any]",
        "USER": "str",
        "ODD": "Any",
        "IDS": "list[Any] | dict[str, Any]",
        "MIXED": "str | list[Any] | dict[str, Any]",
    }
