"""Modules imported when first used: the generated api modules' ``_t`` (their TypedDicts),
and the resource modules of an api package (``exports``).

Type checkers read the real import (under ``TYPE_CHECKING``); at run time the annotations are
strings that only ``typing.get_type_hints`` evaluates, so no call ever imports the types
modules, which cost more to import than the methods themselves.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["LazyModule", "exports"]


class LazyModule:
    """``LazyModule("..types.crm", __package__)``: the module, imported on attribute access."""

    __slots__ = ("_name", "_package")

    def __init__(self, name: str, package: str | None) -> None:
        self._name = name
        self._package = package

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name, self._package), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r} from {self._package!r}>"


def exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The module ``__getattr__`` of an api package: ``where`` maps a class name to the
    submodule defining it, imported when the name is first asked for."""

    def __getattr__(name: str) -> Any:
        stem = where.get(name)
        if stem is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{stem}"), name)

    return __getattr__
