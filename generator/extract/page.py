"""One page → a ``Method``, an ``Event`` or nothing, with diagnostics and counters.

Reading a page takes two passes. Pass 1 (``layout.group_sections``) groups its blocks into
sections — intro, parameters, payload, response, errors, notes — wherever they are nested.
Pass 2 runs one small reader per section kind (``intro``, ``param_section``,
``response_section``, ``errors``), each returning rows and diagnostics; this module decides
what the page is (``names``), and assembles the method or event from what the readers found.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from generator.extract import sections as S
from generator.extract.attach import attach, hoist_pattern_members
from generator.extract.examples import example_text, request_example
from generator.extract.errors import (
    http_status_in,
    is_validation_table,
    read_error_table,
    read_v3_table,
    v3_code_in,
)
from generator.extract.intro import Intro, read_intro
from generator.extract.layout import Layout, group_sections
from generator.extract.names import PageName, event_name_in, is_js_command, is_template, page_name
from generator.extract.param_section import ParamsRead, read_params
from generator.extract.params import PNode, nest_dotted
from generator.extract.response_section import read_examples, read_response
from generator.extract.returns import build_returns
from generator.extract.text import METHOD_NAME, plain
from generator.model import Diagnostic, ErrorCode, Event, Method, Param, ParamSet, is_name_pattern
from generator.yfm.parser import (
    Block,
    Directive,
    Heading,
    Para,
    Table,
    parse_page,
)
from generator.yfm.tables import Cell

# Fragments whose meaning the reader knows; they are never spliced into the page.
SEMANTIC_INCLUDES = {
    "required.md",
    "examples.md",
    "system-errors.md",
    "error-info.md",
    "error-info-v3.md",
}
_UNDOTTED_METHOD = re.compile(r"^[a-z][a-zA-Z]+$")


@dataclass
class PageResult:
    source: str
    kind: str  # "method" | "event" | "skipped"
    method: Method | None = None
    event: Event | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: Counter = field(default_factory=Counter)


FragmentLoader = Callable[[str, str], "list[Block] | None"]
"""(page path relative to docs root, include target) -> the fragment's blocks, or None."""


def extract_page(rel: str, text: str, load_fragment: FragmentLoader | None = None) -> PageResult:
    res = PageResult(source=rel, kind="skipped")
    try:
        _extract(rel, text, load_fragment, res)
    except Exception as exc:  # a bad page is a diagnostic, never a crash of the whole run
        res.kind = "skipped"
        res.method = res.event = None
        res.diagnostics.append(
            Diagnostic(rel, 1, f"reader error: {type(exc).__name__}: {exc}", "reader-error")
        )
        res.stats["reader_errors"] += 1
    return res


def _diag(res: PageResult, line: int, message: str, code: str) -> None:
    res.diagnostics.append(Diagnostic(res.source, line, message, code))


def _expand_includes(
    rel: str, blocks: list[Block], load: FragmentLoader | None, flags: set[str]
) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, Directive) and b.name == "include":
            target = b.meta.get("path", "")
            base = target.rsplit("/", 1)[-1]
            if base in SEMANTIC_INCLUDES:
                flags.add(base)
                out.append(b)
                continue
            frag = load(rel, target) if load else None
            if frag is None:
                out.append(b)
                continue
            # Spliced blocks claim the include's line: that is where the page shows them.
            for fb in frag:
                fb = copy.copy(fb)
                fb.line = b.line
                if isinstance(fb, Table):
                    fb.rows = [[Cell(c.text, b.line - 1) for c in row] for row in fb.rows]
                out.append(fb)
            continue
        out.append(b)
    return out


def _extract(rel: str, text: str, load: FragmentLoader | None, res: PageResult) -> None:
    flags: set[str] = set()
    blocks = parse_page(text, keep_heading=S.is_response_heading)
    h1 = next((b for b in blocks if isinstance(b, Heading) and b.level == 1), None)
    if h1 is None:
        res.stats["pages_without_h1"] += 1
        first = text.lstrip().split("\n", 1)[0]
        if METHOD_NAME.search(first):
            _diag(
                res,
                1,
                "no Markdown H1 but the first line names a method: text scraped from the "
                "rendered site? (types and required marks are lost there); page skipped",
                "no-h1",
            )
        else:
            _diag(res, 1, "no H1 heading: a fragment or a non-page file; skipped", "no-h1")
        return
    pn = page_name(h1, blocks, text)
    if not _is_api_page(text, h1, blocks, pn, res):
        return
    event_like = pn.event
    path_low = rel.lower()
    if not event_like and "/events/" in path_low and rel.rsplit("/", 1)[-1].startswith("on-"):
        # en pages put the event's name mid-H1 or only in the text: "# Event on Booking Update"
        found = event_name_in(h1.text, blocks)
        if found:
            pn.name, pn.title = found, plain(h1.text.replace(found, "")).strip(" —-:")
            event_like = True
    blocks = _expand_includes(rel, blocks, load, flags)
    h2_kinds = {S.h2_kind(b.text) for b in blocks if isinstance(b, Heading) and b.level == 2}
    is_index = path_low.endswith("index.md")
    if not pn.dotted and not event_like:
        structured = S.PARAMS in h2_kinds and (S.RESPONSE in h2_kinds or S.ERRORS in h2_kinds)
        confirmed = pn.confirmed and (S.RESPONSE in h2_kinds or S.PARAMS in h2_kinds)
        if not (_UNDOTTED_METHOD.match(pn.name) and not is_index and (structured or confirmed)):
            if pn.name.isupper() and "_" in pn.name:
                res.stats["placements"] += 1
            elif is_index:
                res.stats["overview"] += 1
            else:
                res.stats["other_pages"] += 1
            return
    if is_index and not (S.PARAMS in h2_kinds or S.PAYLOAD in h2_kinds):
        res.stats["overview"] += 1
        if pn.dotted:
            _diag(
                res,
                h1.line,
                f"index page naming '{pn.name}' has no parameter section: an overview",
                "overview",
            )
        return
    if pn.note:
        _diag(res, h1.line, pn.note, "h1-name")
    res.stats["event_pages" if event_like else "method_pages"] += 1
    _read_api_page(rel, text, blocks, pn, h1, event_like, flags, res)


