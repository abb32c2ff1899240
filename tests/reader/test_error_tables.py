"""Error tables in all their layouts, and the REST 3.0 error sections, read into the model.

The corpus figures count REST 3.0 pages with an error section by a plain scan of the files
(an "## Обработка ошибок" / "## Error Handling" heading on a page that includes the v3 error
envelope), independently of the reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.extract.page import extract_page
from generator.model import ApiModel, ErrorCode
from tests.conftest import CORPORA, need_shared

_ERRORS_H2 = re.compile(r"^## (?:Обработка ошибок|Error [Hh]andling)\s*$", re.M)
_V3_CODE_LINE = re.compile(r"^(?:Код ошибки|Error [Cc]ode): `([^`]+)`", re.M)


def _page(errors_md: str, name: str = "x.y.add", v3: bool = False) -> tuple[ErrorCode, ...]:
    note = "\n{% note info %}\n\nREST 3.0 method.\n\n{% endnote %}\n" if v3 else ""
    text = f"""# Add a thing {name}
{note}
> Scope: [`crm`](../scopes.md)

## Method parameters

#|
|| **Name**
`type` | **Description** ||
|| **id**
[`integer`](../data-types.md) | The id ||
|#

## Error handling

{errors_md}
"""
    res = extract_page("api-reference/x/x-y-add.md", text)
    assert res.method is not None, res.diagnostics
    return res.method.errors


def test_two_codes_in_one_cell_give_both() -> None:
    errors = _page("""#|
|| **Code** | **Description** ||
|| `200240400001`, `200240400002` | Basket item not found ||
|| `200750000007`
`200750000002` | Error while updating ||
|#""")
    assert [e.code for e in errors] == [
        "200240400001",
        "200240400002",
        "200750000007",
        "200750000002",
    ]
    assert errors[1].description == "Basket item not found"


def test_a_list_of_messages_in_one_cell_gives_each() -> None:
    errors = _page("""#|
|| **Code** | **Description** ||
|| `Access denied` | No rights ||
||
- `Email send error. Invalid data`
- `Email send error. General error`
- `Email send error. "To" is not found`
 | Errors of e-mail activities ||
|#""")
    assert [e.code for e in errors] == [
        "Access denied",
        "Email send error. Invalid data",
        "Email send error. General error",
        'Email send error. "To" is not found',
    ]
    assert all(e.description == "Errors of e-mail activities" for e in errors[1:])


@pytest.mark.parametrize("head", ["**Ошибка** | **Описание**", "**Error** | **Description**"])
def test_tables_headed_error_description_name_errors_by_message(head: str) -> None:
    errors = _page(f"""#|
|| {head} ||
|| `Too many entity ids` | More than 50 identifiers ||
|| `Attach with entityId X not found` | No such vote ||
|#""")
    assert [(e.code, e.description) for e in errors] == [
        ("", "Too many entity ids — More than 50 identifiers"),
        ("", "Attach with entityId X not found — No such vote"),
    ]


def test_rest3_sections_give_code_fields_fix_and_status() -> None:
    errors = _page(
        """#### Access errors

Код ошибки: `BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION`

HTTP-статус: **403**

#|
|| **Поле** | **Описание ошибки** | **Как исправить** ||
|| `-` | Доступ запрещён | Проверьте права ||
|#

Error Code: `BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION`

#|
|| **Field** | **Error description** | **How to Fix** ||
|| `title`
`creatorId` | A mandatory key is absent | Send every starred key ||
|| `deadline` | Wrong date | Send ISO 8601 ||
|#""",
        name="tasks.task.add",
        v3=True,
    )
    assert [(e.code.rsplit("_", 1)[-1], e.status, e.fields, e.fix) for e in errors] == [
        ("ACCESSDENIEDEXCEPTION", 403, (), "Проверьте права"),
        ("REQUESTVALIDATIONEXCEPTION", None, ("title", "creatorId"), "Send every starred key"),
        ("REQUESTVALIDATIONEXCEPTION", None, ("deadline",), "Send ISO 8601"),
    ]
    assert errors[1].description == "A mandatory key is absent"


def test_model_json_keeps_the_rest3_keys_and_leaves_others_alone() -> None:
    model = ApiModel(system_errors=(ErrorCode("A", "x"), ErrorCode("B", "y", 400, ("f",), "z")))
    data = model.to_dict()["system_errors"]
    assert data[0] == {"code": "A", "description": "x", "status": None}
    assert data[1]["fields"] == ["f"] and data[1]["fix"] == "z"
    assert ApiModel.from_dict(model.to_dict()).system_errors == model.system_errors


def _v3_pages_with_error_section(root: Path) -> dict[str, set[str]]:
    """REST 3.0 pages that have an error section -> the codes their v3 sections announce."""
    out: dict[str, set[str]] = {}
    for path in (root / "api-reference").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if "error-info-v3.md" in text and _ERRORS_H2.search(text):
            section = text[_ERRORS_H2.search(text).end() :]  # type: ignore[union-attr]
            out[path.relative_to(root).as_posix()] = set(_V3_CODE_LINE.findall(section))
    return out


@pytest.mark.corpus
@pytest.mark.parametrize("corpus", ["ru", "en"])
def test_rest3_pages_with_an_error_section_give_their_codes(
    corpus: str, request: pytest.FixtureRequest
) -> None:
    model = request.getfixturevalue(f"{corpus}_model")
    pages = _v3_pages_with_error_section(need_shared(CORPORA / corpus))
    assert len(pages) >= 100  # the corpus guide counts 106 per language
    by_source = {m.source: m for m in model.methods}
    with_codes = 0
    for source, announced in pages.items():
        method = by_source.get(source)
        if method is None:
            continue
        read = {e.code for e in method.errors if e.fix or e.fields}
        if announced and announced <= read:
            with_codes += 1
    share = with_codes / len(pages)
    print(f"{corpus}: {with_codes}/{len(pages)} REST 3.0 pages give all their codes ({share:.1%})")
    assert share >= 0.95
    v3_codes = {e.code for m in model.methods for e in m.errors if e.fix or e.fields}
    assert len(v3_codes) >= 20
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", c) for c in v3_codes)
    assert "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION" in v3_codes
