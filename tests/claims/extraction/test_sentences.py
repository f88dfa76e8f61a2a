from __future__ import annotations

import pytest

from claims.extraction import is_heading, split_sentences
from claims.extraction.text import INVISIBLE_CHARS, remove_invisible

# The seed article's section headings, as its gold file lists them.
SEED_HEADINGS = (
    "China and Cuba Strengthen Ties Amid U.S. Tensions",
    "Historical Context of China-Cuba Relations",
    "Strengthening Security Cooperation",
    "Implications of Enhanced Intelligence Sharing",
    "Broader Geopolitical Context",
    "Future Prospects",
    "Conclusion",
)


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def assert_valid_spans(text: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        for ch in (text[start], text[end - 1]):
            assert not ch.isspace() and ch not in INVISIBLE_CHARS
        previous_end = end


class SplitSentencesTests:
    def test_splits_on_terminators_followed_by_capital(self) -> None:
        text = "Cuba signed it. China agreed! Did they? Yes, they did."
        assert sentences(text) == [
            "Cuba signed it.",
            "China agreed!",
            "Did they?",
            "Yes, they did.",
        ]

    def test_splits_before_digit_and_opening_quote(self) -> None:
        text = "It ended. 1960 was the year. \u201cWe agree,\u201d he said."
        assert sentences(text) == [
            "It ended.",
            "1960 was the year.",
            "\u201cWe agree,\u201d he said.",
        ]

    def test_no_split_before_lowercase(self) -> None:
        assert len(split_sentences("The rate rose to 3.5 percent. then fell.")) == 1

    def test_blank_text_has_no_sentences(self) -> None:
        assert split_sentences("") == []
        assert split_sentences(" \n\t\r\n \u200b\u00a0\ufeff") == []

    def test_spans_exclude_surrounding_whitespace_and_index_original(self) -> None:
        text = "  \u00c1lvarez met Chen.   Caf\u00e9 closed.  \n\n   "
        spans = split_sentences(text)
        assert [text[s:e] for s, e in spans] == ["\u00c1lvarez met Chen.", "Caf\u00e9 closed."]
        assert_valid_spans(text, spans)


class SplitSentencesQuoteTests:
    def test_closing_quote_stays_with_sentence(self) -> None:
        text = "He called it a \u201crole model.\u201d The visit ended."
        assert sentences(text) == ["He called it a \u201crole model.\u201d", "The visit ended."]

    def test_sentence_ending_inside_closing_quote(self) -> None:
        text = "He said \u201cit is over.\u201d Then he left."
        assert sentences(text) == ["He said \u201cit is over.\u201d", "Then he left."]

    def test_quoted_question_mid_sentence_does_not_split(self) -> None:
        text = "The question \u201cwhy now?\u201d was asked twice in Havana."
        assert sentences(text) == [text]

    def test_attribution_after_a_quoted_question_stays_in_the_sentence(self) -> None:
        text = "\u201cWhy now?\u201d Chen Yixin asked. Nobody answered."
        assert sentences(text) == ["\u201cWhy now?\u201d Chen Yixin asked.", "Nobody answered."]

    def test_quoted_question_before_a_new_sentence_splits(self) -> None:
        text = "He asked, \u201cWhy now?\u201d The minister did not reply."
        assert sentences(text) == ["He asked, \u201cWhy now?\u201d", "The minister did not reply."]

    def test_straight_quotes_close_or_open_by_context(self) -> None:
        text = 'He said "Stop." "Go," she replied.'
        assert sentences(text) == ['He said "Stop."', '"Go," she replied.']

    def test_single_curly_quotes(self) -> None:
        text = "Moffat said: \u2018It is a shock.\u2019 \u2018Pensions matter,\u2019 she added."
        assert sentences(text) == [
            "Moffat said: \u2018It is a shock.\u2019",
            "\u2018Pensions matter,\u2019 she added.",
        ]


class SplitSentencesAbbreviationTests:
    @pytest.mark.parametrize(
        "text",
        [
            "Pressure from the U.S. President grew during the year.",
            "The U.K. Foreign Office and the U.S. State Department agreed.",
            "Gen. Smith visited Havana in May.",
            "He lives at No. 3 Main Street in Havana.",
            "Mr. Chen met Dr. Alvarez and Sen. Rubio in Beijing.",
            "Rep. Lee and Mrs. Wu visited St. Petersburg on Friday.",
            "Some countries, e.g. Cuba, agreed.",
            "The vote was held on Jan. 5 in Havana.",
            "John F. Kennedy imposed the embargo.",
            "J. K. Rowling visited Havana.",
            "The talks began at 9 a.m. and ended at noon.",
            "The talks began at 9 a.m. Tuesday in Beijing.",
            "Samsung Electronics Co. Ltd. reported record profits.",
            "The effect was described by Fang et al. (2010) in detail.",
            "The case New York State Rifle & Pistol Association, Inc. v. Bruen was heard.",
            "Martin Luther King Jr. Day is a holiday.",
        ],
    )
    def test_abbreviations_and_initials_do_not_split(self, text: str) -> None:
        assert sentences(text) == [text]

    @pytest.mark.parametrize(
        ("text", "first"),
        [
            ("Cuba faces pressure from the U.S. The talks went on.", "the U.S."),
            ("He works for Apple Inc. Shares rose on Monday.", "Apple Inc."),
            ("The talks ended at 5 p.m. Officials left soon after.", "5 p.m."),
            ("It was signed in Oct. The treaty holds.", "in Oct."),
            ("It was agreed in Washington, D.C. The deal holds.", "D.C."),
            ("The SM U-30 served in World War I. It was commissioned in 1914.", "War I."),
            ("He took vitamin C. The cold went away.", "vitamin C."),
            ("He listed apples, pears, etc. Nothing else was sold.", "etc."),
        ],
    )
    def test_abbreviation_at_the_end_of_a_sentence_splits(self, text: str, first: str) -> None:
        result = sentences(text)
        assert len(result) == 2
        assert result[0].endswith(first)
        assert " ".join(result) == text

    @pytest.mark.parametrize(
        "text",
        [
            "Growth was 3.5% last year in Cuba.",
            "Version v1.2 of the treaty text was published.",
            "China invested $3.5 billion in the region.",
            "The U.S.Army recruited in Havana.",
            "Node.js runs the site in Beijing.",
            "See www.Example.com for the full text.",
        ],
    )
    def test_numbers_versions_and_names_with_inner_dots_do_not_split(self, text: str) -> None:
        assert sentences(text) == [text]


class SplitSentencesPunctuationTests:
    def test_ellipsis_before_a_capital_ends_a_sentence(self) -> None:
        text = "He paused... Then he spoke. She waited\u2026 Nothing came."
        assert sentences(text) == [
            "He paused...",
            "Then he spoke.",
            "She waited\u2026",
            "Nothing came.",
        ]

    def test_ellipsis_before_lowercase_does_not_split(self) -> None:
        text = "It means working on character and ... girth alike."
        assert sentences(text) == [text]

    def test_sentences_run_together_without_a_space(self) -> None:
        text = 'It may fish in UK waters.Fishing regions voted to leave."We agree," he said.'
        assert sentences(text) == [
            "It may fish in UK waters.",
            "Fishing regions voted to leave.",
            '"We agree," he said.',
        ]

    def test_closing_quote_then_full_stop_then_next_sentence(self) -> None:
        text = 'It "must not be marginalised".What complicates it is the law.'
        assert sentences(text) == [
            'It "must not be marginalised".',
            "What complicates it is the law.",
        ]

    def test_cjk_full_stops(self) -> None:
        text = "\u4ed6\u8bf4\u3002\u5979\u7b11\u4e86\uff01\u597d\u5417\uff1f"
        assert sentences(text) == [
            "\u4ed6\u8bf4\u3002",
            "\u5979\u7b11\u4e86\uff01",
            "\u597d\u5417\uff1f",
        ]

    def test_caseless_script_after_a_full_stop(self) -> None:
        text = "The envoy spoke Arabic. \u0645\u0631\u062d\u0628\u0627 \u0628\u0643\u0645."
        assert sentences(text) == [
            "The envoy spoke Arabic.",
            "\u0645\u0631\u062d\u0628\u0627 \u0628\u0643\u0645.",
        ]


class SplitSentencesLayoutTests:
    def test_paragraphs_split_on_newlines_including_crlf(self) -> None:
        text = "First line here\r\nSecond one is a sentence.\r\n\r\nThird.\n"
        assert sentences(text) == ["First line here", "Second one is a sentence.", "Third."]

    def test_heading_is_never_glued_to_the_next_line(self) -> None:
        text = "Future Prospects\nthe talks will continue in May.\nConclusion\nIt ended."
        assert sentences(text) == [
            "Future Prospects",
            "the talks will continue in May.",
            "Conclusion",
            "It ended.",
        ]

    def test_no_span_crosses_a_line_break(self) -> None:
        text = "One\u2028two\x85three\x0bfour\x0cfive\u2029six\rseven\nEight."
        for sentence in sentences(text):
            assert not any(ch in sentence for ch in "\u2028\x85\x0b\x0c\u2029\r\n")
        assert len(split_sentences(text)) == 8

    @pytest.mark.parametrize(
        "marker",
        ["- ", "* ", "+ ", "\u2022 ", "\u2022", "\u2013 ", "1. ", "12. ", "1) ", "(2) ", "a) "],
    )
    def test_list_marker_is_not_part_of_the_item(self, marker: str) -> None:
        text = f"Key points:\n{marker}China invested in Cuba.\n{marker}Trade grew"
        assert sentences(text) == ["Key points:", "China invested in Cuba.", "Trade grew"]

    def test_number_glued_to_a_capitalised_item_is_a_marker(self) -> None:
        text = "The presidents were:\r\n1.Abigail Adams (1797-1801)\r\n2.Luci Johnson (1973-1977)"
        assert sentences(text) == [
            "The presidents were:",
            "Abigail Adams (1797-1801)",
            "Luci Johnson (1973-1977)",
        ]

    def test_inline_numbered_list(self) -> None:
        text = "Follow these steps: 1. Call the office. 2. Send the form."
        assert sentences(text) == ["Follow these steps:", "Call the office.", "Send the form."]

    def test_number_ending_a_sentence_is_kept(self) -> None:
        text = "The score was 3. Then it rained. He was ranked No. 1. The team lost."
        assert sentences(text) == [
            "The score was 3.",
            "Then it rained.",
            "He was ranked No. 1.",
            "The team lost.",
        ]

    def test_inline_bullets_separate_items(self) -> None:
        text = "Havana \u2022 Beijing \u2022 Moscow"
        assert sentences(text) == ["Havana", "Beijing", "Moscow"]

    def test_hyphenated_words_and_negative_numbers_are_not_markers(self) -> None:
        text = "-5 degrees was the low.\n2024 was a year of talks."
        assert sentences(text) == ["-5 degrees was the low.", "2024 was a year of talks."]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "(CNN)Soon, America will be too fat to fight.",
                ["(CNN)", "Soon, America will be too fat to fight."],
            ),
            (
                "Kathmandu, Nepal (CNN)Rescuers pulled a man from the rubble.",
                ["Kathmandu, Nepal (CNN)", "Rescuers pulled a man from the rubble."],
            ),
            (
                "WASHINGTON (Reuters) - The U.S. imposed sanctions on Monday.",
                ["WASHINGTON (Reuters)", "The U.S. imposed sanctions on Monday."],
            ),
            (
                "The United Nations (UN) Security Council met in New York.",
                ["The United Nations (UN) Security Council met in New York."],
            ),
        ],
    )
    def test_agency_dateline_is_a_span_of_its_own(self, text: str, expected: list[str]) -> None:
        assert sentences(text) == expected