def _is_api_page(
    text: str, h1: Heading, blocks: list[Block], pn: PageName, res: PageResult
) -> bool:
    """False (with a counter and, where useful, a diagnostic) for pages that are no API."""
    name = pn.name
    if name.startswith("BX24.") or "::" in name or "::" in h1.text:
        res.stats["js_only"] += 1
        _diag(
            res,
            h1.line,
            f"'{name}' is a JavaScript (BX24 / call card) API, not a REST method",
            "js-only",
        )
        return False
    if is_js_command(blocks, text, name):
        res.stats["js_only"] += 1
        _diag(
            res,
            h1.line,
            f"'{name}' is a JS interface command (BX24.placement.call), not a REST method",
            "js-only",
        )
        return False
    if pn.dotted and is_template(name):
        res.stats["templates"] += 1
        _diag(
            res,
            h1.line,
            f"'{name}' is an authoring template (placeholder name), not a method",
            "template",
        )
        return False
    if name.endswith("*") or "*" in name or re.search(r"\.v\d+$", name):
        res.stats["overview"] += 1
        if pn.dotted:
            _diag(
                res,
                h1.line,
                f"'{name}' names a group of methods or an API version, not a method",
                "overview",
            )
        return False
    return True


@dataclass
class _Page:
    """What the section readers found on one API page (pass 2), before assembly."""

    rel: str
    name: PageName
    h1: Heading
    layout: Layout
    intro: Intro
    top: list[PNode]  # the parameter tree, sub-tables attached
    variants: tuple[ParamSet, ...]
    example: Any

    @property
    def deprecated(self) -> bool:
        return self.intro.deprecated or "/outdated/" in self.rel or "/deprecated/" in self.rel


def _read_api_page(
    rel: str,
    text: str,
    blocks: list[Block],
    pn: PageName,
    h1: Heading,
    event_like: bool,
    flags: set[str],
    res: PageResult,
) -> None:
    for b in blocks:
        if isinstance(b, Table) and b.rows and not b.closed:
            _diag(res, b.line, "table is not closed with |#", "unclosed-table")
    layout = group_sections(blocks)
    intro = read_intro(layout, pn.name)
    pr = read_params(rel, layout.sections, event_like)
    res.diagnostics.extend(pr.diagnostics)
    res.stats.update(pr.stats)
    examples = read_examples(rel, layout.sections, event_like)
    res.diagnostics.extend(examples.diagnostics)
    top = _parameter_tree(pr, res)
    variants = _variants(pr, top)
    has_params = any(not is_name_pattern(n.name) for n in top)
    if not event_like and not top and not intro.no_params_said and "required.md" in flags:
        _diag(
            res,
            h1.line,
            "a parameter section is announced but no parameter table was read",
            "no-params",
        )
    res.stats["pages_with_params" if has_params else "pages_without_params"] += 1
    page = _Page(
        rel, pn, h1, layout, intro, top, variants, _pick_example(examples.examples, event_like)
    )
    if event_like:
        _event(page, res)
    else:
        _method(page, text, _read_errors(layout, res), res)


def _parameter_tree(pr: ParamsRead, res: PageResult) -> list[PNode]:
    top, _ = nest_dotted(pr.top)
    unattached, n_attached = attach(top, pr.subs)
    res.stats["subtable_rows_attached"] += n_attached
    for st in unattached:
        kind = "values" if st.values else "sub-table"
        _diag(
            res,
            st.line,
            f"{kind} under '{st.heading}' ({len(st.rows)} rows) matches no parameter",
            "unattached-subtable",
        )
    hoist_pattern_members(top)
    return top


