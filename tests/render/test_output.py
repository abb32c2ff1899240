"""Properties of the rendered tree: golden record, determinism, black-clean formatting."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.render import render_package
from tests.render.helpers import ROOT, hard_model

GENERATED = ROOT / "generated"
MANIFEST = ".b24gen-manifest.json"


def test_generated_is_the_output_for_docs_src(docs_src_model: Any) -> None:
    """generated/ is a golden record: regenerating docs_src/ must not change a byte.

    Fix with `b24gen generate` (defaults docs_src/ -> generated/) and commit the result.
    What generate writes is the render plus the release layer (version, provenance,
    changelog, recorded model: generator.release), carried as recorded in generated/.
    """
    from generator.release import finish
    from generator.release.run import check_state

    state = check_state(ROOT / "docs_src", GENERATED, package_name="b24client", cache_dir=None)
    files = finish(dict(render_package(docs_src_model)), state.state, "b24client")
    on_disk = {
        p.relative_to(GENERATED).as_posix()
        for p in GENERATED.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".mypy_cache" not in p.parts
    }
    on_disk.discard(MANIFEST)
    assert sorted(on_disk) == sorted(files), "generated/ has stale or missing files"
    stale = [rel for rel, text in files.items() if (GENERATED / rel).read_text("utf-8") != text]
    assert not stale, f"regenerate generated/ (b24gen generate): {stale[:10]}"


_HASH_SCRIPT = """
import hashlib, json, sys
from pathlib import Path
from generator.reader import read_docs
from generator.render import render_package
from tests.render.helpers import hard_model
out = {}
for name, model in (("docs_src", read_docs(Path("docs_src"))), ("hard", hard_model())):
    files = render_package(model)
    out[name] = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
print(json.dumps(out))
"""


def _digest(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


@pytest.mark.slow
def test_deterministic_across_runs_and_hash_seeds(docs_src_model: Any) -> None:
    here = {
        "docs_src": _digest(render_package(docs_src_model)),
        "hard": _digest(render_package(hard_model())),
    }
    assert _digest(render_package(hard_model())) == here["hard"]
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-c", _HASH_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == here, f"PYTHONHASHSEED={seed} changed the output"


def _black_check(paths: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "black", "--check", "--diff", "-q", "-l", "100"]
    return subprocess.run(
        cmd + ["-t", "py311", *map(str, paths)], cwd=cwd, capture_output=True, text=True
    )


@pytest.mark.slow
def test_black_agrees_with_the_formatting_of_generated(tmp_path: Path) -> None:
    proc = _black_check([GENERATED], tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.corpus
def test_black_agrees_on_a_sample_of_the_ru_package(corpus_tree: Path) -> None:
    pkg = corpus_tree / "b24_ru" / "b24_ru"
    sample = [pkg / "client.py", pkg / "errors.py", pkg / "__init__.py"]
    for name in ("user", "tasks", "im"):
        sample += [*(pkg / "api" / name).glob("*.py"), pkg / "types" / f"{name}.py"]
    sample = [p for p in sample if p.exists()]
    assert len(sample) >= 8
    proc = _black_check(sample, corpus_tree)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.slow
def test_generated_project_installs_with_pip_and_imports(tmp_path: Path) -> None:
    """The committed generated/ project is installable: pip builds and installs it."""
    target = tmp_path / "site"
    # Build from a copy: setuptools writes build/ and *.egg-info beside the sources.
    project = tmp_path / "project"
    shutil.copytree(GENERATED, project, ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
        + ["--no-cache-dir", "--target", str(target), str(project)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (target / "b24client" / "py.typed").exists()
    assert (target / "b24client" / "api" / "crm" / "deal.py").exists()
    # the stubs (typed surface with the docstrings) are installed beside their modules
    assert (target / "b24client" / "api" / "crm" / "deal.pyi").exists()
    assert (target / "b24client" / "client.pyi").exists()
    assert (target / "b24client" / "_runtime" / "client.py").exists()
    check = (
        "import b24client, inspect; c = b24client.Client.from_webhook("
        "'https://p.example/rest/1/s/'); print(inspect.signature(c.crm.lead.add))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "fields:" in run.stdout and "-> 'int'" in run.stdout
