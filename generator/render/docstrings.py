"""Docstrings of the generated code: structured data here, layout in ``_docstrings.j2``.

Python decides what a docstring says (which rows, which error class, which page); the
macros in ``templates/client/_docstrings.j2`` decide how it is laid out (order, headings,
wrapping, length limits). ``text.docstring`` escapes the result.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Protocol, cast

from generator.model import ErrorCode, Method, Param
from generator.render import runtime_contract as contract
from generator.render import text as tx
from generator.render.environment import environment
from generator.render.error_messages import is_blank_code, message_class
from generator.render.typemap import Ann, map_type

TD_PREFIX = "TD:"  # an annotation naming a TypedDict of the types module (annotations.py)
KEY_DOC_LIMIT = 1500  # a key's docstring; the reference docs keep the whole text
KEY_LABELS = 40
KEY_INDENT = (
    "    "  # a key's place in its class body  # listed values with their meaning shown under a key
)

# Sub-table rows listed under an argument whose keys no TypedDict documents; the rest are
# counted (the reference docs list them all).
CHILD_ROWS = 12


@dataclass(frozen=True)
class FieldDoc:
    """A row of an argument's sub-table."""

    name: str
    description: str


@dataclass(frozen=True)
class ArgDoc:
    py: str  # the Python parameter
    sent_as: str  # repr of the wire name when it differs from ``py``, else ""
    description: str  # the docs' text, or the meaning of its type when the docs give none
    keys_on: str  # the TypedDict whose keys document the sub-table, "" when none does
    fields: tuple[FieldDoc, ...]  # without ``keys_on``: the first CHILD_ROWS rows
    more_fields: int  # rows left out


@dataclass(frozen=True)
class RaisesDoc:
    cls: str
    code: str  # "" for an empty code (the portal answers with its text only)
    description: str


@dataclass(frozen=True)
class MethodDoc:
    name: str
    rest3: bool
    title: str  # the page's title, or the method name
    summary: str  # "" when it only repeats the title
    deprecated: bool
    replacement: str
    access: str
    args: tuple[ArgDoc, ...]
    returned: str  # the docs' return type, or the response shape
    paged: bool
    raises: tuple[RaisesDoc, ...]  # one per documented (code, text), in docs order
    package: str
    source: str  # "crm/lead/add.md:12", "" when unknown
    page_url: str  # the published page, "" when unknown


class _Macros(Protocol):
    def method_doc(self, d: MethodDoc) -> str: ...

    def namespace_doc(self, path: str) -> str: ...

    def error_doc(self, code: str, description: str, status: int | None) -> str: ...

    def paragraphs_doc(self, paragraphs: list[str]) -> str: ...


@functools.lru_cache(maxsize=1)
def _macros() -> _Macros:
    return cast(_Macros, environment().get_template("client/_docstrings.j2").module)


def _body(laid_out: str) -> str:
    return tx.docstring(laid_out.split("\n"))


def method_docstring(d: MethodDoc) -> str:
    return _body(_macros().method_doc(d))


def namespace_docstring(path: str) -> str:
    return _body(_macros().namespace_doc(path))


def error_docstring(e: ErrorCode) -> str:
    return _body(_macros().error_doc(e.code, e.description, e.status))


def paragraphs_docstring(paragraphs: list[str]) -> str:
    """Paragraphs of docs text, each cleaned and wrapped, a blank line between them."""
    return _body(_macros().paragraphs_doc(paragraphs))


def arg_text(p: Param) -> str:
    """What an argument means: the docs' text, else what its type means ("date and time as
    ISO 8601 text"); the signature shows the type itself."""
    return p.description or map_type(p.type).meaning


def typed_dict_in(ann: Ann | None) -> str:
    """The first TypedDict an annotation names ("" when none)."""
    if ann is None:
        return ""
    if ann.name.startswith(TD_PREFIX):
        return ann.name[len(TD_PREFIX) :]
    for a in ann.args:
        found = typed_dict_in(a)
        if found:
            return found
    return ""


