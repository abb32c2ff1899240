"""TypedDicts of parameters and results, one module per top-level namespace."""

from .._runtime.types import NOT_GIVEN, NotGiven

__all__ = ["NOT_GIVEN", "NotGiven"]
