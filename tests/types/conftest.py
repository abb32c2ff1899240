"""The figures of the types harness for ru and en, measured once per session.

Reuses the session's corpus models and rendered packages (``corpus_tree``), and runs mypy
once over the call files of both corpora.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render.conftest import CORPUS_PACKAGES
from tests.render.conftest import corpus_tree as corpus_tree  # the same rendered packages
from tests.types.measure import Figures, measure

MEASURED = ("ru", "en")


@pytest.fixture(scope="session")
def type_figures(
    corpus_models, corpus_tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Figures]:
    work = tmp_path_factory.mktemp("type-calls")
    models = {c: corpus_models[c] for c in MEASURED}
    packages = {c: CORPUS_PACKAGES[c] for c in MEASURED}
    return measure(models, corpus_tree, packages, work)