def key_docstring(p: Param) -> str:
    """The docstring of a TypedDict key: the docs' description of the field, its listed
    values as a list, its default; "" when the docs say nothing of it."""
    if not (p.description or p.labels or p.default):
        return ""
    return _key_doc(p.description, p.labels, p.default or "")


# The same field is documented on many pages (add, update, get, list of one entity).
@functools.lru_cache(maxsize=32768)
def _key_doc(description: str, labels: tuple[tuple[str, str], ...], default: str) -> str:
    text = tx.shorten(description, KEY_DOC_LIMIT)
    if labels and f"- {labels[0][0]} " not in text:  # a values table the text lacks
        shown = " ".join(f"- {v} — {label}" for v, label in labels[:KEY_LABELS])
        text = f"{text} Values: {shown}" if text else f"Values: {shown}"
    if default and default not in text:
        text += f" Default: {default}."
    if not text:
        return ""
    # an attribute docstring is not re-indented by the formatter: the lines carry the
    # class body's indent, and a text of several lines ends on a line of its own
    lines = tx.block_lines(text, tx.DOC_WIDTH, "", KEY_INDENT, gap=True)
    body = tx.docstring(lines)
    return body + "\n" + KEY_INDENT if len(lines) > 1 else body


def page_url(base: str, source: str) -> str:
    path = source[:-3] + ".html" if source.endswith(".md") else source
    return f"{base}/{path}"


def _arg_doc(py: str, p: Param, ann: Ann | None) -> ArgDoc:
    keys_on = typed_dict_in(ann) if p.children else ""
    rows = () if keys_on else p.children
    return ArgDoc(
        py=py,
        sent_as="" if py == p.name else repr(p.name),
        description=arg_text(p),
        keys_on=keys_on,
        fields=tuple(FieldDoc(tx.clean(c.name), arg_text(c)) for c in rows[:CHILD_ROWS]),
        more_fields=max(0, len(rows) - CHILD_ROWS),
    )


def _raises(m: Method, error_classes: dict[str, str]) -> tuple[RaisesDoc, ...]:
    raises: list[RaisesDoc] = []
    seen: set[tuple[str, str]] = set()
    code_classes = error_classes.values()  # looked in only for a runtime class's name
    for e in m.errors:
        if (e.code, e.description) in seen:  # errors sharing a code are all documented
            continue
        seen.add((e.code, e.description))
        by_message = message_class(e.code, e.description, code_classes, contract.ERRORS_ALL)
        if by_message is not None:
            raises.append(RaisesDoc(by_message, "", e.description))
            continue
        cls = error_classes.get(e.code, "Bitrix24Error")
        code = "" if is_blank_code(e.code) else tx.clean(e.code)  # "Пустое значение" says nothing
        raises.append(RaisesDoc(cls, code, e.description))
    return tuple(raises)


def method_doc(
    m: Method,
    arg_names: list[str],
    params: list[Param],
    error_classes: dict[str, str],
    doc_base_url: str,
    package: str,
    anns: list[Ann] | None = None,
) -> MethodDoc:
    """What the docstring of ``m`` says; ``arg_names[i]`` is the Python name of ``params[i]``
    and ``anns[i]`` its annotation (which TypedDict documents its keys)."""
    title = tx.clean(m.title)
    summary = tx.clean(m.summary)
    typed = anns if anns is not None else [None] * len(params)
    args = tuple(_arg_doc(py, p, ann) for py, p, ann in zip(arg_names, params, typed))
    return MethodDoc(
        name=m.name,
        rest3=m.api_version == 3,
        title=title or m.name,
        summary=summary if summary != title else "",
        deprecated=m.deprecated,
        replacement=m.replacement or "",
        access=m.access,
        args=args,
        returned=tx.clean(m.returns.type) or m.returns.shape,
        paged=m.returns.paged,
        raises=_raises(m, error_classes),
        package=package,
        source=f"{m.source}:{m.line}" if m.source else "",
        page_url=page_url(doc_base_url, m.source) if m.source and doc_base_url else "",
    )
