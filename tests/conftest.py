"""Shared fixtures. Each real corpus is read once per test session and shared.

Tests that need ../shared skip when it is absent on a developer's machine, but under
CI=true they must run: a missing corpus is then an error, not a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "b24docs"
SEEDS = SHARED / "seeds"
DOCS_SRC = ROOT / "docs_src"


def need_shared(path: Path) -> Path:
    if path.exists():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{path} is missing, and under CI=true corpus tests must run")
    pytest.skip(f"{path} not present")


def _read(name: str):
    from generator.reader import read_docs

    return read_docs(need_shared(CORPORA / name), progress=False)


@pytest.fixture(scope="session")
def ru_model():
    return _read("ru")


@pytest.fixture(scope="session")
def en_model():
    return _read("en")


@pytest.fixture(scope="session")
def old_ru_model():
    """ru-2025-08: the same docs one year older."""
    return _read("ru-2025-08")


@pytest.fixture(scope="session")
def corpus_models(ru_model, en_model, old_ru_model):
    return {"ru": ru_model, "en": en_model, "ru-2025-08": old_ru_model}


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return need_shared(SEEDS)


@pytest.fixture(scope="session")
def docs_src_model():
    from generator.reader import read_docs

    return read_docs(DOCS_SRC, progress=False)
