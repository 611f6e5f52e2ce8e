"""The shared vocabulary is declared once, in drago.vocab, and its static types agree with it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

from drago import vocab

SRC = Path(__file__).parents[1] / "src" / "drago"


@pytest.mark.parametrize(
    ("enum", "literal"),
    [
        (vocab.Hand, vocab.HandName),
        (vocab.Stance, vocab.StanceName),
        (vocab.Sex, vocab.SexName),
        (vocab.LoadMethod, vocab.LoadMethodName),
    ],
)
def test_each_literal_names_its_enum(enum: type, literal: object) -> None:
    assert get_args(literal) == tuple(member.value for member in enum)  # type: ignore[attr-defined]


def test_load_methods_all_have_a_name() -> None:
    assert tuple(vocab.LOAD_METHOD_NAMES) == vocab.LOAD_METHODS


def test_wellness_holds_the_hooper_items_then_mood() -> None:
    assert vocab.WELLNESS_ITEMS[: len(vocab.HOOPER_ITEMS)] == vocab.HOOPER_ITEMS
    assert (*vocab.WELLNESS_ITEMS, "rhr_bpm") == vocab.WELLNESS_COLUMNS


#: Word sets that belong to drago.vocab alone.
WORDS = [
    {"left", "right"},
    {"orthodox", "southpaw"},
    {"karvonen", "hrmax"},
    {"auto", "trimp", "edwards", "srpe"},
    {"sleep", "stress", "fatigue", "soreness"},
    {"morning", "activity"},
]


def _declared_sets(path: Path) -> list[set[str]]:
    """Tuples, sets and lists of string literals, and StrEnum bodies, declared in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        values: list[str] = []
        if isinstance(node, ast.Tuple | ast.Set | ast.List):
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            values = values if len(values) == len(node.elts) else []
        elif isinstance(node, ast.ClassDef):
            values = [
                s.value.value
                for s in node.body
                if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)
            ]
        if len(values) >= 2 and all(isinstance(v, str) for v in values):
            found.append(set(values))
    return found


def test_the_vocabulary_is_declared_nowhere_else() -> None:
    offenders = [
        f"{path.relative_to(SRC)} declares {sorted(words)}"
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "vocab.py"
        for declared in _declared_sets(path)
        for words in WORDS
        if words <= declared and len(declared) <= len(words) + 2  # not a whole schema
    ]
    assert offenders == []
