"""Over the real year (ru-2025-08 -> ru): every change the diff marks breaking is a change of
the generated SDK's public surface, seen in the rendered packages themselves.

The two SDKs are rendered with ``render_package`` and read back with ``ast``, without the
diff's own adapter (``generator.drift.surface``): a method is found by the wire name its
body sends, its arguments by the ``{"wire": py}`` dict it builds, and every TypedDict a
signature names is written out from its ``types`` module, so two signatures compare equal
exactly when a user's code sees the same thing.
"""

from __future__ import annotations

import ast
import re

import pytest

from generator.drift.diff import diff_models
from generator.render import render_package

pytestmark = pytest.mark.corpus

_NAME = re.compile(r"(?:\b_t\.)?\b([A-Za-z_][A-Za-z0-9_]*)\b")


def _typeddicts(files: dict[str, str], package: str) -> dict[str, dict[str, str]]:
    """types module -> TypedDict name -> the dict literal of its keys, as source text."""
    found: dict[str, dict[str, str]] = {}
    for path, text in files.items():
        if not (path.startswith(f"{package}/types/") and path.endswith(".py")):
            continue
        module = path.rsplit("/", 1)[1][:-3]
        tds = found.setdefault(module, {})
        for node in ast.parse(text).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", "") == "TypedDict"
            ):
                tds[node.targets[0].id] = ast.unparse(node.value.args[1])
            elif isinstance(node, ast.ClassDef):
                # the class form (keys with their docstrings), its base holding the keys
                # that are not identifiers
                base = ast.unparse(node.bases[0]) if node.bases else ""
                keys = [tds[base][1:-1]] if base in tds and tds[base] != "{}" else []
                keys += [
                    f"{stmt.target.id!r}: {ast.unparse(stmt.annotation)}"
                    for stmt in node.body
                    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                ]
                tds[node.name] = "{" + ", ".join(keys) + "}"
    return found


def _expand(text: str, tds: dict[str, str], depth: int = 0) -> str:
    """Annotation text with every TypedDict it names written out, recursively."""
    text = text.replace("_builtins.", "").replace("_typing.", "").replace("_rt_response.", "")

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in tds or depth > 12:
            return m.group(0)
        return _expand(tds[name], tds, depth + 1)

    return _NAME.sub(sub, text)


def public_surface(files: dict[str, str], package: str) -> dict[tuple[str, int], dict]:
    """(lower-case wire name, api version) -> what a user sees of that method."""
    tds = _typeddicts(files, package)
    out: dict[tuple[str, int], dict] = {}
    for path, text in sorted(files.items()):
        if path == f"{package}/client.py":
            module = "root"
        elif path.startswith(f"{package}/api/") and path.endswith(".py"):
            # api/crm/deal.py (one module per resource) takes its types from types/crm.py
            module = path[len(f"{package}/api/") :].split("/")[0].removesuffix(".py")
        else:
            continue
        for cls in ast.parse(text).body:
            if not isinstance(cls, ast.ClassDef) or cls.name.startswith("Async"):
                continue
            for fn in cls.body:
                if not isinstance(fn, ast.FunctionDef):
                    continue
                call = next(
                    (
                        n
                        for n in ast.walk(fn)
                        if isinstance(n, ast.Call)
                        and getattr(n.func, "attr", "") in ("_invoke", "_invoke_page")
                    ),
                    None,
                )
                if call is None:
                    continue
                wire = call.args[0].value
                version = next((k.value.value for k in call.keywords if k.arg == "api_version"), 2)
                sent = call.args[1].args[0] if call.args[1:] else None
                wires = {}
                if isinstance(sent, ast.Dict):
                    wires = {k.value: v.id for k, v in zip(sent.keys, sent.values)}
                local = {**tds.get(module, {})}
                args = {}
                kw_defaults = dict(zip((a.arg for a in fn.args.kwonlyargs), fn.args.kw_defaults))
                for a in fn.args.kwonlyargs:
                    ann = _expand(ast.unparse(a.annotation), local)
                    args[a.arg] = (ann, kw_defaults[a.arg] is not None)
                out[(wire.lower(), version)] = {
                    "where": f"{cls.name}.{fn.name}",
                    "wires": wires,
                    "args": args,
                    "returns": _expand(ast.unparse(fn.returns), local),
                }
    return out


@pytest.fixture(scope="module")
def year(old_ru_model, ru_model):
    return diff_models(old_ru_model, ru_model)


@pytest.fixture(scope="module")
def sdks(old_ru_model, ru_model):
    old = public_surface(render_package(old_ru_model, package_name="b24_old"), "b24_old")
    new = public_surface(render_package(ru_model, package_name="b24_ru"), "b24_ru")
    return old, new


def _key(label: str) -> tuple[str, int]:
    name, _, version = label.partition("@v")
    return name.lower(), int(version or 2)


def _arg_of(surface: dict, path: str):
    """The (py name, annotation, has default) of the argument a dotted path starts in."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        py = surface["wires"].get(".".join(parts[:i]))
        if py is not None:
            return (py, *surface["args"][py])
    return None


def _moved(change, old: dict, new: dict) -> bool:
    """Does the generated SDK show this change where the change says it is?"""
    if change.kind.startswith("param_"):
        return _arg_of(old, change.param) != _arg_of(new, change.param)
    if change.kind.startswith("result_"):
        return old["returns"] != new["returns"]
    if change.kind in ("name_case", "py_name"):
        return old["where"] != new["where"]
    return old != new


def test_every_breaking_change_is_a_changed_generated_signature(year, sdks):
    old_sdk, new_sdk = sdks
    checked = 0
    for label in year.removed:
        assert _key(label) in old_sdk and _key(label) not in new_sdk, label
        checked += 1
    for item in year.changed:
        hard = [c for c in item.changes if c.breaking]
        if not hard:
            continue
        key = _key(item.name)
        old, new = old_sdk[key], new_sdk[key]
        for c in hard:
            assert _moved(c, old, new), f"{item.name}: {c} but the SDK shows no such change"
            checked += 1
    assert checked == year.breaking_count - len(year.events_removed) - sum(
        c.breaking for i in year.events_changed for c in i.changes
    )
    # the figure in the report: what the diff calls breaking over the year
    assert 800 <= year.breaking_count <= 1300, year.breaking_count


def test_respellings_are_not_reported(year, sdks):
    """No reported parameter type change leaves the generated argument as it was."""
    old_sdk, new_sdk = sdks
    for item in year.changed:
        for c in item.changes:
            if c.kind == "param_type" and "." not in c.param:
                old, new = old_sdk[_key(item.name)], new_sdk[_key(item.name)]
                assert _arg_of(old, c.param) != _arg_of(new, c.param), (item.name, c)


def test_every_changed_signature_is_in_the_diff(year, sdks):
    """The converse: a method whose generated signature moved is reported as changed."""
    old_sdk, new_sdk = sdks
    reported = {_key(i.name) for i in year.changed}
    moved = [
        k
        for k in old_sdk.keys() & new_sdk.keys()
        if (old_sdk[k]["args"], old_sdk[k]["returns"])
        != (new_sdk[k]["args"], new_sdk[k]["returns"])
    ]
    assert moved, "a year of docs moves some signatures"
    missing = sorted(k for k in moved if k not in reported)
    assert not missing, missing[:10]
