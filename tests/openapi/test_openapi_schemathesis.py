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
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis  # the dev extra; a missing one is an error, not a skip
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from generator.openapi import build_spec

CRM_ENTITY_PATHS = r"^/crm\.(lead|deal|contact|company|item)\.(add|get|update|delete|list|fields)$"
EXAMPLES_PER_OPERATION = 15
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


@dataclass(frozen=True)
class Served:
    webhook: str
    log: Path  # everything b24gen serve printed: its address, then any tracebacks

    def errors(self) -> str:
        """The last line of each traceback the server logged (the exception), counted."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        found = Counter(
            line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception)\b", line)
        )
        return "; ".join(f"{n}x {line[:160]}" for line, n in found.most_common(5))


@pytest.fixture
def served(ru_model: Any, tmp_path: Path) -> Iterator[Served]:
    """``b24gen serve`` on a free loopback port, serving the ru model."""
    model_file = tmp_path / "ru-model.json"
    model_file.write_text(ru_model.to_json(indent=None), encoding="utf-8")
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "generator.cli", "serve", "--model", str(model_file)]
    command += ["--port", "0", "--limits", "none", "--token", "schemathesis-token"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        url = ""
        while not url and proc.poll() is None and time.monotonic() < deadline:
            text = log.read_text(encoding="utf-8", errors="replace")
            url = next(
                (ln[9:].strip() for ln in text.splitlines() if ln.startswith("webhook: ")), ""
            )
            time.sleep(0.05)
        assert url, f"b24gen serve did not announce its address (exit {proc.poll()}): {text}"
        yield Served(url, log)
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
    ru_model: Any, served: Served
) -> None:
    schema = schemathesis.openapi.from_dict(build_spec(ru_model)).include(
        path_regex=CRM_ENTITY_PATHS
    )
    base_url = served.webhook.rstrip("/")  # http://127.0.0.1:port/rest/1/<token>
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 30, [op.label for op in operations]

    failures: dict[str, set[str]] = {}
    started = time.monotonic()
    calls = sum(_exercise(op, base_url, failures) for op in operations)
    elapsed = time.monotonic() - started
    assert calls >= len(operations) * 2, f"only {calls} calls were made"
    logged = served.errors()
    summary = f"\n({calls} calls, {elapsed:.1f} s; server log: {logged or 'no tracebacks'})"
    assert not failures, _listing(failures) + summary


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
