"""Properties that hold for any input: every span indexes the input exactly, and the only
exceptions are the extractor's own (:class:`ExtractionError` subclasses).

Hypothesis explores small inputs; the explicit megabyte-sized inputs at the end check that hostile
shapes finish (no wall-clock assertions: a quadratic scan would simply not finish in time).
"""

from __future__ import annotations

import json
import random
import re
import string
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.extraction import (
    MAX_TEXT_CHARS,
    EmptyTextError,
    ExtractionError,
    InputDecodeError,
    TextTooLargeError,
    decode_input,
    extract_claims,
    split_sentences,
)
from claims.extraction.entities import find_entities
from claims.extraction.text import INVISIBLE_CHARS
from claims.extraction.values import find_values

MEGABYTE = 1_000_000

# Characters that have broken sentence splitters before: quotes of every kind, sentence
# punctuation, line and paragraph separators, non-breaking and zero-width spaces, bidi marks,
# bullets, CJK punctuation, combining marks and a few control characters.
TRICKY_CHARS = (
    ".!?\u2026\u3002\uff01\uff1f,;:()[]{}<>/\\-\u2013\u2014*+#&%$\u20ac\u00a3"
    "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u300c\u300d"
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\u00a0\u2009\u3000"
    "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202e\u2066\u2069\u00ad"
    "\u2022\u25cf\u25aa\u2023\u00b7\u2192"
    "\x00\x01\x07\x1b\x7f\u0301\u0308\ufffd"
    "aAzZ019\u00e9\u00c1\u0645\u05d0\u4ed6\u0416\U0001f600"
)
# Whole tokens that exercise abbreviations, lists, datelines, numbers and markup.
TOKENS = (
    "U.S.", "U.K.", "Gen.", "Sen.", "Rep.", "Dr.", "Mr.", "St.", "No.", "Jan.", "a.m.", "p.m.",
    "Inc.", "Co.", "Ltd.", "e.g.", "et al.", "J.", "K.", "v1.2", "3.5%", "$3.5 billion", "1960",
    "65th", "two decades", "May", "China", "Cuba", "Chen Yixin", "Beijing", "the", "said",
    "The", "It", "In", "...", "\u2026", "- ", "\u2022 ", "1. ", "1) ", "(a) ", "(CNN)",
    "WASHINGTON (Reuters) -", "\u201cWhy now?\u201d", '"Stop."', "<p>", "</p>", "<br/>",
    "&amp;", "&nbsp;", "<a href='x.html'>", "http://example.com/a.b", "\r\n", "\n\n",
)  # fmt: skip

tricky_text = st.text(alphabet=st.sampled_from(TRICKY_CHARS), max_size=120)
any_text = st.text(max_size=200)  # every code point except surrogates
token_text = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.sampled_from(TRICKY_CHARS), st.text(max_size=4)),
    max_size=40,
).map("".join)
binary_text = st.binary(max_size=300).map(lambda data: data.decode("utf-8", errors="replace"))
latin1_text = st.binary(max_size=300).map(lambda data: data.decode("latin-1"))
texts = st.one_of(any_text, tricky_text, token_text, binary_text, latin1_text)

# A list marker, dateline dash or colon left out of every span.
_MARKER = re.compile(
    r"[-*+\u2013\u2014:]|--|\(?\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-z]\)"
    r"|[\u2022\u2023\u2043\u2219\u00b7\u25aa\u25ab\u25cf\u25e6\u25a0\u25a1\u25ba\u25b8\u27a2"
    r"\u2713\u2714\u2705\u2192]"
)
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


def _blank(ch: str) -> bool:
    return ch.isspace() or ch in INVISIBLE_CHARS


def _assert_span(text: str, start: int, end: int) -> None:
    assert isinstance(start, int) and isinstance(end, int)
    assert 0 <= start < end <= len(text)


