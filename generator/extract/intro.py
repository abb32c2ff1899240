"""Pass 2, intro and notes: scope, access, summary, deprecation, REST version.

The metadata lines ("> Scope: …", "> Кто может выполнять метод: …") and the summary come
from the intro (before the first H2); deprecation from the intro's prose or from a
``{% note %}``; the REST 3.0 mark from notes; "no parameters" from any prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.extract.layout import INTRO, Layout, Note
from generator.extract.text import METHOD_NAME, code_spans, links, plain
from generator.yfm.parser import Para

NO_PARAMS = re.compile(
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
_HALTED = re.compile(r"развитие метода остановлено|development of", re.I)
_REST3 = re.compile(r"REST 3\.0|REST v3|REST API 3", re.I)
_SCOPE_LINE = re.compile(r"^\s*scope\s*:", re.I)
_ACCESS_LINE = re.compile(
    r"^\s*(?:кто может (?:выполнять|вызывать|подписаться)[^:]*|"
    r"who can (?:execute|call|subscribe)[^:]*|права(?: доступа)?|access(?: rights)?)\s*:\s*",
    re.I,
)
_SCOPE_ALIASES = {"базовый": "basic", "basic": "basic"}


@dataclass
class Intro:
    scope: str = ""
    access: str = ""
    summary: str = ""
    deprecated: bool = False
    replacement: str | None = None
    rest3: bool = False  # a note says the page is REST 3.0
    no_params_said: bool = False


def read_intro(layout: Layout, name: str) -> Intro:
    out = Intro()
    # notes and intro paragraphs in page order: the first replacement named wins
    events: list[tuple[int, Note | Para, bool]] = [
        (n.directive.line, n, False) for n in layout.notes
    ]
    for sec in layout.sections:
        for b in sec.blocks:
            if isinstance(b, Para):
                events.append((b.line, b, sec.kind == INTRO))
    events.sort(key=lambda e: e[0])
    for _, item, intro in events:
        if isinstance(item, Note):
            if any(_REST3.search(p.text) for p in item.paras):
                out.rest3 = True
            if item.closed:
                dep, rep = _deprecation_note(item, name)
                if dep:
                    out.deprecated = True
                    out.replacement = out.replacement or rep
            continue
        _para(out, item, intro, name)
    return out


def _para(out: Intro, b: Para, intro: bool, name: str) -> None:
    t = b.text
    if b.quote and intro:
        if _SCOPE_LINE.match(t):
            spans = code_spans(t) or [plain(t.split(":", 1)[1])]
            out.scope = ",".join(
                _SCOPE_ALIASES.get(s.strip().lower(), s.strip()) for s in spans if s.strip()
            )
            return
        m = _ACCESS_LINE.match(plain(t))
        if m:
            out.access = plain(t)[m.end() :].strip()
            return
    if NO_PARAMS.search(t):
        out.no_params_said = True
    if not intro:
        return
    dep_text = _DEPRECATED_TEXT.search(t)
    if not out.summary and not b.quote and not dep_text:
        out.summary = plain(t)
    if dep_text and _HALTED.search(t):
        out.deprecated = True
        out.replacement = out.replacement or replacement_in([b], name)


def _deprecation_note(note: Note, name: str) -> tuple[bool, str | None]:
    """Whether a closed {% note %} marks the method deprecated, and the replacement it names."""
    title = note.directive.meta.get("title", "").lower()
    body = " ".join(p.text for p in note.paras)
    if (
        "deprecated" in title
        or "устарел" in title
        or (
            _DEPRECATED_TEXT.search(body)
            and re.search(r"развитие|development|deprecated|устарел", body, re.I)
        )
    ):
        return True, replacement_in(note.paras, name)
    return False, None


def replacement_in(paras: list[Para], name: str) -> str | None:
    for p in paras:
        for text, _target in links(p.text):
            for cand in METHOD_NAME.findall(plain(text)):
                if cand.lower() != name.lower():
                    return cand
        for cand in code_spans(p.text):
            if METHOD_NAME.fullmatch(cand) and cand.lower() != name.lower():
                return cand
    return None
