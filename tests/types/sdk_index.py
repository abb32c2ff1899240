"""What a generated package exposes per wire method, learnt by running it.

Each typed callable is reached from ``Client`` the way a user reaches it, and called once
with a recorder in place of the transport: the recorder sees the wire method name and the
wire key each argument is sent under. So the harness depends on the generated code only,
never on how the generator names things.
"""

from __future__ import annotations

import functools
import inspect
import typing
import warnings
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Arg:
    py: str  # keyword argument name
    wire: str  # the key it is sent under
    required: bool


@dataclass(frozen=True)
class Callable_:
    name: str  # wire method name
    api_version: int
    path: str  # "crm.deal.add", "v3.tasks.task.get": attribute path from the client
    args: tuple[Arg, ...]
    func: Any  # the plain function (for typing.get_type_hints)
    paged: bool  # calls _invoke_page


class _Sent(Exception):
    def __init__(self, method: str, params: dict[str, Any], api_version: int, paged: bool) -> None:
        super().__init__(method)
        self.method, self.params, self.api_version, self.paged = method, params, api_version, paged


class _Recorder:
    """Stands in for the transport client: every call stops at the wire with what it sends."""

    def _invoke(
        self, method: str, params: dict[str, Any], *, api_version: int = 2, **_: Any
    ) -> Any:
        raise _Sent(method, params, api_version, False)

    def _invoke_page(self, method: str, params: dict[str, Any], *, api_version: int = 2) -> Any:
        raise _Sent(method, params, api_version, True)


def index_sdk(pkg: Any) -> dict[tuple[str, int], Callable_]:
    """(wire name, api version) -> the callable of the generated package ``pkg``."""
    recorder = _Recorder()
    runtime = set(dir(pkg._runtime.client.SyncTransportClient))
    found: dict[tuple[str, int], Callable_] = {}
    seen: set[type] = set()

    def visit_function(func: Any, owner: Any, path: str) -> None:
        sig = inspect.signature(func)
        params = [p for p in sig.parameters.values() if p.name != "self"]
        marks = {p.name: f"\x00{p.name}" for p in params}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                func(owner, **marks)
        except _Sent as sent:
            wire_of = {v: k for k, v in sent.params.items() if isinstance(v, str)}
            args = tuple(
                Arg(
                    p.name, wire_of.get(marks[p.name], p.name), p.default is inspect.Parameter.empty
                )
                for p in params
            )
            key = (sent.method, sent.api_version)
            found.setdefault(
                key, Callable_(sent.method, sent.api_version, path, args, func, sent.paged)
            )

    def visit(cls: type, owner: Any, path: str, root: bool) -> None:
        if cls in seen:
            return
        seen.add(cls)
        for name in sorted(dir(cls)):
            if name.startswith("_") and name != "__call__":
                continue
            if root and name in runtime:
                continue
            static = inspect.getattr_static(cls, name)
            sub_path = f"{path}.{name}" if path else name
            getter = getattr(static, "fget", None) or getattr(static, "func", None)
            if isinstance(static, (property, functools.cached_property)) and getter is not None:
                child = getter(owner)
                if hasattr(child, "_b24"):
                    visit(type(child), child, sub_path, False)
            elif hasattr(static, "__wrapped__") and hasattr(static, "__get__"):
                # a typed method object (_runtime.typed): its function is the one to read
                visit_function(inspect.unwrap(static), owner, sub_path)
            elif inspect.isfunction(static) and (name != "__call__" or cls.__dict__.get(name)):
                if name == "__call__" and root:
                    continue
                visit_function(static, owner, path if name == "__call__" else sub_path)

    visit(pkg.Client, recorder, "", True)
    return found


def return_hint(c: Callable_) -> Any:
    return typing.get_type_hints(c.func, include_extras=True).get("return", Any)


def arg_hints(c: Callable_) -> dict[str, Any]:
    hints = typing.get_type_hints(c.func, include_extras=True)
    hints.pop("return", None)
    return hints
