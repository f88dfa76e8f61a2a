from __future__ import annotations

import pytest

from claims.extraction import is_heading, split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def test_splits_on_terminators_followed_by_capital() -> None:
    text = "Cuba signed it. China agreed! Did they? Yes, they did."
    assert sentences(text) == ["Cuba signed it.", "China agreed!", "Did they?", "Yes, they did."]


def test_splits_before_digit_and_opening_quote() -> None:
    text = "It ended. 1960 was the year. \u201cWe agree,\u201d he said."
    assert sentences(text) == ["It ended.", "1960 was the year.", "\u201cWe agree,\u201d he said."]


def test_no_split_before_lowercase() -> None:
    assert len(split_sentences("The rate rose to 3.5 percent. then fell.")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Pressure from the U.S. President grew during the year.",
        "Gen. Smith visited Havana in May.",
        "He lives at No. 3 Main Street in Havana.",
        "Mr. Chen met Dr. Alvarez and Sen. Rubio in Beijing.",
        "Some countries, e.g. Cuba, agreed.",
        "The vote was held on Jan. 5 in Havana.",
        "John F. Kennedy imposed the embargo.",
    ],
)
def test_abbreviations_and_initials_do_not_split(text: str) -> None:
    assert sentences(text) == [text]


def test_us_at_sentence_end_splits_before_a_typical_opener() -> None:
    text = "Cuba faces pressure from the U.S. The talks went on."
    assert sentences(text) == ["Cuba faces pressure from the U.S.", "The talks went on."]


def test_closing_quote_stays_with_sentence() -> None:
    text = "He called it a \u201crole model.\u201d The visit ended."
    assert sentences(text) == ["He called it a \u201crole model.\u201d", "The visit ended."]


def test_paragraphs_split_on_newlines_including_crlf() -> None:
    text = "First line here\r\nSecond one is a sentence.\r\n\r\nThird.\n"
    assert sentences(text) == ["First line here", "Second one is a sentence.", "Third."]


def test_spans_exclude_surrounding_whitespace_and_index_original() -> None:
    text = "  \u00c1lvarez met Chen.   Caf\u00e9 closed.  \n\n   "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["\u00c1lvarez met Chen.", "Caf\u00e9 closed."]
    for start, end in spans:
        assert not text[start].isspace() and not text[end - 1].isspace()


def test_blank_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\r\n ") == []


@pytest.mark.parametrize(
    "line",
    [
        "China and Cuba Strengthen Ties Amid U.S. Tensions",
        "Historical Context of China-Cuba Relations",
        "Conclusion",
        "Future Prospects",
        "Implications of Enhanced Intelligence Sharing",
    ],
)
def test_title_case_or_very_short_lines_are_headings(line: str) -> None:
    assert is_heading(line)


@pytest.mark.parametrize(
    "line",
    [
        "Chen Yixin Met Alvarez In Beijing.",
        "China and Cuba established diplomatic relations in 1960",
        "Why Did China And Cuba Meet?",
        "",
        "This Is A Very Long Title Case Line With Far Too Many Words To Be A Heading At All",
    ],
)
def test_statements_are_not_headings(line: str) -> None:
    assert not is_heading(line)


def test_max_words_is_configurable() -> None:
    line = "Broader Geopolitical Context Of The Talks"
    assert is_heading(line)
    assert not is_heading(line, max_words=3)


def test_seed_headings_are_whole_lines(seed_source: str) -> None:
    lines = [line.strip() for line in seed_source.splitlines() if line.strip()]
    headings = [text for text in sentences(seed_source) if is_heading(text)]
    assert headings[0] == "China and Cuba Strengthen Ties Amid U.S. Tensions"
    assert "Historical Context of China-Cuba Relations" in headings
    assert "Conclusion" in headings
    assert all(h in lines for h in headings)
    assert len(headings) == 7


def test_us_inside_seed_sentences_does_not_split(seed_source: str) -> None:
    assert not any(s.endswith("U.S.") for s in sentences(seed_source))
