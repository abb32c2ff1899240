"""The docs' cURL request examples as typed calls, and their deliberately wrong twins.

One Python file per corpus holds one function per call; mypy runs once over all files and
its messages are mapped back to functions by line, so each call is judged on its own.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model import ApiModel, Method, is_wire_name
from tests.types.sdk_index import Callable_

KINDS = ("docs", "scalar", "required", "key")  # the call as documented, then the three wrong ones
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass
class Call:
    method: Method
    kind: str  # one of KINDS
    source: str  # the statement, without indentation
    what: str = ""  # what was changed (for the wrong ones)


@dataclass
class Rendered:
    calls: list[Call] = field(default_factory=list)
    unrenderable: dict[str, str] = field(default_factory=dict)  # method key -> why


def method_key(m: Method) -> str:
    return f"{m.name}@{m.api_version}"


def render_calls(model: ApiModel, sdk: dict[tuple[str, int], Callable_]) -> Rendered:
    out = Rendered()
    seen: set[tuple[str, int]] = set()
    for m in sorted(model.methods, key=lambda m: (m.name, m.api_version, m.source)):
        if m.request_example is None or (m.name, m.api_version) in seen:
            continue
        seen.add((m.name, m.api_version))
        c = sdk.get((m.name, m.api_version))
        body = json.loads(m.request_example)
        if c is None:
            out.unrenderable[method_key(m)] = "no typed callable"
            continue
        if not isinstance(body, dict):
            out.unrenderable[method_key(m)] = f"the example sends a {type(body).__name__}"
            continue
        kwargs, missing = _kwargs(c, body)
        if missing:
            out.unrenderable[method_key(m)] = f"no argument takes {', '.join(missing)}"
            continue
        out.calls.append(Call(m, "docs", _call(c, kwargs)))
        scalar = _wrong_scalar(kwargs)
        if scalar is not None:
            out.calls.append(Call(m, "scalar", _call(c, scalar[0]), scalar[1]))
        required = [a.py for a in c.args if a.required and a.py in kwargs]
        if required:
            less = {k: v for k, v in kwargs.items() if k != required[0]}
            out.calls.append(Call(m, "required", _call(c, less), required[0]))
        misspelt = _misspelt_key(m, c, kwargs)
        if misspelt is not None:
            out.calls.append(Call(m, "key", _call(c, misspelt[0]), misspelt[1]))
    return out


def _kwargs(c: Callable_, body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Example keys -> keyword arguments (the portal reads top-level keys case-insensitively)."""
    exact = {a.wire: a.py for a in c.args}
    folded = {a.wire.lower(): a.py for a in c.args}
    kwargs: dict[str, Any] = {}
    missing = []
    for key, value in body.items():
        py = exact.get(key) or folded.get(key.lower())
        if py is None or py in kwargs:
            missing.append(repr(key))
        else:
            kwargs[py] = value
    return kwargs, missing


def _call(c: Callable_, kwargs: dict[str, Any]) -> str:
    args = ", ".join(f"{k}={_literal(v)}" for k, v in kwargs.items())
    return f"client.{c.path}({args})"


def _literal(value: Any) -> str:
    # repr of parsed JSON is a Python literal (dict, list, str, int, float, bool, None)
    return repr(value)


