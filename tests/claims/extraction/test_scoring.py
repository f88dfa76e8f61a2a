from __future__ import annotations

import pytest

from claims.extraction import SentenceScore, explain_sentence, score_sentence

CHECKWORTHY = [
    "China and Cuba established diplomatic relations in 1960.",
    "Chen Yixin, China's state security chief, met Cuba's interior minister in Beijing.",
    "Unemployment in Havana rose to 12 percent last year, the ministry said.",
    "Over the past two decades, China has invested $3 billion in the region.",
    "Cuba was the first country in the Western Hemisphere to recognise China.",
]
NOT_CHECKWORTHY = [
    "The partnership could be far-reaching and may reshape the region.",
    "I think this reflects a deeper shift in priorities.",
    "Will the two nations seek to deepen ties?",
    "This dynamic raises questions about the implications for the region.",
    "Cuba aims to bolster its security apparatus.",
    "It was good.",
]


@pytest.mark.parametrize("sentence", CHECKWORTHY)
def test_factual_sentences_are_checkworthy(sentence: str) -> None:
    result = score_sentence(sentence)
    assert result.label == "Yes"
    assert result.score >= 0.5


@pytest.mark.parametrize("sentence", NOT_CHECKWORTHY)
def test_opinion_speculation_and_fragments_are_not(sentence: str) -> None:
    result = score_sentence(sentence)
    assert result.label == "No"
    assert result.score < 0.5


@pytest.mark.parametrize("sentence", CHECKWORTHY + NOT_CHECKWORTHY + ["", "   ", "?", "\u200b"])
def test_score_is_in_unit_interval_and_label_matches(sentence: str) -> None:
    result = score_sentence(sentence)
    assert isinstance(result, SentenceScore)
    assert 0.0 <= result.score <= 1.0
    assert result.label == ("Yes" if result.score >= 0.5 else "No")


def test_empty_sentence_scores_zero() -> None:
    assert score_sentence("") == SentenceScore(label="No", score=0.0)
    assert score_sentence(" \t ") == SentenceScore(label="No", score=0.0)


def test_adding_a_year_raises_the_score() -> None:
    plain = score_sentence("The two governments signed a trade agreement in Havana.")
    dated = score_sentence("The two governments signed a trade agreement in Havana in 2019.")
    assert dated.score > plain.score


def test_hedging_lowers_the_score() -> None:
    firm = score_sentence("The two governments signed a trade agreement in Havana.")
    for hedge in ("may have", "could have", "might have"):
        hedged = score_sentence(f"The two governments {hedge} signed a trade agreement in Havana.")
        assert hedged.score < firm.score, hedge
        assert hedged.label == "No", hedge


def test_turning_a_statement_into_a_question_lowers_the_score() -> None:
    statement = score_sentence("China invested $3 billion in Cuba in 2019.")
    question = score_sentence("Did China invest $3 billion in Cuba in 2019?")
    assert question.score < statement.score


def test_month_may_is_not_taken_for_the_verb() -> None:
    reasons = dict(explain_sentence("The presidents agreed on a plan during their meeting in May."))
    assert "speculation" not in reasons
    assert "month" in reasons


def test_explanation_names_the_cues_that_fired() -> None:
    reasons = dict(explain_sentence("The minister said the deal was signed in 1960."))
    assert {"year or date", "office or title", "reported speech", "event verb"} <= set(reasons)
    assert all(isinstance(weight, float) for weight in reasons.values())


def test_over_long_sentence_is_not_checkworthy() -> None:
    sentence = "China signed a deal with Cuba in 1960 and " * 200 + "ended."
    assert score_sentence(sentence) == SentenceScore(label="No", score=0.0)
