from __future__ import annotations

import datetime
import json
from collections.abc import Sequence

import pytest

from claims.extraction import ExtractedClaim, extract_claims
from claims.extraction.consistency import (
    check_anniversaries,
    check_consistency,
    check_durations,
    check_percent_sums,
    check_titles,
    reference_year,
)
from claims.extraction.entities import find_entities
from claims.extraction.records import Finding
from claims.extraction.values import find_values


def article(*sentences: str) -> list[ExtractedClaim]:
    """One claim per sentence, as the pipeline would build them (offsets into the joined text)."""
    claims: list[ExtractedClaim] = []
    pos = 0
    for sentence in sentences:
        claims.append(
            ExtractedClaim(
                text=sentence,
                sentence=sentence,
                start=pos,
                end=pos + len(sentence),
                type="other",
                checkworthiness=1.0,
                entities=tuple(find_entities(sentence, pos)),
                values=tuple(find_values(sentence, pos)),
            )
        )
        pos += len(sentence) + 1
    return claims


def kinds(findings: Sequence[Finding]) -> list[str]:
    return [f.kind for f in findings]


def value_of(finding: Finding) -> dict[str, object]:
    assert isinstance(finding.value, dict)
    return finding.value


MEETING = "Chen Yixin met Lazaro Alberto Alvarez Casas in Beijing."
ANNIVERSARY = (
    "This meeting, which coincided with the 65th anniversary of diplomatic relations between "
    "the two nations, underscores a commitment to intelligence sharing."
)
FOUNDING = (
    "Cuba was the first country in the Western Hemisphere to establish diplomatic ties with "
    "China in 1960."
)


class SeedTests:
    def test_the_seed_gives_exactly_the_anniversary_year(self, seed_source: str) -> None:
        claims = extract_claims(seed_source)
        findings = check_consistency(claims)
        assert kinds(findings) == ["anniversary_year"]
        (finding,) = findings
        assert finding.severity == "info"
        assert finding.value == {"year": 2025, "founded": 1960, "anniversary": 65}
        anniversary, founding = (claims[i] for i in finding.claims)
        assert "65th anniversary" in anniversary.sentence
        assert "in 1960" in founding.sentence
        assert "2025" in finding.message and "1960" in finding.message
        json.dumps(finding.to_dict())

    def test_the_seed_dated_in_2025_has_no_conflict(self, seed_source: str) -> None:
        findings = check_consistency(
            extract_claims(seed_source), article_date=datetime.date(2025, 9, 26)
        )
        assert "conflict" not in {f.severity for f in findings}

    def test_reference_year_of_the_seed(self, seed_source: str) -> None:
        claims = extract_claims(seed_source)
        assert reference_year(claims, check_consistency(claims), None) == 2025


class AnniversaryTests:
    def test_founding_in_another_claim(self) -> None:
        claims = article(MEETING, ANNIVERSARY, "It was a busy week.", FOUNDING)
        (finding,) = check_anniversaries(claims)
        assert finding.claims == (1, 3)
        assert value_of(finding)["year"] == 2025

    def test_founding_in_the_same_claim(self) -> None:
        claims = article("NATO, founded in 1949, marked the 75th anniversary of the alliance.")
        (finding,) = check_anniversaries(claims)
        assert finding.claims == (0,)
        assert finding.value == {"year": 2024, "founded": 1949, "anniversary": 75}

    def test_the_subject_must_match(self) -> None:
        claims = article("The rally marked the 65th anniversary of the revolution.", FOUNDING)
        assert check_anniversaries(claims) == []

    def test_a_year_without_a_founding_word_is_not_a_founding(self) -> None:
        claims = article(ANNIVERSARY, "Diplomatic relations were tense in 1990.")
        assert check_anniversaries(claims) == []

    def test_an_explicit_other_year_in_the_claim_conflicts(self) -> None:
        claims = article(
            "In 2023, the ministers met on the 65th anniversary of diplomatic relations.", FOUNDING
        )
        info, conflict = check_anniversaries(claims)
        assert info.kind == "anniversary_year"
        assert (conflict.kind, conflict.severity) == ("anniversary_conflict", "conflict")
        assert conflict.claims == (0, 1)
        assert value_of(conflict)["other_year"] == 2023
        assert "2023" in conflict.message and "2025" in conflict.message

    def test_the_event_this_meeting_refers_to_may_conflict(self) -> None:
        claims = article(
            "Chen Yixin met Lazaro Alberto Alvarez Casas in Beijing in 2023.",
            ANNIVERSARY,
            FOUNDING,
        )
        conflicts = [f for f in check_anniversaries(claims) if f.severity == "conflict"]
        assert [f.claims for f in conflicts] == [(0, 1, 2)]
        assert value_of(conflicts[0])["other_year"] == 2023

    def test_years_after_since_are_not_the_event_year(self) -> None:
        claims = article(
            "Chen Yixin, in office since 2018, met Alvarez in Beijing.", ANNIVERSARY, FOUNDING
        )
        assert kinds(check_anniversaries(claims)) == ["anniversary_year"]

    @pytest.mark.parametrize(("year", "conflict"), [(2025, False), (2024, False), (2019, True)])
    def test_article_date_more_than_a_year_away_conflicts(self, year: int, conflict: bool) -> None:
        claims = article(ANNIVERSARY, FOUNDING)
        findings = check_anniversaries(claims, article_date=datetime.date(year, 6, 1))
        assert ("anniversary_conflict" in kinds(findings)) is conflict
        if conflict:
            assert value_of(findings[-1])["article_year"] == year