def _assert_sentence_spans(text: str, spans: Sequence[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        _assert_span(text, start, end)
        assert start >= previous_end, "spans overlap or are out of order"
        assert not _blank(text[start]) and not _blank(text[end - 1])
        assert _LINE_BREAK.search(text, start, end) is None
        previous_end = end


def _uncovered_runs(text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """Maximal runs of non-blank characters that no span covers."""
    covered = bytearray(len(text))
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    runs: list[str] = []
    current: list[str] = []
    for i, ch in enumerate(text):
        if covered[i] or _blank(ch):
            if current:
                runs.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        runs.append("".join(current))
    return runs


def _assert_located(text: str, item: Any) -> None:
    """``item`` (an entity, value or replacement) names exactly ``text[start:end]``."""
    _assert_span(text, item.start, item.end)
    assert text[item.start : item.end] == item.text


def _claims_of(result: Any) -> Sequence[Any]:
    return getattr(result, "claims", result)  # a list of claims, or an Extraction


def _assert_valid_extraction(text: str, result: Any) -> None:
    for claim in _claims_of(result):
        _assert_span(text, claim.start, claim.end)
        assert text[claim.start : claim.end] == claim.sentence
        assert 0.0 <= claim.checkworthiness <= 1.0
        for start, end in getattr(claim, "spans", ()) or ():
            _assert_span(text, start, end)
        for item in (*claim.entities, *claim.values, *getattr(claim, "replacements", ())):
            _assert_located(text, item)
        json.dumps(claim.to_dict())  # JSON-serialisable, as the CLI prints it


def _extract_or_extraction_error(text: str, threshold: float = 0.0) -> None:
    try:
        result = extract_claims(text, threshold=threshold)
    except ExtractionError:
        return  # refusing the input on purpose is fine; any other exception is a bug
    _assert_valid_extraction(text, result)


class SplitSentencesPropertyTests:
    @PROPERTY_SETTINGS
    @given(texts)
    def test_spans_are_ordered_trimmed_and_inside_one_line(self, text: str) -> None:
        _assert_sentence_spans(text, split_sentences(text))

    @PROPERTY_SETTINGS
    @given(st.one_of(tricky_text, token_text))
    def test_only_list_markers_are_left_out(self, text: str) -> None:
        spans = split_sentences(text)
        for run in _uncovered_runs(text, spans):
            assert _MARKER.fullmatch(run), f"text dropped from every span: {run!r}"

    @PROPERTY_SETTINGS
    @given(st.one_of(texts, st.text(alphabet=st.sampled_from(" \n\u200b\u00a0"))))
    def test_blank_text_has_no_spans(self, text: str) -> None:
        spans = split_sentences(text)
        if all(_blank(ch) for ch in text):
            assert spans == []
        else:
            assert spans or all(_MARKER.fullmatch(run) for run in _uncovered_runs(text, spans))

    @PROPERTY_SETTINGS
    @given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=30).map(" ".join))
    def test_crlf_and_lf_give_the_same_sentences(self, text: str) -> None:
        lf = text.replace("\r\n", "\n").replace("\r", "\n")
        crlf = lf.replace("\n", "\r\n")
        assert [lf[s:e] for s, e in split_sentences(lf)] == [
            crlf[s:e] for s, e in split_sentences(crlf)
        ]


class FindersPropertyTests:
    @PROPERTY_SETTINGS
    @given(texts, st.integers(min_value=0, max_value=10_000))
    def test_values_index_the_sentence(self, sentence: str, offset: int) -> None:
        text = "x" * offset + sentence
        previous_end = offset
        for value in find_values(sentence, offset):
            _assert_located(text, value)
            assert value.start >= previous_end, "values overlap or are out of order"
            previous_end = value.end

    @PROPERTY_SETTINGS
    @given(texts, st.integers(min_value=0, max_value=10_000))
    def test_entities_index_the_sentence(self, sentence: str, offset: int) -> None:
        text = "x" * offset + sentence
        for entity in find_entities(sentence, offset):
            _assert_located(text, entity)

    @PROPERTY_SETTINGS
    @given(texts)
    def test_finders_on_every_sentence_span(self, text: str) -> None:
        for start, end in split_sentences(text):
            for item in (
                *find_values(text[start:end], start),
                *find_entities(text[start:end], start),
            ):
                _assert_located(text, item)
                assert start <= item.start and item.end <= end


class ExtractClaimsPropertyTests:
    @settings(max_examples=200, deadline=None)
    @given(texts, st.sampled_from([0.0, 0.5, 1.0]))
    def test_any_text_gives_valid_claims_or_an_extraction_error(
        self, text: str, threshold: float
    ) -> None:
        _extract_or_extraction_error(text, threshold)

    @PROPERTY_SETTINGS
    @given(
        st.text(
            alphabet=st.sampled_from(" \t\r\n\x0b\x0c\u00a0\u2028\u3000" + "".join(INVISIBLE_CHARS))
        )
    )
    def test_blank_text_raises_empty_text_error(self, text: str) -> None:
        with pytest.raises(EmptyTextError):
            extract_claims(text)

    def test_oversized_text_raises_text_too_large(self) -> None:
        with pytest.raises(TextTooLargeError):
            extract_claims("a" * (MAX_TEXT_CHARS + 1))


class DecodeInputPropertyTests:
    @PROPERTY_SETTINGS
    @given(st.binary(max_size=400))
    def test_any_bytes_decode_or_raise_input_decode_error(self, data: bytes) -> None:
        try:
            text = decode_input(data)
        except InputDecodeError:
            valid = b"\x00" not in data
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                valid = False
            assert not valid, "valid UTF-8 without NUL bytes was refused"
            return
        assert b"\x00" not in data
        assert text == data.decode("utf-8").removeprefix("\ufeff")
        _extract_or_extraction_error(text)

    @PROPERTY_SETTINGS
    @given(texts)
    def test_utf8_text_round_trips(self, text: str) -> None:
        data = text.encode("utf-8")
        if "\x00" in text:
            with pytest.raises(InputDecodeError):
                decode_input(data)
        else:
            assert decode_input(data) == text.removeprefix("\ufeff")


def _seed_megabyte(seed_source: str) -> str:
    copies = MEGABYTE // len(seed_source) + 1
    return "\n\n".join([seed_source.strip()] * copies)[:MEGABYTE]


class HostileInputTests:
    """Megabyte inputs of shapes that expose quadratic scans. They only have to finish."""

    @pytest.mark.parametrize(
        "shape",
        ["one line", "random printable", "U.S. repeated", "dots", "newlines", "quotes and dots"],
    )
    def test_a_megabyte_completes(self, shape: str) -> None:
        text = _hostile(shape)
        _assert_sentence_spans(text, split_sentences(text))
        _extract_or_extraction_error(text, threshold=0.5)

    def test_a_megabyte_of_the_seed_article_completes(self, seed_source: str) -> None:
        text = _seed_megabyte(seed_source)
        spans = split_sentences(text)
        _assert_sentence_spans(text, spans)
        result = extract_claims(text)
        _assert_valid_extraction(text, result)
        assert _claims_of(result)


def _hostile(shape: str) -> str:
    if shape == "one line":
        return ("China and Cuba met in Beijing in 1960 and " * (MEGABYTE // 40))[:MEGABYTE]
    if shape == "random printable":
        rng = random.Random(20250528)
        return "".join(rng.choices(string.printable, k=MEGABYTE))
    if shape == "U.S. repeated":
        return "U.S. " * (MEGABYTE // 5)
    if shape == "dots":
        return "." * MEGABYTE
    if shape == "newlines":
        return "\n" * 100_000 + "Cuba." + "\n" * 100_000
    if shape == "quotes and dots":
        return '."' * (MEGABYTE // 2)
    raise AssertionError(shape)
