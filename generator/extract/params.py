"""Parameter tables → parameter trees.

A table is a parameter table when its rows look like parameters (bold name, usually a type
link) — whatever its header says, and whether or not it has a header row at all. Nested
objects are attached in three ways, as the docs write them: dotted row names
(``data.FIELDS``, ``result.events[].eventId``) inside one table, sub-tables under a heading
that names the object ("Параметр fields", "FIELDS Parameter"), and sub-tables whose heading
anchor a parameter's description links to (``[ниже](#fields)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.extract.cells import parse_first_cell
from generator.extract.sections import normalise_words
from generator.extract.text import plain
from generator.model import Param, is_name_pattern
from generator.yfm.parser import Table, cell_blocks
from generator.yfm.tables import Cell

_HEADER_WORDS = {
    "название",
    "name",
    "поле",
    "field",
    "параметр",
    "parameter",
    "ключ",
    "key",
    "тип",
    "type",
    "значение",
    "value",
    "описание",
    "description",
    "имя",
    "свойство",
    "property",
    "аргумент",
    "argument",
    "атрибут",
    "attribute",
    "элемент",
    "element",
    "код",
    "code",
    "статус",
    "status",
    "пример",
    "example",
    "ограничения",
    "restrictions",
    "limitations",
    "ревизия",
    "revision",
    "обязательный",
    "required",
    "по",
    "умолчанию",
    "default",
    "событие",
    "event",
    "метод",
    "method",
    "fields",
    "поля",
    "параметры",
    "parameters",
    "идентификатор",
    "id",
    "version",
    "версия",
    "с",
    "since",
    "примечание",
    "note",
    "comment",
    "комментарий",
    "формат",
    "format",
}
_WORD = re.compile(r"[^\W\d_]+", re.U)
_DEFAULT = re.compile(
    r"(?:по умолчанию|default(?: value)?(?: is)?)\s*[:—–-]?\s*(?:—\s*|–\s*|-\s*|равно\s+|is\s+)?"
    r"`([^`]+)`",
    re.I,
)
_ANCHOR_LINK = re.compile(r"\]\(#([^)\s]+)\)")
# one "- `VALUE` — meaning" item; [ \t]* (not \s*) so a bare "- `day`" does not eat the
# next line's bullet as its dash
_VALUE_ITEM = re.compile(r"^\s*[-*]\s+`([^`]+)`[ \t]*(?:[—–:-]|$)", re.M)


@dataclass
class PNode:
    """A parameter while the page is being read; frozen into ``Param`` at the end."""

    name: str
    type: str = ""
    required: bool = False
    description: str = ""
    raw_description: str = ""
    default: str | None = None
    values: list[str] = field(default_factory=list)
    labels: list[tuple[str, str]] = field(default_factory=list)
    children: list["PNode"] = field(default_factory=list)
    raw_first: str = ""  # the first cell as written: its type link may point at a sub-table
    line: int = 0
    complete: bool = True  # name, type and required flag all read from the row
    docs_typed: bool = True  # the docs wrote a type for this row

    def freeze(self) -> Param:
        return Param(
            name=self.name,
            type=self.type,
            required=self.required,
            description=self.description,
            default=self.default,
            values=tuple(self.values),
            children=tuple(c.freeze() for c in self.children if not is_name_pattern(c.name)),
            line=self.line,
            labels=tuple(self.labels),
            patterns=tuple(c.freeze() for c in self.children if is_name_pattern(c.name)),
        )

    def find(self, name: str) -> "PNode | None":
        low = name.lower()
        for c in self.children:
            if c.name.lower() == low:
                return c
        return None


@dataclass
class ParamTable:
    rows: list[PNode]
    data_rows: int  # rows that are not the header
    line: int
    type_col: int | None = None


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise_words(plain(text)))


def is_header_row(row: list[Cell]) -> bool:
    if not row:
        return False
    first = row[0].text
    if "](" in first:
        return False
    words = _words(first)
    if not words or not all(w in _HEADER_WORDS for w in words):
        return False
    # A lone bold "**type**" could be a parameter named "type": a header has a
    # description-like second cell, or a code-styled type word under the name.
    if len(row) > 1:
        second = _words(row[1].text)
        if second and all(w in _HEADER_WORDS for w in second):
            return True
    return "`" in first or len(row) == 1 or first.strip().startswith("**")


def header_columns(row: list[Cell]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, c in enumerate(row):
        words = set(_words(c.text))
        if i > 0 and words & {"тип", "type"} and not words & {"описание", "description"}:
            cols.setdefault("type", i)
        if words & {"описание", "description", "значение", "value", "комментарий", "comment"}:
            cols.setdefault("description", i)
        if "умолчанию" in words or "default" in words:
            cols.setdefault("default", i)
    return cols


def looks_like_param_row(row: list[Cell]) -> bool:
    if len(row) < 2:
        return False
    first = row[0].text.strip()
    return first.startswith("**") or first.startswith("\\<") or first.startswith("`")


def read_param_table(table: Table) -> ParamTable:
    rows = table.rows
    start = 0
    cols: dict[str, int] = {}
    if rows and is_header_row(rows[0]):
        cols = header_columns(rows[0])
        start = 1
    elif rows and label_key_column(rows) is not None:
        rows = [rows[0]] + _keyed_rows(rows[1:], label_key_column(rows) or 0)
        start = 1
    out: list[PNode] = []
    type_col = cols.get("type")
    for row in rows[start:]:
        if not row or not any(c.text.strip() for c in row):
            continue
        fc = parse_first_cell(row[0].text)
        if not fc.name:
            continue
        node = PNode(name=fc.name, type=fc.type, required=fc.required, line=row[0].line + 1)
        node.raw_first = row[0].text
        rest = [c for i, c in enumerate(row[1:], 1) if i != type_col and i != cols.get("default")]
        if type_col is not None and type_col < len(row) and not node.type:
            node.type = plain(row[type_col].text).replace(" ", "").strip("`")
        desc_cells = rest
        if "description" in cols and cols["description"] < len(row):
            desc_cells = [row[cols["description"]]] + [
                c for c in rest if c is not row[cols["description"]]
            ]
        raw = "\n".join(c.text for c in desc_cells)
        node.raw_description = raw
        node.description = plain(raw)
        if "default" in cols and cols["default"] < len(row):
            d = plain(row[cols["default"]].text)
            node.default = d or None
        else:
            m = _DEFAULT.search(raw)
            if m:
                node.default = m.group(1).strip()
        node.values = allowed_values(desc_cells)
        # A row is complete when it gives what the docs wrote: its type, or no type when the
        # docs give none (older pages have whole untyped tables); counted apart in stats.
        node.docs_typed = (
            fc.has_link
            or "`" in row[0].text
            or (type_col is not None and type_col < len(row) and bool(row[type_col].text.strip()))
        )
        node.complete = bool(node.type) or not node.docs_typed
        out.append(node)
    return ParamTable(out, len(rows) - start, table.line, type_col)


_KEY_HEADS = {"название", "name", "ключ", "key", "параметр", "parameter", "поле", "field"}
_SPAN_ONLY = re.compile(r"^\s*`([^`\s]+)`\s*$")


def label_key_column(rows: list[list[Cell]]) -> int | None:
    """The key column of a labelled table ("**Объект CRM** | **Название** | **Описание**"
    over "**Сделка** | `dealCategoryId` | …"): the row's key is not in the first column."""
    head = rows[0]
    if len(head) < 3 or len(rows) < 2 or not all(c.text.strip().startswith("**") for c in head):
        return None
    for i, c in enumerate(head[1:], 1):
        words = set(_words(c.text))
        if words and words <= _KEY_HEADS:
            body = [r for r in rows[1:] if r]
            if all(len(r) > i and _SPAN_ONLY.match(r[i].text) for r in body):
                return i
            return None
    return None


