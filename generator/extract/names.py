"""What a page is called: the method or event name, from the H1 or, failing that, the body.

Most H1s end in the dotted name ("Добавить лид crm.lead.add"). The rest:

- English H1s that name no method, or name a word mid-sentence ("Pin a Chat at the Top of
  the im.recent List"): the body's "The method `im.recent.pin`" sentence, or the name the
  page's own request examples send (``…/rest/im.recent.pin``), is the name;
- a garbled H1 name the page never uses again (``catalog.enum.getRogetStoreDocumentTypes…``)
  gives way to the name the page's examples call;
- authoring templates (``crm.xxx``, ``bizproc.xxx.xxx``) and JS interface commands whose page
  says "не метод REST" / "not a REST method" are not methods.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from generator.extract import sections as S
from generator.extract.text import METHOD_NAME, code_spans, plain
from generator.yfm.parser import Block, Fence, Heading, Para

EVENT_NAME = re.compile(
    r"^(?:on[A-Z][\w]*|On[A-Z][\w]*|ON[A-Z0-9_]+|[A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*\.ON\.[A-Z0-9_.]+)$"
)
_OLD_NAME_LINE = re.compile(r"^\s*(?:название метода|method name)\s*:\s*", re.I)
_SCOPE = re.compile(r"^\s*scope\s*:", re.I)
_QUOTED_CALL = re.compile(r"""['"]([A-Za-z][\w]*(?:\.\w+)+)['"]""")
_TEMPLATE_PART = re.compile(r"^x{3,}$", re.I)
_NOT_REST = re.compile(
    r"не метод REST|не является методом REST|not a REST method|is not a REST method", re.I
)
# "The method `x`", "The `x` method", "Метод `x`", "Метод `x`"
_BODY_NAME = re.compile(
    r"(?:\b(?:метод|method)\s+`([A-Za-z][\w.]*)`|`([A-Za-z][\w.]*)`\s+method\b)", re.I
)
# the method a request example calls: https://…/rest/**user**/**webhook**/NAME or /rest/NAME
_PLACEMENT_CALL = re.compile(r"placement\.call\(\s*['\"]")
_CALLED = re.compile(r"/rest/(?:\*\*[^*\s]+\*\*/\*\*[^*\s]+\*\*/)?([A-Za-z][\w]*(?:\.\w+)*)\b")


@dataclass
class PageName:
    name: str
    title: str
    dotted: bool  # the name is a dotted method name
    # the body or the page's request examples use this name (for a dotted H1 name: the page
    # names it again anywhere); decides only for names that are not dotted
    confirmed: bool = False
    note: str = ""  # why the name is not the H1's, for a diagnostic
    event: bool = False  # named like an event (onX, OnX, ONX, CATALOG.PRODUCT.ON.ADD)


def h1_name(h1: str) -> tuple[str, str, bool]:
    """(name, title, at_end) from the H1: the dotted name at the end, or mid-H1."""
    words = h1.replace("`", " ").split()
    if not words:
        return "", h1, False
    last = words[-1].strip(".,:;()«»\"'")
    if METHOD_NAME.fullmatch(last) or EVENT_NAME.match(last):
        return last, " ".join(words[:-1]).strip(" —-:"), True
    found = METHOD_NAME.findall(h1.replace("`", " "))
    if found:
        name = found[-1]
        return name, plain(h1.replace(name, "")).strip(" —-:"), False
    return last, " ".join(words[:-1]).strip(" —-:"), True


def _intro_paras(blocks: list[Block]) -> list[Para]:
    out = []
    for b in blocks:
        if isinstance(b, Heading) and b.level == 2:
            break
        if isinstance(b, Para) and not b.quote:
            out.append(b)
    return out


def body_name(blocks: list[Block]) -> str | None:
    """The name the opening prose gives: "The method `crm.activity.binding.delete` …"."""
    for p in _intro_paras(blocks):
        m = _BODY_NAME.search(p.text)
        if m:
            return m.group(1) or m.group(2)
    return None


def called_urls(text: str) -> list[str]:
    """Methods the request examples send to: ``…/rest/NAME``."""
    return [m.group(1) for m in _CALLED.finditer(text)]


def called_names(text: str) -> Counter[str]:
    """Methods the page's request examples call: URLs ``…/rest/NAME`` and quoted names."""
    found = Counter(m.group(1) for m in _CALLED.finditer(text))
    found.update(m.group(1) for m in _QUOTED_CALL.finditer(text))
    return found


