"""Pass 2, response and examples: the returned-data tables and the JSON examples → rows.

Response sections are found by pass 1 wherever they are nested (an H2 "Обработка ответа", or
an H3 of that name under the examples); here the first table (or the one under "Возвращаемые
данные") gives the top-level fields and tables under other sub-headings describe nested
objects, attached like parameter sub-tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.extract import sections as S
from generator.extract.attach import SubTable, attach, hoist_pattern_members
from generator.extract.layout import Section
from generator.extract.params import PNode, merge_rows, nest_dotted, read_param_table
from generator.extract.returns import is_json, parse_json_lenient
from generator.model import Diagnostic, Param, is_name_pattern
from generator.yfm.parser import Fence, Heading, Table

_JSON_LANGS = ("json", "", "js", "javascript", "json5")


def read_response(sections: list[Section]) -> tuple[tuple[Param, ...], tuple[Param, ...]]:
    """The returned fields (nested objects as children) and top-level key patterns."""
    top: list[PNode] = []
    subs: list[SubTable] = []
    tables: list[list[PNode]] = []
    for sec in sections:
        if sec.kind != S.RESPONSE:
            continue
        sub: Heading | None = None
        for b in sec.blocks:
            if isinstance(b, Heading):
                sub = b
                continue
            if not isinstance(b, Table) or not b.rows:
                continue
            pt = read_param_table(b)
            if not pt.rows:
                continue
            if sub is None or S.is_returned_subheading(sub.text) and not top:
                if not top:
                    top.extend(pt.rows)
                else:
                    merge_rows(top, pt.rows)
            else:
                subs.append(
                    SubTable(
                        S.nested_object_name(sub.text),
                        sub.anchor or S.slug(sub.text),
                        sub.text,
                        pt.rows,
                        b.line,
                        before=list(tables),
                    )
                )
            tables.append(pt.rows)
    roots, _ = nest_dotted(top)
    attach(roots, subs)
    hoist_pattern_members(roots)
    return (
        tuple(n.freeze() for n in roots if not is_name_pattern(n.name)),
        tuple(n.freeze() for n in roots if is_name_pattern(n.name)),
    )


@dataclass
class ExamplesRead:
    examples: list[Any] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def read_examples(source: str, sections: list[Section], event_like: bool) -> ExamplesRead:
    """JSON examples of the response (or, on event pages, of the payload)."""
    out = ExamplesRead()
    for sec in sections:
        for b in sec.blocks:
            if not isinstance(b, Fence):
                continue
            if sec.kind in (S.RESPONSE, S.PAYLOAD) or (event_like and not out.examples):
                if b.lang in _JSON_LANGS:
                    val = parse_json_lenient(b.text)
                    if is_json(val):
                        out.examples.append(val)
                    elif "result" in b.text and b.lang == "json":
                        out.diagnostics.append(
                            Diagnostic(
                                source,
                                b.line,
                                "response example is not valid JSON, even leniently",
                                "bad-json",
                            )
                        )
    return out