def _keyed_rows(rows: list[list[Cell]], key: int) -> list[list[Cell]]:
    out = []
    for r in rows:
        if not r:
            continue
        name = _SPAN_ONLY.match(r[key].text)
        label = plain(r[0].text)
        rest = [c for i, c in enumerate(r) if i not in (0, key)]
        desc = rest[0].text if rest else ""
        first = Cell(f"**{name.group(1) if name else plain(r[key].text)}**", r[key].line)
        out.append([first, Cell(f"{label}: {desc}" if label else desc, r[0].line)] + rest[1:])
    return out


def allowed_values(cells: list[Cell]) -> list[str]:
    """Values listed in a nested table or a `- `VALUE` — meaning` list inside the cell."""
    values: list[str] = []
    for cell in cells:
        text = cell.text
        if "#|" in text:
            for b in cell_blocks(cell):
                if isinstance(b, Table) and b.rows:
                    body = b.rows[1:] if _is_values_header(b.rows[0]) else b.rows
                    for r in body:
                        if r:
                            v = plain(r[0].text).strip("`\"' ")
                            if v and len(v) <= 64 and v not in values:
                                values.append(v)
        elif "- `" in text or "* `" in text:
            for m in _VALUE_ITEM.finditer(text):
                v = m.group(1).strip()
                if v and len(v) <= 64 and v not in values:
                    values.append(v)
    return values