class SplitSentencesInvisibleCharacterTests:
    def test_non_breaking_space_between_sentences(self) -> None:
        text = "Chen met Alvarez.\u00a0The visit ended.\u00a0"
        assert sentences(text) == ["Chen met Alvarez.", "The visit ended."]

    def test_non_breaking_space_after_an_abbreviation(self) -> None:
        text = "The U.S.\u00a0President spoke."
        assert sentences(text) == [text]

    def test_zero_width_characters_between_sentences_are_gaps(self) -> None:
        text = "\ufeffChen met Alvarez.\u200b The visit ended.\u200b\u200f"
        spans = split_sentences(text)
        assert [text[s:e] for s, e in spans] == ["Chen met Alvarez.", "The visit ended."]
        assert_valid_spans(text, spans)

    def test_zero_width_characters_inside_words_are_kept(self) -> None:
        text = "Diaz\u200b-Canel met Xi.\u200b"
        assert sentences(text) == ["Diaz\u200b-Canel met Xi."]

    def test_remove_invisible_drops_only_invisible_characters(self) -> None:
        assert remove_invisible("\u200bCaf\u00e9\u00a0\u201cok\u201d\u200f") == (
            "Caf\u00e9\u00a0\u201cok\u201d"
        )


class SplitSentencesScaleTests:
    """Shapes that would expose quadratic scans; they must finish and stay well-formed."""

    def test_a_megabyte_of_dots_is_one_span(self) -> None:
        text = "." * 1_000_000
        assert split_sentences(text) == [(0, len(text))]

    def test_many_newlines_give_no_spans(self) -> None:
        assert split_sentences("\n" * 100_000) == []

    def test_repeated_abbreviation_is_one_sentence(self) -> None:
        text = "U.S. " * 20_000
        assert split_sentences(text) == [(0, len(text) - 1)]

    def test_dots_then_a_lowercase_letter(self) -> None:
        text = "." * 200_000 + "x"
        assert split_sentences(text) == [(0, len(text))]


