from __future__ import annotations

import math

import pytest

from claims.extraction import SentenceScore, explain_sentence, extract_claims, score_sentence
from claims.extraction.model import shipped_model, sigmoid
from claims.extraction.scoring import ARTICLE_RULES, MODEL_CUE, cue_names, sentence_cues

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
    firm_sentence = "The two governments signed a trade agreement in Havana."
    firm = score_sentence(firm_sentence)
    assert extract_claims(firm_sentence)
    for hedge in ("may have", "could have", "might have"):
        sentence = f"The two governments {hedge} signed a trade agreement in Havana."
        hedged = score_sentence(sentence)
        assert hedged.score < firm.score, hedge
        assert "speculation" in dict(explain_sentence(sentence)), hedge
        # `score` judges sentences alone with the learned weights (debates hardly hedge, so
        # the learned speculation weight is small); in article prose the desk's fixed
        # speculation penalty applies and the hedged sentence is not a claim.
        assert extract_claims(sentence) == [], hedge


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


# --- how the score is made ---------------------------------------------------------------------


EXPLAINED = [
    "The minister said the deal was signed in 1960.",
    "Xi Jinping met Miguel Diaz-Canel, Raul Castro and Chen Yixin in Beijing in May.",
    "Cuba was the first country in the Western Hemisphere to recognise China.",
    "The partnership could be far-reaching and may reshape the region.",
    "Will the two nations seek to deepen ties?",
]


@pytest.mark.parametrize("sentence", EXPLAINED)
def test_score_is_the_sigmoid_of_the_explained_logits(sentence: str) -> None:
    model = shipped_model()
    reasons = explain_sentence(sentence)
    name, share = reasons[0]
    assert name == MODEL_CUE
    # The model's share: its calibrated logit, rescaled by the learned stacking weights.
    expected = model.cue_scale * model.calibrated_logit(sentence) + model.cue_bias
    assert share == pytest.approx(expected, abs=1e-4)
    # Every other entry is a desk cue with its learned weight (logit units), from the model file.
    for cue, weight in reasons[1:]:
        assert weight == model.cue_weights.get(cue, 0.0), cue
    total = sum(weight for _name, weight in reasons)
    assert score_sentence(sentence).score == pytest.approx(round(sigmoid(total), 4), abs=1e-4)


def test_without_cues_the_score_is_the_calibrated_model_alone() -> None:
    sentence = EXPLAINED[0]
    reasons = explain_sentence(sentence, cues=False)
    assert [name for name, _w in reasons] == [MODEL_CUE]
    logit = shipped_model().calibrated_logit(sentence)
    assert reasons[0][1] == pytest.approx(logit, abs=1e-4)
    assert score_sentence(sentence, cues=False).score == pytest.approx(sigmoid(logit), abs=1e-4)


def test_cue_weights_are_learned_logit_units() -> None:
    weights = shipped_model().cue_weights
    assert weights  # shipped in the model file
    assert all(math.isfinite(w) and abs(w) < 10 for w in weights.values())
    # Questions are rarely check-worthy claims in the training debates.
    assert weights["question"] < 0
    # The article rules are fixed desk penalties, separate from the learned weights.
    assert set(ARTICLE_RULES) <= set(weights)
    assert all(penalty < 0 for penalty in ARTICLE_RULES.values())


def test_cue_names_count_named_entities() -> None:
    names = cue_names("Chen met Alvarez in Beijing.", [], {"Alvarez", "Beijing"})
    assert "named entities: 2" in names
    assert "event verb" in names
    many = cue_names("Chen met A, B, C and D.", [], {"A", "B", "C", "D"})
    assert "named entities: 3" in many  # capped at three
    assert not any(n.startswith("named entities") for n in cue_names("It rained a lot.", [], set()))
    reasons = dict(
        explain_sentence("Xi Jinping met Miguel Diaz-Canel, Raul Castro and Chen Yixin in Beijing.")
    )
    assert "named entities: 3" in reasons


@pytest.mark.parametrize("sentence", EXPLAINED)
def test_run_time_cues_are_the_cues_training_saw(sentence: str) -> None:
    # Training fits the cue weights on sentence_cues(); the scorer must fire the same cues.
    assert [name for name, _w in explain_sentence(sentence)[1:]] == sentence_cues(sentence)
