"""The whole flow against the emulator: furnish a portal, ``portal pull``, ``generate
--portal``, then a user's script is type-checked (mypy --strict) and run against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DOCS_SRC
from tests.portal.conftest import TOKEN, b24gen

SCRIPT = """\
import asyncio
import os

from b24client import AsyncClient, Client

client = Client.from_webhook(os.environ["B24_WEBHOOK"], allow_insecure_http=True)
deal_id: int = client.crm.deal.add(fields={{"TITLE": "Order", "UF_CRM_COLOUR": {colour}}})
deal = client.crm.deal.get(id=deal_id)
print("deal", deal_id, deal.get("UF_CRM_COLOUR"))
made = client.crm.smart.invoice.add(
    fields={{"title": "March", "{kind_key}": {kind}, "{amount_key}": 12.5}}
)
item_id: int = made["item"]["id"]
again = client.crm.smart.invoice.get(id=item_id)
print("item", item_id, again["item"].get("{kind_key}"), again["item"].get("{amount_key}"))


async def the_async_twin() -> None:
    async with AsyncClient.from_webhook(os.environ["B24_WEBHOOK"], allow_insecure_http=True) as ac:
        page = await ac.crm.smart.invoice.list(filter={{"id": item_id}})
        other: int = await ac.crm.deal.add(fields={{"UF_CRM_COLOUR": {colour}}})
        print("async", len(page.items), other > deal_id)


