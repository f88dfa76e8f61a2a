from __future__ import annotations

import json

import pytest

from claims.extraction import Value
from claims.extraction.values import find_values


def kinds_and_values(sentence: str) -> list[tuple[str, str, object]]:
    return [(v.kind, v.text, v.value) for v in find_values(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Relations began in 1960.", ("year", "1960", 1960)),
        ("The 65th anniversary was marked.", ("anniversary", "65th anniversary", 65)),
        ("The sixty-fifth anniversary was marked.", ("anniversary", "sixty-fifth anniversary", 65)),
        ("She finished 3rd overall.", ("ordinal", "3rd", 3)),
        ("Over the past two decades it grew.", ("duration", "two decades", {"years": 20})),
        ("It took three years to build.", ("duration", "three years", {"years": 3})),
        ("Prices rose 50 percent.", ("percent", "50 percent", 50.0)),
        ("Prices rose 12.5% overall.", ("percent", "12.5%", 12.5)),
        (
            "It invested $3 billion.",
            ("money", "$3 billion", {"amount": 3_000_000_000, "currency": "USD"}),
        ),
        (
            "It cost \u20ac2.5 million.",
            ("money", "\u20ac2.5 million", {"amount": 2_500_000, "currency": "EUR"}),
        ),
        ("They met in September.", ("month", "September", 9)),
        ("They met on 28 September 1960.", ("date", "28 September 1960", "1960-09-28")),
        ("They met on September 28, 1960.", ("date", "September 28, 1960", "1960-09-28")),
        ("About 1,250 people marched.", ("count", "1,250", 1250)),
    ],
)
def test_single_value(sentence: str, expected: tuple[str, str, object]) -> None:
    assert kinds_and_values(sentence) == [expected]


def test_spans_index_the_sentence_and_respect_offset() -> None:
    sentence = "On 28 September 1960, Cuba\u2019s 65th anniversary cost $3 billion (50%)."
    for offset in (0, 17):
        text = "x" * offset + sentence
        values = find_values(sentence, offset)
        assert values
        for v in values:
            assert text[v.start : v.end] == v.text


def test_longest_value_wins_over_its_parts() -> None:
    kinds = [v.kind for v in find_values("It marked the 65th anniversary on 28 September 1960.")]
    assert kinds == ["anniversary", "date"]


def test_may_as_verb_is_not_a_month() -> None:
    assert kinds_and_values("May they agree? Cuba may sign.") == []
    assert kinds_and_values("They met in May.") == [("month", "May", 5)]


def test_invalid_dates_are_not_dates() -> None:
    assert "date" not in {v.kind for v in find_values("It happened on 31 February 2020.")}


def test_identifiers_and_long_digit_runs_are_not_values() -> None:
    assert kinds_and_values("The COVID-19 pandemic hit.") == []
    assert kinds_and_values("Code 12345678901234567890 leaked.") == []
    assert kinds_and_values("The 1960s were different.") == []


def test_values_are_json_serialisable() -> None:
    values = find_values("In May 1960, $3 billion, 50 percent, two decades, the 65th anniversary.")
    assert len(values) >= 5
    for v in values:
        assert isinstance(v, Value)
        json.dumps(v.to_dict())
