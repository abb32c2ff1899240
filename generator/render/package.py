"""``render_package``: the whole generated project, in memory, formatted, deterministic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from generator.model import ApiModel
from generator.paths import templates_dir
from generator.render.cachekey import RenderMemo, memo_key, module_inputs
from generator.render.environment import environment
from generator.render.fmt import format_identity, format_python
from generator.render.naming import is_plain
from generator.render.plan import plan
from generator.render.runtime_facts import RuntimeFacts
from generator.render.views import ModuleSummary

GENERATED_VERSION = "0.1.0"


def _runtime_files(package: str) -> dict[str, str]:
    runtime = templates_dir() / "runtime"
    files: dict[str, str] = {}
    for path in sorted(runtime.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(runtime).as_posix()
        files[f"{package}/_runtime/{rel}"] = path.read_text(encoding="utf-8")
    return files


def _events_module(model: ApiModel, package: str) -> str | None:
    try:
        from generator.events import render_events_module
    except ImportError:
        return None
    return render_events_module(model, package)


def _packages(package: str, paths: Iterable[str]) -> list[str]:
    found = {package}
    for path in paths:
        parts = path.split("/")
        if parts[0] == package and parts[-1] == "__init__.py":
            found.add(".".join(parts[:-1]))
    return sorted(found)


def _cached_module(memo: RenderMemo, key: str) -> tuple[ModuleSummary, dict[str, str]] | None:
    hit = memo.get(key)
    try:
        assert hit is not None
        s, files = hit["summary"], hit["files"]
        tops = [(str(a), str(b)) for a, b in s["tops"]]
        summary = ModuleSummary(str(s["name"]), str(s["title"]), int(s["method_count"]), tops)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
        return summary, files
    except (AssertionError, KeyError, TypeError, ValueError, AttributeError):
        return None  # absent or damaged: render again


def render_package(
    model: ApiModel, *, package_name: str = "b24client", memo: RenderMemo | None = None
) -> dict[str, str]:
    """Relative POSIX path -> content of everything the generator owns, formatted.

    With a ``memo``, each top-level namespace's files (api module and stub, types module,
    docs page) are stored under a hash of exactly what they are made from, and the
    whole-package files' formatting under a hash of their text; a later render reuses
    both, so a one-page docs edit re-renders one namespace. The result is the same text
    as without a memo (tests/drift/test_render_memo.py).
    """
    if not is_plain(package_name) or package_name.startswith("_"):
        raise ValueError(f"package name {package_name!r} is not a valid Python identifier")
    p = plan(model, package_name, _runtime_facts(memo))
    env = environment()
    pkg = package_name
    files: dict[str, str] = {}
    unformatted: dict[str, str] = {}

    def render(template: str, **ctx: Any) -> str:
        return env.get_template(template).render(view=p, package=pkg, **ctx)

    summaries: dict[str, ModuleSummary] = {}
    fresh: list[tuple[str, ModuleSummary, list[str]]] = []  # modules to remember
    for skeleton in p.modules:
        name = skeleton.name
        key = memo_key(memo, "module", module_inputs(p, name)) if memo is not None else ""
        cached = _cached_module(memo, key) if memo is not None else None
        if cached is not None:
            summaries[name], module_files = cached
            files.update(module_files)
            continue
        mv, summaries[name] = p.build_module(name)
        paths = [f"{pkg}/api/{name}.py", f"{pkg}/api/{name}.pyi", f"{pkg}/types/{name}.py"]
        for stub, path in ((False, paths[0]), (True, paths[1])):
            unformatted[path] = render("client/api_module.py.j2", stub=stub, module=mv)
        unformatted[paths[2]] = render("client/types_module.py.j2", module=mv)
        doc = f"docs/{name}.md"
        methods = sorted(mv.methods, key=lambda m: (m.name, m.api_version))
        files[doc] = render("docs/namespace.md.j2", module=mv, methods=methods)
        fresh.append((key, summaries[name], [*paths, doc]))

    modules = [summaries[mv.name] for mv in p.modules]
    root, root_module = p.build_root(summaries)
    whole: dict[str, str] = {}  # the whole-package Python files, formatting memoised
    for stub in (False, True):
        ext = "pyi" if stub else "py"
        whole[f"{pkg}/client.{ext}"] = render(
            "client/client.py.j2", stub=stub, root=root, modules=modules
        )
    whole[f"{pkg}/types/root.py"] = render("client/types_module.py.j2", module=root_module)
    whole[f"{pkg}/types/__init__.py"] = render("client/types_init.py.j2")
    whole[f"{pkg}/api/__init__.py"] = render("client/api_init.py.j2")
    whole[f"{pkg}/api/_util.py"] = render("client/util.py.j2")
    whole[f"{pkg}/__init__.py"] = render("client/init.py.j2", method_count=p.exposed_count)
    whole[f"{pkg}/errors.py"] = render(
        "client/errors.py.j2",
        errors=p.errors,
        system_errors=p.system_errors,
        base_codes=p.error_base_codes,
        base_count=len(p.error_base_codes),
        runtime_names=_runtime_error_names(p.runtime),
    )
    format_keys: dict[str, str] = {}
    for path, text in whole.items():
        if memo is None:
            unformatted[path] = text
            continue
        format_keys[path] = memo_key(memo, "format", format_identity(), text)
        hit = memo.get(format_keys[path])
        if hit is not None and isinstance(hit.get("text"), str):
            files[path] = hit["text"]
        else:
            unformatted[path] = text
    events_path, events_key = f"{pkg}/events.py", ""
    if memo is not None:
        events_key = memo_key(memo, "events", pkg, repr(model.events))
        hit = memo.get(events_key)
        if hit is not None and isinstance(hit.get("text"), str):
            files[events_path] = hit["text"]
    if events_path not in files:
        events = _events_module(model, pkg)
        if events is not None:
            unformatted[events_path] = events

    formatted = format_python(unformatted)
    files.update(formatted)
    if memo is not None:
        for key, summary, paths in fresh:
            memo.put(key, {"summary": asdict(summary), "files": {q: files[q] for q in paths}})
        for path, key in format_keys.items():
            if path in formatted:
                memo.put(key, {"text": formatted[path]})
        if events_path in formatted:
            memo.put(events_key, {"text": formatted[events_path]})

    files[f"{pkg}/py.typed"] = ""
    files.update(_runtime_files(pkg))
    common = dict(
        dist_name=pkg.replace("_", "-"),
        exposed_count=p.exposed_count,
        modules=modules,
    )
    files["pyproject.toml"] = render(
        "client/pyproject.toml.j2",
        packages=_packages(pkg, files),
        version=GENERATED_VERSION,
        **common,
    )
    files["README.md"] = render(
        "client/README.md.j2",
        root_reserved=p.reserved,
        error_count=len(p.errors),
        **common,
    )
    files["docs/index.md"] = render("docs/index.md.j2", root_methods=root_module.methods, **common)
    return dict(sorted(files.items()))


def _runtime_error_names(facts: RuntimeFacts) -> list[str]:
    if facts.error_all is None:
        return ["Bitrix24Error"]
    return sorted(n for n in facts.error_all if n != "register")


def _runtime_facts(memo: RenderMemo | None) -> RuntimeFacts:
    if memo is None:
        return RuntimeFacts.load()
    key = memo_key(memo, "runtime")
    hit = memo.get(key)
    try:
        assert hit is not None
        error_all = hit["error_all"]
        return RuntimeFacts(
            tuple((str(c), str(n)) for c, n in hit["error_classes"]),
            None if error_all is None else tuple(str(n) for n in error_all),
            tuple(str(n) for n in hit["reserved"]),
        )
    except (AssertionError, KeyError, TypeError, ValueError):
        facts = RuntimeFacts.load()
        memo.put(key, asdict(facts))
        return facts


def write_package(
    model: ApiModel, out: Path, *, package_name: str = "b24client", force: bool = False
) -> Any:
    """Render ``model`` and make ``out`` hold exactly the result (``files.write_tree``).

    A file in ``out`` the generator does not own is an error (``ValueError``) unless ``force``.
    """
    from generator.render.files import WriteConflict, write_tree

    files = render_package(model, package_name=package_name)
    try:
        return write_tree(Path(out), files, force=force)
    except WriteConflict as exc:
        raise ValueError(str(exc)) from exc


def generate(docs: Path, out: Path, package_name: str = "b24client") -> Any:
    """Read ``docs``, render the package and write it to ``out`` atomically."""
    from generator.reader import read_docs

    return write_package(read_docs(Path(docs), progress=False), out, package_name=package_name)


__all__ = ["generate", "render_package", "write_package"]
