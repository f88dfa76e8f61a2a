from __future__ import annotations

import pytest

from claims.extraction.atomic import split_statements
from claims.extraction.entities import find_entities
from claims.extraction.records import Statement
from claims.extraction.text import is_heading, split_sentences
from tests.hangs import no_hang

SEED_OPENING = (
    "In a significant diplomatic move, Chen Yixin, China\u2019s state security chief, recently "
    "met with Lazaro Alberto Alvarez Casas, Cuba\u2019s interior minister, in Beijing."
)
SEED_MEETING = (
    "This meeting, which coincided with the 65th anniversary of diplomatic relations between "
    "the two nations, underscores a commitment to enhanced intelligence sharing aimed at "
    "bolstering social stability in Cuba."
)


def split(sentence: str, prefix: str = "") -> list[Statement]:
    """Split ``sentence`` placed after ``prefix`` in a larger text."""
    text = prefix + sentence + " Next sentence here."
    start, end = len(prefix), len(prefix) + len(sentence)
    return split_statements(text, start, end, find_entities(sentence, start))


def texts(sentence: str) -> list[str]:
    return [s.text for s in split(sentence)]


class SeedSentenceTests:
    def test_appositions_become_statements_of_their_own(self) -> None:
        assert texts(SEED_OPENING) == [
            "Chen Yixin is China\u2019s state security chief.",
            "Lazaro Alberto Alvarez Casas is Cuba\u2019s interior minister.",
            "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Beijing.",
        ]

    def test_apposition_spans_cover_name_and_title_main_span_the_sentence(self) -> None:
        prefix = "Headline\n"
        text = prefix + SEED_OPENING + " Next sentence here."
        statements = split(SEED_OPENING, prefix)
        spans = [text[s.start : s.end] for s in statements]
        assert spans == [
            "Chen Yixin, China\u2019s state security chief",
            "Lazaro Alberto Alvarez Casas, Cuba\u2019s interior minister",
            SEED_OPENING,
        ]

    def test_relative_clause_on_the_subject(self) -> None:
        assert texts(SEED_MEETING) == [
            "This meeting coincided with the 65th anniversary of diplomatic relations between "
            "the two nations.",
            "This meeting underscores a commitment to enhanced intelligence sharing aimed at "
            "bolstering social stability in Cuba.",
        ]

    @pytest.mark.parametrize(
        "sentence",
        [
            "Over the past two decades, China has invested heavily in the region, providing "
            "loans, infrastructure development, and trade partnerships.",
            "Cuba holds a unique position in the history of Sino-Latin American relations, being "
            "the first country in the Western Hemisphere to establish diplomatic ties with China "
            "in 1960.",
            "The evolving dynamics between China, Cuba, and the United States will undoubtedly "
            "shape the future of diplomatic relations in the region, as both countries navigate "
            "the challenges and opportunities that lie ahead.",
            "During the meeting, Chen emphasized the importance of collaboration in intelligence "
            "and security, stating that China is prepared to work closely with Cuba to implement "
            "the agreements reached between President Xi Jinping and Cuban President Miguel "
            "Diaz-Canel Bermúdez during their meeting in May.",
        ],
    )
    def test_sentences_that_assert_one_thing_stay_whole(self, sentence: str) -> None:
        statements = split(sentence)
        assert len(statements) == 1
        assert statements[0].text == sentence
        assert (statements[0].start, statements[0].end) == (0, len(sentence))

    def test_titles_before_names_are_left_alone(self) -> None:
        statements = texts(
            "During the meeting, Chen emphasized the importance of collaboration in intelligence "
            "and security, stating that China is prepared to work closely with Cuba to implement "
            "the agreements reached between President Xi Jinping and Cuban President Miguel "
            "Diaz-Canel Bermúdez during their meeting in May."
        )
        assert "President Xi Jinping" in statements[0]
        assert not any(" is President" in s or "Xi Jinping is" in s for s in statements)


