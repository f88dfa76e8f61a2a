from __future__ import annotations

import datetime
import itertools
import json

import pytest

from claims.extraction import Value
from claims.extraction.values import find_values, resolve_months


def kinds_and_values(sentence: str) -> list[tuple[str, str, object]]:
    return [(v.kind, v.text, v.value) for v in find_values(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Relations began in 1960.", ("year", "1960", 1960)),
        ("The 65th anniversary was marked.", ("anniversary", "65th anniversary", 65)),
        ("The sixty-fifth anniversary was marked.", ("anniversary", "sixty-fifth anniversary", 65)),
        ("She finished 3rd overall.", ("ordinal", "3rd", 3)),
        (
            "Over the past two decades it grew.",
            ("duration", "two decades", {"amount": 2, "unit": "decade", "years": 20}),
        ),
        (
            "It took three years to build.",
            ("duration", "three years", {"amount": 3, "unit": "year", "years": 3}),
        ),
        ("Prices rose 50 percent.", ("percent", "50 percent", 50.0)),
        ("Prices rose 12.5% overall.", ("percent", "12.5%", 12.5)),
        (
            "It invested $3 billion.",
            ("money", "$3 billion", {"amount": 3_000_000_000, "currency": "USD"}),
        ),
        (
            "It cost \u20ac2.5 million.",
            ("money", "\u20ac2.5 million", {"amount": 2_500_000, "currency": "EUR"}),
        ),
        ("They met in September.", ("month", "September", {"month": 9, "year": None})),
        ("They met on 28 September 1960.", ("date", "28 September 1960", "1960-09-28")),
        ("They met on September 28, 1960.", ("date", "September 28, 1960", "1960-09-28")),
        ("About 1,250 people marched.", ("count", "1,250", 1250)),
    ],
)
def test_single_value(sentence: str, expected: tuple[str, str, object]) -> None:
    assert kinds_and_values(sentence) == [expected]


def test_spans_index_the_sentence_and_respect_offset() -> None:
    sentence = "On 28 September 1960, Cuba\u2019s 65th anniversary cost $3 billion (50%)."
    for offset in (0, 17):
        text = "x" * offset + sentence
        values = find_values(sentence, offset)
        assert values
        for v in values:
            assert text[v.start : v.end] == v.text


def test_longest_value_wins_over_its_parts() -> None:
    kinds = [v.kind for v in find_values("It marked the 65th anniversary on 28 September 1960.")]
    assert kinds == ["anniversary", "date"]


def test_may_as_verb_is_not_a_month() -> None:
    assert kinds_and_values("May they agree? Cuba may sign.") == []
    assert kinds_and_values("They met in May.") == [("month", "May", {"month": 5, "year": None})]


def test_invalid_dates_are_not_dates() -> None:
    assert "date" not in {v.kind for v in find_values("It happened on 31 February 2020.")}


def test_identifiers_and_long_digit_runs_are_not_values() -> None:
    assert kinds_and_values("The COVID-19 pandemic hit.") == []
    assert kinds_and_values("Code 12345678901234567890 leaked.") == []


def test_values_are_json_serialisable() -> None:
    values = find_values("In May 1960, $3 billion, 50 percent, two decades, the 65th anniversary.")
    assert len(values) >= 5
    for v in values:
        assert isinstance(v, Value)
        json.dumps(v.to_dict())


def only_value(sentence: str) -> tuple[str, str, object]:
    found = kinds_and_values(sentence)
    assert len(found) == 1, found
    return found[0]


class YearAndDateTests:
    @pytest.mark.parametrize(
        "written",
        ["28 September 1960", "September 28, 1960", "Sept. 28, 1960", "28th of September 1960",
         "Sep 28 1960", "1960-09-28"],
    )  # fmt: skip
    def test_common_date_forms_normalise_to_iso(self, written: str) -> None:
        assert only_value(f"They met on {written} in Havana.") == ("date", written, "1960-09-28")

    def test_a_year_is_an_int(self) -> None:
        assert only_value("Ties were set up in 1960.") == ("year", "1960", 1960)

    def test_a_decade_is_a_year_range(self) -> None:
        kind, text, value = only_value("It was common in the 1960s.")
        assert (kind, text) == ("year", "1960s")
        assert value == {"decade": 1960, "from": 1960, "to": 1969}

    def test_a_year_inside_a_date_is_not_reported_twice(self) -> None:
        assert [v.kind for v in find_values("On 2025-05-09 and in 2024 they met.")] == [
            "date",
            "year",
        ]


