"""``b24gen serve`` as a user runs it: a subprocess that prints its webhook URL, answers,
and stops cleanly on SIGTERM and SIGINT."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from emulator_model import tiny_model

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture
def model_json(tmp_path: Path) -> Path:
    path = tmp_path / "model.json"
    path.write_text(tiny_model().to_json(), encoding="utf-8")
    return path


def _start(*args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 30
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        m = re.match(r"webhook: (http://\S+/rest/1/\S+/)$", line.strip())
        if m:
            return proc, m.group(1), lines
    proc.kill()
    pytest.fail("no webhook URL printed:\n" + "\n".join(lines))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_url_answers_and_stops_cleanly(model_json, sig) -> None:
    proc, url, lines = _start("--model", str(model_json), "--token", "s3cret", "--limits", "none")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/rest/1/s3cret/", url)
        assert "28 methods" in lines[0]
        r = httpx.post(url + "crm.lead.add", json={"fields": {"TITLE": "cli"}})
        assert r.json()["result"] == 1
        assert proc.stdout is not None
        line = proc.stdout.readline()
        while not line.startswith("oauth: "):
            line = proc.stdout.readline()
        oauth = dict(part.split("=", 1) for part in line.split()[1:])
        base = url.split("/rest/")[0]
        r = httpx.post(f"{base}/rest/crm.lead.get", data={"id": "1", "auth": oauth["access_token"]})
        assert r.json()["result"]["TITLE"] == "cli"
        refreshed = httpx.get(
            f"{base}/oauth/token/",
            params={
                "grant_type": "refresh_token",
                "client_id": oauth["client_id"],
                "client_secret": oauth["client_secret"],
                "refresh_token": oauth["refresh_token"],
            },
        )
        assert refreshed.status_code == 200 and refreshed.json()["access_token"]
        assert httpx.post(url + "crm.lead.get", json={"id": 1}).json()["result"]["TITLE"] == "cli"
    finally:
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, out
    assert "stopped" in out


def test_serve_keeps_records_in_a_file_db(model_json, tmp_path) -> None:
    db = tmp_path / "portal.db"
    proc, url, _ = _start("--model", str(model_json), "--db", str(db), "--limits", "none")
    try:
        httpx.post(url + "crm.lead.add", json={"fields": {"TITLE": "persisted"}})
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    proc, url, _ = _start("--model", str(model_json), "--db", str(db), "--limits", "none")
    try:
        r = httpx.post(url + "crm.lead.get", json={"id": 1})
        assert r.json()["result"]["TITLE"] == "persisted"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)


def test_bad_fault_spec_is_a_usage_error(model_json) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "serve", "--model", str(model_json),
         "--faults", "boom=1"],
        check=False, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "unknown fault kind 'boom'" in done.stderr
