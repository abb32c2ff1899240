"""The generated client for a hand-built model with the hard cases, imported and called.

Calls go through the real runtime over an httpx MockTransport standing in for the portal,
so that the test can see exactly what is sent.
"""

from __future__ import annotations

import ast
import inspect
import json
import shutil
import typing
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.render import render_package
from tests.render.helpers import hard_model, imported, run_mypy, write_files

PKG = "b24small"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return render_package(hard_model(), package_name=PKG)


@pytest.fixture(scope="module")
def tree(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("small"), files)


@pytest.fixture()
def pkg(tree: Path) -> Any:
    with imported(tree, PKG) as module:
        yield module


class Portal:
    """Records requests and answers every call with ``result``."""

    def __init__(self, result: Any = True) -> None:
        self.result = result
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body: dict[str, Any] = {"result": self.result, "time": {"start": 0, "finish": 0}}
        return httpx.Response(200, json=body)

    def sent(self, i: int = -1) -> dict[str, Any]:
        return json.loads(self.requests[i].content or b"{}")


def client(pkg: Any, portal: Portal) -> Any:
    http = httpx.Client(transport=httpx.MockTransport(portal))
    return pkg.Client.from_webhook("https://portal.example/rest/1/secret/", http_client=http)


def test_layout(files: dict[str, str]) -> None:
    for rel in (
        "pyproject.toml",
        "README.md",
        f"{PKG}/__init__.py",
        f"{PKG}/py.typed",
        f"{PKG}/client.py",
        f"{PKG}/errors.py",
        f"{PKG}/api/crm/__init__.py",
        f"{PKG}/api/crm/lead.py",
        f"{PKG}/types/crm.py",
        f"{PKG}/_runtime/client.py",
        "docs/index.md",
        "docs/crm.md",
    ):
        assert rel in files, rel
    assert (
        'dependencies = ["httpx>=0.27", "typing_extensions>=4.1; python_version < \'3.11\'"]'
        in files["pyproject.toml"]
    )
    assert 'requires-python = ">=3.10"' in files["pyproject.toml"]


def test_method_that_is_also_a_namespace(pkg: Any) -> None:
    portal = Portal(result=[])
    c = client(pkg, portal)
    c.calendar.event.get(from_="2024-01-01")
    c.calendar.event.get.nearest(days=3)
    assert portal.requests[0].url.path.endswith("/calendar.event.get")
    assert portal.sent(0) == {"from": "2024-01-01"}  # wire name, and "to" omitted
    assert portal.requests[1].url.path.endswith("/calendar.event.get.nearest")
    assert portal.sent(1) == {"days": 3}


def test_names_differing_in_case_are_two_methods(pkg: Any) -> None:
    portal = Portal(result={})
    c = client(pkg, portal)
    c.user.getFields()
    c.user.getfields()
    assert [r.url.path.rsplit("/", 1)[1] for r in portal.requests] == [
        "user.getFields",
        "user.getfields",
    ]


def test_rest_v3_is_under_v3(pkg: Any) -> None:
    portal = Portal(result={"item": {"id": 1}})
    c = client(pkg, portal)
    c.v3.tasks.task.add(fields={"title": "x"})
    c.tasks.task.add(fields={"title": "x"})
    assert "/rest/api/" in str(portal.requests[0].url) or "/api/" in portal.requests[0].url.path
    assert "/api/" not in portal.requests[1].url.path


def test_sanitised_names_send_the_exact_wire_names(pkg: Any) -> None:
    portal = Portal(result=True)
    c = client(pkg, portal)
    sig = inspect.signature(c.im.chat.old)
    assert list(sig.parameters) == ["data_FIELDS", "TITLE_LANG", "BOT_ID"]
    with pytest.warns(DeprecationWarning, match="im.chat.new"):
        c.im.chat.old(data_FIELDS={"a": 1}, BOT_ID=5)
    assert portal.sent() == {"data.FIELDS": {"a": 1}, "{BOT_ID}": 5}
    assert list(inspect.signature(c.crm.item.list).parameters) == ["class__", "def_", "class_"]
    c.crm.item.list(class__=1, def_="x", class_="y")
    assert portal.sent() == {"class": 1, "def": "x", "class_": "y"}


def test_top_level_methods_and_reserved_names(pkg: Any) -> None:
    portal = Portal(result={"ok": 1})
    c = client(pkg, portal)
    assert c.profile() == {"ok": 1}
    assert inspect.ismethod(c.batch)  # the runtime's batch, untouched
    c.batch_(cmd={"a": "user.current"})
    assert portal.requests[-1].url.path.endswith("/batch")


