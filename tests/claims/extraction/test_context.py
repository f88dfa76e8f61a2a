from __future__ import annotations

from claims.extraction.atomic import split_statements
from claims.extraction.context import Resolved, Resolver
from claims.extraction.entities import find_entities
from claims.extraction.records import Statement
from claims.extraction.text import is_heading, split_sentences
from tests.hangs import no_hang


def resolve_article(text: str) -> list[tuple[Statement, Resolved]]:
    """Every statement of every sentence, resolved the way the pipeline does it."""
    resolver = Resolver(text)
    out: list[tuple[Statement, Resolved]] = []
    for start, end in split_sentences(text):
        entities = find_entities(text[start:end], start)
        resolver.observe(start, end, entities)
        if is_heading(text[start:end]):
            continue
        for statement in split_statements(text, start, end, entities):
            out.append((statement, resolver.resolve(statement, entities)))
    return out


def resolved_text(text: str, opening: str) -> Resolved:
    """The resolution of the first statement whose wording starts with ``opening``."""
    for statement, resolved in resolve_article(text):
        if statement.text.startswith(opening):
            return resolved
    raise AssertionError(f"no statement starts with {opening!r}")


class SeedArticleTests:
    def test_this_meeting_and_the_two_nations(self, seed_source: str) -> None:
        resolved = resolved_text(seed_source, "This meeting coincided")
        assert resolved.text == (
            "The meeting between Chen Yixin and Lazaro Alberto Alvarez Casas in Beijing coincided "
            "with the 65th anniversary of diplomatic relations between China and Cuba."
        )
        assert not resolved.ambiguous
        assert [(r.text, r.replacement) for r in resolved.replacements] == [
            ("This meeting", "The meeting between Chen Yixin and Lazaro Alberto Alvarez Casas in "
             "Beijing"),
            ("the two nations", "China and Cuba"),
        ]  # fmt: skip

    def test_replacement_spans_index_the_input(self, seed_source: str) -> None:
        for _statement, resolved in resolve_article(seed_source):
            for r in resolved.replacements:
                assert seed_source[r.start : r.end] == r.text

    def test_the_country_is_the_one_in_focus(self, seed_source: str) -> None:
        resolved = resolved_text(seed_source, "Alvarez praised")
        assert "noting that China has become" in resolved.text
        assert resolved.text.startswith("Lazaro Alberto Alvarez Casas praised")

    def test_the_meeting_after_a_leading_adverbial(self, seed_source: str) -> None:
        resolved = resolved_text(seed_source, "During the meeting")
        assert resolved.text.startswith(
            "During the meeting between Chen Yixin and Lazaro Alberto Alvarez Casas in Beijing, "
            "Chen Yixin emphasized"
        )

    def test_the_region_is_the_named_one(self, seed_source: str) -> None:
        resolved = resolved_text(seed_source, "Over the past two decades")
        assert "invested heavily in Latin America," in resolved.text

    def test_both_nations_picks_the_pair_the_article_is_about(self, seed_source: str) -> None:
        for opening in ("As both nations look", "This commitment to mutual support"):
            resolved = resolved_text(seed_source, opening)
            assert "China and Cuba" in resolved.text
            assert not resolved.ambiguous

    def test_the_two_leaders_are_the_meeting_participants(self, seed_source: str) -> None:
        resolved = resolved_text(seed_source, "The two leaders discussed")
        assert resolved.text.startswith(
            "Chen Yixin and Lazaro Alberto Alvarez Casas discussed the need"
        )


class PronounTests:
    def test_one_candidate_person(self) -> None:
        text = "Maria Lopez was elected mayor in 2019. She resigned in 2021."
        resolved = resolved_text(text, "She resigned")
        assert resolved.text == "Maria Lopez resigned in 2021."
        assert not resolved.ambiguous
        (replacement,) = resolved.replacements
        assert text[replacement.start : replacement.end] == "She"

    def test_two_candidate_people_are_ambiguous(self) -> None:
        text = "Maria Lopez met Anna Berg in Madrid. She resigned a week later."
        resolved = resolved_text(text, "She resigned")
        assert resolved.text == "She resigned a week later."
        assert resolved.ambiguous
        assert resolved.replacements == ()

    def test_no_candidate_is_ambiguous(self) -> None:
        text = "The council met in Madrid. He resigned a week later."
        resolved = resolved_text(text, "He resigned")
        assert resolved.ambiguous
        assert resolved.text == "He resigned a week later."

    def test_a_chain_of_pronouns_keeps_its_referent(self) -> None:
        text = (
            "Maria Lopez was trapped for 36 hours in 2015. She was rescued by a team from Spain. "
            "She escaped without injury."
        )
        assert resolved_text(text, "She escaped").text == "Maria Lopez escaped without injury."

    def test_a_second_clause_pronoun_finds_the_first_clause_subject(self) -> None:
        text = "Jon Keisi had suffered a crushed foot and was too weak to talk in 2015."
        resolved = [r.text for _s, r in resolve_article(text)]
        assert resolved == [
            "Jon Keisi had suffered a crushed foot.",
            "Jon Keisi was too weak to talk in 2015.",
        ]


