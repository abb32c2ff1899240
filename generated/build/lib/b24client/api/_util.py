"""Helpers of the generated methods."""

from __future__ import annotations

from typing import Any

from .._runtime.types import NOT_GIVEN


def drop(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters that were given: omitted optional arguments are never sent."""
    return {key: value for key, value in params.items() if value is not NOT_GIVEN}
