"""An emulated portal with its own user fields and a smart process, and helpers to run the
``b24gen`` commands in-process (click's runner) against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT
from tests.render.helpers import imported

TOKEN = "portal-secret-7f3a9c"
GENERATED = ROOT / "generated"


def b24gen(*args: str) -> Result:
    from generator.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def rest(url: str) -> Any:
    """The generated client's runtime, as every generated package carries it."""
    from b24gen_templates.runtime.client import SyncTransportClient

    return SyncTransportClient.from_webhook(url, allow_insecure_http=True, max_retries=0)


def furnish(client: Any) -> dict[str, Any]:
    """An enumeration user field on deals; a smart process with two fields of its own.

    With a typed client (generated/'s ``b24client.Client``), the two documented steps go
    through its typed methods; ``userfieldconfig.add`` has no page in docs_src: ``call``."""
    colour = {"FIELD_NAME": "COLOUR", "USER_TYPE_ID": "enumeration",
              "EDIT_FORM_LABEL": {"en": "Colour", "ru": "Цвет"},
              "LIST": [{"VALUE": "Red"}, {"VALUE": "Green"}]}  # fmt: skip
    invoice = {"title": "Invoices", "code": "invoice"}
    if hasattr(client, "crm"):
        assert isinstance(client.crm.deal.userfield.add(fields=colour), int)
        created = client.crm.type.add(fields=invoice)
    else:
        client.call("crm.deal.userfield.add", {"fields": colour})
        created = client.call("crm.type.add", {"fields": invoice})
    type_id, etid = created["type"]["id"], created["type"]["entityTypeId"]
    entity = f"CRM_{type_id}"
    client.call(
        "userfieldconfig.add",
        {"moduleId": "crm", "field": {"entityId": entity, "fieldName": f"UF_CRM_{type_id}_KIND",
                                      "userTypeId": "enumeration", "editFormLabel": {"en": "Kind"},
                                      "enum": [{"value": "Goods"}, {"value": "Services"}]}},
    )  # fmt: skip
    client.call(
        "userfieldconfig.add",
        {"moduleId": "crm", "field": {"entityId": entity, "userTypeId": "double",
                                      "fieldName": f"UF_CRM_{type_id}_AMOUNT",
                                      "editFormLabel": {"en": "Amount"}}},
    )  # fmt: skip
    values = client.call("crm.deal.fields")["UF_CRM_COLOUR"]["items"]
    kinds = client.call("crm.item.fields", {"entityTypeId": etid})["fields"][f"ufCrm{type_id}Kind"]
    return {"type_id": type_id, "etid": etid, "colours": values, "kinds": kinds["items"]}


@pytest.fixture
def portal(docs_src_model: Any) -> Iterator[Any]:
    """A fresh emulator (its own metadata state), furnished; ``.facts`` says with what."""
    from generator.emulator.app import create_app
    from generator.emulator.server import start_in_thread

    running = start_in_thread(create_app(docs_src_model, limits="none", token=TOKEN))
    with imported(GENERATED, "b24client") as sdk:
        typed = running.client(sdk.Client)
        running.facts = furnish(typed)
        typed.close()
    client = rest(running.webhook_url)
    running.rest = client
    yield running
    client.close()
    running.stop()


@pytest.fixture
def pulled(portal: Any, tmp_path: Path) -> Path:
    out = tmp_path / "portal-schema.json"
    result = b24gen("portal", "pull", "--webhook", portal.webhook_url, "--out", out,
                    "--lang", "en", "--lang", "ru")  # fmt: skip
    assert result.exit_code == 0, result.output
    return out
