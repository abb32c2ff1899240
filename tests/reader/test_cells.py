"""First cells of parameter rows: every name / required-marker / type variant of the corpus guide."""

from __future__ import annotations

import pytest

from generator.extract.cells import parse_first_cell

CASES = [
    (" **code***\n[`string`](../d.md) ", "code", True, "string"),
    ("**title***\n[`string`\\|`array`](x.md)", "title", True, "string|array"),
    ("**id**^*^\n[`integer`](x)", "id", True, "integer"),
    ("**id^*^**\n[`integer`](x)", "id", True, "integer"),
    ("**x\\***\n`int`", "x", True, "int"),
    ("**weight****\n[`double`](x)", "weight", True, "double"),
    ("**name***,**\n[`string`](x)", "name", True, "string"),
    (
        "**ID***\n[`catalog_product.id`](x#a)\\|\n[`catalog_product_sku.id`](y)",
        "ID",
        True,
        "catalog_product.id|catalog_product_sku.id",
    ),
    ("**x**\n```string | null```", "x", False, "string|null"),
    ("**x**\n[`object`]", "x", False, "object"),
    ("**x** [`integer`](a)", "x", False, "integer"),
    ("**x**\n[`object`](a)\n[`string`](b)", "x", False, "object|string"),
    ("**x**\n[`string`](a) или `null`", "x", False, "string|null"),
    ("**UF_...**", "UF_...", False, ""),
    ("**UF_\\***\n[`any`](x.md)", "UF_*", False, "any"),  # a wildcard, not a required "UF_"
    ("**order**\nВозможные значения для `order`:\n- `asc` — по возрастанию", "order", False, ""),
    ("**ids**\n[`integer[]`](a)", "ids", False, "integer[]"),
    ("**\\<chatId\\>**\n[`object`](x)", "<chatId>", False, "object"),
    ("**from**\n[`date`](x)", "from", False, "date"),
]


@pytest.mark.parametrize("text,name,required,typ", CASES)
def test_first_cell_variants(text, name, required, typ):
    fc = parse_first_cell(text)
    assert (fc.name, fc.required, fc.type) == (name, required, typ)
