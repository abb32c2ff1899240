"""Packages generated from the three real corpora: they import, compile, type-check with
``mypy --strict`` and expose a typed callable for (nearly) every method of the model."""

from __future__ import annotations

import compileall
import inspect
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.render.conftest import CORPUS_PACKAGES
from tests.render.helpers import imported, run_mypy

pytestmark = [pytest.mark.corpus]

_HEAD = re.compile(r"^(\S+?)( \(REST 3\.0\))?: ")


def reachable_methods(client: Any, runtime_names: set[str]) -> set[tuple[str, int]]:
    """(wire name, api version) of every typed callable reachable from ``client``.

    Walks attributes like a user would, and reads the wire name from each docstring's
    first line, so it checks the tree independently of how the generator named things.
    """
    found: set[tuple[str, int]] = set()
    seen: set[int] = set()

    def record(fn: Any) -> None:
        doc = inspect.getdoc(fn) or ""
        m = _HEAD.match(doc)
        if m:
            found.add((m.group(1), 3 if m.group(2) else 2))

    def walk(obj: Any, root: bool) -> None:
        if id(type(obj)) in seen:
            return
        seen.add(id(type(obj)))
        if "__call__" in type(obj).__dict__:
            record(obj.__call__)
        for name in dir(type(obj)):
            if name.startswith("_") or (root and name in runtime_names):
                continue
            value = getattr(obj, name)
            if hasattr(value, "_b24"):
                walk(value, False)
            elif inspect.ismethod(value) or hasattr(value, "__wrapped__"):  # typed methods
                record(value)

    walk(client, True)
    return found


@pytest.mark.parametrize("corpus", list(CORPUS_PACKAGES))
def test_package_compiles_imports_and_exposes_the_methods(
    corpus: str, corpus_models: dict[str, Any], corpus_tree: Path
) -> None:
    package = CORPUS_PACKAGES[corpus]
    model = corpus_models[corpus]
    assert compileall.compile_dir(corpus_tree / package / package, quiet=1, force=True)
    with imported(corpus_tree / package, package) as pkg:
        client = pkg.Client.from_webhook("https://portal.example/rest/1/secret/")
        runtime_names = {n for n in dir(pkg._runtime.client.SyncTransportClient)}
        found = reachable_methods(client, runtime_names)
        aclient = pkg.AsyncClient.from_webhook("https://portal.example/rest/1/secret/")
        afound = reachable_methods(aclient, runtime_names)
    wanted = {(m.name, m.api_version) for m in model.methods}
    missing = wanted - found
    assert len(wanted) > 1000
    assert len(missing) <= 0.01 * len(wanted), sorted(missing)[:20]
    assert not found - wanted
    # per page of the model too (two pages documenting one method give one callable)
    assert len(found) >= 0.99 * len(model.methods)
    assert afound == found


@pytest.mark.slow
def test_mypy_strict_passes_on_all_three(corpus_tree: Path, tmp_path: Path) -> None:
    # One mypy process for the three packages: the stdlib and httpx are analysed once.
    args: list[str] = []
    for package in CORPUS_PACKAGES.values():
        args += ["-p", package]
    paths = os.pathsep.join(str(corpus_tree / p) for p in CORPUS_PACKAGES.values())
    proc = run_mypy(corpus_tree, *args, cache=tmp_path / "cache", mypypath=paths)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