class MonthTests:
    def test_month_with_year_day_or_neither(self) -> None:
        assert kinds_and_values("It began in May 1960, ended on May 5 and again on 7 June.") == [
            ("month", "May 1960", {"month": 5, "year": 1960}),
            ("month", "May 5", {"month": 5, "year": None, "day": 5}),
            ("month", "7 June", {"month": 6, "year": None, "day": 7}),
        ]

    def test_last_and_next_are_kept_in_the_span(self) -> None:
        assert kinds_and_values("Talks failed last May and resume next November.") == [
            ("month", "last May", {"month": 5, "year": None, "relative": "last"}),
            ("month", "next November", {"month": 11, "year": None, "relative": "next"}),
        ]

    def test_may_as_a_name_or_verb_is_not_a_month(self) -> None:
        assert kinds_and_values("Theresa May said they may meet.") == []
        assert kinds_and_values("The deal, signed in early May, held.")[0][1] == "May"

    def test_impossible_days_are_not_month_days(self) -> None:
        assert "day" not in str(kinds_and_values("They met on June 31 in Rome."))


def month_values(sentence: str) -> list[Value]:
    return [v for v in find_values(sentence) if v.kind == "month"]


class ResolveMonthsTests:
    ARTICLE_DATE = datetime.date(2025, 9, 26)

    def resolved(
        self,
        sentence: str,
        *,
        article_date: datetime.date | None = None,
        reference_year: int | None = None,
    ) -> list[object]:
        values = resolve_months(
            month_values(sentence), article_date=article_date, reference_year=reference_year
        )
        return [v.value for v in values]

    def test_article_date_gives_the_most_recent_such_month(self) -> None:
        may, november = self.resolved(
            "They met in May and again in November.", article_date=self.ARTICLE_DATE
        )
        assert may == {"month": 5, "year": 2025, "resolved_by": "article date"}
        assert november == {"month": 11, "year": 2024, "resolved_by": "article date"}

    def test_the_article_month_itself_is_this_year(self) -> None:
        (september,) = self.resolved("They met in September.", article_date=self.ARTICLE_DATE)
        assert isinstance(september, dict) and september["year"] == 2025

    def test_last_and_next_move_away_from_the_article_month(self) -> None:
        last, following = self.resolved(
            "It failed last September and resumes next September.",
            article_date=self.ARTICLE_DATE,
        )
        assert isinstance(last, dict) and last["year"] == 2024
        assert isinstance(following, dict) and following["year"] == 2026

    def test_reference_year_when_there_is_no_article_date(self) -> None:
        (may,) = self.resolved("They met in May.", reference_year=2025)
        assert may == {"month": 5, "year": 2025, "resolved_by": "article years"}

    def test_article_date_wins_over_reference_year(self) -> None:
        (november,) = self.resolved(
            "They met in November.", article_date=self.ARTICLE_DATE, reference_year=2030
        )
        assert isinstance(november, dict) and november["year"] == 2024

    def test_without_either_the_year_stays_unknown(self) -> None:
        assert self.resolved("They met in May.") == [
            {"month": 5, "year": None, "resolved_by": None}
        ]
        (last,) = self.resolved("They met last May.", reference_year=2025)
        assert isinstance(last, dict) and last["year"] is None

    def test_a_month_day_gains_an_iso_date(self) -> None:
        (day,) = self.resolved("They met on May 9.", article_date=self.ARTICLE_DATE)
        assert isinstance(day, dict) and day["date"] == "2025-05-09"

    def test_other_values_and_dated_months_are_untouched(self) -> None:
        values = find_values("In May 1960, 65 percent agreed; the 1960s followed.")
        assert resolve_months(values, article_date=self.ARTICLE_DATE, reference_year=None) == (
            values
        )

    def test_the_input_is_not_modified(self) -> None:
        values = month_values("They met in May.")
        before = [v.to_dict() for v in values]
        resolve_months(values, article_date=self.ARTICLE_DATE, reference_year=None)
        assert [v.to_dict() for v in values] == before


class OrdinalTests:
    @pytest.mark.parametrize(
        ("sentence", "text", "number"),
        [
            ("It was the 3rd time.", "3rd", 3),
            ("It was the fifth time.", "fifth", 5),
            ("In the twentieth century.", "twentieth", 20),
            ("The twenty-first summit.", "twenty-first", 21),
            ("She won a second term.", "second", 2),
            ("Cuba was the first country to do so.", "first", 1),
        ],
    )
    def test_ordinals(self, sentence: str, text: str, number: int) -> None:
        assert only_value(sentence) == ("ordinal", text, number)

    def test_a_second_of_time_is_a_duration(self) -> None:
        assert only_value("Wait a second.")[0] == "duration"

    def test_anniversary_wins_over_its_ordinal(self) -> None:
        assert only_value("They marked the sixty-fifth anniversary.") == (
            "anniversary",
            "sixty-fifth anniversary",
            65,
        )


