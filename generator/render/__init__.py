"""The renderer: model -> generated package (Jinja templates, naming, types, formatting).

``render_package(model, *, package_name)`` returns every generated file in memory;
``generate(docs, out, package_name)`` reads the docs, renders and writes atomically.
The implementations are imported on first call: importing ``generator.render`` (as the
CLI does for every command) costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.model import ApiModel
    from generator.render.cachekey import RenderMemo
    from generator.render.files import WriteReport


def render_package(
    model: ApiModel, *, package_name: str = "b24client", memo: RenderMemo | None = None
) -> dict[str, str]:
    from generator.render.package import render_package as _render

    return _render(model, package_name=package_name, memo=memo)


def generate(docs: Path, out: Path, package_name: str = "b24client") -> WriteReport:
    from generator.render.package import generate as _generate

    return _generate(docs, out, package_name)


__all__ = ["generate", "render_package"]
