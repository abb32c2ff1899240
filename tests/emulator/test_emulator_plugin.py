"""The pytest plugin as a user meets it: installed with b24gen (pytest11 entry point), used
from a separate project's tests with nothing but a conftest that names the model."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from emulator_model import tiny_model


@pytest.mark.slow  # a whole pytest run in a subprocess: seconds of interpreter start-up
def test_plugin_fixtures_work_in_a_user_project(tmp_path: Path) -> None:
    (tmp_path / "model.json").write_text(tiny_model().to_json(), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nb24_emulator_model_json = model.json\n", encoding="utf-8"
    )
    (tmp_path / "test_user.py").write_text(textwrap.dedent('''
        import httpx
        from b24gen_templates.runtime.client import SyncTransportClient

        def test_session_emulator_is_empty_each_time_1(b24_emulator):
            r = httpx.post(b24_emulator.webhook_url + "crm.lead.add",
                           json={"fields": {"TITLE": "one"}})
            assert r.json()["result"] == 1

        def test_session_emulator_is_empty_each_time_2(b24_emulator):
            r = httpx.post(b24_emulator.webhook_url + "crm.lead.add",
                           json={"fields": {"TITLE": "two"}})
            assert r.json()["result"] == 1
            assert b24_emulator.base_url.startswith("http://127.0.0.1:")
            assert b24_emulator.webhook_url.endswith(f"/rest/1/{b24_emulator.token}/")

        def test_ready_client(b24_emulator):
            with b24_emulator.client(SyncTransportClient) as client:
                assert client.call("crm.lead.add", {"fields": {"TITLE": "c"}}) == 1

        def test_factory_with_faults(b24_emulator_factory):
            emu = b24_emulator_factory(limits="none", faults="500=1")
            r = httpx.post(emu.webhook_url + "server.time")
            assert r.status_code == 500
    '''), encoding="utf-8")  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
