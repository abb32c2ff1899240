"""The one Jinja environment of the renderer and the filters every template may use.

The environment is built once per process and never changed afterwards: whatever
depends on one render (the error classes, the package name) reaches the templates as
context, never as a filter.
"""

from __future__ import annotations

import functools
import urllib.parse

import jinja2

from generator.model import Param, walk_params
from generator.paths import templates_dir
from generator.render import text as tx
from generator.render import typed_dicts
from generator.render.fmt import LINE_LENGTH
from generator.render.typemap import ANY, QUALIFIED, Ann
from generator.render.views import ArgView, MethodView


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        ann=_ann,
        qual=_qual,
        returns=_returns,
        returns_any=_returns_any,
        pystr=tx.py_str,
        doc=_doc,
        doc_lines=_doc_lines,
        doc_text=_doc_text,
        doc_row=_doc_row,
        first_sentences=tx.first_sentences,
        gist=functools.lru_cache(maxsize=16384)(tx.gist),
        shorten=tx.shorten,
        clean=tx.clean,
        md_cell=tx.md_cell,
        md_text=tx.md_text,
        md_cell_lists=functools.lru_cache(maxsize=16384)(tx.md_cell_lists),
        md_lists=tx.md_lists,
        md_link=_md_link,
        call_path=call_path,
        param_decl=param_decl,
        arg_params=arg_params,
        walk=_walk,
        td_layout=typed_dicts.layout,
    )
    return env


def _ann(a: Ann, shadowed: frozenset[str] = frozenset()) -> str:
    return a.render(shadowed)


def _qual(name: str, shadowed: frozenset[str] = frozenset()) -> str:
    return QUALIFIED[name] if name in shadowed else name


def _returns(m: MethodView, shadowed: frozenset[str] = frozenset()) -> str:
    return m.ret.render(shadowed)


def _returns_any(m: MethodView) -> bool:
    return m.ret == ANY


def _doc(text: str) -> str:
    return tx.docstring([tx.clean(text)])


# Docs texts repeat across methods (an error's text, "Идентификатор задачи"), and these are
# pure functions of their arguments: laid out once each.
@functools.lru_cache(maxsize=16384)
def _doc_lines(text: str, indent: str = "", subsequent: str | None = None) -> str:
    """``text`` wrapped to the docstring width, each line ended by a newline ("" if empty)."""
    return "".join(line + "\n" for line in tx.wrap(text, tx.DOC_WIDTH, indent, subsequent))


@functools.lru_cache(maxsize=16384)
def _doc_text(text: str, indent: str = "", subsequent: str | None = None, gap: bool = False) -> str:
    """As ``doc_lines``, with the lists the docs text had recovered, one item a line."""
    return "".join(
        line + "\n" for line in tx.block_lines(text, tx.DOC_WIDTH, indent, subsequent, gap=gap)
    )


@functools.lru_cache(maxsize=16384)
def _doc_row(name: str, text: str, indent: str) -> str:
    """One row of a sub-table as a list item ("- name — what it is"), its own list of values
    nested under it; the opening of ``text`` only (``text.gist``)."""
    head = f"- {tx.clean(name)}"
    lines: list[str] = []
    for is_item, block in tx.blocks(tx.gist(text, 100, 6, 60)):
        if is_item:
            lines += [indent + head] if not lines else []
            lines += tx.wrap("- " + block, tx.DOC_WIDTH, indent + "  ", indent + "    ")
        elif not lines:
            lines += tx.wrap(f"{head} — {block}", tx.DOC_WIDTH, indent, indent + "  ")
    return "".join(line + "\n" for line in (lines or [indent + head]))


def _md_link(path: str) -> str:
    return urllib.parse.quote(tx.clean(path))


def _walk(params: tuple[Param, ...], prefix: str) -> list[tuple[str, Param]]:
    return list(walk_params(params, prefix))


def param_decl(arg: ArgView, shadowed: frozenset[str], stub: bool) -> str:
    """``name: annotation[ = default]``, parenthesised exactly where black would.

    Black (and not ruff) wraps a union annotation in parentheses when the parameter's own
    line is too long once the signature is split one parameter per line.
    """
    ann = arg.ann.render(shadowed)
    union = arg.ann.name == "|"
    default = ""
    if not arg.required:
        ann = f"{ann} | {QUALIFIED['NotGiven'] if 'NotGiven' in shadowed else 'NotGiven'}"
        union = True
        default = " = ..." if stub else " = _NOT_GIVEN"
    if union and len(f"        {arg.py}: {ann}{default},") > LINE_LENGTH:
        ann = f"({ann})"
    return f"{arg.py}: {ann}{default}"


def call_path(m: MethodView) -> str:
    args = ", ".join(f"{a.py}=..." for a in m.args if a.required)
    root = "client.v3" if m.api_version == 3 else "client"
    path = m.py_path[3:] if m.api_version == 3 and m.py_path.startswith("v3.") else m.py_path
    return f"{root}.{path}({args})"


def arg_params(m: MethodView) -> list[tuple[ArgView, Param]]:
    seen: set[str] = set()
    params = []
    for p in m.model.params:
        if p.name not in seen:
            seen.add(p.name)
            params.append(p)
    return list(zip(m.args, params))
