"""Fixtures of the emulator tests: the plugin's model fixture overridden with the tiny model,
as a user would do in their own conftest.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_model import RAW_TOKEN, tiny_model

from generator.model import ApiModel


@pytest.fixture(scope="session")
def b24_emulator_model() -> ApiModel:
    """The plugin's model fixture, overridden as a user would in their conftest."""
    return tiny_model()


@pytest.fixture(scope="session")
def b24_emulator_options() -> dict[str, Any]:
    return {"limits": "none", "token": RAW_TOKEN}


@pytest.fixture
def b24_emulator_factory(b24_emulator_factory: Any) -> Any:
    """The plugin's factory, with the raw-HTTP secret unless a test names its own."""

    def factory(model: Any = None, **options: Any) -> Any:
        options.setdefault("token", RAW_TOKEN)
        return b24_emulator_factory(model, **options)

    return factory


@pytest.fixture
def emu(b24_emulator: Any) -> Any:
    """The plugin's session emulator (tiny model, no limits), emptied for each test."""
    return b24_emulator


@pytest.fixture
def http() -> Any:
    with httpx.Client(timeout=10.0) as client:
        yield client
