"""Generated packages of the real corpora, rendered once per session into a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render import render_package
from tests.render.helpers import write_files

CORPUS_PACKAGES = {"ru": "b24_ru", "en": "b24_en", "ru-2025-08": "b24_old"}


@pytest.fixture(scope="session")
def corpus_tree(corpus_models, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder holding b24_ru, b24_en and b24_old (each rendered from its corpus)."""
    root = tmp_path_factory.mktemp("corpora")
    for corpus, package in CORPUS_PACKAGES.items():
        write_files(root / package, render_package(corpus_models[corpus], package_name=package))
    return root