def is_js_command(blocks: list[Block], text: str, name: str) -> bool:
    """The page says it is no REST method, or its examples run it as a placement command
    (``BX24.placement.call('getStatus', …)``, older pages that do not say so)."""
    if any(_NOT_REST.search(p.text) for p in _intro_paras(blocks)):
        return True
    if not name or "placement.call(" not in text:
        return False
    # one compiled pattern for every page (a per-name pattern is a regex compile per page)
    after = len(name)
    for m in _PLACEMENT_CALL.finditer(text):
        end = m.end()
        if text.startswith(name, end) and text[end + after : end + after + 1] in ("'", '"'):
            return True
    return False


def is_template(name: str) -> bool:
    return any(_TEMPLATE_PART.match(part) for part in name.split("."))


def page_name(h1: Heading, blocks: list[Block], text: str) -> PageName:
    name, title, at_end = h1_name(h1.text)
    # Old pages name the method in a "Название метода: **x**" line instead of the H1.
    for b in blocks:
        if isinstance(b, Para) and b.quote and _OLD_NAME_LINE.match(b.text):
            spans = METHOD_NAME.findall(plain(b.text))
            if spans:
                return PageName(spans[0], h1.text, True, True)
            break
    dotted = bool(METHOD_NAME.fullmatch(name))
    if EVENT_NAME.match(name) and (not dotted or ".ON." in name):
        return PageName(name, title, dotted, event=True)
    said = body_name(blocks)
    if dotted and at_end and text.count(name) > 1:
        # the page uses its H1's name again: it stands, and the examples need no scan (a
        # pass over every quote of the page, the costliest step of naming a page)
        return PageName(name, title, True, True)
    called = called_names(text)
    if dotted and at_end:
        if text.count(name) == 1 and called:
            # a garbled H1: the name occurs nowhere else, the examples call another method
            top, n = called.most_common(1)[0]
            if n >= 2 and _garbled(name, top):
                note = (
                    f"the H1 names '{name}', which the page never uses; its examples call '{top}'"
                )
                return PageName(top, title, True, True, note)
        return PageName(name, title, True, name == said or name in called)
    if said and (METHOD_NAME.fullmatch(said) or said in called) and _method_like(blocks):
        if said != name:
            title = plain(h1.text)
        return PageName(said, title, bool(METHOD_NAME.fullmatch(said)), True)
    urls = set(called_urls(text))
    # only when the H1 ends in a plain word: "getStatus" names a JS command of its own
    plain_word = not re.match(r"^[a-z]+[A-Z0-9_]", name)
    if not dotted and plain_word and len(urls) == 1 and _answered(blocks):
        # "# Get CRM Requisite Fields": no name in the prose, but every example calls one
        only = urls.pop()
        return PageName(only, plain(h1.text), bool(METHOD_NAME.fullmatch(only)), True)
    return PageName(name, title, dotted, name == said or name in called)


def _garbled(name: str, called: str) -> bool:
    """``catalog.enum.getRogetStoreDocumentTypesundTypes`` for ``…getStoreDocumentTypes``:
    same namespace, a similar last word, not merely another spelling of the same name."""
    ns, _, last = name.rpartition(".")
    cns, _, clast = called.rpartition(".")
    if ns != cns or name.lower() == called.lower():
        return False
    return SequenceMatcher(None, last.lower(), clast.lower()).ratio() >= 0.6


def _answered(blocks: list[Block]) -> bool:
    """A "> Scope:" line and a "## Обработка ответа" / "## Response Handling" section."""
    return _scoped(blocks) and any(
        isinstance(b, Heading) and b.level == 2 and S.is_response_heading(b.text) for b in blocks
    )


def _scoped(blocks: list[Block]) -> bool:
    return any(isinstance(b, Para) and b.quote and _SCOPE.match(b.text) for b in blocks)


def _method_like(blocks: list[Block]) -> bool:
    """A page laid out as a method's: a "> Scope:" line, a response section and parameters
    or errors (a how-to page that mentions a method in its opening prose has no scope line)."""
    kinds = {S.h2_kind(b.text) for b in blocks if isinstance(b, Heading) and b.level == 2}
    return _scoped(blocks) and S.RESPONSE in kinds and (S.PARAMS in kinds or S.ERRORS in kinds)


def event_name_in(h1: str, blocks: list[Block]) -> str | None:
    for word in h1.replace("`", " ").split():
        if EVENT_NAME.match(word.strip(".,:;()")):
            return word.strip(".,:;()")
    for b in blocks[:40]:
        if isinstance(b, Para):
            for span in code_spans(b.text):
                if EVENT_NAME.match(span):
                    return span
        elif isinstance(b, Fence):
            m = re.search(r'"event"\s*:\s*"([A-Za-z0-9_.]+)"', b.text)
            if m and EVENT_NAME.match(m.group(1)):
                return m.group(1)
    return None
