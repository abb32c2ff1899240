"""``render_package``: the whole generated project, in memory, formatted, deterministic."""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from generator.model import ApiModel, Param, walk_params
from generator.paths import templates_dir
from generator.render import text as tx
from generator.render.build import MethodView, build, reserved_root
from generator.render.fmt import LINE_LENGTH, format_python
from generator.render.naming import is_plain
from generator.render.typemap import ANY, QUALIFIED, Ann

GENERATED_VERSION = "0.1.0"


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        ann=lambda a, shadowed=frozenset(): a.render(shadowed),
        qual=lambda name, shadowed=frozenset(): QUALIFIED[name] if name in shadowed else name,
        returns=lambda m, shadowed=frozenset(): m.ret.render(shadowed),
        returns_any=lambda m: m.ret == ANY,
        pystr=tx.py_str,
        doc=lambda text: tx.docstring([tx.clean(text)]),
        md_cell=tx.md_cell,
        md_text=tx.md_text,
        md_link=lambda path: urllib.parse.quote(tx.clean(path)),
        call_path=_call_path,
        param_decl=_param_decl,
        arg_params=_arg_params,
        walk=lambda params, prefix: list(walk_params(params, prefix)),
    )
    return env


def _param_decl(arg: Any, shadowed: frozenset[str], stub: bool) -> str:
    """``name: annotation[ = default]``, parenthesised exactly where black would.

    Black (and not ruff) wraps a union annotation in parentheses when the parameter's own
    line is too long once the signature is split one parameter per line.
    """
    ann = arg.ann.render(shadowed)
    union = arg.ann.name == "|"
    default = ""
    if not arg.required:
        ann = f"{ann} | {QUALIFIED['NotGiven'] if 'NotGiven' in shadowed else 'NotGiven'}"
        union = True
        default = " = ..." if stub else " = _NOT_GIVEN"
    if union and len(f"        {arg.py}: {ann}{default},") > LINE_LENGTH:
        ann = f"({ann})"
    return f"{arg.py}: {ann}{default}"


def _call_path(m: MethodView) -> str:
    args = ", ".join(f"{a.py}=..." for a in m.args if a.required)
    root = "client.v3" if m.api_version == 3 else "client"
    path = m.py_path[3:] if m.api_version == 3 and m.py_path.startswith("v3.") else m.py_path
    return f"{root}.{path}({args})"


def _arg_params(m: MethodView) -> list[tuple[Any, Param]]:
    seen: set[str] = set()
    params = []
    for p in m.model.params:
        if p.name not in seen:
            seen.add(p.name)
            params.append(p)
    return list(zip(m.args, params))


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


def render_package(model: ApiModel, *, package_name: str = "b24client") -> dict[str, str]:
    """Relative POSIX path -> content of everything the generator owns, formatted."""
    if not is_plain(package_name) or package_name.startswith("_"):
        raise ValueError(f"package name {package_name!r} is not a valid Python identifier")
    view = build(model, package_name)
    env = _env()
    pkg = package_name
    files: dict[str, str] = {}

    def render(template: str, **ctx: Any) -> str:
        return env.get_template(template).render(view=view, package=pkg, **ctx)

    for stub in (False, True):
        ext = "pyi" if stub else "py"
        files[f"{pkg}/client.{ext}"] = render(
            "client/client.py.j2", stub=stub, root=view.root, modules=view.modules
        )
        for mv in view.modules:
            files[f"{pkg}/api/{mv.name}.{ext}"] = render(
                "client/api_module.py.j2", stub=stub, module=mv
            )
    for mv in [view.root_module, *view.modules]:
        files[f"{pkg}/types/{mv.name}.py"] = render("client/types_module.py.j2", module=mv)
    files[f"{pkg}/types/__init__.py"] = render("client/types_init.py.j2")
    files[f"{pkg}/api/__init__.py"] = render("client/api_init.py.j2")
    files[f"{pkg}/api/_util.py"] = render("client/util.py.j2")
    files[f"{pkg}/__init__.py"] = render("client/init.py.j2", method_count=view.exposed_count)
    files[f"{pkg}/errors.py"] = render(
        "client/errors.py.j2",
        errors=view.errors,
        system_errors=view.system_errors,
        base_codes=view.error_base_codes,
        base_count=len(view.error_base_codes),
        runtime_names=_runtime_error_names(),
    )
    events = _events_module(model, pkg)
    if events is not None:
        files[f"{pkg}/events.py"] = events
    files = format_python(files)
    files[f"{pkg}/py.typed"] = ""
    files.update(_runtime_files(pkg))

    error_class = {e.code: e.cls for e in view.errors}
    env.filters["error_class"] = lambda code: error_class.get(code, "Bitrix24Error")
    common = dict(
        dist_name=pkg.replace("_", "-"),
        exposed_count=view.exposed_count,
        modules=view.modules,
    )
    files["pyproject.toml"] = render(
        "client/pyproject.toml.j2",
        packages=_packages(pkg, files),
        version=GENERATED_VERSION,
        **common,
    )
    files["README.md"] = render(
        "client/README.md.j2",
        root_reserved=reserved_root(),
        error_count=len(view.errors),
        **common,
    )
    files["docs/index.md"] = render(
        "docs/index.md.j2", root_methods=view.root_module.methods, **common
    )
    for mv in view.modules:
        methods = sorted(mv.methods, key=lambda m: (m.name, m.api_version))
        files[f"docs/{mv.name}.md"] = render(
            "docs/namespace.md.j2", module=mv, methods=methods, **common
        )
    return dict(sorted(files.items()))


def _runtime_error_names() -> list[str]:
    try:
        from b24gen_templates.runtime import errors
    except Exception:  # noqa: BLE001 - written concurrently by another engineer
        return ["Bitrix24Error"]
    return sorted(n for n in errors.__all__ if n != "register")


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


__all__ = ["Ann", "generate", "render_package"]
