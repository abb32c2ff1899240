"""The YFM table plugin on its own: the tokenizer rules the Diplodoc toolchain applies."""

from __future__ import annotations

from generator.yfm.parser import (
    Directive,
    Fence,
    Heading,
    Table,
    cell_blocks,
    make_markdown,
    parse_blocks,
)


def _table(src: str) -> Table:
    tables = [b for b in parse_blocks(src) if isinstance(b, Table)]
    assert len(tables) == 1, tables
    return tables[0]


def cells(t: Table) -> list[list[str]]:
    return [[c.text.strip() for c in row] for row in t.rows]


def test_rows_and_cells_with_multiline_content():
    t = _table("#|\n|| **a***\n[`string`](x.md) | one\n\ntwo ||\n|| b | c ||\n|#\n")
    assert cells(t) == [["**a***\n[`string`](x.md)", "one\n\ntwo"], ["b", "c"]]
    assert t.closed and not t.ragged
    assert [c.line for c in t.rows[1]] == [5, 5]  # 0-based line of each cell


def test_escaped_bar_and_triple_backtick_span_do_not_split():
    t = _table("#|\n|| **x**\n[`a`\\|`b`](t.md) | ```string | null``` ||\n|#")
    assert len(t.rows[0]) == 2
    assert "\\|" in t.rows[0][0].text
    assert t.rows[0][1].text.strip() == "```string | null```"


def test_fenced_code_in_a_cell_keeps_bars():
    src = "#|\n|| **f** | text\n```js\nx = a || b | c\n```\n ||\n|| g | h ||\n|#\n"
    t = _table(src)
    assert len(t.rows) == 2
    assert "a || b | c" in t.rows[0][1].text


def test_nested_table_stays_in_its_cell_and_parses_on_demand():
    src = "#|\n|| **S** | values:\n\n#|\n||CALL|Call||\n||WEB|Site||\n|#\n\nmore ||\n|| **T** | t ||\n|#\n"
    t = _table(src)
    assert [c[0] for c in cells(t)] == ["**S**", "**T**"]
    inner = [b for b in cell_blocks(t.rows[0][1]) if isinstance(b, Table)]
    assert cells(inner[0]) == [["CALL", "Call"], ["WEB", "Site"]]


def test_row_not_closed_before_end_of_table():
    t = _table("#|\n|| a | b ||\n|| c | d |#\n\nafter\n")
    assert cells(t) == [["a", "b"], ["c", "d"]]


def test_unclosed_table_is_reported_not_fatal():
    t = _table("#|\n|| a | b ||\n|| c | d ||\n")
    assert not t.closed
    assert len(t.rows) == 2


def test_indented_table_inside_tabs():
    src = "{% list tabs %}\n\n- string\n\n    #|\n    || **X**\n    [`int`](t) | d ||\n    |#\n\n{% endlist %}\n"
    blocks = parse_blocks(src)
    t = next(b for b in blocks if isinstance(b, Table))
    assert t.in_tabs
    assert t.rows[0][0].text.strip().startswith("**X**\n[`int`]")


def test_directives_and_headings_with_anchors():
    src = '# T a.b\n\n{% note warning "DEPRECATED" %}\n\ntext\n\n{% endnote %}\n\n### Параметр fields {#fields}\n\n{% include [x](../_includes/required.md) %}\n'
    blocks = parse_blocks(src)
    notes = [b for b in blocks if isinstance(b, Directive)]
    assert [d.name for d in notes] == ["note", "endnote", "include"]
    assert notes[0].meta["title"] == "DEPRECATED" and notes[0].meta["kind"] == "warning"
    assert notes[2].meta["path"] == "../_includes/required.md"
    h = [b for b in blocks if isinstance(b, Heading)][1]
    assert (h.text, h.anchor, h.line) == ("Параметр fields", "fields", 9)


def test_indented_fence_in_a_tab_is_a_fence():
    src = '- tab\n\n    ```json\n    {"result": true}\n    ```\n'
    fences = [b for b in parse_blocks(src) if isinstance(b, Fence)]
    assert fences and '"result"' in fences[0].text


def test_plugin_renders_html():
    md = make_markdown()
    env = {"_yfm_md": None}
    html = md.renderer.render(md.parse("#|\n|| a | b ||\n|#\n", env), md.options, env)
    assert "<table>" in html and "<td>" in html
