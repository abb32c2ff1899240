"""``batch``: references between commands, failures by key, halt, the 50-command cap."""

from __future__ import annotations

from urllib.parse import urlencode


def test_batch_with_references_and_one_failing_command(emu, http) -> None:
    cmd = {
        "lead": "crm.lead.add?"
        + urlencode({"fields[TITLE]": "from batch", "fields[OPPORTUNITY]": "10"}),
        "same": "crm.lead.get?id=$result[lead]",
        "copy": "crm.lead.add?fields[TITLE]=copy of $result[same][TITLE]",
        "bad": "crm.lead.get?id=999",
        "list": "crm.lead.list?filter[%3E%3DID]=$result[lead]&select[]=ID",
        "page": "crm.lead.get?id=$result[list][1][ID]",
    }
    r = http.post(emu.webhook_url + "batch", json={"halt": 0, "cmd": cmd})
    assert r.status_code == 200
    body = r.json()["result"]
    assert body["result"]["lead"] == 1
    assert body["result"]["same"]["TITLE"] == "from batch"
    assert body["result"]["copy"] == 2
    assert body["result"]["page"]["TITLE"] == "copy of from batch"
    assert body["result_error"] == {
        "bad": {"error": "NOT_FOUND", "error_description": "Not found."}
    }
    assert "bad" not in body["result"]
    assert body["result_total"] == {"list": 2}
    assert set(body["result_time"]) == {"lead", "same", "copy", "list", "page"}
    assert body["result_next"] == []
    assert "time" in r.json()


def test_batch_form_encoded_matches_json(emu, http) -> None:
    emu.portal.seed("crm.lead", [{"TITLE": "a"}, {"TITLE": "b"}])
    cmd = {"x": "crm.lead.get?id=2", "y": "crm.lead.list?select[]=TITLE&order[ID]=DESC"}
    as_json = http.post(emu.webhook_url + "batch", json={"cmd": cmd}).json()["result"]
    as_form = http.post(
        emu.webhook_url + "batch", data={"cmd[x]": cmd["x"], "cmd[y]": cmd["y"]}
    ).json()["result"]
    for part in ("result", "result_error", "result_total", "result_next"):
        assert as_json[part] == as_form[part]
    assert as_json["result"]["y"] == [{"ID": "2", "TITLE": "b"}, {"ID": "1", "TITLE": "a"}]


def test_halt_stops_at_the_first_error(emu, http) -> None:
    cmd = ["crm.lead.add?fields[TITLE]=1", "crm.lead.get?id=50", "crm.lead.add?fields[TITLE]=3"]
    body = http.post(emu.webhook_url + "batch", json={"halt": 1, "cmd": cmd}).json()["result"]
    assert body["result"] == [1]  # list commands keep list shape
    assert set(body["result_error"]) == {"1"}
    assert emu.portal.count("crm.lead") == 1


def test_at_most_fifty_commands_and_no_nested_batch(emu, http) -> None:
    cmd = {f"c{i}": "crm.lead.add?fields[TITLE]=x" for i in range(52)}
    cmd["nested"] = "batch?cmd[a]=server.time"
    body = http.post(emu.webhook_url + "batch", json={"cmd": cmd}).json()["result"]
    assert len(body["result"]) == 50
    assert body["result_error"]["c50"]["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"
    assert body["result_error"]["nested"]["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"
    assert emu.portal.count("crm.lead") == 50
    small = {"a": "server.time", "nested": "batch?cmd[a]=server.time"}
    body = http.post(emu.webhook_url + "batch", json={"cmd": small}).json()["result"]
    assert body["result_error"]["nested"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED"


def test_batch_of_120_calls_in_three_requests_with_references(emu, http) -> None:
    """The runtime chunks 120 calls into 3 requests; here the emulator side of it."""
    results = {}
    for chunk in range(3):
        cmd = {}
        for i in range(chunk * 40, chunk * 40 + 40):
            cmd[f"add{i}"] = f"crm.lead.add?fields[TITLE]=t{i}"
        for i in range(chunk * 40, chunk * 40 + 10):
            cmd[f"get{i}"] = f"crm.lead.get?id=$result[add{i}]"
        body = http.post(emu.webhook_url + "batch", json={"cmd": cmd}).json()["result"]
        assert body["result_error"] == []
        results.update(body["result"])
    assert len(results) == 150
    assert results["get85"]["TITLE"] == "t85"
    assert emu.portal.count("crm.lead") == 120
