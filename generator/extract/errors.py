"""Error-code tables → ``ErrorCode``s, columns found by their header words in either language.

Layouts read: "Код | Описание [| Значение]" with or without a status column (a code cell may
hold several codes, or a list of messages: one ``ErrorCode`` each); "Описание | Значение" and
"Ошибка | Описание" tables that name errors by their message alone (blank code); and the
REST 3.0 sections, where a paragraph "Код ошибки: `CODE`" ("Error code: `CODE`") stands above
a table "Поле | Описание ошибки | Как исправить" ("Field | Error description | How to fix").
"""

from __future__ import annotations

import re

from generator.extract.sections import normalise_words
from generator.extract.text import code_spans, plain
from generator.model import ErrorCode
from generator.yfm.parser import Table
from generator.yfm.tables import Cell

_STATUS = re.compile(r"\b([1-5]\d\d)\b")
_DASHES = {"—", "-", "–", ""}
# Codes written as an HTTP status ("400"); other numbers (100, 510, 0) are Bitrix24 codes.
_HTTP_CODES = {"400", "401", "402", "403", "404", "405", "409", "429", "500", "502", "503"}


def _head(cell: Cell) -> str:
    return normalise_words(plain(cell.text))


def error_columns(header: list[Cell]) -> dict[str, int] | None:
    """Column roles of an error table, or None when the header is not an error table's."""
    cols: dict[str, int] = {}
    for i, c in enumerate(header):
        h = _head(c)
        if "код" in h or "code" in h:
            cols.setdefault("code", i)
        if "статус" in h or "status" in h or "http" in h:
            cols.setdefault("status", i)
        if any(
            w in h
            for w in (
                "описание",
                "description",
                "значение",
                "value",
                "когда",
                "when",
                "сообщение",
                "message",
                "текст",
                "text",
                "причина",
                "reason",
            )
        ):
            if i != cols.get("code"):
                cols.setdefault("description", i)
                cols.setdefault("extra", i)
                if i != cols["description"]:
                    cols["extra"] = i
    if "code" not in cols:
        # "Описание | Значение" and "Ошибка | Описание" tables name errors by their message
        # alone: the message column plays the code column's part and the code stays blank.
        first = _head(header[0]) if header else ""
        named_by_message = cols.get("description") == 0 or (
            first.startswith(("ошибка", "error")) and "поле" not in first and "field" not in first
        )
        if named_by_message and len(header) > 1 and not is_validation_table(header):
            return {"message": 0, "description": 1, "extra": 1}
        return None
    return cols


def is_validation_table(header: list[Cell]) -> bool:
    """REST 3.0 validation tables: field | error description | how to fix."""
    heads = [_head(c) for c in header]
    return (
        bool(heads)
        and ("поле" in heads[0] or "field" in heads[0])
        and not any("код" in h or "code" in h for h in heads)
    )


def read_error_table(table: Table) -> list[ErrorCode] | None:
    if not table.rows:
        return None
    cols = error_columns(table.rows[0])
    if cols is None:
        return None
    out: list[ErrorCode] = []
    if "message" in cols:
        for row in table.rows[1:]:
            texts = [plain(c.text) for c in row]
            if texts and any(texts):
                desc = " — ".join(t for t in texts if t)
                out.append(ErrorCode(code="", description=desc, status=None))
        return out
    for row in table.rows[1:]:
        if len(row) <= cols["code"]:
            continue
        code_cell = row[cols["code"]].text.strip()
        spans = code_spans(code_cell)
        lines = [ln for ln in code_cell.split("\n") if ln.strip()]
        if len(spans) > 1:
            # two codes in a cell ("`2002`, `2003`"), or a list of messages: one error each
            codes = [c for c in spans if c not in _DASHES]
            message = ""
        elif spans:
            codes = [spans[0]]
            # "`CODE`\nText": the message under the code belongs to the description
            message = plain(" ".join(lines[1:])) if len(lines) > 1 else ""
        else:
            codes = [plain(lines[0]) if lines else ""]
            message = plain(" ".join(lines[1:])) if len(lines) > 1 else ""
        codes = ["" if code in _DASHES else code for code in codes] or [""]
        out.extend(_row_errors(row, cols, codes, message))
    return out


def _row_errors(
    row: list[Cell], cols: dict[str, int], codes: list[str], message: str
) -> list[ErrorCode]:
    out: list[ErrorCode] = []
    for code in codes:
        status = None
        if "status" in cols and cols["status"] < len(row):
            m = _STATUS.search(plain(row[cols["status"]].text))
            if m:
                status = int(m.group(1))
        parts = [message] if message else []
        for key in ("description", "extra"):
            i = cols.get(key)
            if i is not None and i < len(row) and i != cols["code"]:
                t = plain(row[i].text)
                if t and t != ">" and t not in parts:
                    parts.append(t)
        # a code cell holding only an HTTP status ("400") also gives the status
        if status is None and code in _HTTP_CODES:
            status = int(code)
        if not code and not parts:
            continue
        out.append(ErrorCode(code=code, description=" — ".join(parts), status=status))
    return out


# "Код ошибки: `CODE`", "Error Code: `CODE`", "All rows below come with the code `CODE`"
_V3_CODE = re.compile(
    r"(?:код(?:ом)? ошибки|error code|с кодом|with the code)\W{0,3}[^`\n]{0,30}?"
    r"`([A-Za-z][A-Za-z0-9_.\-]*)`",
    re.I,
)
_HTTP_STATUS_LINE = re.compile(r"^\s*(?:http-?\s*статус|http status)\W*([1-5]\d\d)\b", re.I)


def v3_code_in(text: str) -> str | None:
    """The code a REST 3.0 paragraph announces for the table below it, if it does."""
    m = _V3_CODE.search(text)
    return m.group(1) if m else None


def http_status_in(text: str) -> int | None:
    """The status of an "HTTP-статус: **403**" ("HTTP status: 403") paragraph."""
    m = _HTTP_STATUS_LINE.match(plain(text))
    return int(m.group(1)) if m else None


def _v3_columns(header: list[Cell]) -> tuple[int, int | None, int | None]:
    description = fix = None
    for i, c in enumerate(header[1:], start=1):
        h = _head(c)
        if fix is None and ("исправ" in h or "fix" in h or "решени" in h or "resolve" in h):
            fix = i
        elif description is None and ("описание" in h or "description" in h or "ошибк" in h):
            description = i
    return 0, description, fix


def read_v3_table(table: Table, code: str | None, status: int | None) -> list[ErrorCode]:
    """The rows of a REST 3.0 "Поле | Описание ошибки | Как исправить" table under ``code``:
    one ``ErrorCode`` per row, with the fields it names (none for "-") and how to fix it."""
    if code is None or not table.rows:
        return []
    field_col, description_col, fix_col = _v3_columns(table.rows[0])
    out: list[ErrorCode] = []
    for row in table.rows[1:]:
        if not row:
            continue
        cell = row[field_col].text
        names = code_spans(cell) or [plain(ln) for ln in cell.split("\n") if ln.strip()]
        fields = tuple(n for n in names if n and n not in _DASHES)
        description = (
            plain(row[description_col].text)
            if description_col is not None and description_col < len(row)
            else ""
        )
        fix = plain(row[fix_col].text) if fix_col is not None and fix_col < len(row) else ""
        if not (fields or description or fix):
            continue
        out.append(ErrorCode(code, description, status, fields=fields, fix=fix))
    return out