def test_optional_arguments_are_never_sent_as_none(pkg: Any) -> None:
    portal = Portal(result=5)
    c = client(pkg, portal)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert c.crm.lead.add(fields={"TITLE": "t"}) == 5
    assert portal.sent() == {"fields": {"TITLE": "t"}}


def test_signatures_and_types(pkg: Any) -> None:
    c = pkg.Client.from_webhook("https://portal.example/rest/1/secret/")
    add = c.crm.activity.badge.add
    params = inspect.signature(add).parameters
    assert [p.kind for p in params.values()] == [inspect.Parameter.KEYWORD_ONLY] * 4
    assert all(p.default is inspect.Parameter.empty for p in params.values())
    hints = typing.get_type_hints(add)
    assert hints["code"] is str
    # string|array: a text, or a PHP array (a list, or a map such as texts by language)
    kinds = {typing.get_origin(a) or a for a in typing.get_args(hints["title"])}
    assert kinds == {str, list, dict}
    assert hints["type"] == typing.Literal["success", "failure"]
    assert hints["return"] is bool
    lead = typing.get_type_hints(c.crm.lead.add)
    assert lead["return"] is int
    assert lead["fields"].__required_keys__ == frozenset({"TITLE"})
    assert lead["fields"].__optional_keys__ == frozenset({"OPPORTUNITY"})
    assert typing.get_type_hints(c.crm.lead.list)["return"].__name__ == "Page"
    assert typing.get_type_hints(c.crm.lead.list)["select"] == list[str] | pkg.NotGiven
    opt = inspect.signature(c.crm.lead.add).parameters["params"]
    assert opt.default is pkg.NOT_GIVEN


def test_errors_by_code(pkg: Any) -> None:
    base = pkg.Bitrix24Error
    assert base.for_code("ACCESS_DENIED").__name__ == "AccessDeniedError"
    assert base.for_code("ACCESS_DENIED") is pkg.errors.AccessDeniedError
    assert base.for_code("100").__name__ == "Error100"
    assert base.for_code("Пустое значение") is base
    assert "QUERY_LIMIT_EXCEEDED" in pkg.errors.SYSTEM_ERRORS
    bound = pkg.Client.from_webhook("https://p.example/rest/1/s/").crm.activity.badge.add
    # at run time the first line; the whole docstring is the stub's (what editors show)
    assert inspect.getdoc(bound) == "crm.activity.badge.add: Add a badge"
    stub = ast.parse(
        Path(pkg.__file__).with_name("api").joinpath("crm", "activity.pyi").read_text()
    )
    doc = next(
        ast.get_docstring(n) or ""
        for c in stub.body
        if isinstance(c, ast.ClassDef) and c.name == "CrmActivityBadge"
        for n in c.body
        if isinstance(n, ast.FunctionDef) and n.name == "add"
    )
    assert "AccessDeniedError: ACCESS_DENIED — No access" in doc
    assert "Docs: https://apidocs.bitrix24.com/api-reference/crm/badge-add.html" in doc


def test_async_twin(pkg: Any) -> None:
    import asyncio

    portal = Portal(result=7)

    async def go() -> Any:
        http = httpx.AsyncClient(transport=httpx.MockTransport(portal))
        ac = pkg.AsyncClient.from_webhook("https://portal.example/rest/1/s/", http_client=http)
        assert inspect.iscoroutinefunction(ac.crm.lead.add.__wrapped__)  # a typed method object
        return await ac.crm.lead.add(fields={"TITLE": "x"})

    assert asyncio.run(go()) == 7
    assert portal.sent() == {"fields": {"TITLE": "x"}}


@pytest.mark.slow
def test_mypy_strict_on_the_implementation(tree: Path, tmp_path: Path) -> None:
    # mypy reads a .pyi in place of its .py: the stubs are checked where they are, and the
    # implementation in a copy without them, so the bodies are checked against the same
    # signatures.
    stubs = sorted(p.relative_to(tree) for p in tree.rglob("*.pyi"))
    assert stubs and all((tree / p).with_suffix(".py").exists() for p in stubs)
    proc = run_mypy(tree, "-p", PKG, cache=tmp_path / "c1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bare = tmp_path / "bare"
    shutil.copytree(tree, bare, ignore=shutil.ignore_patterns("*.pyi"))
    proc = run_mypy(bare, "-p", PKG, cache=tmp_path / "c2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
