"""Bad input gives one line naming the problem, exit 2, and nothing written."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DOCS_SRC
from tests.portal.conftest import TOKEN, b24gen


def _one_line_error(result: Any) -> str:
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    assert text.startswith("error: ")
    return text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_portal(tmp_path: Path):
    out = tmp_path / "portal-schema.json"
    port = _closed_port()
    line = _one_line_error(
        b24gen("portal", "pull", "--webhook", f"http://127.0.0.1:{port}/rest/1/{TOKEN}/",
               "--out", out)  # fmt: skip
    )
    assert f"cannot reach the portal at http://127.0.0.1:{port}" in line
    assert TOKEN not in line
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_webhook_without_crm_scope(portal: Any, tmp_path: Path):
    out = tmp_path / "portal-schema.json"
    out.write_text("previous snapshot\n", encoding="utf-8")
    portal.portal.userfields.scopes = frozenset({"user", "task"})
    line = _one_line_error(b24gen("portal", "pull", "--webhook", portal.webhook_url, "--out", out))
    assert "insufficient_scope" in line and "crm scope" in line
    assert TOKEN not in line
    assert out.read_text(encoding="utf-8") == "previous snapshot\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portal-schema.json"]


def test_pull_needs_one_way_in(tmp_path: Path):
    line = _one_line_error(b24gen("portal", "pull", "--out", tmp_path / "x.json"))
    assert "--webhook" in line
    assert list(tmp_path.iterdir()) == []


def _snapshot_text(pulled: Path) -> dict[str, Any]:
    return json.loads(pulled.read_text(encoding="utf-8"))


@pytest.mark.parametrize("damage", ["not_json", "hand_edited", "missing_key", "wrong_type"])
def test_malformed_or_edited_snapshot(pulled: Path, tmp_path: Path, damage: str):
    data = _snapshot_text(pulled)
    bad = tmp_path / "bad.json"
    if damage == "not_json":
        bad.write_text(pulled.read_text(encoding="utf-8")[:-40], encoding="utf-8")
        expected = "bad.json:"
    elif damage == "hand_edited":
        deal = next(e for e in data["entities"] if e["name"] == "crm.deal")
        deal["fields"][0]["values"][0]["value"] = "Crimson"
        bad.write_text(json.dumps(data), encoding="utf-8")
        expected = "digest mismatch"
    elif damage == "missing_key":
        del data["smart_processes"][0]["entity_type_id"]
        bad.write_text(json.dumps(data), encoding="utf-8")
        expected = "smart_processes[0]: missing key 'entity_type_id'"
    else:
        data["entities"][1]["fields"][0]["multiple"] = "yes"
        bad.write_text(json.dumps(data), encoding="utf-8")
        expected = "entities[1].fields[0].multiple: expected bool"
    out = tmp_path / "sdk"
    for args in (
        ("generate", "--docs", DOCS_SRC, "--out", out, "--portal", bad),
        ("check", "--docs", DOCS_SRC, "--out", out, "--portal", bad),
        ("portal", "diff", pulled, bad),
    ):
        line = _one_line_error(b24gen(*args))
        assert expected in line, line
        assert str(bad.name) in line
    assert not out.exists()


def test_missing_snapshot_file(tmp_path: Path):
    out = tmp_path / "sdk"
    line = _one_line_error(
        b24gen("generate", "--docs", DOCS_SRC, "--out", out, "--portal", tmp_path / "nope.json")
    )
    assert "nope.json: cannot read the snapshot" in line
    assert not out.exists()