class SeedSentenceTests:
    def test_seed_headings_are_whole_lines(self, seed_source: str) -> None:
        lines = [line.strip() for line in seed_source.splitlines() if line.strip()]
        headings = [text for text in sentences(seed_source) if is_heading(text)]
        assert tuple(headings) == SEED_HEADINGS
        assert all(h in lines for h in headings)

    def test_seed_sentences_are_not_headings(self, seed_source: str) -> None:
        statements = [s for s in sentences(seed_source) if s not in SEED_HEADINGS]
        assert len(statements) == 30
        assert not any(is_heading(s) for s in statements)
        assert all(s.endswith((".", ".\u201d")) for s in statements)

    def test_us_inside_seed_sentences_does_not_split(self, seed_source: str) -> None:
        assert not any(s.endswith("U.S.") for s in sentences(seed_source))

    def test_seed_spans_are_valid_and_cover_every_word(self, seed_source: str) -> None:
        spans = split_sentences(seed_source)
        assert_valid_spans(seed_source, spans)
        covered = " ".join(seed_source[s:e] for s, e in spans).split()
        assert covered == seed_source.split()

    def test_seed_with_windows_line_ends_gives_the_same_sentences(self, seed_source: str) -> None:
        crlf = seed_source.replace("\n", "\r\n")
        assert sentences(crlf) == sentences(seed_source)


