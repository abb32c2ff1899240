"""The front end: auth before the body, the body limit, read timeouts, multipart uploads,
deep JSON, huge ids in filters, linear PHP forms, TLS, and the portal's wire format."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import httpx
import pytest
from emulator_model import RAW_TOKEN

from generator.emulator.params import parse_php_query


def test_wrong_token_is_refused_before_the_body(b24_emulator_factory: Any) -> None:
    emu = b24_emulator_factory(limits="none", max_body=1 << 20)
    portal = emu.portal
    with socket.create_connection((emu.host, emu.port)) as sock:
        # declares 200 MiB, sends none of it: a portal answers on the head alone
        sock.sendall(
            b"POST /rest/1/wrong/crm.lead.add HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 209715200\r\n\r\n"
        )
        sock.settimeout(5)
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 401")
    assert b"connection: close" in head.lower()
    assert portal.stats["calls"] == 0


def test_body_over_the_limit_is_413(b24_emulator_factory: Any) -> None:
    emu = b24_emulator_factory(limits="none", max_body=1000)
    r = httpx.post(emu.webhook_url + "crm.lead.add", content=b"x" * 5000)
    assert r.status_code == 413 and r.json()["error"] == "REQUEST_ENTITY_TOO_LARGE"

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b"y" * 500

    r = httpx.post(emu.webhook_url + "crm.lead.add", content=chunks())
    assert r.status_code == 413


def test_idle_and_slow_connections_are_closed_after_the_read_timeout(
    b24_emulator_factory: Any,
) -> None:
    emu = b24_emulator_factory(limits="none", header_timeout=0.5, body_timeout=0.5)
    silent = socket.create_connection((emu.host, emu.port))
    partial = socket.create_connection((emu.host, emu.port))
    partial.sendall(b"POST /rest/1/x/crm.lead.add HTTP/1.1\r\nHost: x\r\n")  # head unfinished
    stalled = socket.create_connection((emu.host, emu.port))
    stalled.sendall(
        f"POST /rest/1/{RAW_TOKEN}/crm.lead.add HTTP/1.1\r\nHost: x\r\n"
        "Content-Length: 100\r\n\r\n{".encode()
    )
    started = time.monotonic()
    for sock in (silent, partial, stalled):
        sock.settimeout(5)
        data = sock.recv(4096)
        assert data == b"" or data.startswith(b"HTTP/1.1 4")
        sock.close()
    assert time.monotonic() - started < 3
    # and a normal request on a fresh connection is unaffected
    assert httpx.post(emu.webhook_url + "crm.lead.add", json={}).status_code == 200


def test_multipart_upload_becomes_a_name_and_base64_pair(emu: Any, http: Any) -> None:
    r = http.post(
        emu.webhook_url + "crm.lead.add",
        data={"fields[TITLE]": "with file"},
        files={"fields[PHOTO]": ("a.png", b"\x89PNG-bytes", "image/png")},
    )
    assert r.status_code == 200, r.text
    got = http.post(emu.webhook_url + "crm.lead.get", json={"id": r.json()["result"]}).json()
    assert got["result"]["TITLE"] == "with file"
    assert got["result"]["PHOTO"] == ["a.png", "iVBORy1ieXRlcw=="]


@pytest.mark.parametrize("depth", [513, 700, 990, 5000])
def test_deep_json_is_a_400(emu: Any, http: Any, depth: int) -> None:
    body = '{"fields":' * depth + "1" + "}" * depth
    r = http.post(
        emu.webhook_url + "crm.lead.add",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400 and r.json()["error"] == "INVALID_REQUEST"


def test_json_within_php_depth_is_read(emu: Any, http: Any) -> None:
    nested: Any = 1
    for _ in range(100):
        nested = {"x": nested}
    r = http.post(emu.webhook_url + "crm.lead.add", json={"fields": {"TITLE": "d", "N": nested}})
    assert r.status_code == 200


def test_huge_id_in_a_filter_matches_by_its_value(emu: Any, http: Any) -> None:
    emu.portal.seed("crm.lead", [{"TITLE": "a"}, {"TITLE": "b"}])
    url = emu.webhook_url + "crm.lead.list"
    assert http.post(url, json={"filter": {">ID": 10**30}}).json()["result"] == []
    assert len(http.post(url, json={"filter": {"<ID": 10**30}}).json()["result"]) == 2
    assert http.post(url, json={"filter": {"ID": 10**400}}).json()["result"] == []


def test_php_form_appends_are_linear() -> None:
    body = "&".join(f"fields[A][]={i}" for i in range(50_000))
    started = time.perf_counter()
    parsed = parse_php_query(body)
    elapsed = time.perf_counter() - started
    assert parsed["fields"]["A"] == [str(i) for i in range(50_000)]
    assert elapsed < 5  # quadratic parsing took minutes at this size; the bench measures it


def test_php_form_keys_as_php_reads_them() -> None:
    assert parse_php_query("a[]=1&a[]=2&a[5]=x&a[]=y") == {
        "a": {"0": "1", "1": "2", "5": "x", "6": "y"}
    }
    assert parse_php_query("s[]=ID&s[]=TITLE&n[0]=a&n[1]=b") == {
        "s": ["ID", "TITLE"],
        "n": ["a", "b"],
    }
    deep = "k" + "[a]" * 70 + "=1"  # deeper than PHP's max_input_nesting_level: dropped
    assert parse_php_query(deep + "&ok=1") == {"ok": "1"}


def test_errors_carry_no_time_block(emu: Any, http: Any) -> None:
    r = http.post(emu.webhook_url + "crm.lead.get", json={"id": 999})
    assert r.status_code == 400
    assert set(r.json()) == {"error", "error_description"}


def test_tls_fixture_option(b24_emulator_factory: Any) -> None:
    emu = b24_emulator_factory(limits="none", tls=True)
    assert emu.base_url.startswith("https://") and emu.ca_file
    with httpx.Client(verify=emu.ca_file) as client:
        r = client.post(emu.webhook_url + "crm.lead.add", json={"fields": {"TITLE": "tls"}})
    assert r.status_code == 200 and r.json()["result"] == 1
    with pytest.raises(httpx.ConnectError):  # an untrusted client is refused by TLS itself
        httpx.post(emu.webhook_url + "crm.lead.add", json={})


def test_batch_sections_are_php_lists_whatever_cmd_was(emu: Any, http: Any) -> None:
    body = {
        "cmd": {"0": "crm.lead.add?fields[TITLE]=a", "1": "crm.lead.get?id=999"},
    }
    result = http.post(emu.webhook_url + "batch", json=body).json()["result"]
    assert result["result"] == [1]  # keys 0..n-1 -> a list, as PHP's json_encode writes
    assert result["result_error"] == {
        "1": {"error": "NOT_FOUND", "error_description": "Not found."}
    }
    listed = http.post(
        emu.webhook_url + "batch", json={"cmd": {"0": "crm.lead.list", "1": "crm.lead.list"}}
    ).json()["result"]
    assert listed["result_total"] == [1, 1]  # result_total too, not only result


def test_serve_with_certfile(tmp_path: Any) -> None:
    """``b24gen serve --certfile F --keyfile F`` answers https with that certificate."""
    import subprocess
    import sys

    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    model = tmp_path / "model.json"
    from emulator_model import tiny_model

    model.write_text(tiny_model().to_json(), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--model", str(model), "--token", "t",
         "--certfile", str(tmp_path / "cert.pem"), "--keyfile", str(tmp_path / "key.pem")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = ""
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith("webhook: "):
                url = line.split(" ", 1)[1].strip()
                break
        assert url.startswith("https://127.0.0.1:")
        r = httpx.post(url + "crm.lead.add", json={}, verify=str(tmp_path / "ca.pem"))
        assert r.status_code == 200 and json.loads(r.text)["result"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=20)
