"""WordTest answers exactly what its regex answers, only faster."""

from __future__ import annotations

import random
import re
import string
import sys

import pytest

from claims.extraction.pipeline import _KEYWORD_TYPES
from claims.extraction.scoring import _CUE_TESTS
from claims.extraction.text import CASE_UNSAFE_CHARS, WordTest, lower_tokens, word_pattern

ALL_TESTS = [test for _name, test in (*_CUE_TESTS, *_KEYWORD_TYPES)]


def _agrees(test: WordTest, text: str) -> bool:
    return test.search(text, lower_tokens(text)) == (test.pattern.search(text) is not None)


_WORD_CHAR = re.compile(r"[\w-]")
_ANY_LETTER = re.compile("[a-z]", re.IGNORECASE)
_LETTERS = {a: re.compile(a, re.IGNORECASE) for a in string.ascii_lowercase}


def _case_unsafe(ch: str) -> bool:
    low = ch.lower()
    if len(low) != 1 or (_WORD_CHAR.match(ch) is None) != (_WORD_CHAR.match(low) is None):
        return True
    if _ANY_LETTER.fullmatch(ch) is None and low not in _LETTERS:
        return False
    return any((p.fullmatch(ch) is not None) != (low == a) for a, p in _LETTERS.items())


def test_case_unsafe_chars_are_all_the_unsafe_chars() -> None:
    """Every other character lower-cases to one character, keeps being a word character (or
    not), and matches an ASCII letter case-insensitively exactly when its lower case is it."""
    unsafe = [chr(c) for c in range(0x80, sys.maxunicode + 1) if _case_unsafe(chr(c))]
    assert "".join(unsafe) == CASE_UNSAFE_CHARS


def test_cue_patterns_are_understood() -> None:
    """Every word pattern gets its pre-test; only the relation pattern (no word list) is not."""
    searched = [name for name, test in (*_CUE_TESTS, *_KEYWORD_TYPES) if test.words is None]
    assert searched == ["relation"]


@pytest.mark.parametrize(
    "text",
    [
        "The minister said so.",
        "The ex-minister and the minister-designate spoke.",
        "MINISTER", "Minister2 met", "The Ministers met", "a \u201cquote", "a\u201d",
        "He may go.", "In May he went.", "It could rain; Could it?", "The implications are clear",
        "theimplications", "raises  questions", "raises\nquestions", "I think so", "think",
        "\u0130S LIKELY TO", "is likely to", "\u017fAID", "\u212aILLED", "k\u0131ll", "F\u0130RST",
        "_said_", "said_", "-said", "said-", "caf\u00e9 said", "\u00e9said", "has invested",
        "invested",
        "will", "WiLL", "", "due  to", "result in", "resulted\tin", "as a result",
    ],
)  # fmt: skip
def test_word_tests_agree_with_their_patterns(text: str) -> None:
    for test in ALL_TESTS:
        assert _agrees(test, text), (test.pattern.pattern, text)


def test_word_tests_agree_on_random_text() -> None:
    rng = random.Random(7)
    words = sorted({w for test in ALL_TESTS for w in test.words or ()})
    pieces = [*words, *(w.upper() for w in words), *(w.title() for w in words)]
    glue = [" ", "  ", "-", "_", ".", ",", "\u201c", "\u201d", "\n", "x", "\u00e9", "\u0131", "'"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice(glue) for _ in range(rng.randint(1, 6)))
        for test in ALL_TESTS:
            assert _agrees(test, text), (test.pattern.pattern, text)


def test_other_patterns_are_searched() -> None:
    test = WordTest(re.compile(r"\bfoo\b"))
    assert test.words is None
    assert test.search("a foo b", lower_tokens("a foo b"))
    assert not test.search("afoo b", lower_tokens("afoo b"))
    assert WordTest(word_pattern("a+b")).words is None
    assert WordTest(word_pattern("ab?", "(?:c|d)+")).words is None
    assert WordTest(word_pattern("s?")).words is None  # may match nothing
