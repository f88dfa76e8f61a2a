from __future__ import annotations

import pytest

from sources.assessment.stance import StanceRules, assess_stance

CLAIM_1960 = (
    "Cuba was the first country in the Western Hemisphere to establish diplomatic ties with "
    "China, in 1960"
)
PASSAGE_1960 = (
    "Cuba and the People's Republic of China established diplomatic relations on 28 September "
    "1960 by signing a joint statement."
)


class DateTests:
    def test_full_date_supports_a_year_only_claim(self) -> None:
        stance = assess_stance(CLAIM_1960, PASSAGE_1960)
        assert stance.label == "supports"
        assert "28 September 1960" in stance.reason and "claim says 1960" in stance.reason

    def test_another_year_refutes(self) -> None:
        passage = (
            "Cuba and the People's Republic of China established diplomatic relations in 1959."
        )
        stance = assess_stance(CLAIM_1960, passage)
        assert stance.label == "refutes"
        assert stance.reason == "passage says 1959; claim says 1960"

    def test_a_year_of_another_event_is_not_compared(self) -> None:
        passage = (
            "Cuba and China established diplomatic relations on 28 September 1960. "
            "In September 2025 President Diaz-Canel visited a trade fair."
        )
        assert assess_stance(CLAIM_1960, passage).label == "supports"

    def test_claim_values_from_the_extractor_are_used(self) -> None:
        # Stored offsets index the article, not the claim: the value is found by its text.
        values = [{"kind": "year", "text": "1960", "value": 1960, "start": 839, "end": 843}]
        stance = assess_stance(CLAIM_1960, PASSAGE_1960, claim_values=values)
        assert stance.label == "supports"
        no_values = assess_stance(CLAIM_1960, PASSAGE_1960, claim_values=[])
        assert "1960" not in no_values.reason

    def test_a_stored_value_missing_from_the_wording_is_still_compared(self) -> None:
        values = [{"kind": "year", "text": "in 1960", "value": 1960, "start": 0, "end": 7}]
        claim = "Cuba established diplomatic ties with China that year."
        stance = assess_stance(claim, PASSAGE_1960, claim_values=values, claim_entities=[])
        assert stance.label == "supports"


class NegationTests:
    def test_passage_negating_the_claim_refutes(self) -> None:
        passage = "Cuba did not establish diplomatic relations with China in 1960."
        stance = assess_stance(CLAIM_1960, passage)
        assert stance.label == "refutes"
        assert stance.reason == "passage negates 'establish'"

    def test_claim_negating_what_the_passage_says_refutes(self) -> None:
        stance = assess_stance(
            "There is no airborne transmission of the virus.",
            "The virus spreads by airborne transmission in crowded rooms.",
        )
        assert stance.label == "refutes"
        assert "claim negates 'airborne'" in stance.reason

    def test_both_negating_agree(self) -> None:
        stance = assess_stance(
            "Masks do not prevent infection in children.",
            "Masks did not prevent infection in children in the trial.",
        )
        assert stance.label == "supports"

    def test_denials_in_different_places_do_not_conflict(self) -> None:
        stance = assess_stance(
            "The interferon response is absent in severe infection.",
            "Patients with severe infection showed a lack of interferon response.",
        )
        assert stance.label != "refutes"

    def test_antonym_refutes(self) -> None:
        stance = assess_stance(
            "The treatment increased mortality among patients.",
            "The treatment decreased mortality among hospital patients.",
        )
        assert stance.label == "refutes"
        assert "'decreased' where the claim says 'increased'" in stance.reason


class AnniversaryTests:
    CLAIM = "the meeting coincided with the 65th anniversary of diplomatic relations"

    def test_same_anniversary_supports(self) -> None:
        passage = "In 2025 Cuba and China mark the 65th anniversary of their diplomatic relations"
        stance = assess_stance(self.CLAIM, passage, reference_year=2025)
        assert stance.label == "supports"
        assert "65th anniversary" in stance.reason

    def test_founding_year_by_arithmetic(self) -> None:
        passage = "Cuba and China established diplomatic relations on 28 September 1960."
        supports = assess_stance(self.CLAIM, passage, reference_year=2025)
        assert supports.label == "supports"
        assert "places it in 1960" in supports.reason
        passage_1959 = "Cuba and China established diplomatic relations in 1959."
        assert assess_stance(self.CLAIM, passage_1959, reference_year=2025).label == "refutes"

    def test_another_anniversary_refutes(self) -> None:
        passage = "Cuba and China mark the 60th anniversary of their diplomatic relations."
        assert assess_stance(self.CLAIM, passage).label == "refutes"


class NumberTests:
    def test_rounded_claim_figure_agrees(self) -> None:
        stance = assess_stance(
            "The flood displaced 36,000 people in the province.",
            "Officials said the flood displaced 36,173 people in the province.",
        )
        assert stance.label == "supports"
        assert stance.reason == "passage says 36,173 people; claim says 36,000 people" or (
            "36,173" in stance.reason
        )

    def test_different_percentage_refutes(self) -> None:
        stance = assess_stance(
            "Unemployment in the region fell to 4% last year.",
            "Unemployment in the region fell to 6.5% last year, the office said.",
        )
        assert stance.label == "refutes"
        assert "6.5%" in stance.reason and "4%" in stance.reason

    def test_hedged_figure(self) -> None:
        stance = assess_stance(
            "More than 50% of adults in the survey reported a condition.",
            "In the survey, 56% of adults reported a condition.",
        )
        assert stance.label == "supports"

    def test_counts_of_different_things_are_not_compared(self) -> None:
        stance = assess_stance(
            "The storm destroyed 300 houses on the island.",
            "The storm on the island destroyed 120 boats.",
        )
        assert stance.label != "refutes"


class RelevanceTests:
    def test_unrelated_passage_is_neutral_even_with_numbers(self) -> None:
        passage = "The harvest in Brazil reached 3 million tonnes in 1959."
        stance = assess_stance(CLAIM_1960, passage)
        assert stance.label == "neutral"
        assert "something else" in stance.reason
        assert stance.details["related"] is False

    def test_missing_person_blocks_support_by_shared_words(self) -> None:
        claim = "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Beijing."
        passage = (
            "Chinese Minister of Public Security Wang Xiaohong met Cuban Minister of the "
            "Interior Lazaro Alberto Alvarez Casas in Beijing on 20 May 2023."
        )
        stance = assess_stance(claim, passage)
        assert stance.label == "neutral"
        assert stance.reason == "passage does not name Chen Yixin"

    def test_restatement_supports(self) -> None:
        stance = assess_stance(
            "Lazaro Alberto Alvarez Casas is Cuba's interior minister.",
            "Cuba's interior minister, Lazaro Alberto Alvarez Casas, met officials.",
        )
        assert stance.label == "supports"
        assert stance.reason.startswith("passage repeats")

    @pytest.mark.parametrize("threshold, label", [(0.5, "supports"), (0.95, "neutral")])
    def test_support_threshold_is_a_rule(self, threshold: float, label: str) -> None:
        stance = assess_stance(
            "Bats coexist with many viruses thanks to a dampened immune response.",
            "Bats coexist with many viruses; their immune response is dampened.",
            rules=StanceRules(support_overlap=threshold),
        )
        assert stance.label == label
