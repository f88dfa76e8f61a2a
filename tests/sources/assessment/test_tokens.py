from __future__ import annotations

from sources.assessment.tokens import stem, tokenize, words


class StemTests:
    def test_joins_inflections(self) -> None:
        assert stem("relations") == stem("relation") == "relation"
        assert stem("established") == stem("establishes") == "establish"
        assert stem("met") == stem("meetings") == stem("meets") == "meet"
        assert stem("stopped") == "stop"
        assert stem("reduced") == stem("reduces") == stem("reducing") == stem("reduce")

    def test_leaves_short_and_protected_words(self) -> None:
        assert stem("virus") == "virus"
        assert stem("covid") == "covid"
        assert stem("bus") == "bus"


class TokenizeTests:
    def test_lowercases_drops_stop_words_keeps_numbers(self) -> None:
        assert tokenize("The Relations of Cuba in 1960") == ["relation", "cuba", "1960"]

    def test_folds_accents(self) -> None:
        assert tokenize("Díaz-Canel Bermúdez") == ["diaz", "canel", "bermudez"]

    def test_contracted_not_is_a_negation_not_a_content_word(self) -> None:
        assert [t.word for t in words("they didn't agree")] == ["they", "did", "not", "agree"]
        assert tokenize("they didn't agree") == [stem("agree")]

    def test_word_spans_index_the_text(self) -> None:
        text = "Xi Jinping met Díaz-Canel in 2025."
        for token in words(text):
            assert text[token.start : token.end].lower().startswith(token.word[:1])
