"""The portal flow on the real corpora: the CRM pages of ru and en rendered, an emulator
built from those same pages furnished and pulled, the snapshot applied, and a user's
script checked by mypy --strict against the result.

Only the CRM entities the portal extends are rendered (the corpus models themselves come
from the shared session fixtures), which keeps this to seconds in CI."""

from __future__ import annotations

import ast
import time
from pathlib import Path
from typing import Any

import pytest

from tests.portal.conftest import TOKEN, b24gen, furnish, rest
from tests.portal.test_portal_e2e import _mypy, _script

CRM_PREFIXES = ("crm.deal.", "crm.lead.", "crm.contact.", "crm.company.", "crm.item.",
                "crm.type.")  # fmt: skip


def _crm_part(model: Any) -> Any:
    from generator.model import ApiModel

    methods = tuple(
        m for m in model.methods if m.api_version == 2 and m.name.lower().startswith(CRM_PREFIXES)
    )
    return ApiModel(methods=methods, system_errors=model.system_errors, types=model.types)


def _flow(
    model: Any, tmp_path: Path, package: str
) -> tuple[Path, dict[str, Any], dict[str, float]]:
    from generator.emulator.app import create_app
    from generator.emulator.server import start_in_thread
    from generator.portal.render import extend_files
    from generator.portal.snapshot import load_snapshot
    from generator.render import render_package
    from tests.render.helpers import write_files

    part = _crm_part(model)
    timings: dict[str, float] = {}
    running = start_in_thread(create_app(part, limits="none", token=TOKEN))
    try:
        client = rest(running.webhook_url)
        facts = furnish(client)
        client.close()
        snap_path = tmp_path / f"{package}.json"
        t0 = time.perf_counter()
        result = b24gen("portal", "pull", "--webhook", running.webhook_url, "--out", snap_path)
        timings["pull"] = time.perf_counter() - t0
        assert result.exit_code == 0, result.output
    finally:
        running.stop()
    t0 = time.perf_counter()
    files = render_package(part, package_name=package)
    timings["render_docs"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    extended = extend_files(files, load_snapshot(snap_path), package_name=package,
                            snapshot_name=snap_path.name)  # fmt: skip
    timings["extend"] = time.perf_counter() - t0
    added = sorted(set(extended) - set(files))
    assert added == [f"{package}/portal/{n}" for n in
                     ("__init__.py", "client.py", "crm.py", "types.py")]  # fmt: skip
    changed = sorted(r for r in files if files[r] != extended[r])
    assert changed == [f"{package}/__init__.py"]  # the hook, and nothing else of the docs'
    for rel in added:
        ast.parse(extended[rel], filename=rel)
    root = write_files(tmp_path / "sdk", extended)
    return root, facts, timings


@pytest.mark.corpus
@pytest.mark.slow
def test_portal_on_the_ru_corpus(ru_model: Any, tmp_path: Path):
    root, facts, timings = _flow(ru_model, tmp_path, "b24client")
    crm = (root / "b24client" / "portal" / "crm.py").read_text(encoding="utf-8")
    # the documented deal methods are re-declared with the portal's TypedDicts
    assert "fields: _pt.CrmDealAddFields" in crm and "def smart(self)" in crm
    red = facts["colours"][0]["ID"]
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(_script(facts, colour=red), encoding="utf-8")
    bad.write_text(_script(facts, colour="999"), encoding="utf-8")
    t0 = time.perf_counter()
    errors = _mypy([good, bad], root)
    timings["mypy"] = time.perf_counter() - t0
    assert errors["good.py"] == [], errors
    # where ``fields`` is optional (``CrmDealAddFields | NotGiven``) mypy names the whole dict
    assert any(
        "Literal[999]" in e or ('"fields"' in e and "CrmDealAddFields" in e)
        for e in errors["bad.py"]
    ), errors
    # errors on the two deal.add lines (sync and async) and nowhere else
    add_lines = {i + 1 for i, line in enumerate(bad.read_text().splitlines()) if "999" in line}
    assert {int(e.split(":")[1]) for e in errors["bad.py"]} == add_lines, errors
    print("ru timings (s, machine shared):", {k: round(v, 2) for k, v in timings.items()})


@pytest.mark.corpus
def test_portal_on_the_en_corpus(en_model: Any, tmp_path: Path):
    root, _facts, timings = _flow(en_model, tmp_path, "b24client")
    assert (root / "b24client" / "portal" / "types.py").is_file()
    print("en timings (s, machine shared):", {k: round(v, 2) for k, v in timings.items()})
