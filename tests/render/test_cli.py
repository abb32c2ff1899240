"""`b24gen generate`: defaults, --package-name, bad names, atomic and idempotent writes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from tests.render.helpers import ROOT


def test_generate_writes_an_installable_project(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["generate", "--docs", str(ROOT / "docs_src"), "--out", str(out)]
    result = runner.invoke(main, [*args, "--package-name", "my_sdk"])
    assert result.exit_code == 0, result.output
    for rel in ("pyproject.toml", "README.md", "my_sdk/__init__.py", "my_sdk/py.typed"):
        assert (out / rel).is_file(), rel
    assert (out / "docs" / "index.md").is_file() and (out / "docs" / "crm.md").is_file()
    assert 'name = "my-sdk"' in (out / "pyproject.toml").read_text()
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = runner.invoke(main, [*args, "--package-name", "my_sdk"])
    assert again.exit_code == 0 and "0 created, 0 updated" in again.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == first


def test_bad_package_name_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["generate", "--docs", str(ROOT / "docs_src"), "--out", str(tmp_path / "o")]
        + ["--package-name", "not-valid"],
    )
    assert result.exit_code == 2
    assert "not a valid Python identifier" in result.output
    assert not (tmp_path / "o").exists()
