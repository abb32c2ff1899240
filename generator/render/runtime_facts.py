"""What the generated code must know of the hand-written runtime, from its declared
contract (``runtime_contract``)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.render import runtime_contract as contract


def reserved_root() -> tuple[str, ...]:
    """Names a method or namespace at the client's top level must not take."""
    return tuple(sorted({*contract.CLIENT_ATTRIBUTES, *contract.GENERATED_ROOT_ATTRIBUTES}))


@dataclass(frozen=True)
class RuntimeFacts:
    error_classes: tuple[tuple[str, str], ...]  # code -> class the runtime already defines
    error_all: tuple[str, ...]  # runtime errors' __all__
    reserved: tuple[str, ...]  # names the client root must not take (reserved_root)

    @staticmethod
    def load() -> RuntimeFacts:
        return RuntimeFacts(contract.ERROR_CLASSES, contract.ERRORS_ALL, reserved_root())
