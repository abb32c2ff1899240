"""What the generated code must know of the hand-written runtime (templates/runtime)."""

from __future__ import annotations

from dataclasses import dataclass

# Public names of the runtime base classes; a method or namespace at the client's top level
# must not take them. Extended with whatever the runtime actually defines (see reserved_root).
ROOT_RESERVED = (
    "call",
    "call_raw",
    "batch",
    "iterate",
    "from_webhook",
    "from_oauth",
    "close",
    "aclose",
    "v3",
)


def reserved_root() -> tuple[str, ...]:
    names = set(ROOT_RESERVED)
    try:
        from b24gen_templates.runtime import client as rt_client

        for cls_name in ("SyncTransportClient", "AsyncTransportClient"):
            cls = getattr(rt_client, cls_name, None)
            if cls is not None:
                names.update(n for n in dir(cls) if not n.startswith("_"))
    except Exception:  # noqa: BLE001 - the runtime may be absent or broken while it is written
        pass
    return tuple(sorted(names))


@dataclass(frozen=True)
class RuntimeFacts:
    """What the generated code must know of the hand-written runtime (templates/runtime).

    Importing the runtime pulls in httpx (a tenth of a second), so ``render_package``
    keeps these in its memo, whose salt covers the runtime's source."""

    error_classes: tuple[tuple[str, str], ...]  # code -> class the runtime already defines
    error_all: tuple[str, ...] | None  # runtime errors' __all__; None when it cannot load
    reserved: tuple[str, ...]  # names the client root must not take (reserved_root)

    @staticmethod
    def load() -> RuntimeFacts:
        registry: tuple[tuple[str, str], ...] = ()
        error_all: tuple[str, ...] | None = None
        try:
            from b24gen_templates.runtime import errors as rt_errors

            registry = tuple(
                (code, cls.__name__) for code, cls in rt_errors.Bitrix24Error._registry.items()
            )
            error_all = tuple(rt_errors.__all__)
        except Exception:  # noqa: BLE001, S110 - the runtime is written concurrently
            pass
        return RuntimeFacts(registry, error_all, reserved_root())
