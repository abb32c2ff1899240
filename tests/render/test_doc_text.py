"""Docs text laid out for docstrings: lists recovered from the model's flat text, wrapping
that never starts a line with what Markdown reads as a list marker."""

from __future__ import annotations

from generator.render import text as tx
from generator.render.typed_dicts import layout
from generator.render.views import TypedDictView

FLAT = "Является ли сделка повторной. Возможные значения: - Y — да - N — нет По умолчанию N"


def test_a_flattened_list_becomes_items_and_the_paragraph_after_it_comes_back() -> None:
    assert tx.blocks(FLAT) == [
        (False, "Является ли сделка повторной. Возможные значения:"),
        (True, "Y — да"),
        (True, "N — нет"),
        (False, "По умолчанию N"),
    ]
    assert tx.block_lines(FLAT, 92, gap=True) == [
        "Является ли сделка повторной. Возможные значения:",
        "- Y — да",
        "- N — нет",
        "",
        "По умолчанию N",
    ]


def test_text_without_a_list_is_one_paragraph() -> None:
    assert tx.blocks("Range 1 - 10 of the values") == [(False, "Range 1 - 10 of the values")]
    assert tx.blocks("") == []


def test_english_lists_and_items_continued_under_their_marker() -> None:
    text = "Possible values: - Y — yes - N — no, " + "and a long explanation " * 5
    lines = tx.block_lines(text, 60, "    ", "        ")
    assert lines[0] == "    Possible values:"
    assert lines[1] == "        - Y — yes"
    assert lines[2].startswith("        - N — no,")
    assert all(line.startswith("          ") for line in lines[3:])


def test_wrapping_never_starts_a_line_with_a_list_marker() -> None:
    text = "word " * 17 + "- not an item, 3. nor this"
    for width in range(20, 100):
        for line in tx.wrap(text, width):
            assert not line.startswith(("- ", "3. ")), (width, line)


def test_gist_keeps_the_first_sentence_and_its_list() -> None:
    text = "Тип календаря: - user — пользователя - group — группы Подробнее на странице"
    assert tx.gist(text, 160, 8, 80) == "Тип календаря: - user — пользователя - group — группы"
    assert tx.gist("A first sentence. " + "x " * 200, 30, 8, 80) == "A first sentence."


def test_keys_the_class_form_cannot_spell_go_to_a_base_in_the_call_form() -> None:
    td = TypedDictView(
        "Thing",
        [('"TITLE"', "NotRequired[str]"), ('"from"', "NotRequired[str]"), ('"str"', "int")],
        ["Title.", "Start.", "A key named like a type."],
    )
    t = layout(td)
    assert [k.name for k in t.class_keys] == ["TITLE"]
    assert t.base == "_ThingKeys" and [k.name for k in t.call_keys] == ['"from"', '"str"']
    # nothing documented: the call form as before
    bare = layout(TypedDictView("Bare", [('"TITLE"', "str")], [""]))
    assert bare.base == "" and not bare.class_keys and bare.call_keys[0].name == '"TITLE"'
