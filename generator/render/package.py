"""``render_package``: the whole generated project, in memory, formatted, deterministic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from generator.model import ApiModel
from generator.paths import templates_dir
from generator.render import imports
from generator.render.cachekey import RenderMemo, memo_key, module_inputs
from generator.render.environment import environment
from generator.render.error_messages import message_errors
from generator.render.events import events_source
from generator.render.files import WriteConflict, WriteReport, write_tree
from generator.render.fmt import format_identity, format_python
from generator.render.naming import is_plain
from generator.render.plan import plan
from generator.render.runtime_facts import RuntimeFacts
from generator.render.split import split_module
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


def _packages(package: str, paths: Iterable[str]) -> list[str]:
    found = {package}
    for path in paths:
        parts = path.split("/")
        if parts[0] == package and parts[-1] == "__init__.py":
            found.add(".".join(parts[:-1]))
    return sorted(found)


def _cached_module(memo: RenderMemo, key: str) -> tuple[ModuleSummary, dict[str, str]] | None:
    # Plain JSON data, checked field by field (not with ``assert``, which ``python -O``
    # drops): anything else is a miss and the module is rendered again.
    hit = memo.get(key)
    s = hit.get("summary") if isinstance(hit, dict) else None
    files = hit.get("files") if isinstance(hit, dict) else None
    if not isinstance(s, dict) or not isinstance(files, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    try:
        tops = [(str(a), str(b)) for a, b in s["tops"]]
        summary = ModuleSummary(str(s["name"]), str(s["title"]), int(s["method_count"]), tops)
    except (KeyError, TypeError, ValueError):
        return None
    return summary, files


def render_package(
    model: ApiModel, *, package_name: str = "b24client", memo: RenderMemo | None = None
) -> dict[str, str]:
    """Relative POSIX path -> content of everything the generator owns, formatted.

    With a ``memo``, each top-level namespace's files (api package modules, types module,
    docs page) are stored under a hash of exactly what they are made from, and the
    whole-package files' formatting under a hash of their text; a later render reuses
    both, so a one-page docs edit re-renders one namespace. The result is the same text
    as without a memo (tests/drift/test_render_memo.py).
    """
    if not is_plain(package_name) or package_name.startswith("_"):
        raise ValueError(f"package name {package_name!r} is not a valid Python identifier")
    p = plan(model, package_name, RuntimeFacts.load())
    env = environment()
    pkg = package_name
    files: dict[str, str] = {}
    unformatted: dict[str, str] = {}

    def render(template: str, **ctx: object) -> str:
        return env.get_template(template).render(
            view=p, package=pkg, imports_marker=imports.MARKER, **ctx
        )

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
        # Each api module twice: the .pyi is the typed surface with the docstrings (type
        # checkers and editors read it), the .py keeps the signatures and bodies without the
        # docstrings, so an import loads a fraction of the text (bench/sdk_import.py).
        paths = [f"{pkg}/types/{name}.py"]
        for api in split_module(mv, summaries[name]):
            for suffix, stub in ((".py", False), (".pyi", True)):
                paths.append(f"{pkg}/api/{name}/{api.stem}{suffix}")
                text = render("client/api_module.py.j2", module=mv, api=api, stub=stub)
                unformatted[paths[-1]] = imports.fill_imports(
                    text, imports.client_imports("...", name), ("...", name), stub
                )
        types_text = render("client/types_module.py.j2", module=mv)
        unformatted[paths[0]] = imports.fill_imports(types_text)
        doc = f"docs/{name}.md"
        methods = sorted(mv.methods, key=lambda m: (m.name, m.api_version))
        files[doc] = render("docs/namespace.md.j2", module=mv, methods=methods)
        fresh.append((key, summaries[name], [*paths, doc]))

    modules = [summaries[mv.name] for mv in p.modules]
    root, root_module = p.build_root(summaries)
    whole: dict[str, str] = {}  # the whole-package Python files, formatting memoised
    for suffix, stub in ((".py", False), (".pyi", True)):
        text = render("client/client.py.j2", root=root, modules=modules, stub=stub)
        whole[f"{pkg}/client{suffix}"] = imports.fill_imports(
            text, imports.client_imports(".", "root"), (".", "root"), stub
        )
    root_types = render("client/types_module.py.j2", module=root_module)
    whole[f"{pkg}/types/root.py"] = imports.fill_imports(root_types)
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
        # isort's order (ruff's I001 in the generated project): classes, then functions
        import_order=sorted(
            [*_runtime_error_names(p.runtime), "register"], key=lambda n: (n[0].islower(), n)
        ),
        messages=message_errors(model, [e.cls for e in p.errors], p.runtime.error_all or ()),
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
        unformatted[events_path] = events_source(model, pkg)

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
    common = {
        "dist_name": pkg.replace("_", "-"),
        "exposed_count": p.exposed_count,
        "modules": modules,
    }
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
    return sorted(n for n in facts.error_all if n != "register")


def write_package(
    model: ApiModel, out: Path, *, package_name: str = "b24client", force: bool = False
) -> WriteReport:
    """Render ``model`` and make ``out`` hold exactly the result (``files.write_tree``).

    A file in ``out`` the generator does not own is an error (``ValueError``) unless ``force``.
    """
    files = render_package(model, package_name=package_name)
    try:
        return write_tree(Path(out), files, force=force)
    except WriteConflict as exc:
        raise ValueError(str(exc)) from exc


def generate(docs: Path, out: Path, package_name: str = "b24client") -> WriteReport:
    """Read ``docs``, render the package and write it to ``out`` atomically."""
    from generator.reader import read_docs

    return write_package(read_docs(Path(docs), progress=False), out, package_name=package_name)


__all__ = ["generate", "render_package", "write_package"]
