"""From the docs' type expressions to Python annotations, as the vocabulary decides them.

The decisions live in ``generator.vocabulary.types``; this module is the renderer's view of
them (annotation trees, the input form of a type, its meaning for docstrings).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.vocabulary.types import (
    ANY,
    BOOL,
    DICT_ANY,
    FLOAT,
    INT,
    LIST_ANY,
    NONE,
    QUALIFIED,
    STR,
    YN,
    Ann,
    input_ann,
    meaning,
    scalar_kind,
    union,
)

__all__ = [
    "ANY",
    "BOOL",
    "DICT_ANY",
    "FLOAT",
    "INT",
    "LIST_ANY",
    "NONE",
    "QUALIFIED",
    "STR",
    "YN",
    "Ann",
    "Mapped",
    "base_kind",
    "map_type",
    "union",
]


@dataclass(frozen=True)
class Mapped:
    ann: Ann
    meaning: str = ""  # what a domain type means, for docstrings


def map_type(expr: str) -> Mapped:
    """A parameter's docs type -> what it accepts (``"integer"`` -> ``int | str``), and its
    meaning; unknown or missing types -> Any."""
    return Mapped(input_ann(expr), meaning(expr))


def base_kind(expr: str) -> str:
    """The scalar kind a type expression names, for Literal values: "str", "int" or ""."""
    return scalar_kind(expr)
