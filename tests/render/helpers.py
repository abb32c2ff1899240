"""Helpers of the renderer tests: materialise a rendered tree, import it, run mypy on it."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.model import ApiModel, ErrorCode, Method, Param, Returns

ROOT = Path(__file__).resolve().parents[2]


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return root


@contextmanager
def imported(root: Path, package: str) -> Iterator[object]:
    """Import ``package`` from ``root`` and forget it afterwards."""
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]


def run_mypy(
    cwd: Path, *targets: str, cache: Path | None = None, mypypath: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if mypypath is not None:
        env["MYPYPATH"] = mypypath
    cmd = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--show-error-codes"]
    cmd += ["--cache-dir", str(cache or cwd / ".mypy_cache"), *targets]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, check=False)


def resolve(client: object, dotted: str) -> object:
    obj = client
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def parse_all(files: Mapping[str, str]) -> dict[str, ast.Module]:
    return {
        rel: ast.parse(text, filename=rel)
        for rel, text in files.items()
        if rel.endswith((".py", ".pyi"))
    }


# -- a small hand-built model with the hard cases ---------------------------------


def p(name: str, type: str = "string", required: bool = False, **kw: object) -> Param:
    return Param(name=name, type=type, required=required, **kw)  # type: ignore[arg-type]


def hard_model() -> ApiModel:
    return ApiModel(
        methods=(
            Method(
                name="crm.activity.badge.add",
                title="Add a badge",
                params=(
                    p("code", required=True, description="Badge code"),
                    p("title", "string|array", True),
                    p("value", "string|array", True),
                    p(
                        "type",
                        required=True,
                        values=("success", "failure"),
                        description="Possible values: - success - failure",
                    ),
                ),
                returns=Returns(shape="boolean", type="boolean"),
                errors=(ErrorCode("ACCESS_DENIED", "No access", 403), ErrorCode("100", "Bad")),
                source="api-reference/crm/badge-add.md",
            ),
            Method(
                name="crm.lead.add",
                params=(
                    p(
                        "fields",
                        "object",
                        True,
                        children=(p("TITLE", required=True), p("OPPORTUNITY", "double")),
                    ),
                    p("params", "object"),
                ),
                returns=Returns(shape="scalar", type="integer", example="12"),
            ),
            Method(
                name="crm.lead.list",
                params=(p("select", "string[]"), p("start", "integer")),
                returns=Returns(shape="list", paged=True),
            ),
            Method(name="calendar.event.get", params=(p("from", "datetime"), p("to"))),
            Method(name="calendar.event.get.nearest", params=(p("days", "integer"),)),
            Method(name="user.getFields"),
            Method(name="user.getfields"),
            Method(
                name="im.chat.old",
                deprecated=True,
                replacement="im.chat.new",
                params=(p("data.FIELDS", "object"), p("TITLE (LANG)"), p("{BOT_ID}", "integer")),
            ),
            Method(name="tasks.task.add", params=(p("fields", "object", True),)),
            Method(
                name="tasks.task.add",
                api_version=3,
                params=(p("fields", "object", True),),
                returns=Returns(shape="item", fields=(p("item", "object"),)),
            ),
            Method(name="batch", params=(p("cmd", "object", True),)),
            Method(name="profile"),
            Method(name="crm.item.list", params=(p("class", "integer"), p("def"), p("class_"))),
        ),
        system_errors=(ErrorCode("QUERY_LIMIT_EXCEEDED", "Too many", 503),),
    )
