"""The figures of issue 11, per corpus: request examples that type-check, response examples
that conform, wrong calls rejected, and the share of ``Any``.

``python -m tests.types.measure [ru en ...]`` renders the corpora's packages into a temp
folder and prints the figures; the tests in this folder assert them through the same code.
"""

from __future__ import annotations

import json
import sys
import tempfile
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model import ApiModel
from tests.types.calls import KINDS, CallFile, method_key, render_calls, run_mypy, write_call_file
from tests.types.conformance import problem, untyped_page
from tests.types.sdk_index import Callable_, arg_hints, index_sdk, return_hint


@dataclass
class Figures:
    corpus: str
    requests: int = 0  # methods with a request example
    requests_ok: int = 0
    request_failures: dict[str, str] = field(default_factory=dict)  # method key -> first message
    wrong: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (rejected, tried)
    wrong_accepted: dict[str, list[str]] = field(default_factory=dict)  # kind -> "method: what"
    responses: int = 0  # methods with a typed return and a response example
    responses_ok: int = 0
    responses_ok_lenient: int = 0
    response_failures: dict[str, str] = field(default_factory=dict)
    any_returns: int = 0  # response examples whose method returns Any
    untyped_pages: int = 0  # paged methods whose example shows records, typed bare Page
    args: int = 0
    args_any: int = 0
    returns: int = 0
    returns_any: int = 0
    # kept to judge the same calls again (pyright): the call file, its folder, package root
    call_file: CallFile | None = None
    work: Path | None = None
    package_root: str = ""

    def pct(self, a: int, b: int) -> str:
        return f"{100.0 * a / b:.1f}% ({a}/{b})" if b else "n/a"

    def summary(self) -> str:
        lines = [f"[{self.corpus}]"]
        lines.append(f"  request examples type-check: {self.pct(self.requests_ok, self.requests)}")
        lines.append(
            f"  response examples conform strictly: {self.pct(self.responses_ok, self.responses)}"
            f"; ignoring undeclared keys: {self.pct(self.responses_ok_lenient, self.responses)}"
        )
        lines.append(
            f"  response examples of methods returning Any: {self.any_returns}; "
            f"untyped pages showing records: {self.untyped_pages}"
        )
        for kind in KINDS[1:]:
            rejected, tried = self.wrong.get(kind, (0, 0))
            lines.append(f"  wrong calls rejected ({kind}): {self.pct(rejected, tried)}")
        lines.append(
            f"  Any share: arguments {self.pct(self.args_any, self.args)}, "
            f"returns {self.pct(self.returns_any, self.returns)}"
        )
        return "\n".join(lines)


def _strip_not_given(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if getattr(a, "__name__", "") != "NotGiven"]
    if typing.get_origin(hint) in (typing.Union, __import__("types").UnionType) and args:
        return args[0] if len(args) == 1 else typing.Union[tuple(args)]
    return hint


def _any_share(fig: Figures, sdk: dict[tuple[str, int], Callable_]) -> None:
    for c in sdk.values():
        for hint in arg_hints(c).values():
            fig.args += 1
            fig.args_any += _strip_not_given(hint) is Any
        fig.returns += 1
        fig.returns_any += return_hint(c) is Any


def _responses(
    fig: Figures, model: ApiModel, sdk: dict[tuple[str, int], Callable_], pkg: Any
) -> None:
    extract_items = pkg._runtime.response.extract_items
    seen: set[tuple[str, int]] = set()
    for m in sorted(model.methods, key=lambda m: (m.name, m.api_version, m.source)):
        key = (m.name, m.api_version)
        if m.returns.example is None or key in seen or key not in sdk:
            continue
        seen.add(key)
        c = sdk[key]
        hint = return_hint(c)
        value = json.loads(m.returns.example)
        if hint is Any:
            fig.any_returns += 1
            continue
        fig.responses += 1
        if c.paged:
            try:
                value = extract_items(value)
            except TypeError as exc:
                fig.response_failures[method_key(m)] = f"result: {exc}"
                continue
            if untyped_page(hint):
                if any(isinstance(v, dict) for v in value):
                    fig.untyped_pages += 1
                fig.responses_ok += 1
                fig.responses_ok_lenient += 1
                continue
            hint = list[typing.get_args(hint)[0]]  # type: ignore[misc]
        found = problem(value, hint, strict=True)
        if found is None:
            fig.responses_ok += 1
        else:
            fig.response_failures[method_key(m)] = found
        fig.responses_ok_lenient += problem(value, hint, strict=False) is None


