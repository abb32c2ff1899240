"""``b24gen serve --portal SNAPSHOT --scopes …`` as a user runs it: a subprocess."""

from __future__ import annotations

import logging
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import DOCS_SRC, ROOT
from tests.portal.conftest import b24gen

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--docs", str(DOCS_SRC),
         "--limits", "none", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        m = re.match(r"webhook: (http://\S+/rest/1/\S+/)$", line.strip())
        if m:
            return proc, m.group(1)
    proc.kill()
    pytest.fail("no webhook URL printed:\n" + "".join(seen))


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def _post(url: str) -> httpx.Response:
    """A bare httpx call of the test itself: httpx logs its URL, token included, and no
    runtime scrubs it (the SDK's runtime does, for its own calls); keep it out of the log the
    integration tests' secrets watch reads."""
    logger = logging.getLogger("httpx")
    was, logger.disabled = logger.disabled, True
    try:
        return httpx.post(url, json={})
    finally:
        logger.disabled = was


def test_serve_portal_and_scopes(pulled: Path, tmp_path: Path):
    proc, url = _serve("--portal", str(pulled), "--token", "t0k3n")
    try:
        fields = _post(url + "crm.deal.fields").json()["result"]
        assert fields["UF_CRM_COLOUR"]["type"] == "enumeration"
        assert [i["VALUE"] for i in fields["UF_CRM_COLOUR"]["items"]] == ["Red", "Green"]
        again = tmp_path / "served.json"
        result = b24gen("portal", "pull", "--webhook", url, "--out", again,
                        "--lang", "en", "--lang", "ru")  # fmt: skip
        assert result.exit_code == 0, result.output
        assert again.read_bytes() == pulled.read_bytes()
    finally:
        _stop(proc)
    proc, url = _serve("--scopes", "user,task")
    try:
        answer = _post(url + "crm.deal.fields")
        assert answer.status_code == 401 and answer.json()["error"] == "insufficient_scope"
    finally:
        _stop(proc)


def test_serve_refuses_a_bad_snapshot(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "generator.cli", "serve", "--docs", str(DOCS_SRC),
         "--portal", str(bad)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: {bad}:1: not JSON (Expecting property name enclosed in double quotes)"
    ]
