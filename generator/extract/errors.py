"""Error-code tables → ``ErrorCode``s, columns found by their header words in either language."""

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
        if any(w in h for w in ("описание", "description", "значение", "value", "когда", "when",
                                "сообщение", "message", "текст", "text", "причина", "reason")):
            if i != cols.get("code"):
                cols.setdefault("description", i)
                cols.setdefault("extra", i)
                if i != cols["description"]:
                    cols["extra"] = i
    if "code" not in cols:
        # "Описание | Значение" tables name errors by their message alone: the message
        # column plays the code column's part and the code stays blank.
        if "description" in cols and cols["description"] == 0 and len(header) > 1:
            return {"message": 0, "description": 1, "extra": 1}
        return None
    return cols


def is_validation_table(header: list[Cell]) -> bool:
    """REST 3.0 validation tables: field | error description | how to fix."""
    heads = [_head(c) for c in header]
    return bool(heads) and ("поле" in heads[0] or "field" in heads[0]) and not any(
        "код" in h or "code" in h for h in heads
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
        if spans:
            code = spans[0]
            # "`CODE`\nText": the message under the code belongs to the description
            message = plain(" ".join(lines[1:])) if len(lines) > 1 else ""
        else:
            code = plain(lines[0]) if lines else ""
            message = plain(" ".join(lines[1:])) if len(lines) > 1 else ""
        if code in _DASHES:
            code = ""
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
