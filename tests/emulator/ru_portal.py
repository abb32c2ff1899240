"""Calls on an in-process portal built from the real ru corpus (the ``portal`` fixture of
the state tests): the answer's result, or the documented error a call is refused with."""

from __future__ import annotations

from typing import Any

import pytest

from generator.emulator.app import create_app
from generator.emulator.errors import ApiError


def ru_portal(model: Any) -> Any:
    """A fresh portal without rate limits (each test starts from an empty portal)."""
    return create_app(model, limits="none").portal


def call(portal: Any, name: str, params: dict[str, Any]) -> Any:
    return portal.call(name, params, 2, "oauth").result


def refused(portal: Any, name: str, params: dict[str, Any]) -> ApiError:
    with pytest.raises(ApiError) as caught:
        portal.call(name, params, 2, "oauth")
    return caught.value