class DurationTests:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("two decades", {"amount": 2, "unit": "decade", "years": 20}),
            ("a decade", {"amount": 1, "unit": "decade", "years": 10}),
            ("18 months", {"amount": 18, "unit": "month", "years": 1.5}),
            ("half a century", {"amount": 0.5, "unit": "century", "years": 50}),
            ("a quarter of a century", {"amount": 0.25, "unit": "century", "years": 25}),
            ("three weeks", {"amount": 3, "unit": "week", "days": 21}),
            ("10 more hours", {"amount": 10, "unit": "hour"}),
        ],
    )
    def test_durations_keep_their_unit(self, text: str, value: dict[str, object]) -> None:
        assert only_value(f"It lasted {text} in all.") == ("duration", text, value)

    def test_a_rate_is_not_a_duration(self) -> None:
        assert [v.kind for v in find_values("It pays \u00a32,100 a year, twice a year.")] == [
            "money"
        ]


class PercentTests:
    @pytest.mark.parametrize(
        ("text", "number"),
        [("50 percent", 50.0), ("50%", 50.0), ("50 per cent", 50.0), ("fifty percent", 50.0),
         ("twenty-five per cent", 25.0), ("half of one percent", 0.5)],
    )  # fmt: skip
    def test_percentages_are_floats(self, text: str, number: float) -> None:
        assert only_value(f"Support stood at {text} overall.") == ("percent", text, number)

    def test_percentage_points_are_marked(self) -> None:
        assert only_value("Support fell 3.5 percentage points.") == (
            "percent",
            "3.5 percentage points",
            {"amount": 3.5, "unit": "percentage point"},
        )


class MoneyTests:
    @pytest.mark.parametrize(
        ("text", "amount", "currency"),
        [
            ("$3 billion", 3_000_000_000, "USD"),
            ("\u20ac2.5m", 2_500_000, "EUR"),
            ("\u00a340,000", 40_000, "GBP"),
            ("3 billion dollars", 3_000_000_000, "USD"),
            ("three billion dollars", 3_000_000_000, "USD"),
            ("1.2 trillion yuan", 1_200_000_000_000, "CNY"),
            ("US$5 million", 5_000_000, "USD"),
            ("Rs 10 crore", 100_000_000, "INR"),
            ("5 million Canadian dollars", 5_000_000, "CAD"),
            ("2 million pounds", 2_000_000, "GBP"),
        ],
    )
    def test_money_has_amount_and_currency(self, text: str, amount: int, currency: str) -> None:
        assert only_value(f"The deal was worth {text} at the time.") == (
            "money",
            text,
            {"amount": amount, "currency": currency},
        )

    def test_pounds_without_a_multiplier_may_be_weight(self) -> None:
        assert only_value("He weighs 200 pounds.")[0] == "count"


class CountTests:
    @pytest.mark.parametrize(
        ("text", "number"),
        [("1,200", 1200), ("two million", 2_000_000), ("1.2 million", 1_200_000),
         ("twenty", 20), ("about 2000", 2000)],
    )  # fmt: skip
    def test_counts(self, text: str, number: int) -> None:
        (found,) = [v for v in find_values(f"Police said {text} people marched.")]
        assert (found.kind, found.value) == ("count", number)
        assert text.endswith(found.text)

    @pytest.mark.parametrize(
        "sentence",
        [
            "Dozens of people and hundreds of police marched.",
            "The two nations signed three deals.",
            "Call 555-123-4567 or +1 202 555 0123 today.",
            "The Boeing 737 and Article 5 were discussed.",
            "The code 12345678 leaked.",
        ],
    )
    def test_not_counts(self, sentence: str) -> None:
        assert "count" not in {v.kind for v in find_values(sentence)}

    def test_years_ordinals_and_dates_are_not_counts(self) -> None:
        kinds = [v.kind for v in find_values("In 2024, the 3rd vote on 5 May 2024 passed.")]
        assert kinds == ["year", "ordinal", "date"]

    def test_a_year_before_a_noun_is_a_year(self) -> None:
        assert only_value("The 2024 election was close.") == ("year", "2024", 2024)


@pytest.mark.parametrize(
    "sentence",
    [
        "On 28 September 1960, 1,200 people paid $3 billion (50%) for the 65th anniversary.",
        "Sept. 28, 1960 to May 5: two decades, 18 months, half a century, 3.5 percentage points.",
        "Rs 10 crore, US$5 million, 2019-2020, 555-123-4567, the 1960s and next May.",
    ],
)
def test_values_never_overlap(sentence: str) -> None:
    values = find_values(sentence)
    assert values
    for a, b in itertools.pairwise(values):
        assert a.end <= b.start
    for v in values:
        assert sentence[v.start : v.end] == v.text
