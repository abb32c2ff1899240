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
from generator.render import text as tx
from generator.render.environment import environment
from generator.render.typemap import map_type

CHILD_ROWS = 60  # sub-table rows listed under an argument; the rest are counted


@dataclass(frozen=True)
class FieldDoc:
    """A row of an argument's sub-table."""

    name: str
    type_text: str
    required: bool
    description: str


@dataclass(frozen=True)
class ArgDoc:
    py: str  # the Python parameter
    sent_as: str  # repr of the wire name when it differs from ``py``, else ""
    type_text: str
    required: bool
    description: str
    fields: tuple[FieldDoc, ...]  # the first CHILD_ROWS rows of the sub-table
    more_fields: int  # rows left out


@dataclass(frozen=True)
class RaisesDoc:
    cls: str
    code: str
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
    raises: tuple[RaisesDoc, ...]  # one per documented code, in docs order
    package: str
    source: str  # "crm/lead/add.md:12", "" when unknown
    page_url: str  # the published page, "" when unknown


class _Macros(Protocol):
    def method_doc(self, d: MethodDoc) -> str: ...

    def namespace_doc(self, path: str) -> str: ...

    def error_doc(self, code: str, description: str, status: int | None) -> str: ...


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


def type_text(p: Param) -> str:
    """``datetime: date and time as ISO 8601 text``: the docs type and what it means."""
    meaning = map_type(p.type).meaning
    typ = tx.clean(p.type) or "?"
    return f"{typ}: {meaning}" if meaning else typ


def page_url(base: str, source: str) -> str:
    path = source[:-3] + ".html" if source.endswith(".md") else source
    return f"{base}/{path}"


def method_doc(
    m: Method,
    arg_names: list[str],
    params: list[Param],
    error_classes: dict[str, str],
    doc_base_url: str,
    package: str,
) -> MethodDoc:
    """What the docstring of ``m`` says; ``arg_names[i]`` is the Python name of ``params[i]``."""
    title = tx.clean(m.title)
    summary = tx.clean(m.summary)
    args = tuple(
        ArgDoc(
            py=py,
            sent_as="" if py == p.name else repr(p.name),
            type_text=type_text(p),
            required=p.required,
            description=p.description,
            fields=tuple(
                FieldDoc(c.name, type_text(c), c.required, c.description)
                for c in p.children[:CHILD_ROWS]
            ),
            more_fields=max(0, len(p.children) - CHILD_ROWS),
        )
        for py, p in zip(arg_names, params)
    )
    raises: list[RaisesDoc] = []
    seen: set[tuple[str, str]] = set()
    for e in m.errors:
        # errors sharing a code (three "empty value" errors) are each documented
        if (e.code, e.description) in seen:
            continue
        seen.add((e.code, e.description))
        cls = error_classes.get(e.code, "Bitrix24Error")
        raises.append(RaisesDoc(cls, tx.clean(e.code) or "(blank)", e.description))
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
        raises=tuple(raises),
        package=package,
        source=f"{m.source}:{m.line}" if m.source else "",
        page_url=page_url(doc_base_url, m.source) if m.source and doc_base_url else "",
    )
