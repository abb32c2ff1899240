"""Batch and paging state machines, driven by hand (no HTTP)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import pytest
from b24gen_templates.runtime.batch import batch_flow, resolve_references
from b24gen_templates.runtime.effects import Send
from b24gen_templates.runtime.encoding import decode_query
from b24gen_templates.runtime.errors import Bitrix24Error
from b24gen_templates.runtime.paging import fast_iterate_flow, iterate_flow, supports_fast
from runtime_helpers import context, drive, reply


def _batch_answer(send: Send, _: int) -> Any:
    """A portal's batch: echoes each command's decoded params; 'bad' methods fail."""
    body = json.loads(send.request.content or b"")
    results: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for key, command in body["cmd"].items():
        method, _, query = command.partition("?")
        if method == "bad.method":
            errors[key] = {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "nope"}
        else:
            results[key] = {"method": method, **decode_query(query)}
    return reply(
        {
            "result": {
                "result": results,
                "result_error": errors or [],
                "result_total": {k: 1 for k in results},
                "result_next": [],
                "result_time": {k: {"operating": 0.01} for k in results},
            },
            "time": {},
        }
    )


def test_batch_chunks_and_reports_errors_by_key() -> None:
    commands = {f"c{i}": ("crm.lead.add", {"fields": {"TITLE": f"t{i}"}}) for i in range(120)}
    commands["c77"] = ("bad.method", {})
    run = drive(batch_flow(context(), commands), _batch_answer)
    assert run.error is None
    out = run.value
    assert out.requests == 3 and len(run.sends) == 3
    assert [len(b["cmd"]) for b in run.bodies()] == [50, 50, 20]
    assert set(out.results) == {f"c{i}" for i in range(120)} - {"c77"}
    assert isinstance(out.errors["c77"], Bitrix24Error)
    assert out.errors["c77"].code == "ERROR_METHOD_NOT_FOUND"
    assert out.errors["c77"].method == "bad.method"
    with pytest.raises(Bitrix24Error):
        out["c77"]
    assert out["c5"]["fields"] == {"TITLE": "t5"}
    assert out.totals["c5"] == 1 and out.times["c5"] == {"operating": 0.01}
    assert not out.ok


def test_batch_references_within_and_across_chunks() -> None:
    commands: list[tuple[str, dict[str, Any]]] = [("crm.lead.add", {"fields": {"TITLE": "x"}})]
    commands += [("crm.lead.get", {"id": "$result[0][fields][TITLE]"})] * 60
    run = drive(batch_flow(context(), commands), _batch_answer)
    first, second = run.bodies()
    # within the first chunk the reference is left for the portal to resolve...
    assert unquote(first["cmd"]["1"]) == "crm.lead.get?id=$result[0][fields][TITLE]"
    # ...in the second chunk the client substitutes the earlier result itself
    assert second["cmd"]["50"] == "crm.lead.get?id=x"


def test_resolve_references() -> None:
    known = {"a": {"ID": 5, "items": [{"id": 9}]}}
    assert resolve_references("$result[a][ID]", known) == 5
    assert resolve_references("id=$result[a][items][0][id]!", known) == "id=9!"
    assert resolve_references("$result[b][ID]", known) == "$result[b][ID]"
    assert resolve_references({"x": ["$result[a][ID]"]}, known) == {"x": [5]}


def test_batch_halt_stops_after_the_failing_chunk() -> None:
    commands = [("bad.method", {})] + [("crm.lead.get", {"id": i}) for i in range(70)]
    run = drive(batch_flow(context(), commands, halt=True), _batch_answer)
    assert len(run.sends) == 1 and run.bodies()[0]["halt"] == 1
    assert "0" in run.value.errors


def test_batch_keys_are_checked() -> None:
    run = drive(batch_flow(context(), {"a[1]": ("x.get", {})}), _batch_answer)
    assert isinstance(run.error, ValueError)


def _pages(records: list[dict[str, Any]], wrapper: str | None):
    def answer(send: Send, _: int) -> Any:
        body = json.loads(send.request.content or b"")
        start = body.get("start", 0)
        chunk = records[start : start + 50]
        nxt = start + 50 if start + 50 < len(records) else None
        out: dict[str, Any] = {
            "result": {wrapper: chunk} if wrapper else chunk,
            "total": len(records),
            "time": {},
        }
        if nxt is not None:
            out["next"] = nxt
        return reply(out)

    return answer


@pytest.mark.parametrize("wrapper", [None, "tasks", "items"])
def test_plain_paging_follows_next(wrapper: str | None) -> None:
    records = [{"ID": i} for i in range(1, 138)]
    seen: list[tuple[int, int | None]] = []
    flow = iterate_flow(
        context(), "tasks.task.list", {"filter": {}}, progress=lambda d, t: seen.append((d, t))
    )
    run = drive(flow, _pages(records, wrapper))
    assert run.emitted == records
    assert [b["start"] for b in run.bodies()] == [0, 50, 100]
    assert seen == [(50, 137), (100, 137), (137, 137)]


def _id_portal(ids: list[int], wrapper: str | None, field: str = "ID"):
    """Answers list calls and batches of them by the >ID filter, as a portal would."""

    def page(params: dict[str, Any]) -> list[dict[str, Any]]:
        assert params["start"] in (-1, "-1") and params["order"] == {field: "ASC"}
        cursor = params["filter"].get(f">{field}")
        low = int(cursor) if cursor not in (None, "") else 0
        return [{field: i} for i in ids if i > low][:50]

    def wrap(items: list[Any]) -> Any:
        return {wrapper: items} if wrapper else items

    def answer(send: Send, _: int) -> Any:
        body = json.loads(send.request.content or b"")
        if not send.request.url.endswith("/batch"):
            return reply({"result": wrap(page(body)), "time": {}})
        results: dict[str, Any] = {}
        for key, command in body["cmd"].items():
            params = decode_query(command.partition("?")[2])
            ref = params["filter"].get(f">{field}", "")
            if ref.startswith("$result["):
                prev, _, _rest = ref[len("$result[") :].partition("]")
                items = results[prev][wrapper] if wrapper else results[prev]
                params["filter"][f">{field}"] = items[49][field] if len(items) == 50 else ""
            results[key] = wrap(page(params))
        return reply({"result": {"result": results, "result_error": []}, "time": {}})

    return answer


@pytest.mark.parametrize(("wrapper", "field"), [(None, "ID"), ("items", "id")])
def test_fast_paging_reads_every_record_once(wrapper: str | None, field: str) -> None:
    ids = list(range(3, 30_000, 7))  # 4,286 records with gaps
    flow = fast_iterate_flow(context(), "crm.item.list", {"select": ["title"]}, id_field=field)
    run = drive(flow, _id_portal(ids, wrapper, field))
    got = [r[field] for r in run.emitted]
    assert got == ids
    # one plain page, then batches of up to 50 pages: 2 requests for 4,236 more records
    assert len(run.sends) == 3
    batch = run.bodies()[1]["cmd"]
    assert len(batch) == 50
    link = "[items]" if wrapper else ""
    assert unquote(batch["p1"]).count(f"$result[p0]{link}[49][{field}]") == 1
    assert f"select[]={field}" in unquote(batch["p0"])


def test_fast_paging_starts_from_the_users_cursor() -> None:
    ids = list(range(1, 500))
    flow = fast_iterate_flow(context(), "crm.lead.list", {"filter": {">ID": 450}})
    run = drive(flow, _id_portal(ids, None))
    assert [r["ID"] for r in run.emitted] == list(range(451, 500))


def test_supports_fast() -> None:
    assert supports_fast("crm.lead.list", {}, "ID")
    assert supports_fast("crm.lead.list", {"order": {"ID": "asc"}}, "ID")
    assert not supports_fast("crm.lead.list", {"order": {"TITLE": "ASC"}}, "ID")
    assert not supports_fast("crm.lead.list", {"start": 100}, "ID")
    assert not supports_fast("crm.lead.get", {}, "ID")