INVESTED = "Over the past two decades, China has invested heavily in the region."


class DurationTests:
    def test_the_start_is_counted_back_from_the_article_date(self) -> None:
        (finding,) = check_durations(article(INVESTED), article_date=datetime.date(2025, 9, 26))
        assert finding.kind == "duration_start"
        assert finding.value == {
            "start": 2005,
            "years": 20.0,
            "now": 2025,
            "now_from": "article date",
        }

    def test_or_from_a_reference_year(self) -> None:
        (finding,) = check_durations(article(INVESTED), reference_year=2020)
        assert value_of(finding)["start"] == 2000
        assert value_of(finding)["now_from"] == "reference year"

    def test_without_a_date_nothing_is_placed(self) -> None:
        assert check_durations(article(INVESTED)) == []

    def test_ago_places_the_event(self) -> None:
        claims = article("Two decades ago, China signed its first loan to the region.")
        (finding,) = check_durations(claims, article_date=datetime.date(2025, 1, 1))
        assert value_of(finding)["start"] == 2005
        assert "event" in finding.message

    def test_a_duration_without_past_or_ago_is_not_placed(self) -> None:
        claims = article("The loan runs for two decades.")
        assert check_durations(claims, article_date=datetime.date(2025, 1, 1)) == []

    def test_since_for_the_same_subject_conflicts(self) -> None:
        claims = article(
            INVESTED, "Cuba faced protests.", "China has invested in the region since 2015."
        )
        findings = check_durations(claims, article_date=datetime.date(2025, 1, 1))
        assert kinds(findings) == ["duration_start", "duration_conflict"]
        assert findings[1].claims == (0, 2)
        assert value_of(findings[1])["since"] == 2015

    def test_since_for_another_subject_or_a_matching_year_does_not(self) -> None:
        claims = article(
            INVESTED,
            "Cuba has faced protests since 2015.",
            "China has invested in the region since 2006.",
        )
        findings = check_durations(claims, article_date=datetime.date(2025, 1, 1))
        assert kinds(findings) == ["duration_start"]


class PercentSumTests:
    @pytest.mark.parametrize(
        ("sentence", "total"),
        [
            ("In the referendum, 54% voted yes and 52% voted no.", 106.0),
            ("Of those asked, 30% of voters said yes, 40% said no and 45% were undecided.", 115.0),
        ],
    )
    def test_shares_over_100_conflict(self, sentence: str, total: float) -> None:
        (finding,) = check_percent_sums(article(sentence))
        assert (finding.kind, finding.severity) == ("percent_sum", "conflict")
        assert value_of(finding)["total"] == total

    @pytest.mark.parametrize(
        "sentence",
        [
            "In the referendum, 54% voted yes and 46% voted no.",
            "In the referendum, 50.5% voted yes and 50.4% voted no.",
            "In all, 54% of men and 52% of women voted yes.",
            "Support rose from 40% to 70% in a year.",
            "Turnout was 60%, with 52% yes and 48% no.",
            "Inflation is 5% and unemployment is 98%.",
        ],
    )
    def test_other_percentages_do_not(self, sentence: str) -> None:
        assert check_percent_sums(article(sentence)) == []