def measure(
    models: dict[str, ApiModel], tree: Path, packages: dict[str, str], work: Path
) -> dict[str, Figures]:
    """Figures per corpus; ``tree/<package>`` holds each rendered package (its project root)."""
    figures: dict[str, Figures] = {}
    files: list[CallFile] = []
    sys_path = [str(tree / packages[c]) for c in models]
    sys.path[:0] = sys_path
    try:
        import importlib

        for corpus, model in models.items():
            pkg = importlib.import_module(packages[corpus])
            sdk = index_sdk(pkg)
            fig = figures[corpus] = Figures(corpus)
            _any_share(fig, sdk)
            _responses(fig, model, sdk, pkg)
            rendered = render_calls(model, sdk)
            fig.requests = len(rendered.unrenderable) + sum(
                c.kind == "docs" for c in rendered.calls
            )
            fig.request_failures.update(rendered.unrenderable)
            files.append(
                CallFile(f"calls_{corpus.replace('-', '_')}", packages[corpus], rendered.calls)
            )
    finally:
        for p in sys_path:
            sys.path.remove(p)
    for cf in files:
        write_call_file(work, cf)
    errors = run_mypy(work, files, ":".join(sys_path), work / ".mypy_cache")
    for (corpus, cf), root in zip(zip(models, files), sys_path):
        fig = figures[corpus]
        fig.call_file, fig.work, fig.package_root = cf, work, root
        judge(fig, cf, errors[cf.name])
    return figures


def judge(fig: Figures, cf: CallFile, found: dict[int, list[str]]) -> None:
    """Count the calls of ``cf`` a type checker found errors in (``found``: call index ->
    messages): the documented ones should pass, their wrong twins should not."""
    passing = set()
    for i, call in enumerate(cf.calls):
        if call.kind == "docs":
            if i in found:
                fig.request_failures[method_key(call.method)] = found[i][0]
            else:
                fig.requests_ok += 1
                passing.add(method_key(call.method))
    for i, call in enumerate(cf.calls):
        if call.kind == "docs" or method_key(call.method) not in passing:
            continue
        rejected, tried = fig.wrong.get(call.kind, (0, 0))
        fig.wrong[call.kind] = (rejected + (i in found), tried + 1)
        if i not in found:
            fig.wrong_accepted.setdefault(call.kind, []).append(f"{call.method.name}: {call.what}")


def main(argv: list[str]) -> int:
    from generator.reader import read_docs
    from generator.render import render_package
    from tests.conftest import CORPORA
    from tests.render.helpers import write_files

    corpora = argv or ["ru", "en"]
    packages = {c: "b24_" + c.replace("-", "_") for c in corpora}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        models = {}
        for c in corpora:
            models[c] = read_docs(CORPORA / c)
            write_files(root / packages[c], render_package(models[c], package_name=packages[c]))
        work = root / "work"
        work.mkdir()
        for fig in measure(models, root, packages, work).values():
            print(fig.summary())
            if "-v" in sys.argv:
                for k, v in sorted(fig.request_failures.items()):
                    print("   REQ", k, v)
                for k, v in sorted(fig.response_failures.items()):
                    print("   RES", k, v)
                for kind, items in fig.wrong_accepted.items():
                    for item in items:
                        print("   ACCEPTED", kind, item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main([a for a in sys.argv[1:] if not a.startswith("-")]))
