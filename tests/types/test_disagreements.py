"""Example/table disagreements are diagnostics with page and line (``b24gen coverage``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.model import ApiModel, Method, Param, Returns
from generator.vocabulary.disagreements import disagreements
from tests.conftest import DOCS_SRC

pytestmark = [pytest.mark.corpus]


def test_each_kind_is_found_on_a_small_model() -> None:
    m = Method(
        name="crm.x.add",
        source="api-reference/crm/x.md",
        params=(
            Param("fields", "object", True, children=(Param("ID", "integer", line=12),), line=11),
            Param("mode", "string", True, line=13),
        ),
        returns=Returns(
            shape="object",
            fields=(Param("OPENED", "integer", line=30),),
            example='{"OPENED": true}',
        ),
        request_example='{"fields": {"ID": [[1]], "TITEL": "x"}, "extra": 1}',
        request_line=40,
    )
    found = {(d.line, d.code) for d in disagreements(ApiModel(methods=(m,)))}
    assert found == {
        (12, "example-type-mismatch"),  # ID sent as a list of lists
        (11, "example-undocumented-key"),  # fields.TITEL
        (40, "example-undocumented-key"),  # extra
        (13, "example-omits-required"),  # mode
        (30, "example-type-mismatch"),  # OPENED returned as a boolean
    }


def test_the_corpus_disagreements_name_page_and_line(ru_model: Any) -> None:
    found = disagreements(ru_model)
    assert len(found) > 50
    assert all(d.source.endswith(".md") and d.line > 0 for d in found)
    assert len({d.source for d in found}) > 30


def test_coverage_lists_them() -> None:
    result = CliRunner().invoke(main, ["coverage", str(DOCS_SRC)])
    assert result.exit_code == 0, result.output
    assert re.search(r"^example/table disagreements: \d+", result.output, re.M)