class AppositionTests:
    def test_the_former_office_of_a_place(self) -> None:
        assert texts(
            "John Smith, the former mayor of Springfield, opened the library in 2019."
        ) == [
            "John Smith is the former mayor of Springfield.",
            "John Smith opened the library in 2019.",
        ]

    def test_reversed_apposition_title_first(self) -> None:
        sentence = (
            "Cuba\u2019s interior minister, Lazaro Alberto Alvarez Casas, met Chen Yixin in "
            "Beijing."
        )
        assert texts(sentence) == [
            "Lazaro Alberto Alvarez Casas is Cuba\u2019s interior minister.",
            "Lazaro Alberto Alvarez Casas met Chen Yixin in Beijing.",
        ]

    def test_apposition_at_the_end_of_the_sentence(self) -> None:
        assert texts("The deal was signed by Maria Lopez, a deputy minister of trade.") == [
            "Maria Lopez is a deputy minister of trade.",
            "The deal was signed by Maria Lopez.",
        ]

    def test_according_to_keeps_its_comma(self) -> None:
        result = texts(
            "\u201cIt will work,\u201d said Anna Berg, a doctor who treated him, according to the "
            "agency."
        )
        assert result == [
            "Anna Berg is a doctor who treated him.",
            "\u201cIt will work,\u201d said Anna Berg, according to the agency.",
        ]

    @pytest.mark.parametrize(
        "sentence",
        [
            # A list of names, not a description.
            "Officials from Cuba, the United States and Mexico attended the summit in 2019.",
            # "the report said" is a clause, not an apposition.
            "Maria Lopez, the report said, resigned in March 2020.",
            # The comma before "and" may close a list item.
            "The minister met Maria Lopez, the party leader, and John Roe in Madrid.",
            # "Nova Scotia" continues a place name, not the sentence.
            "He is the son of John Smith, a minister from Pictou County, Nova Scotia, and Mary.",
            # A verb right after the comma: a clause.
            "The former head of the firm, Elizabeth Kress, served as president from 2019 to 2021.",
        ],
    )
    def test_no_apposition_where_the_commas_mean_something_else(self, sentence: str) -> None:
        assert texts(sentence) == [sentence]


class RelativeClauseTests:
    def test_who_after_the_subject(self) -> None:
        assert texts(
            "The senator, who chaired the committee for a decade, resigned on Friday."
        ) == [
            "The senator chaired the committee for a decade.",
            "The senator resigned on Friday.",
        ]

    def test_who_after_a_person_later_in_the_sentence(self) -> None:
        assert texts("The award went to Maria Lopez, who is a nurse in Madrid.") == [
            "Maria Lopez is a nurse in Madrid.",
            "The award went to Maria Lopez.",
        ]

    def test_which_with_an_object_is_not_split(self) -> None:
        sentence = "The plan, which critics oppose, was approved in March."
        assert texts(sentence) == [sentence]

    def test_a_list_of_predicates_after_who_is_not_cut_short(self) -> None:
        sentence = (
            "The record is held by Stanley Reed, who was born in 1884, joined the court in 1938 "
            "and died in 1980."
        )
        assert texts(sentence) == [sentence]


class CoordinationTests:
    def test_two_independent_clauses(self) -> None:
        sentence = "The ministry raised taxes in 2020, and the bank lowered interest rates in 2021."
        statements = split(sentence)
        assert [s.text for s in statements] == [
            "The ministry raised taxes in 2020.",
            "The bank lowered interest rates in 2021.",
        ]
        assert (statements[0].start, statements[1].end) == (0, len(sentence))
        assert sentence[statements[1].start :].startswith("the bank")

    def test_shared_subject_with_two_full_predicates(self) -> None:
        assert texts("The company hired 1,000 workers and opened three factories in Ohio.") == [
            "The company hired 1,000 workers.",
            "The company opened three factories in Ohio.",
        ]

    def test_a_fact_carrying_adverbial_goes_with_both_clauses(self) -> None:
        assert texts(
            "In 2019, the ministry raised taxes, and the bank lowered interest rates."
        ) == [
            "In 2019, the ministry raised taxes.",
            "In 2019, the bank lowered interest rates.",
        ]

    @pytest.mark.parametrize(
        "sentence",
        [
            "China has provided loans, infrastructure development, and trade partnerships.",
            "Talks between Russia and Ukraine resumed on 3 March 2022.",
            "The company hired 1,000 workers in 2021.",
            "He said the economy grew by 3% and unemployment fell.",
            "\u201cThe economy grew, and jobs were created,\u201d the minister said.",
            "The bill was passed by the House and signed by the president.",
            "The army had failed to find the child but returned after a cry was heard, the "
            "newspaper said.",
            "She visited Paris, Berlin, and Rome, and met the leaders of France and Italy.",
        ],
    )
    def test_lists_quotes_between_and_attributions_do_not_split(self, sentence: str) -> None:
        assert texts(sentence) == [sentence]