def _wrong_scalar(kwargs: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The same arguments with the first scalar (depth first) replaced by ``[[0]]``."""
    for name, value in kwargs.items():
        replaced = _replace_first_scalar(value)
        if replaced is not None:
            new_value, where = replaced
            return {**kwargs, name: new_value}, name + where
    return None


def _replace_first_scalar(value: Any) -> tuple[Any, str] | None:
    if (
        isinstance(value, (str, int, float))
        and not isinstance(value, bool)
        or isinstance(value, bool)
    ):
        return [[0]], ""
    if isinstance(value, dict):
        for k, v in value.items():
            r = _replace_first_scalar(v)
            if r is not None:
                return {**value, k: r[0]}, f"[{k!r}]{r[1]}"
    if isinstance(value, list):
        for i, v in enumerate(value):
            r = _replace_first_scalar(v)
            if r is not None:
                return [*value[:i], r[0], *value[i + 1 :]], f"[{i}]{r[1]}"
    return None


def _misspelt_key(
    m: Method, c: Callable_, kwargs: dict[str, Any]
) -> tuple[dict[str, Any], str] | None:
    """The same arguments with one documented key of a passed object misspelt."""
    py_to_wire = {a.py: a.wire for a in c.args}
    by_wire = {p.name: p for p in m.params}
    for py, value in kwargs.items():
        p = by_wire.get(py_to_wire.get(py, py))
        if p is None or not isinstance(value, dict):
            continue
        documented = {ch.name for ch in p.children if is_wire_name(ch.name)}
        for key in value:
            if key in documented:
                wrong = _misspell(key, documented | set(value))
                if wrong is None:
                    continue
                new = {(wrong if k == key else k): v for k, v in value.items()}
                return {**kwargs, py: new}, f"{py}[{key!r}] -> {wrong!r}"
    return None


def _misspell(key: str, taken: set[str]) -> str | None:
    for cand in (key[:-1] if len(key) > 2 else "", key + key[-1], key + "X"):
        if cand and cand not in taken:
            return cand
    return None


# -- one file per corpus, one mypy run for all ----------------------------------------


@dataclass
class CallFile:
    name: str  # module name, e.g. "calls_ru"
    package: str  # the generated package it imports
    calls: list[Call]
    lines: list[tuple[int, int, int]] = field(default_factory=list)  # (first, last, call index)


def write_call_file(folder: Path, cf: CallFile) -> Path:
    text = [f"from {cf.package} import Client", "", ""]
    for i, call in enumerate(cf.calls):
        first = len(text) + 1
        text.append(f"def call_{i}(client: Client) -> None:")
        text.append(f"    {call.source}")
        cf.lines.append((first, len(text), i))
        text += ["", ""]
    path = folder / f"{cf.name}.py"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


_MYPY_LINE = re.compile(r"^(?P<file>[^:]+\.py):(?P<line>\d+):(?:\d+:)? error: (?P<msg>.*)$")


def run_mypy(
    folder: Path, files: Iterable[CallFile], mypypath: str, cache: Path
) -> dict[str, dict[int, list[str]]]:
    """file name -> call index -> mypy error messages, from one mypy invocation."""
    files = list(files)
    env_path = {"MYPYPATH": mypypath}
    cmd = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-error-summary",
        "--show-error-codes",
        "--follow-imports=silent",
        "--cache-dir",
        str(cache),
        *[f"{cf.name}.py" for cf in files],
    ]
    import os

    proc = subprocess.run(
        cmd, cwd=folder, capture_output=True, text=True, env={**os.environ, **env_path}, check=False
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"mypy failed to run: {proc.stderr[-2000:]}")
    by_file = {f"{cf.name}.py": cf for cf in files}
    found: dict[str, dict[int, list[str]]] = {cf.name: {} for cf in files}
    for line in proc.stdout.splitlines():
        m = _MYPY_LINE.match(line)
        if not m or m.group("file") not in by_file:
            continue
        cf = by_file[m.group("file")]
        no = int(m.group("line"))
        for first, last, index in cf.lines:
            if first <= no <= last:
                found[cf.name].setdefault(index, []).append(m.group("msg"))
                break
    return found


def run_pyright(folder: Path, cf: CallFile, extra_paths: list[str]) -> dict[int, list[str]]:
    """call index -> pyright errors (basedpyright in pyright's standard mode), one run."""
    import os

    config = {
        "typeCheckingMode": "standard",
        "extraPaths": extra_paths,
        "include": [f"{cf.name}.py"],
    }
    (folder / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.run(
        ["basedpyright", "--outputjson", "--level", "error"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"basedpyright failed to run: {proc.stderr[-2000:]}")
    found: dict[int, list[str]] = {}
    for d in json.loads(proc.stdout)["generalDiagnostics"]:
        if d["severity"] != "error":
            continue
        no = d["range"]["start"]["line"] + 1
        for first, last, index in cf.lines:
            if first <= no <= last:
                found.setdefault(index, []).append(d["message"].splitlines()[0])
                break
    return found