def _event(page: _Page, res: PageResult) -> None:
    res.kind = "event"
    res.event = Event(
        name=page.name.name,
        title=page.name.title,
        scope=page.intro.scope,
        summary=page.intro.summary,
        deprecated=page.deprecated,
        # a payload keeps its rows as the docs list them, placeholders included
        params=tuple(n.freeze() for n in page.top),
        example=None if page.example is None else json.dumps(page.example, ensure_ascii=False),
        source=page.rel,
        line=page.h1.line,
    )
    res.stats["events"] += 1


def _method(page: _Page, text: str, errors: list[ErrorCode], res: PageResult) -> None:
    name = page.name.name
    params = tuple(n.freeze() for n in page.top if not is_name_pattern(n.name))
    patterns = tuple(n.freeze() for n in page.top if is_name_pattern(n.name))
    fields, result_patterns = read_response(page.layout.sections)
    returns = replace(build_returns(page.example, fields, name), patterns=result_patterns)
    rep = page.intro.replacement
    v3 = page.rel.endswith("-rest-v3.md") or "/rest/api/" in text or page.intro.rest3
    request = request_example(text, name)
    if request is not None:
        res.stats["request_examples"] += 1
    res.kind = "method"
    res.method = Method(
        name=name,
        title=page.name.title,
        scope=page.intro.scope,
        access=page.intro.access,
        summary=page.intro.summary,
        deprecated=page.deprecated,
        replacement=rep if rep and rep.lower() != name.lower() else None,
        api_version=3 if v3 else 2,
        params=params,
        errors=tuple(_dedupe(errors)),
        returns=returns,
        source=page.rel,
        line=page.h1.line,
        variants=page.variants,
        param_patterns=patterns,
        request_example=example_text(request),
        request_line=request.line if request is not None else 0,
    )
    stats = res.stats
    stats["methods"] += 1
    counted = {
        "methods_with_errors": bool(errors),
        "deprecated": page.deprecated,
        "methods_with_variants": bool(page.variants),
        "methods_with_key_patterns": bool(patterns or any(p.patterns for p in params)),
    }
    stats.update(k for k, yes in counted.items() if yes)
    bad = ("no-params", "unattached-subtable", "bad-json", "unclosed-table")
    if not any(d.code in bad for d in res.diagnostics):
        stats["parsed_fully"] += 1


def _read_errors(layout: Layout, res: PageResult) -> list[ErrorCode]:
    errors: list[ErrorCode] = []
    for sec in layout.of_kind(S.ERRORS):
        v3_code: str | None = None  # REST 3.0: the code announced for the next error table
        v3_status: int | None = None
        for b in sec.blocks:
            if isinstance(b, Heading):
                v3_code = v3_status = None
                continue
            if isinstance(b, Para):
                announced = v3_code_in(b.text)
                if announced:
                    v3_code, v3_status = announced, None
                elif v3_code is not None:
                    v3_status = http_status_in(b.text) or v3_status
                continue
            if not isinstance(b, Table) or not b.rows:
                continue
            errs = read_error_table(b)
            if errs is not None:
                errors.extend(errs)
            elif is_validation_table(b.rows[0]):
                res.stats["validation_tables"] += 1
                errors.extend(read_v3_table(b, v3_code, v3_status))
    return errors


def _variants(pr: ParamsRead, top: list[PNode]) -> tuple[ParamSet, ...]:
    """The parameter sets of a page with several ways to call; marks the union's flags.

    A union parameter stays required only when every variant has it and requires it.
    """
    if len(pr.variants) < 2:
        return ()
    by_name = {n.name.lower(): n for n in top}
    sets: list[ParamSet] = []
    in_all: dict[str, bool] = {k: True for k in by_name}
    for v in pr.variants:
        rows = pr.shared + v.rows
        names = {r.name.lower() for r in rows}
        for k in in_all:
            in_all[k] = in_all[k] and (
                k in names and any(r.required for r in rows if r.name.lower() == k)
            )
        frozen: list[Param] = []
        seen: set[str] = set()
        for r in rows:
            key = r.name.lower()
            node = by_name.get(key)
            if node is None or key in seen or is_name_pattern(r.name):
                continue
            seen.add(key)
            frozen.append(_with_required(node.freeze(), r.required))
        sets.append(ParamSet(v.title, tuple(frozen)))
    for k, node in by_name.items():
        node.required = in_all[k]
    return tuple(sets)


def _with_required(p: Param, required: bool) -> Param:
    return p if p.required == required else replace(p, required=required)


def _pick_example(examples: list[Any], event_like: bool) -> Any:
    key = "data" if event_like else "result"
    for ex in examples:
        if isinstance(ex, dict) and key in ex:
            return ex
    for ex in examples:
        if isinstance(ex, dict) and "error" not in ex:
            return ex
    return None


def _dedupe(errors: list[ErrorCode]) -> list[ErrorCode]:
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    out = []
    for e in errors:
        key = (e.code, e.description, e.fields)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
