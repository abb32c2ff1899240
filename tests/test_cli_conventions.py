"""One command-line convention for every ``b24gen`` command (see generator/cli_conventions.py):
``--docs`` wherever docs are read, one ``error:`` line and exit 2 for bad input, no traceback,
help that states the exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.cli_conventions import error_line

ROOT = Path(__file__).resolve().parent.parent
DOCS_SRC = ROOT / "docs_src"

# Every command that reads docs, with what else it needs to run (output into tmp).
DOCS_COMMANDS = {
    "model": [],
    "coverage": ["--quiet"],
    "openapi": [],
    "diff": ["HEAD"],
    "check": ["--no-cache", "--out", "{tmp}/out"],
    "generate": ["--no-cache", "--out", "{tmp}/out"],
    "serve": ["--no-cache"],
}


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, (*prefix, name)))
        else:
            out.append((*prefix, name))
    return out


ALL_COMMANDS = _commands(main)


def _invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args)


def _one_error_line(result: Result, *, code: int = 2) -> str:
    """The result is exit ``code`` with exactly one ``error:`` line on stderr, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), result.exc_info
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output and "Error:" not in result.output
    assert [ln for ln in result.stderr.splitlines() if not ln.startswith("warning: ")] == errors
    return errors[0]


def test_every_command_that_reads_docs_is_listed() -> None:
    # a new command must join DOCS_COMMANDS (or the portal commands, which read no docs)
    assert {c for c in ALL_COMMANDS if c[0] != "portal"} == {(c,) for c in DOCS_COMMANDS}
    assert {c for c in ALL_COMMANDS if c[0] == "portal"} == {("portal", "pull"), ("portal", "diff")}


@pytest.mark.parametrize("command", sorted(DOCS_COMMANDS))
def test_every_command_accepts_docs(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-docs"
    extra = [a.format(tmp=tmp_path) for a in DOCS_COMMANDS[command]]
    line = _one_error_line(_invoke([command, "--docs", str(missing), *extra]))
    assert str(missing) in line  # the folder --docs named, not "no such option"


@pytest.mark.parametrize("command", sorted(DOCS_COMMANDS))
def test_docs_option_has_one_help_text(command: str) -> None:
    text = " ".join(_invoke([command, "-h"]).output.split())
    assert "--docs" in text and "Exit status: 0 success" in text
    if command != "diff":  # diff compares two revisions: no default folder
        assert "[default: docs_src]" in text


def test_model_and_coverage_take_docs_the_old_way_too() -> None:
    new = _invoke(["model", "--docs", str(DOCS_SRC)])
    old = _invoke(["model", str(DOCS_SRC)])
    assert new.exit_code == old.exit_code == 0
    assert json.loads(new.stdout) == json.loads(old.stdout) and json.loads(new.stdout)["methods"]
    assert "deprecated; give --docs" in old.stderr and "deprecated" not in new.stderr
    assert "DOCS" not in _invoke(["model", "-h"]).output.splitlines()[0]  # not in the usage
    cov = _invoke(["coverage", str(DOCS_SRC), "--quiet"])
    assert cov.exit_code == 0 and cov.stdout == _invoke(["coverage", "--quiet"]).stdout
    both = _invoke(["model", "--docs", str(DOCS_SRC), str(DOCS_SRC)])
    assert "given twice" in _one_error_line(both)


def test_model_defaults_to_docs_src(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = _invoke(["model"])
    assert result.exit_code == 0 and json.loads(result.stdout)["methods"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_takes_revisions_of_docs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS_SRC, docs)
    git = ["git", "-C", str(docs), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "docs"], check=True)
    page = next(p for p in sorted(docs.rglob("*.md")) if "crm.deal.add" in p.read_text())
    page.unlink()
    result = _invoke(["diff", "--docs", str(docs), "HEAD", "--no-cache", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "crm.deal.add" in json.dumps(json.loads(result.stdout))
    same = _invoke(["diff", "--docs", str(docs), "HEAD", "HEAD", "--no-cache"])
    assert same.exit_code == 0 and "crm.deal.add" not in same.stdout
    assert "missing NEW" in _one_error_line(_invoke(["diff", str(docs)]))


def _bad_inputs(tmp: Path) -> dict[tuple[str, ...], list[str]]:
    """A bad input for every command (all of ALL_COMMANDS)."""
    bad_json = tmp / "bad.json"
    bad_json.write_text('{"fields":\n  [1,\n', encoding="utf-8")
    empty = tmp / "empty"
    empty.mkdir()
    return {
        ("model",): ["--docs", str(empty)],
        ("coverage",): ["--docs", str(empty)],
        ("openapi",): ["--docs", str(empty)],
        ("diff",): [str(empty), str(tmp / "nowhere")],
        ("check",): ["--docs", str(empty), "--no-cache", "--out", str(tmp / "o")],
        ("generate",): ["--docs", str(empty), "--no-cache", "--out", str(tmp / "o")],
        ("serve",): ["--model", str(bad_json)],
        ("portal", "pull"): ["--out", str(tmp / "s.json")],
        ("portal", "diff"): [str(bad_json), str(bad_json)],
    }


def test_bad_input_is_one_error_line_and_exit_2_for_every_command(tmp_path: Path) -> None:
    cases = _bad_inputs(tmp_path)
    assert set(cases) == set(ALL_COMMANDS)
    for command, args in cases.items():
        line = _one_error_line(_invoke([*command, *args]))
        assert line[len("error: ") :][:1].islower() or line[7:8] in "/'\"", (command, line)
    assert "bad.json:" in _one_error_line(_invoke(["serve", *cases[("serve",)]]))


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=" ".join)
def test_usage_errors_are_one_error_line(command: tuple[str, ...]) -> None:
    line = _one_error_line(_invoke([*command, "--no-such-flag"]))
    assert "no such option" in line and "-h'" in line
    assert "Exit status: 0 success" in _invoke([*command, "-h"]).output


def test_the_installed_entry_point_speaks_the_same_way(tmp_path: Path) -> None:
    for args in (["serve", "--docs", str(tmp_path / "none")], ["portal", "diff", "a", "b"]):
        proc = subprocess.run(
            [sys.executable, "-m", "generator.cli", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("message", "line"),
    [
        ("No such option '--x'.", "error: no such option '--x'."),
        ("Makefile: cannot read", "error: Makefile: cannot read"),
        ("docs/a.md:3: bad\n  table", "error: docs/a.md:3: bad table"),
        ("HTTP 500 from portal", "error: HTTP 500 from portal"),
    ],
)
def test_error_line_is_one_lowercase_line(message: str, line: str) -> None:
    assert error_line(message) == line
