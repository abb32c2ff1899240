"""Pass 2, parameters: the tables of the parameter (or event payload) sections → rows.

Which table is what, inside the sections that can hold parameters:

- the first parameter table opens the parameter list, even under a sub-heading; a table under
  a heading that names an object ("Параметр fields", an anchor) is a sub-table of it;
- a table under "Возможные значения ключа TYPE" / "Possible values of …" lists values of that
  key: it attaches to it as allowed values with their labels, never as parameters;
- numbered sub-headings ("### 1. Через идентификатор…") under the parameter H2 are
  alternative ways to call the method: each opens a variant (a parameter set);
- a bold paragraph standing alone ("**Импорт**") continues the object of the first sub-table;
- tables in other sections count only when they look like parameter rows, come before the
  response, and sit under a heading (sub-tables placed under their own H2).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from generator.extract import sections as S
from generator.extract.attach import SubTable
from generator.extract.layout import INTRO, NOTES, Section
from generator.extract.params import (
    ParamTable,
    PNode,
    looks_like_param_row,
    merge_rows,
    read_param_table,
)
from generator.extract.text import plain
from generator.model import Diagnostic, is_wire_name
from generator.yfm.parser import Heading, Para, Table

_VARIANT_HEADING = re.compile(r"^\s*(?:\d+[.)]|вариант\s+\d+|variant\s+\d+|option\s+\d+)\s*", re.I)
_BOLD_LINE = re.compile(r"^\*\*([^*\n]{1,60})\*\*\s*$")


@dataclass
class Variant:
    title: str
    rows: list[PNode] = field(default_factory=list)  # the variant's own rows (own flags)


@dataclass
class ParamsRead:
    top: list[PNode] = field(default_factory=list)
    subs: list[SubTable] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    shared: list[PNode] = field(default_factory=list)  # top rows outside any variant
    tables: list[list[PNode]] = field(default_factory=list)  # every table read, in page order
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: Counter = field(default_factory=Counter)


def variant_title(heading: str) -> str | None:
    m = _VARIANT_HEADING.match(heading)
    return plain(heading[m.end() :]).strip(" .:") if m else None


def _pseudo_heading(b: Para) -> Heading | None:
    m = _BOLD_LINE.match(b.text.strip())
    return Heading(6, m.group(1).strip(), "", b.line) if m and not b.quote else None


class _Reader:
    def __init__(self, source: str, event_like: bool) -> None:
        self.source = source
        self.event_like = event_like
        self.out = ParamsRead()
        self.variant: Variant | None = None
        self.first_sub: SubTable | None = None  # of the current section

    def read(self, sections: list[Section]) -> ParamsRead:
        for sec in sections:
            if sec.kind in (S.RESPONSE, S.ERRORS):
                continue
            self._section(sec)
        return self.out

    def _section(self, sec: Section) -> None:
        sub: Heading | None = None
        pseudo: Heading | None = None
        self.variant = None
        self.first_sub = None
        h = sec.heading
        # "## Параметр fields": an H2 that itself names a nested object
        if sec.kind == S.PARAMS and self.out.top and h is not None and h.level == 2:
            if S.nested_object_name(h.text):
                sub = h
        for b in sec.blocks:
            if isinstance(b, Heading):
                sub, pseudo = b, None
                if sec.kind == S.PARAMS:
                    title = variant_title(b.text)
                    if title is not None:
                        self.variant = Variant(title)
                        self.out.variants.append(self.variant)
                continue
            if isinstance(b, Para):
                if sec.kind in (S.PARAMS, S.PAYLOAD) and self.first_sub is not None:
                    pseudo = _pseudo_heading(b) or pseudo
                continue
            if isinstance(b, Table) and b.rows:
                self._table(sec, b, sub, pseudo)

    def _table(self, sec: Section, b: Table, sub: Heading | None, pseudo: Heading | None) -> None:
        out = self.out
        other = sec.kind in (INTRO, NOTES)
        in_params = sec.kind in (S.PARAMS, S.PAYLOAD) or (
            sec.kind == INTRO and looks_like_param_row(b.rows[-1])
        )
        if self.event_like and other and not out.top and any(map(looks_like_param_row, b.rows)):
            in_params = True
        if not in_params:
            if (
                other
                and not sec.after_response
                and sub is not None
                and out.top
                and any(map(looks_like_param_row, b.rows))
            ):
                # sub-tables sometimes sit under their own H2 ("## Поля объекта")
                pt = read_param_table(b)
                self._sub(sub, pt, b.line)
            return
        pt = read_param_table(b)
        if not pt.rows:
            return
        if sub is not None and S.is_values_heading(sub.text):
            st = self._sub(sub, pt, b.line, values=True, count=False)
            st.object_name = S.values_target(sub.text)
            if st.object_name:
                # the key the heading names, not whoever links the heading (a parent object)
                st.anchor = ""
            return
        if pseudo is not None and self.first_sub is not None:
            st = self._sub(pseudo, pt, b.line)
            # "**Import**" is a caption, not a name: it may spell a scalar row ("IMPORT")
            st.object_name, st.anchor, st.follows = None, "", self.first_sub
            return
        nested_heading = sub is not None and (
            S.nested_object_name(sub.text) is not None or bool(sub.anchor)
        )
        if self.variant is not None and sub is not None and variant_title(sub.text) is not None:
            nested_heading = False
        if not nested_heading or not out.top:
            # the first table opens the parameter list, even under a sub-heading
            self._count(pt, nested=False)
            if not out.top:
                out.top.extend(pt.rows)
            else:
                merge_rows(out.top, pt.rows)
            (self.variant.rows if self.variant is not None else out.shared).extend(pt.rows)
            out.tables.append(pt.rows)
        else:
            st = self._sub(sub, pt, b.line)  # type: ignore[arg-type]
            if self.first_sub is None:
                self.first_sub = st

    def _sub(
        self, sub: Heading, pt: ParamTable, line: int, *, values: bool = False, count: bool = True
    ) -> SubTable:
        st = SubTable(
            S.nested_object_name(sub.text),
            sub.anchor or S.slug(sub.text),
            sub.text,
            pt.rows,
            line,
            before=list(self.out.tables),
            values=values,
        )
        self.out.subs.append(st)
        self.out.tables.append(pt.rows)
        if count:
            self._count(pt, nested=True)
        else:  # a value table: its rows are values, counted as sub-table rows only
            self.out.stats["subtable_rows"] += len(pt.rows)
        return st

    def _count(self, pt: ParamTable, *, nested: bool) -> None:
        st = self.out.stats
        st["param_rows"] += pt.data_rows
        st["param_rows_read"] += len(pt.rows)
        st["param_rows_complete"] += sum(1 for r in pt.rows if r.complete)
        st["param_rows_typed"] += sum(1 for r in pt.rows if r.type)
        untyped = [r for r in pt.rows if not r.docs_typed]
        st["param_rows_untyped_in_docs"] += len(untyped)
        # placeholder rows (UF_..., <селектор>) stand for keys no page can type: not reported
        named = sum(1 for r in untyped if is_wire_name(r.name))
        st["param_rows_untyped_placeholders"] += len(untyped) - named
        if named:
            self.out.diagnostics.append(
                Diagnostic(
                    self.source,
                    pt.line,
                    f"{named} of {len(pt.rows)} parameter rows give no type in the docs",
                    "untyped-rows",
                )
            )
        if nested:
            st["subtable_rows"] += len(pt.rows)


def read_params(source: str, sections: list[Section], event_like: bool) -> ParamsRead:
    return _Reader(source, event_like).read(sections)