class IsHeadingTests:
    @pytest.mark.parametrize("line", SEED_HEADINGS)
    def test_seed_headings(self, line: str) -> None:
        assert is_heading(line)

    @pytest.mark.parametrize(
        "line",
        [
            "(CNN)",
            "Kathmandu, Nepal (CNN)",
            "WASHINGTON (Reuters)",
            "Follow Matt on Twitter and on Facebook",
            "\u200bConclusion\u200b",
            "KEY POINTS OF THE BEIJING MEETING",
            "Chapter 3",
            "Section 2 of 5",
        ],
    )
    def test_title_case_or_very_short_lines_are_headings(self, line: str) -> None:
        assert is_heading(line)

    @pytest.mark.parametrize(
        "line",
        [
            "Chen Yixin Met Alvarez In Beijing.",
            "China and Cuba established diplomatic relations in 1960",
            "Why Did China And Cuba Meet?",
            "He called it a \u201crole model.\u201d",
            "Key points:",
            "",
            "\u200b\u200f",
            "This Is A Very Long Title Case Line With Far Too Many Words To Be A Heading At All",
            "Cuba Heading " * 200,
            "GDP fell 3%",
            "Trade rose 12 percent",
            "Sonia Sotomayor - appointed by President Barack Obama in 2009",
        ],
    )
    def test_statements_are_not_headings(self, line: str) -> None:
        assert not is_heading(line)

    def test_max_words_is_configurable(self) -> None:
        line = "Broader Geopolitical Context Of The Talks"
        assert is_heading(line)
        assert not is_heading(line, max_words=3)

    def test_title_ratio_is_configurable(self) -> None:
        line = "China Invests in Cuban ports"  # 3 of 4 content words capitalised
        assert not is_heading(line, title_ratio=0.8)
        assert is_heading(line, title_ratio=0.5)
