"""The five seed methods have the signatures their pages imply (checked with inspect)."""

from __future__ import annotations

import inspect
import shutil
import typing
from pathlib import Path
from typing import Any

import pytest

from generator.reader import read_docs
from generator.render import render_package
from tests.render.helpers import imported, resolve, write_files

pytestmark = [pytest.mark.corpus]

KW = inspect.Parameter.KEYWORD_ONLY
EMPTY = inspect.Parameter.empty


def shape(fn: Any) -> list[tuple[str, bool]]:
    """(name, required) per parameter, all keyword-only."""
    params = list(inspect.signature(fn).parameters.values())
    assert all(p.kind is KW for p in params)
    return [(p.name, p.default is EMPTY) for p in params]


@pytest.fixture(scope="module")
def ru_client(ru_model: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    methods = [
        "crm.activity.badge.add",
        "crm.activity.badge.get",
        "crm.lead.add",
        "crm.activity.binding.add",
        "crm.lead.contact.add",
    ]
    from generator.model import ApiModel

    model = ApiModel(methods=tuple(ru_model.method(n) for n in methods))
    root = write_files(
        tmp_path_factory.mktemp("seeds"), render_package(model, package_name="b24seed")
    )
    with imported(root, "b24seed") as pkg:
        yield pkg.Client.from_webhook("https://portal.example/rest/1/s/"), pkg


def test_badge_add(ru_client: Any) -> None:
    client, _ = ru_client
    fn = client.crm.activity.badge.add
    assert shape(fn) == [("code", True), ("title", True), ("value", True), ("type", True)]
    hints = typing.get_type_hints(fn)
    assert hints["code"] is str and hints["type"] is str
    # string|array: a text, or a PHP array (a list, or a map such as texts by language)
    assert hints["title"] == hints["value"]
    kinds = {typing.get_origin(a) or a for a in typing.get_args(hints["title"])}
    assert kinds == {str, list, dict}


def test_badge_get(ru_client: Any) -> None:
    client, _ = ru_client
    fn = client.crm.activity.badge.get
    assert shape(fn) == [("code", True)]
    assert typing.get_type_hints(fn)["code"] is str


def test_binding_add(ru_client: Any) -> None:
    client, _ = ru_client
    fn = client.crm.activity.binding.add
    assert shape(fn) == [("activityId", True), ("entityTypeId", True), ("entityId", True)]
    hints = typing.get_type_hints(fn)
    # an integer parameter takes a number or a numeric string (PHP reads both)
    assert hints["activityId"] == hints["entityTypeId"] == hints["entityId"] == int | str
    assert hints["return"] is bool


def test_lead_contact_add(ru_client: Any) -> None:
    client, _ = ru_client
    fn = client.crm.lead.contact.add
    assert shape(fn) == [("id", True), ("fields", True)]
    hints = typing.get_type_hints(fn)
    assert hints["id"] == int | str and hints["return"] is bool
    fields = hints["fields"]
    assert "CONTACT_ID" in fields.__required_keys__
    assert {"SORT", "IS_PRIMARY"} <= fields.__optional_keys__


def test_lead_add_current_page(ru_client: Any) -> None:
    # The current ru page no longer marks ``fields`` as required (the seed did, below).
    client, _ = ru_client
    fn = client.crm.lead.add
    assert [n for n, _ in shape(fn)] == ["fields", "params"]
    hints = typing.get_type_hints(fn)
    assert hints["return"] is int
    assert "TITLE" in typing.get_args(hints["fields"])[0].__optional_keys__


def test_lead_add_from_the_seed_page(seeds_dir: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs" / "api-reference" / "crm" / "leads"
    docs.mkdir(parents=True)
    seed = next(p for p in sorted(seeds_dir.iterdir()) if "crm.lead.add" in p.read_text()[:2000])
    shutil.copy(seed, docs / "crm-lead-add.md")
    model = read_docs(tmp_path / "docs")
    root = write_files(tmp_path / "out", render_package(model, package_name="b24seed2"))
    with imported(root, "b24seed2") as pkg:
        fn = resolve(pkg.Client.from_webhook("https://p.example/rest/1/s/"), "crm.lead.add")
        assert shape(fn) == [("fields", True), ("options", False)]
        hints = typing.get_type_hints(fn)
        assert "ADDRESS" in hints["fields"].__optional_keys__
        options, not_given = typing.get_args(hints["options"])
        assert not_given is pkg.NotGiven
        assert options.__required_keys__ == frozenset()  # "Перечень … описан ниже": a TypedDict
        assert hints["return"] is int