class InnerPronounTests:
    """A pronoun inside a statement that names no one before it: the claim is not
    self-contained, so it is flagged rather than guessed."""

    def test_pronoun_with_no_name_in_the_statement_is_ambiguous(self) -> None:
        text = "Rescuers worked through the night. It took ten hours to dig him out."
        resolved = resolved_text(text, "It took")
        assert resolved.ambiguous
        assert resolved.text == "It took ten hours to dig him out."

    def test_pronoun_after_the_name_it_refers_to_is_clear(self) -> None:
        text = "Rescuers worked through the night. Maria Lopez said she was tired."
        resolved = resolved_text(text, "Maria Lopez said")
        assert not resolved.ambiguous

    def test_words_containing_pronouns_are_not_pronouns(self) -> None:
        text = "The council met in Madrid. The theme of the hearing was the harbour."
        resolved = resolved_text(text, "The theme")
        assert not resolved.ambiguous


class PlaceTests:
    def test_the_country_with_no_country_named_is_ambiguous(self) -> None:
        text = "The council met in March 2020. The country has since raised taxes by 3%."
        resolved = resolved_text(text, "The country has")
        assert resolved.ambiguous
        assert resolved.text == "The country has since raised taxes by 3%."

    def test_the_country_with_two_countries_named_is_ambiguous(self) -> None:
        text = "Spain and Portugal signed a treaty in 1990. The country has since grown by 3%."
        assert resolved_text(text, "The country has").ambiguous

    def test_the_country_capitalised_when_it_opens_the_statement(self) -> None:
        text = "Nepal was hit by an earthquake in 2015. The country lost 9,000 people."
        resolved = resolved_text(text, "The country lost")
        assert resolved.text == "Nepal lost 9,000 people."
        assert not resolved.ambiguous

    def test_the_united_states_keeps_its_article(self) -> None:
        text = "The United States imposed sanctions in 2019. The country then lifted them in 2021."
        resolved = resolved_text(text, "The country then")
        assert resolved.text == "The United States then lifted them in 2021."

    def test_the_region_without_a_named_region_is_ambiguous(self) -> None:
        text = "China has invested heavily in the region since 2005."
        resolved = resolved_text(text, "China has invested")
        assert resolved.ambiguous
        assert "in the region" in resolved.text

    def test_the_two_nations_from_demonyms(self) -> None:
        text = (
            "Chinese and Cuban officials met in Havana in 2024. The two nations signed a pact "
            "in 2025."
        )
        resolved = resolved_text(text, "The two nations")
        assert resolved.text == "China and Cuba signed a pact in 2025."


class NameTests:
    def test_a_surname_becomes_the_full_name(self) -> None:
        text = "Rishi Khanal was rescued in 2015. Khanal had spent 82 hours under the rubble."
        resolved = resolved_text(text, "Khanal had spent")
        assert resolved.text == "Rishi Khanal had spent 82 hours under the rubble."

    def test_a_surname_shared_by_two_people_is_ambiguous(self) -> None:
        text = (
            "Akhilesh Shrestha and Manesh Shrestha arrived in 2015. Shrestha treated 40 people "
            "that week."
        )
        resolved = resolved_text(text, "Shrestha treated")
        assert resolved.ambiguous
        assert resolved.text.startswith("Shrestha treated")

    def test_a_place_seen_alone_first_is_not_a_surname(self) -> None:
        text = (
            "Kathmandu was hit hard in 2015. Kathmandu Today reported 40 rescues. A man was found "
            "in Kathmandu on Tuesday."
        )
        resolved = resolved_text(text, "A man was found")
        assert resolved.text == "A man was found in Kathmandu on Tuesday."


class ResolverContractTests:
    def test_statement_without_references_is_unchanged(self) -> None:
        text = "Cuba established diplomatic ties with China in 1960."
        resolved = resolved_text(text, "Cuba established")
        assert resolved == Resolved(text, (), False)

    def test_resolve_before_any_observe_changes_nothing(self) -> None:
        text = "The country grew by 3% in 2020."
        resolved = Resolver(text).resolve(Statement(text, 0, len(text)), [])
        assert resolved.text == text

    def test_references_resolve_only_to_what_came_before(self) -> None:
        text = (
            "The meeting was held in secret in 2024. Chen Yixin met Lazaro Alberto Alvarez Casas "
            "in Beijing in 2024."
        )
        resolved = resolved_text(text, "The meeting was held")
        assert resolved.ambiguous
        assert resolved.text.startswith("The meeting was held")

    def test_long_article_stays_fast(self) -> None:
        paragraph = (
            "Chen Yixin met Lazaro Alberto Alvarez Casas in Beijing in 2024. The meeting ended "
            "early. He said the country and the region and both nations gained. "
        )
        text = paragraph * 1500
        with no_hang(120):  # speed: bench/extract.py
            results = resolve_article(text)
        assert len(results) >= 4500
