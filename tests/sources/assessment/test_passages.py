from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sources.assessment.passages import sentence_spans, split_passages

TEXT = (
    "Cuba and China established relations in 1960. It was a first in the hemisphere.\n\n"
    "In 2025 they marked the 65th anniversary. Leaders met in Moscow. Trade grew."
)


class SplitPassagesTests:
    def test_offsets_are_exact(self) -> None:
        for p in split_passages(TEXT):
            assert TEXT[p.start : p.end] == p.text

    def test_windows_do_not_cross_paragraphs(self) -> None:
        passages = split_passages(TEXT)
        boundary = TEXT.index("\n\n")
        assert all(p.end <= boundary or p.start > boundary for p in passages)
        # Two sentences in the first paragraph, three in the second: 1+2 and 1+2+3 windows.
        assert [p.sentences for p in passages] == [1, 2, 1, 1, 2, 3, 1, 2, 1]

    def test_max_sentences_one_gives_the_sentences(self) -> None:
        texts = [p.text for p in split_passages(TEXT, max_sentences=1)]
        assert texts[0] == "Cuba and China established relations in 1960."
        assert len(texts) == 5

    def test_long_windows_stop_growing(self) -> None:
        long_text = " ".join(
            f"Sentence number {i} says something rather long here." for i in range(6)
        )
        passages = split_passages(long_text, max_chars=120)
        assert max(p.end - p.start for p in passages if p.sentences > 1) <= 120

    def test_rejects_zero_sentences(self) -> None:
        with pytest.raises(ValueError):
            split_passages(TEXT, max_sentences=0)

    def test_paragraph_grouping(self) -> None:
        assert [len(p) for p in sentence_spans(TEXT)] == [2, 3]

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(
            st.text(alphabet=st.sampled_from("ab Cd.?!\n\t 19é\u00a0\u201c\u201d"), max_size=40),
            max_size=8,
        )
    )
    def test_offsets_exact_on_any_text(self, parts: list[str]) -> None:
        text = "".join(parts)
        for p in split_passages(text):
            assert 0 <= p.start < p.end <= len(text)
            assert text[p.start : p.end] == p.text
            assert 1 <= p.sentences <= 3
