"""One read/write decision (generator.vocabulary.writes): generated code and emulator agree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator.emulator.portal import Options, Portal
from generator.model import ApiModel, Method
from generator.vocabulary.writes import method_writes
from tests.render.conftest import CORPUS_PACKAGES


@pytest.mark.parametrize(
    ("name", "title", "writes"),
    [
        ("user.access", "", False),  # checks rights: the runtime and emulator were right
        ("sonet_group.feature.access", "", False),
        ("crm.item.export", "", False),  # returns data; the runtime had guessed a write
        ("landing.site.fullExport", "Экспортировать сайт", False),
        ("disk.file.copyto", "", True),  # the emulator had counted it a read
        ("disk.folder.copyTo", "", True),
        ("im.dialog.read", "", True),  # marks messages read; the SDK had called it a read
        ("im.notify.read.list", "Прочитать список уведомлений", True),
        ("crm.status.entity.types", "Получить типы справочников", False),  # by the title
        ("entity.rights", "Получить или изменить права доступа", True),  # title offers a write
        ("crm.lead.add", "", True),
        ("crm.lead.list", "", False),
        ("crm.duplicate.findbycomm", "", False),
        ("crm.item.deletebyfilter", "", True),
        ("some.unknown.frobnicate", "Сделать то-то", True),  # unknown: a write, never retried
    ],
)
def test_decision(name: str, title: str, writes: bool) -> None:
    assert method_writes(name, title) is writes


def test_model_records_it_in_json() -> None:
    m = Method(name="crm.lead.get")
    d = ApiModel(methods=(m, Method(name="crm.lead.add", api_version=3))).to_dict()
    assert [(x["writes"], x["repeatable"]) for x in d["methods"]] == [(False, True), (True, True)]
    assert ApiModel.from_dict(d).methods[0].writes is False
    assert Method(name="crm.lead.add").repeatable is False


def _invoke_writes(package: Path) -> dict[tuple[str, int], bool]:
    """(method, api_version) -> the ``write=`` every generated ``_invoke`` call passes."""
    found: dict[tuple[str, int], bool] = {}
    for path in sorted((package / "api").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "_invoke":
                continue
            kw = {k.arg: k.value for k in node.keywords}
            assert "write" in kw, f"{path.name}:{node.lineno}: _invoke without write="
            write, version = kw["write"], kw.get("api_version")
            assert isinstance(write, ast.Constant) and isinstance(write.value, bool)
            name = node.args[0]
            assert isinstance(name, ast.Constant)
            v = version.value if isinstance(version, ast.Constant) else 2
            found[(name.value, v)] = write.value
    return found


@pytest.mark.parametrize("corpus", sorted(CORPUS_PACKAGES))
def test_generated_code_and_emulator_use_the_model(corpus, corpus_models, corpus_tree) -> None:
    model = corpus_models[corpus]
    package = CORPUS_PACKAGES[corpus]
    generated = _invoke_writes(corpus_tree / package / package)
    first: dict[tuple[str, int], Method] = {}
    for m in sorted(model.methods, key=lambda m: (m.name, m.api_version, m.source, m.line)):
        first.setdefault((m.name, m.api_version), m)
    assert len(generated) > 1000
    wrong = [k for k, w in generated.items() if first[k].writes is not w]
    assert not wrong
    assert {w for w in generated.values()} == {True, False}
    portal = Portal(model, Options())
    emulator = {
        (m.name, m.api_version): portal.is_write(m.name)
        for m in first.values()
        if m.api_version == 2
    }
    disagree = [k for k, w in emulator.items() if w is not first[k].writes]
    assert not disagree, disagree[:10]
