"""A method with several ways to call it (``Method.variants``, vote.AttachedVote.*: attachId,
or moduleId + entityType + entityId, or signedAttachId) takes exactly one of them: a mix of
two ways and a way short of its parameters are answered with the page's documented error
(code 100, "Передайте attachId, signedAttachId либо связку moduleId + entityType +
entityId"). On the real ru corpus, in process (``Portal.call``, which batch commands go
through too)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.emulator.app import create_app
from generator.emulator.errors import ApiError


@pytest.fixture(scope="module")
def portal(ru_model: Any) -> Any:
    return create_app(ru_model, limits="none").portal


def answer(portal: Any, name: str, params: dict[str, Any]) -> Any:
    try:
        return portal.call(name, params, 2, "oauth").result
    except ApiError as err:
        return err


TRIO = {"moduleId": "blog", "entityType": "Bitrix\\Blog\\Post", "entityId": 7}


def test_the_model_documents_three_ways(portal: Any) -> None:
    method = portal.find("vote.AttachedVote.get", 2)
    assert [sorted(p.name for p in v.params if p.required) for v in method.variants] == [
        ["attachId"],
        ["entityId", "entityType", "moduleId"],
        ["signedAttachId"],
    ]


@pytest.mark.parametrize("params", [{"attachId": 1}, TRIO, {"signedAttachId": "s.1"}])
def test_each_way_alone_is_answered(portal: Any, params: dict[str, Any]) -> None:
    assert isinstance(answer(portal, "vote.AttachedVote.get", params), dict)


@pytest.mark.parametrize(
    "params",
    [
        {},  # no way at all
        {"moduleId": "blog", "entityType": "x"},  # a way short of entityId
        {"attachId": 1, "signedAttachId": "s.1"},  # two ways mixed
        {"attachId": 1, **TRIO},
    ],
)
def test_no_way_or_a_mix_is_the_documented_error(portal: Any, params: dict[str, Any]) -> None:
    err = answer(portal, "vote.AttachedVote.get", params)
    assert isinstance(err, ApiError), err
    assert err.code == "100" and err.about_params and err.status == 400
    assert err.description.startswith("Bitrix\\Vote\\Attach All parameters")


def test_parameters_every_way_requires_still_count(portal: Any) -> None:
    without_ballot = answer(portal, "vote.AttachedVote.vote", {"attachId": 1})
    assert isinstance(without_ballot, ApiError) and without_ballot.about_params
    voted = answer(portal, "vote.AttachedVote.vote", {"attachId": 1, "ballot": {"1": ["2"]}})
    assert isinstance(voted, dict)
    mixed = answer(portal, "vote.AttachedVote.vote", {**TRIO, "signedAttachId": "s", "ballot": {}})
    assert isinstance(mixed, ApiError) and mixed.code == "100"