class AdverbialTests:
    def test_an_empty_framing_phrase_is_dropped(self) -> None:
        statements = split("In a surprising move, the council approved the budget in May.")
        assert [s.text for s in statements] == ["The council approved the budget in May."]
        assert statements[0].start == 0  # the span is still the whole sentence

    def test_discourse_markers_are_dropped(self) -> None:
        assert texts("However, the council approved the budget in May.") == [
            "The council approved the budget in May."
        ]

    @pytest.mark.parametrize(
        "sentence",
        [
            "In 1960, Cuba established diplomatic ties with China.",
            "During the meeting, Chen emphasized the importance of collaboration.",
            "This week, the council approved the budget.",
        ],
    )
    def test_adverbials_that_carry_a_fact_are_kept(self, sentence: str) -> None:
        assert texts(sentence) == [sentence]


class StatementContractTests:
    def test_whitespace_is_collapsed_and_offsets_index_the_input(self) -> None:
        text = "Intro.  Maria Lopez,\u00a0a deputy minister,\n  resigned   in May. Tail."
        start = text.index("Maria")
        end = text.index(" Tail")
        statements = split_statements(text, start, end, find_entities(text[start:end], start))
        assert [s.text for s in statements] == [
            "Maria Lopez is a deputy minister.",
            "Maria Lopez resigned in May.",
        ]
        assert text[statements[0].start : statements[0].end].startswith("Maria Lopez,")

    def test_spans_are_inside_the_sentence_and_trimmed(self) -> None:
        for sentence in (SEED_OPENING, SEED_MEETING, "Prices rose, and wages fell sharply."):
            text = "A. " + sentence + " B."
            start, end = 3, 3 + len(sentence)
            for s in split_statements(text, start, end, find_entities(sentence, start)):
                assert start <= s.start < s.end <= end
                span = text[s.start : s.end]
                assert span == span.strip(" ,")
                assert s.text.endswith((".", ".\u201d"))

    def test_empty_and_blank_ranges(self) -> None:
        assert split_statements("   ", 0, 3, []) == []
        assert split_statements("Hi there.", 0, 0, []) == []

    def test_linear_time_on_hostile_sentences(self) -> None:
        hostile = [
            "a, " * 600 + "b.",
            "The man met the team and " * 70 + "left.",
            "Smith, the minister, and Jones, who met X, " * 40 + "said.",
            "\u201c" * 500 + ", which " * 100,
        ]
        # Linear time is measured by bench/extract.py; here only that nothing runs away.
        with no_hang(60):
            for sentence in hostile:
                statements = split_statements(sentence, 0, len(sentence), find_entities(sentence))
                assert statements


class RealProseTests:
    def test_every_seed_sentence_gives_well_formed_statements(self, seed_source: str) -> None:
        for start, end in split_sentences(seed_source):
            if is_heading(seed_source[start:end]):
                continue
            entities = find_entities(seed_source[start:end], start)
            statements = split_statements(seed_source, start, end, entities)
            assert 1 <= len(statements) <= 4
            for s in statements:
                assert start <= s.start < s.end <= end
                assert s.text[0].isupper() or s.text[0] in '\u201c"'
                assert len(s.text.split()) >= 4
