from __future__ import annotations

from sources.assessment.suggestion import EvidenceView, SuggestionRules, rating_label, suggest


def view(stance: str, relevance: float = 0.8, strength: float = 0.9, **kw: str) -> EvidenceView:
    return EvidenceView(
        stance=stance, relevance=relevance, reason=f"{stance} reason", strength=strength, **kw
    )


class SuggestTests:
    def test_no_passages_is_no_evidence(self) -> None:
        suggestion = suggest([])
        assert suggestion.value == "no_evidence"
        assert suggestion.reason == "no passages found"

    def test_only_neutral_passages_is_inconclusive(self) -> None:
        suggestion = suggest([view("neutral"), view("neutral")])
        assert suggestion.value == "inconclusive"
        assert "0 support, 0 refute, 0 mixed, 2 neutral of 2 passages" in suggestion.reason

    def test_supporting_passages_carry_the_best_reason(self) -> None:
        strong = EvidenceView("supports", 0.9, "passage says 28 September 1960; claim says 1960")
        weak = EvidenceView("supports", 0.3, "passage repeats 5 of 7 claim words", strength=0.5)
        suggestion = suggest([weak, view("neutral"), strong])
        assert suggestion.value == "supported"
        assert suggestion.reason.startswith("passage says 28 September 1960; claim says 1960")
        assert 0 < suggestion.confidence <= 1

    def test_refuting_passages_contradict(self) -> None:
        assert suggest([view("refutes"), view("neutral")]).value == "contradicted"

    def test_conflicting_evidence_is_inconclusive(self) -> None:
        suggestion = suggest([view("supports"), view("refutes")])
        assert suggestion.value == "inconclusive"
        assert suggestion.reason.startswith("the passages disagree")

    def test_margin_decides(self) -> None:
        evidence = [view("supports"), view("supports"), view("refutes")]
        assert suggest(evidence, rules=SuggestionRules(margin=1.5)).value == "supported"
        assert suggest(evidence, rules=SuggestionRules(margin=3.0)).value == "inconclusive"

    def test_weak_evidence_is_inconclusive(self) -> None:
        faint = view("supports", relevance=0.1, strength=0.5)
        assert suggest([faint]).value == "inconclusive"
        assert suggest([faint], rules=SuggestionRules(min_weight=0.01)).value == "supported"

    def test_more_agreeing_evidence_raises_confidence(self) -> None:
        one = suggest([view("supports")]).confidence
        three = suggest([view("supports")] * 3).confidence
        assert one < three <= 1

    def test_source_kind_weighs(self) -> None:
        # The same passage weight, but an official source counts 1.2 and "other" 0.8: 1.5x.
        evidence = [view("supports", kind="other"), view("refutes", kind="official")]
        assert suggest(evidence, rules=SuggestionRules(margin=1.4)).value == "contradicted"
        assert suggest(evidence, rules=SuggestionRules(margin=2.0)).value == "inconclusive"
        even = [view("supports", kind="news"), view("refutes", kind="news")]
        assert suggest(even, rules=SuggestionRules(margin=1.4)).value == "inconclusive"


class FactCheckRatingTests:
    def test_false_rating_outweighs_supporting_passages(self) -> None:
        fact_check = EvidenceView(
            "neutral", 0.7, "", kind="fact_check", rating="False", title="PolitiFact"
        )
        suggestion = suggest([view("supports"), view("supports"), fact_check])
        assert suggestion.value == "contradicted"
        assert "a fact-check rates it 'False' (PolitiFact)" in suggestion.reason

    def test_rating_of_an_unrelated_fact_check_is_ignored(self) -> None:
        other = EvidenceView("neutral", 0.2, "", kind="fact_check", rating="False")
        assert suggest([view("supports"), other]).value == "supported"

    def test_rating_labels(self) -> None:
        assert rating_label("False") == "refutes"
        assert rating_label("Pants on Fire!") == "refutes"
        assert rating_label("Mostly true") == "supports"
        assert rating_label("Half True") == "mixed"
        assert rating_label("Mostly false") == "mixed"
        assert rating_label("Satire") == ""
        assert rating_label("") == ""