def _is_values_header(row: list[Cell]) -> bool:
    heads = {
        "название",
        "описание",
        "description",
        "name",
        "значение",
        "value",
        "title",
        "код",
        "code",
        "тип",
        "type",
        "статус",
        "status",
        "id",
        "идентификатор",
    }
    return any(set(_words(c.text)) & heads for c in row) and "](" not in row[0].text


# -- nesting ---------------------------------------------------------------------


def nest_dotted(rows: list[PNode]) -> tuple[list[PNode], int]:
    """Attach ``a.b`` / ``a[].b`` rows to their parent row; returns (roots, rows attached)."""
    roots: list[PNode] = []
    attached = 0
    for node in rows:
        path = _dotted_path(node.name)
        if len(path) < 2:
            roots.append(node)
            continue
        parent = _find_path(roots, path[:-1])
        if parent is None:
            roots.append(node)
            continue
        node.name = path[-1]
        existing = parent.find(node.name)
        if existing is None:
            parent.children.append(node)
        attached += 1
    return roots, attached


def _dotted_path(name: str) -> list[str]:
    if "." not in name or "..." in name or "…" in name or " " in name:
        return [name]
    parts = [p.replace("[]", "") for p in name.split(".")]
    if any(not p for p in parts):
        return [name]
    return parts


def _find_path(roots: list[PNode], path: list[str]) -> PNode | None:
    level = roots
    node: PNode | None = None
    for part in path:
        low = part.lower()
        node = next(
            (n for n in level if n.name.lower() == low or n.name.lower() == low + "[]"), None
        )
        if node is None:
            return None
        level = node.children
    return node


def find_param(roots: list[PNode], name: str) -> PNode | None:
    """Breadth-first: a top-level parameter wins over a deeper one of the same name."""
    low = name.lower()
    path = _dotted_path(name)
    if len(path) > 1:
        return _find_path(roots, path)
    queue = list(roots)
    fallback = None
    while queue:
        n = queue.pop(0)
        if n.name.lower() == low or n.name.lower() == low + "[]":
            if not n.children:
                return n
            fallback = fallback or n
        queue.extend(n.children)
    return fallback


def anchors_linked(node: PNode) -> list[str]:
    return _ANCHOR_LINK.findall(node.raw_description) + _ANCHOR_LINK.findall(node.raw_first)


def walk(roots: list[PNode]):  # noqa: ANN201
    for n in roots:
        yield n
        yield from walk(n.children)


def merge_rows(into: list[PNode], rows: list[PNode]) -> None:
    """Add rows not already present (by name): alternative tables under one heading."""
    names = {n.name.lower() for n in into}
    for r in rows:
        if r.name.lower() not in names:
            into.append(r)
            names.add(r.name.lower())