asyncio.run(the_async_twin())
"""


def _script(facts: dict[str, Any], *, colour: str, kind: str | None = None,
            colour_key: str = "UF_CRM_COLOUR") -> str:  # fmt: skip
    type_id = facts["type_id"]
    text = SCRIPT.format(
        colour=colour,
        kind=kind if kind is not None else facts["kinds"][0]["ID"],
        kind_key=f"ufCrm{type_id}Kind",
        amount_key=f"ufCrm{type_id}Amount",
    )
    return text.replace('"UF_CRM_COLOUR": ', f'"{colour_key}": ', 1)


def _mypy(paths: list[Path], pythonpath: Path) -> dict[str, list[str]]:
    """mypy --strict over every path in one run; error lines by file name."""
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--hide-error-context",
         "--no-error-summary", *map(str, paths)],
        capture_output=True, text=True, env={**os.environ, "MYPYPATH": str(pythonpath)},
        cwd=pythonpath, check=False,
    )  # fmt: skip
    found: dict[str, list[str]] = {p.name: [] for p in paths}
    for line in proc.stdout.splitlines():
        name = Path(line.split(":", 1)[0]).name
        found.setdefault(name, []).append(line)
    return found


@pytest.mark.slow
def test_user_fields_and_smart_process_end_to_end(portal: Any, pulled: Path, tmp_path: Path):
    out = tmp_path / "sdk"
    result = b24gen("generate", "--docs", DOCS_SRC, "--out", out, "--portal", pulled, "--no-cache")
    assert result.exit_code == 0, result.output
    pkg = out / "b24client"
    assert (pkg / "portal" / "types.py").is_file()
    init = (pkg / "__init__.py").read_text(encoding="utf-8")
    assert "# b24gen portal: begin" in init and "from .portal import AsyncClient, Client" in init
    types_text = (pkg / "portal" / "types.py").read_text(encoding="utf-8")
    red, green = (v["ID"] for v in portal.facts["colours"])
    # the user field's real type: the ids of its list values, labels in the key's docs
    assert f'UF_CRM_COLOUR: Literal[{red}, "{red}", {green}, "{green}"]' in types_text
    assert (
        f"Colour (en) / Цвет (ru); enumeration. Values: {red} = Red, {green} = Green" in types_text
    )

    facts = portal.facts
    good = tmp_path / "good.py"
    good.write_text(_script(facts, colour=red), encoding="utf-8")
    misspelt = tmp_path / "misspelt.py"
    misspelt.write_text(_script(facts, colour=red, colour_key="UF_CRM_COLOR"), encoding="utf-8")
    wrong_id = tmp_path / "wrong_id.py"
    wrong_id.write_text(_script(facts, colour="999"), encoding="utf-8")
    wrong_kind = tmp_path / "wrong_kind.py"
    wrong_kind.write_text(_script(facts, colour=red, kind="999"), encoding="utf-8")

    errors = _mypy([good, misspelt, wrong_id, wrong_kind, pkg], out)
    assert errors["good.py"] == []
    # errors are keyed by file name: the package's are those whose path is inside it
    package_errors = [
        e
        for lines in errors.values()
        for e in lines
        if "b24client" in Path(e.split(":", 1)[0]).parts and "error" in e
    ]
    assert not package_errors, package_errors
    assert any('Extra key "UF_CRM_COLOR"' in e for e in errors["misspelt.py"]), errors
    assert any("UF_CRM_COLOUR" in e and "Literal[999]" in e for e in errors["wrong_id.py"]), errors
    assert any("Kind" in e and "Literal[999]" in e for e in errors["wrong_kind.py"]), errors

    # ... and the calls succeed against the emulator
    run = subprocess.run(
        [sys.executable, str(good)], capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(out), "B24_WEBHOOK": portal.webhook_url},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    deal_id, colour = lines["deal"].split()
    assert colour == red
    item_id, kind, amount = lines["item"].split()
    assert kind == facts["kinds"][0]["ID"] and float(amount) == 12.5
    assert portal.portal.count("crm.item", entity_type_id=facts["etid"]) == 1
    assert lines["async"] == "1 True"
    assert portal.portal.count("crm.deal") == 2
    assert TOKEN not in pulled.read_text(encoding="utf-8")


def test_snapshot_is_deterministic_and_holds_no_secret(portal: Any, pulled: Path, tmp_path: Path):
    second = tmp_path / "again.json"
    result = b24gen("portal", "pull", "--webhook", portal.webhook_url, "--out", second,
                    "--lang", "en", "--lang", "ru")  # fmt: skip
    assert result.exit_code == 0, result.output
    first_bytes = pulled.read_bytes()
    assert first_bytes == second.read_bytes()
    text = first_bytes.decode("utf-8")
    for secret in (TOKEN, "/rest/1/", str(portal.port), "127.0.0.1"):
        assert secret not in text
    data = json.loads(text)
    assert data["digest"].startswith("sha256:")
    deal = next(e for e in data["entities"] if e["name"] == "crm.deal")
    assert [f["name"] for f in deal["fields"]] == ["UF_CRM_COLOUR"]
    assert deal["fields"][0]["labels"] == {"en": "Colour", "ru": "Цвет"}
    (smart,) = data["smart_processes"]
    assert smart["name"] == "invoice" and smart["entity_type_id"] == portal.facts["etid"]
    assert [f["name"] for f in smart["fields"] if f["user_field"]] == sorted(
        [f"ufCrm{portal.facts['type_id']}Amount", f"ufCrm{portal.facts['type_id']}Kind"]
    )


def test_oauth_pull_gives_the_same_snapshot(portal: Any, pulled: Path, tmp_path: Path):
    grant = portal.portal.tokens.issue()
    out = tmp_path / "oauth.json"
    result = b24gen("portal", "pull", "--domain", portal.base_url, "--access-token",
                    grant.access_token, "--out", out, "--lang", "en", "--lang", "ru")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == pulled.read_bytes()
    assert grant.access_token not in out.read_text(encoding="utf-8")


def test_check_portal_follows_the_portal(portal: Any, pulled: Path, tmp_path: Path):
    out = tmp_path / "sdk"
    common = ("--docs", DOCS_SRC, "--out", out, "--portal", pulled)
    assert b24gen("generate", *common).exit_code == 0
    assert b24gen("check", *common).exit_code == 0
    # the docs-only check sees the portal's files as not what the docs give
    assert b24gen("check", "--docs", DOCS_SRC, "--out", out).exit_code == 1

    portal.rest.call(
        "crm.deal.userfield.add",
        {"fields": {"FIELD_NAME": "PRIORITY", "USER_TYPE_ID": "integer"}},
    )
    again = b24gen("portal", "pull", "--webhook", portal.webhook_url, "--out", pulled,
                   "--lang", "en", "--lang", "ru")  # fmt: skip
    assert again.exit_code == 0, again.output
    stale = b24gen("check", *common)
    assert stale.exit_code == 1, stale.output
    assert "portal/types.py" in stale.output and "UF_CRM_PRIORITY" in stale.output
    assert "--portal" in stale.output  # the fix it prints asks for the portal too
    assert b24gen("generate", *common).exit_code == 0
    fresh = b24gen("check", *common)
    assert fresh.exit_code == 0, fresh.output


def test_serve_portal_behaves_like_the_snapshot(docs_src_model: Any, pulled: Path):
    """What ``b24gen serve --portal`` sets up: the snapshot's fields, values and types."""
    from generator.cli import _portal_setup
    from generator.emulator.app import create_app
    from generator.emulator.server import start_in_thread
    from tests.portal.conftest import rest

    app = create_app(docs_src_model, limits="none", token=TOKEN)
    setup = _portal_setup(pulled, None)
    setup(app)
    running = start_in_thread(app)
    try:
        client = rest(running.webhook_url)
        original = json.loads(pulled.read_text(encoding="utf-8"))
        deal_fields = client.call("crm.deal.fields")
        expected = next(e for e in original["entities"] if e["name"] == "crm.deal")["fields"][0]
        got = deal_fields[expected["name"]]
        assert got["type"] == "enumeration"
        assert [i["ID"] for i in got["items"]] == [v["id"] for v in expected["values"]]
        (types,) = [client.call("crm.type.list")["types"]]
        assert [(t["code"], t["entityTypeId"]) for t in types] == [
            ("invoice", original["smart_processes"][0]["entity_type_id"])
        ]
        # pulled from the served copy, the snapshot is the same, byte for byte
        out = pulled.with_name("served.json")
        result = b24gen("portal", "pull", "--webhook", running.webhook_url, "--out", out,
                        "--lang", "en", "--lang", "ru")  # fmt: skip
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == pulled.read_bytes()
        client.close()
    finally:
        running.stop()
