from __future__ import annotations

from sources.assessment.expansion import LEXICON, expand, lexicon_stems
from sources.assessment.tokens import tokenize


class ExpandTests:
    def test_query_stems_weigh_one_and_equivalents_less(self) -> None:
        query = expand(tokenize("kids wearing masks"), weight=0.3)
        assert query["kid"] == query["mask"] == 1.0
        assert query["child"] == 0.3
        assert query["paediatric"] == 0.3
        assert query["respirator"] == 0.3

    def test_a_multi_word_entry_matches_its_words_in_order(self) -> None:
        assert expand(tokenize("a face covering"), weight=0.5)["mask"] == 0.5
        assert "mask" not in expand(tokenize("covering the face"), weight=0.5)

    def test_no_weight_no_expansion(self) -> None:
        assert expand(["kid", "mask"], weight=0.0) == {"kid": 1.0, "mask": 1.0}

    def test_a_query_word_keeps_weight_one_when_also_an_equivalent(self) -> None:
        query = expand(tokenize("death and mortality"), weight=0.3)
        assert query["death"] == query["mortality"] == 1.0


class LexiconTests:
    def test_every_entry_has_stems_and_groups_are_symmetric(self) -> None:
        groups = lexicon_stems()
        for group in LEXICON:
            singles = [tuple(tokenize(e)) for e in group if len(tokenize(e)) == 1]
            for entry in singles:
                assert {s[0] for s in singles} <= groups[entry]
