"""One page → a ``Method``, an ``Event`` or nothing, with diagnostics and counters.

The page is walked once, block by block, keeping track of the H2 section it is in (see
``sections``), the sub-heading above each table, and the open ``{% note %}`` blocks; then
nested tables are attached to the parameters they describe.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from generator.extract import sections as S
from generator.extract.examples import example_text, request_example
from generator.extract.errors import is_validation_table, read_error_table
from generator.extract.params import (
    PNode,
    anchors_linked,
    find_param,
    looks_like_param_row,
    merge_rows,
    nest_dotted,
    read_param_table,
    walk,
)
from generator.extract.returns import build_returns, is_json, parse_json_lenient
from generator.extract.text import METHOD_NAME, code_spans, links, plain
from generator.model import Diagnostic, ErrorCode, Event, Method, is_wire_name
from generator.yfm.tables import Cell
from generator.yfm.parser import Block, Directive, Fence, Heading, Para, Table, blank_unused_sections, parse_blocks

# Fragments whose meaning the reader knows; they are never spliced into the page.
SEMANTIC_INCLUDES = {"required.md", "examples.md", "system-errors.md", "error-info.md", "error-info-v3.md"}

_NO_PARAMS = re.compile(
    r"без параметров|нет параметров|не (?:принимает|требует|имеет)[^.]{0,40}параметр|"
    r"параметры не требуются|параметров нет|входных параметров нет|"
    r"no parameters|does not (?:take|require|accept|have)[^.]{0,40}parameters|"
    r"has no (?:input )?parameters|without parameters|parameters are not required|"
    r"takes no (?:input )?parameters|no input parameters",
    re.I,
)
_DEPRECATED_TEXT = re.compile(
    r"развитие метода остановлено|метод устарел|устаревш|не поддерживается|"
    r"development of (?:this|the) method (?:has been|is) (?:halted|stopped|discontinued)|"
    r"(?:method|it) is (?:deprecated|outdated|no longer supported)|deprecated",
    re.I,
)
_REST3 = re.compile(r"REST 3\.0|REST v3|REST API 3", re.I)
_EVENT_NAME = re.compile(r"^(?:on[A-Z][\w]*|On[A-Z][\w]*|ON[A-Z0-9_]+|[A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*\.ON\.[A-Z0-9_.]+)$")
_UNDOTTED_METHOD = re.compile(r"^[a-z][a-zA-Z]+$")
_SCOPE_LINE = re.compile(r"^\s*scope\s*:", re.I)
_ACCESS_LINE = re.compile(
    r"^\s*(?:кто может (?:выполнять|вызывать|подписаться)[^:]*|who can (?:execute|call|subscribe)[^:]*|"
    r"права(?: доступа)?|access(?: rights)?)\s*:\s*",
    re.I,
)
_OLD_NAME_LINE = re.compile(r"^\s*(?:название метода|method name)\s*:\s*", re.I)
_SCOPE_ALIASES = {"базовый": "basic", "basic": "basic"}


@dataclass
class PageResult:
    source: str
    kind: str  # "method" | "event" | "skipped"
    method: Method | None = None
    event: Event | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: Counter = field(default_factory=Counter)


@dataclass
class _NestedTable:
    object_name: str | None
    anchor: str
    heading: str
    rows: list[PNode]
    line: int


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


def _page_name(h1: str) -> tuple[str, str]:
    """(name, title) from the H1: the dotted name at the end, or mid-H1 (some en pages)."""
    words = h1.replace("`", " ").split()
    if not words:
        return "", h1
    last = words[-1].strip(".,:;()«»\"'")
    if METHOD_NAME.fullmatch(last) or _EVENT_NAME.match(last):
        return last, " ".join(words[:-1]).strip(" —-:")
    found = METHOD_NAME.findall(h1.replace("`", " "))
    if found:
        name = found[-1]
        return name, plain(h1.replace(name, "")).strip(" —-:")
    return last, " ".join(words[:-1]).strip(" —-:")


def _event_name_in(h1: str, blocks: list[Block]) -> str | None:
    for word in h1.replace("`", " ").split():
        if _EVENT_NAME.match(word.strip(".,:;()")):
            return word.strip(".,:;()")
    for b in blocks[:40]:
        if isinstance(b, Para):
            for span in code_spans(b.text):
                if _EVENT_NAME.match(span):
                    return span
        elif isinstance(b, Fence):
            m = re.search(r'"event"\s*:\s*"([A-Za-z0-9_.]+)"', b.text)
            if m and _EVENT_NAME.match(m.group(1)):
                return m.group(1)
    return None


def _expand_includes(rel: str, blocks: list[Block], load: FragmentLoader | None, flags: set[str]) -> list[Block]:
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
    blocks = parse_blocks(blank_unused_sections(text))
    h1 = next((b for b in blocks if isinstance(b, Heading) and b.level == 1), None)
    if h1 is None:
        res.stats["pages_without_h1"] += 1
        first = text.lstrip().split("\n", 1)[0]
        if METHOD_NAME.search(first):
            _diag(res, 1, "no Markdown H1 but the first line names a method: text scraped from the "
                  "rendered site? (types and required marks are lost there); page skipped", "no-h1")
        else:
            _diag(res, 1, "no H1 heading: a fragment or a non-page file; skipped", "no-h1")
        return
    name, title = _page_name(h1.text)
    path_low = rel.lower()
    is_index = path_low.endswith("index.md")

    # Old pages name the method in a "Название метода: **x**" line instead of the H1.
    for b in blocks:
        if isinstance(b, Para) and b.quote and _OLD_NAME_LINE.match(b.text):
            spans = METHOD_NAME.findall(plain(b.text))
            if spans:
                name, title = spans[0], h1.text
            break

    is_dotted = bool(METHOD_NAME.fullmatch(name))
    if name.startswith("BX24.") or "::" in name or "::" in h1.text:
        res.stats["js_only"] += 1
        _diag(res, h1.line, f"'{name}' is a JavaScript (BX24 / call card) API, not a REST method", "js-only")
        return
    if name.endswith("*") or "*" in name or re.search(r"\.v\d+$", name):
        res.stats["overview"] += 1
        if is_dotted:
            _diag(res, h1.line, f"'{name}' names a group of methods or an API version, not a method",
                  "overview")
        return
    # Events are named onX / OnX / ONX, or CATALOG.PRODUCT.ON.ADD (dotted, upper case).
    event_like = bool(_EVENT_NAME.match(name)) and (not is_dotted or ".ON." in name)
    if not event_like and "/events/" in path_low and rel.rsplit("/", 1)[-1].startswith("on-"):
        # en pages put the event's name mid-H1 or only in the text: "# Event on Booking Update"
        found = _event_name_in(h1.text, blocks)
        if found:
            name, title, event_like = found, plain(h1.text.replace(found, "")).strip(" —-:"), True
    blocks = _expand_includes(rel, blocks, load, flags)
    h2_kinds = [S.h2_kind(b.text) for b in blocks if isinstance(b, Heading) and b.level == 2]
    if not is_dotted and not event_like:
        if (
            _UNDOTTED_METHOD.match(name)
            and not is_index
            and S.PARAMS in h2_kinds
            and (S.RESPONSE in h2_kinds or S.ERRORS in h2_kinds)
        ):
            pass  # undotted REST methods: scope, profile, methods, events
        else:
            if name.isupper() and "_" in name:
                res.stats["placements"] += 1
            elif is_index:
                res.stats["overview"] += 1
            else:
                res.stats["other_pages"] += 1
            return
    if is_index and not (S.PARAMS in h2_kinds or S.PAYLOAD in h2_kinds):
        res.stats["overview"] += 1
        if is_dotted:
            _diag(res, h1.line, f"index page naming '{name}' has no parameter section: an overview", "overview")
        return

    res.stats["event_pages" if event_like else "method_pages"] += 1
    _read_api_page(rel, text, blocks, name, title, h1, event_like, flags, res)


def _read_api_page(
    rel: str,
    text: str,
    blocks: list[Block],
    name: str,
    title: str,
    h1: Heading,
    event_like: bool,
    flags: set[str],
    res: PageResult,
) -> None:
    scope = ""
    access = ""
    summary = ""
    deprecated = "/outdated/" in rel or "/deprecated/" in rel
    replacement: str | None = None
    v3 = rel.endswith("-rest-v3.md") or "/rest/api/" in text
    top: list[PNode] = []
    nested: list[_NestedTable] = []
    ret_top: list[PNode] = []
    ret_nested: list[_NestedTable] = []
    errors: list[ErrorCode] = []
    examples: list[Any] = []
    h2_kind = S.OTHER
    sub: Heading | None = None
    notes: list[Directive] = []
    note_paras: list[Para] = []
    no_params_said = False
    seen_h2 = False
    all_anchors: dict[str, str] = {}  # anchor -> heading text

    for b in blocks:
        if isinstance(b, Heading):
            if b.level <= 2:
                seen_h2 = seen_h2 or b.level == 2
                h2_kind, sub = (S.h2_kind(b.text) if b.level == 2 else S.OTHER), None
                # "## Параметр fields": an H2 that itself names a nested object
                if h2_kind == S.PARAMS and top and S.nested_object_name(b.text):
                    sub = b
            else:
                sub = b
            all_anchors[b.anchor or S.slug(b.text)] = b.text
            continue
        if isinstance(b, Directive):
            if b.name == "note":
                notes.append(b)
                note_paras = []
            elif b.name == "endnote" and notes:
                is_dep, rep = _deprecation_note(notes.pop(), note_paras, name)
                if is_dep:
                    deprecated = True
                    replacement = replacement or rep
            continue
        if isinstance(b, Para):
            t = b.text
            if notes:
                note_paras.append(b)
                if _REST3.search(t):
                    v3 = True
                continue
            if b.quote and not seen_h2:
                if _SCOPE_LINE.match(t):
                    spans = code_spans(t) or [plain(t.split(":", 1)[1])]
                    scope = ",".join(_SCOPE_ALIASES.get(s.strip().lower(), s.strip()) for s in spans if s.strip())
                    continue
                m = _ACCESS_LINE.match(plain(t))
                if m:
                    access = plain(t)[m.end() :].strip()
                    continue
            if _NO_PARAMS.search(t):
                no_params_said = True
            if not seen_h2 and not summary and not b.quote and not _DEPRECATED_TEXT.search(t):
                summary = plain(t)
            if _DEPRECATED_TEXT.search(t) and not seen_h2 and re.search(r"развитие метода остановлено|development of", t, re.I):
                deprecated = True
                replacement = replacement or _replacement([b], name)
            continue
        if isinstance(b, Fence):
            if h2_kind in (S.RESPONSE, S.PAYLOAD) or (event_like and not examples):
                if b.lang in ("json", "", "js", "javascript", "json5"):
                    val = parse_json_lenient(b.text)
                    if is_json(val):
                        examples.append(val)
                    elif "result" in b.text and b.lang == "json":
                        _diag(res, b.line, "response example is not valid JSON, even leniently", "bad-json")
            continue
        if not isinstance(b, Table) or not b.rows:
            continue
        if not b.closed:
            _diag(res, b.line, "table is not closed with |#", "unclosed-table")
        # ---- a table: what is it? ----
        if h2_kind == S.ERRORS or (sub is not None and S.h2_kind(sub.text) == S.ERRORS and h2_kind != S.PARAMS):
            errs = read_error_table(b)
            if errs is not None:
                errors.extend(errs)
            elif is_validation_table(b.rows[0]):
                res.stats["validation_tables"] += 1
            continue
        if h2_kind == S.RESPONSE:
            pt = read_param_table(b)
            if not pt.rows:
                continue
            if sub is None or S.is_returned_subheading(sub.text) and not ret_top:
                if not ret_top:
                    ret_top.extend(pt.rows)
                else:
                    merge_rows(ret_top, pt.rows)
            else:
                ret_nested.append(_nested(sub, pt.rows, b.line))
            continue
        is_params_section = h2_kind in (S.PARAMS, S.PAYLOAD) or (not seen_h2 and looks_like_param_row(b.rows[-1]))
        if event_like and h2_kind == S.OTHER and not top and any(looks_like_param_row(r) for r in b.rows):
            is_params_section = True
        if not is_params_section:
            if h2_kind == S.OTHER and sub is not None and top and any(looks_like_param_row(r) for r in b.rows):
                # sub-tables sometimes sit under their own H2 ("## Поля объекта") or after examples
                pt = read_param_table(b)
                nested.append(_nested(sub, pt.rows, b.line))
                _count_rows(res, pt, nested=True)
            continue
        pt = read_param_table(b)
        if not pt.rows:
            continue
        nested_heading = sub is not None and (S.nested_object_name(sub.text) is not None or sub.anchor)
        if not nested_heading or not top:
            # the first table opens the parameter list, even under a sub-heading
            _count_rows(res, pt, nested=False)
            if not top:
                top.extend(pt.rows)
            else:
                merge_rows(top, pt.rows)
        else:
            _count_rows(res, pt, nested=True)
            nested.append(_nested(sub, pt.rows, b.line))

    # ---- assemble ----
    top, _ = nest_dotted(top)
    unattached = _attach(top, nested, res)
    for nt in unattached:
        _diag(
            res,
            nt.line,
            f"sub-table under '{nt.heading}' ({len(nt.rows)} rows) matches no parameter",
            "unattached-subtable",
        )
    ret_top, _ = nest_dotted(ret_top)
    _attach(ret_top, ret_nested, None)
    params = tuple(n.freeze() for n in top)
    if not event_like and not params and not no_params_said and "required.md" in flags:
        _diag(res, h1.line, "a parameter section is announced but no parameter table was read", "no-params")
    res.stats["pages_with_params" if params else "pages_without_params"] += 1

    example = _pick_example(examples, event_like)
    if event_like:
        res.kind = "event"
        res.event = Event(
            name=name,
            title=title,
            scope=scope,
            summary=summary,
            deprecated=deprecated,
            params=params,
            example=_json_text(example),
            source=rel,
            line=h1.line,
        )
        res.stats["events"] += 1
        return
    if errors:
        res.stats["methods_with_errors"] += 1
    fields_t = tuple(n.freeze() for n in ret_top)
    returns = build_returns(example, fields_t, name)
    if deprecated:
        res.stats["deprecated"] += 1
    request = request_example(text, name)
    if request is not None:
        res.stats["request_examples"] += 1
    res.kind = "method"
    res.method = Method(
        name=name,
        title=title,
        scope=scope,
        access=access,
        summary=summary,
        deprecated=deprecated,
        replacement=replacement if replacement and replacement.lower() != name.lower() else None,
        api_version=3 if v3 else 2,
        params=params,
        errors=tuple(_dedupe(errors)),
        returns=returns,
        source=rel,
        line=h1.line,
        request_example=example_text(request),
        request_line=request.line if request is not None else 0,
    )
    res.stats["methods"] += 1
    if not any(d.code in ("no-params", "unattached-subtable", "bad-json", "unclosed-table") for d in res.diagnostics):
        res.stats["parsed_fully"] += 1


def _count_rows(res: PageResult, pt: Any, *, nested: bool) -> None:
    res.stats["param_rows"] += pt.data_rows
    res.stats["param_rows_read"] += len(pt.rows)
    res.stats["param_rows_complete"] += sum(1 for r in pt.rows if r.complete)
    res.stats["param_rows_typed"] += sum(1 for r in pt.rows if r.type)
    untyped = [r for r in pt.rows if not r.docs_typed]
    res.stats["param_rows_untyped_in_docs"] += len(untyped)
    # placeholder rows (UF_..., <селектор>) stand for keys no page can type: not reported
    named = sum(1 for r in untyped if is_wire_name(r.name))
    res.stats["param_rows_untyped_placeholders"] += len(untyped) - named
    if named:
        _diag(res, pt.line, f"{named} of {len(pt.rows)} parameter rows give no type in the docs",
              "untyped-rows")
    if nested:
        res.stats["subtable_rows"] += len(pt.rows)


def _nested(sub: Heading, rows: list[PNode], line: int) -> _NestedTable:
    return _NestedTable(S.nested_object_name(sub.text), sub.anchor or S.slug(sub.text), sub.text, rows, line)


def _attach(roots: list[PNode], nested: list[_NestedTable], res: PageResult | None) -> list[_NestedTable]:
    """Attach sub-tables to their parameters; repeat while progress is made (deeper first)."""
    pending = list(nested)
    progress = True
    while pending and progress:
        progress = False
        rest: list[_NestedTable] = []
        for nt in pending:
            target = _target_for(roots, nt)
            if target is None:
                rest.append(nt)
                continue
            rows, _ = nest_dotted(nt.rows)
            merge_rows(target.children, rows)
            if res is not None:
                res.stats["subtable_rows_attached"] += len(nt.rows)
            progress = True
        pending = rest
    return pending


def _target_for(roots: list[PNode], nt: _NestedTable) -> PNode | None:
    if nt.anchor:
        for node in walk(roots):
            if nt.anchor in anchors_linked(node):
                return node
    if nt.object_name:
        node = find_param(roots, nt.object_name)
        if node is not None:
            return node
    return None


def _deprecation_note(note: Directive, paras: list[Para], name: str) -> tuple[bool, str | None]:
    """Whether a closed {% note %} marks the method deprecated, and the replacement it names."""
    title = note.meta.get("title", "").lower()
    body = " ".join(p.text for p in paras)
    if "deprecated" in title or "устарел" in title or (
        _DEPRECATED_TEXT.search(body) and re.search(r"развитие|development|deprecated|устарел", body, re.I)
    ):
        return True, _replacement(paras, name)
    return False, None


def _replacement(paras: list[Para], name: str) -> str | None:
    for p in paras:
        for text, target in links(p.text):
            for cand in METHOD_NAME.findall(plain(text)):
                if cand.lower() != name.lower():
                    return cand
        for cand in code_spans(p.text):
            if METHOD_NAME.fullmatch(cand) and cand.lower() != name.lower():
                return cand
    return None


def _pick_example(examples: list[Any], event_like: bool) -> Any:
    key = "data" if event_like else "result"
    for ex in examples:
        if isinstance(ex, dict) and key in ex:
            return ex
    for ex in examples:
        if isinstance(ex, dict) and "error" not in ex:
            return ex
    return None


def _json_text(value: Any) -> str | None:
    import json

    return None if value is None else json.dumps(value, ensure_ascii=False)


def _dedupe(errors: list[ErrorCode]) -> list[ErrorCode]:
    seen: set[tuple[str, str]] = set()
    out = []
    for e in errors:
        key = (e.code, e.description)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
