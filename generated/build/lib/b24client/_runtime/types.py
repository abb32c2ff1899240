"""Small shared types of the generated client: the ``NOT_GIVEN`` sentinel and JSON aliases."""

from __future__ import annotations

import enum
from typing import Any, Final, Literal

__all__ = ["JSON", "NOT_GIVEN", "NotGiven", "Params"]


class NotGiven(enum.Enum):
    """The type of :data:`NOT_GIVEN`.

    An enum with one member, because that is the one sentinel shape type checkers narrow
    (``if x is NOT_GIVEN``) without casts; ``None`` cannot serve because it is often a
    meaningful value to send.
    """

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


NOT_GIVEN: Final = NotGiven.NOT_GIVEN

# What travels in request and response bodies; kept loose on purpose (the portal's answers vary).
JSON = dict[str, Any] | list[Any] | str | int | float | bool | None
Params = dict[str, Any]
