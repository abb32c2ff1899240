"""The renderer: model -> generated package (Jinja templates, naming, types, formatting).

``render_package(model, *, package_name)`` returns every generated file in memory;
``generate(docs, out, package_name)`` reads the docs, renders and writes atomically.
"""

from __future__ import annotations

from typing import Any


def render_package(
    model: Any, *, package_name: str = "b24client", memo: Any = None
) -> dict[str, str]:
    from generator.render.package import render_package as _render

    return _render(model, package_name=package_name, memo=memo)


def generate(docs: Any, out: Any, package_name: str = "b24client") -> Any:
    from generator.render.package import generate as _generate

    return _generate(docs, out, package_name)


__all__ = ["generate", "render_package"]