class TitleTests:
    def test_two_titles_for_one_person_conflict(self) -> None:
        claims = article(
            "Chen Yixin, China\u2019s state security chief, met Alvarez in Beijing.",
            "Cuba faced protests.",
            "Chen Yixin, the foreign minister, praised the deal.",
        )
        (finding,) = check_titles(claims)
        assert (finding.kind, finding.severity) == ("title_conflict", "conflict")
        assert finding.claims == (0, 2)
        assert finding.value == {
            "person": "Chen Yixin",
            "titles": ["state security chief", "foreign minister"],
        }

    def test_a_surname_stands_for_the_full_name(self) -> None:
        claims = article(
            "Chen Yixin, China\u2019s state security chief, met Alvarez.",
            "Chen, the foreign minister, praised the deal.",
        )
        assert [value_of(f)["person"] for f in check_titles(claims)] == ["Chen Yixin"]

    @pytest.mark.parametrize(
        "second",
        [
            "Chen Yixin, the former foreign minister, praised the deal.",
            "Minister of State Security Chen Yixin praised the deal.",
            "Chen Yixin, the security chief, praised the deal.",
        ],
    )
    def test_former_and_compatible_titles_do_not(self, second: str) -> None:
        claims = article("Chen Yixin, China\u2019s state security chief, met Alvarez.", second)
        assert check_titles(claims) == []

    def test_vice_president_is_not_president(self) -> None:
        claims = article("President Joe Biden spoke.", "Vice President Joe Biden left.")
        assert kinds(check_titles(claims)) == ["title_conflict"]

    def test_the_same_title_twice_is_fine(self) -> None:
        claims = article(
            "President Xi Jinping spoke.",
            "Cuban President Miguel Diaz-Canel met President Xi Jinping.",
        )
        assert check_titles(claims) == []


class CheckConsistencyTests:
    def test_findings_are_ordered_and_index_the_claims(self) -> None:
        claims = article(
            "In the referendum, 54% voted yes and 52% voted no.",
            ANNIVERSARY,
            FOUNDING,
            INVESTED,
            "Chen Yixin, China\u2019s state security chief, met Alvarez.",
            "Chen Yixin, the foreign minister, praised the deal.",
        )
        findings = check_consistency(claims, article_date=datetime.date(2025, 5, 1))
        assert kinds(findings) == [
            "percent_sum",
            "anniversary_year",
            "duration_start",
            "title_conflict",
        ]
        for finding in findings:
            assert all(0 <= i < len(claims) for i in finding.claims)
            json.dumps(finding.to_dict())

    def test_an_empty_article_has_no_findings(self) -> None:
        assert check_consistency([]) == []


class ReferenceYearTests:
    def test_the_article_date_wins(self) -> None:
        claims = article(ANNIVERSARY, FOUNDING)
        findings = check_consistency(claims)
        assert reference_year(claims, findings, datetime.date(2031, 1, 1)) == 2031

    def test_from_the_anniversary(self) -> None:
        claims = article(ANNIVERSARY, FOUNDING)
        assert reference_year(claims, check_consistency(claims), None) == 2025

    def test_unknown_when_nothing_places_it_or_the_article_disagrees(self) -> None:
        assert reference_year([], [], None) is None
        claims = article(
            "In 2023, the ministers met on the 65th anniversary of diplomatic relations.", FOUNDING
        )
        assert reference_year(claims, check_consistency(claims), None) is None


class PercentWholesTests:
    """Shares of differently qualified wholes are not summed."""

    def test_shares_of_two_qualified_groups_are_not_one_whole(self) -> None:
        from claims.extraction.pipeline import extract_article

        text = (
            "According to the CDC, 81% of overweight boys and 71% of overweight girls "
            "believe they are just the right weight."
        )
        findings = extract_article(text, threshold=0.0).findings
        assert [f for f in findings if f.kind == "percent_sum"] == []

    def test_shares_of_the_same_group_still_add_up(self) -> None:
        from claims.extraction.pipeline import extract_article

        text = (
            "In the poll, 64% of registered voters said yes and 52% of registered voters said no."
        )
        findings = extract_article(text, threshold=0.0).findings
        assert [f.kind for f in findings] == ["percent_sum"]
        assert findings[0].value == {"percents": [64.0, 52.0], "total": 116.0}
