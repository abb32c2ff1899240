"""Issue 11 on the real corpora: the docs' own request and response examples against the
generated SDK, and wrong calls that must be rejected.

The floors are the figures measured when the test was written (README of tests/types has
them); a change that lowers one is a regression of the SDK's types.
"""

from __future__ import annotations

import pytest

from tests.types.conftest import MEASURED
from tests.types.measure import Figures

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

# corpus -> floor, as a fraction of the methods measured
REQUEST_FLOOR = {"ru": 0.80, "en": 0.80}
RESPONSE_FLOOR = {"ru": 0.82, "en": 0.82}
WRONG_SCALAR_FLOOR = 0.85
MISSPELT_KEY_FLOOR = 0.85


def _ratio(a: int, b: int) -> float:
    assert b > 0
    return a / b


@pytest.mark.parametrize("corpus", MEASURED)
def test_request_examples_type_check(corpus: str, type_figures: dict[str, Figures]) -> None:
    fig = type_figures[corpus]
    assert fig.requests > 1300, fig.summary()
    failures = sorted(fig.request_failures.items())[:30]
    assert _ratio(fig.requests_ok, fig.requests) >= REQUEST_FLOOR[corpus], (fig.summary(), failures)


@pytest.mark.parametrize("corpus", MEASURED)
def test_response_examples_conform(corpus: str, type_figures: dict[str, Figures]) -> None:
    fig = type_figures[corpus]
    assert fig.responses > 1300, fig.summary()
    failures = sorted(fig.response_failures.items())[:30]
    assert _ratio(fig.responses_ok, fig.responses) >= RESPONSE_FLOOR[corpus], (
        fig.summary(),
        failures,
    )


@pytest.mark.parametrize("corpus", MEASURED)
def test_wrong_calls_are_rejected(corpus: str, type_figures: dict[str, Figures]) -> None:
    fig = type_figures[corpus]
    accepted = fig.wrong_accepted
    rejected, tried = fig.wrong["required"]
    assert tried > 500 and rejected == tried, accepted.get("required", [])[:20]
    rejected, tried = fig.wrong["scalar"]
    assert tried > 500 and _ratio(rejected, tried) >= WRONG_SCALAR_FLOOR, accepted["scalar"][:20]
    rejected, tried = fig.wrong["key"]
    assert tried > 100 and _ratio(rejected, tried) >= MISSPELT_KEY_FLOOR, accepted.get("key", [])[
        :20
    ]
