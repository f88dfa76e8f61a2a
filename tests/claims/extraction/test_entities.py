from __future__ import annotations

import itertools

import pytest

from claims.extraction.entities import find_entities


def labelled(sentence: str) -> list[tuple[str, str]]:
    return [(e.text, e.label) for e in find_entities(sentence)]


class SeedEntityTests:
    def test_titles_in_apposition(self) -> None:
        sentence = (
            "In a significant diplomatic move, Chen Yixin, China\u2019s state security chief, "
            "recently met with Lazaro Alberto Alvarez Casas, Cuba\u2019s interior minister, in "
            "Beijing."
        )
        assert labelled(sentence) == [
            ("Chen Yixin", "PERSON"),
            ("China", "PLACE"),
            ("state security chief", "OFFICE"),
            ("Lazaro Alberto Alvarez Casas", "PERSON"),
            ("Cuba", "PLACE"),
            ("interior minister", "OFFICE"),
            ("Beijing", "PLACE"),
        ]

    def test_the_trump_administration_names_a_person(self) -> None:
        sentence = (
            "The backdrop is pressure from the United States, particularly during the Trump "
            "administration, which has sought to isolate Cuba."
        )
        assert ("Trump", "PERSON") in labelled(sentence)
        assert labelled("The Trump administration\u2019s approach changed.") == [
            ("Trump", "PERSON")
        ]
        assert labelled("Sanctions rose under Trump\u2019s administration.") == [
            ("Trump", "PERSON")
        ]

    def test_titled_names_split_into_office_and_person(self) -> None:
        sentence = (
            "China will implement the agreements reached between President Xi Jinping and Cuban "
            "President Miguel Diaz-Canel Berm\u00fadez during their meeting in May."
        )
        assert labelled(sentence) == [
            ("China", "PLACE"),
            ("President", "OFFICE"),
            ("Xi Jinping", "PERSON"),
            ("Cuban", "MISC"),
            ("President", "OFFICE"),
            ("Miguel Diaz-Canel Berm\u00fadez", "PERSON"),
        ]

    def test_nationalities_are_not_places(self) -> None:
        found = labelled(
            "Cuba holds a unique position in the history of Sino-Latin American relations, "
            "and Chinese and Cuban officials met."
        )
        assert ("Sino-Latin American", "MISC") in found
        assert {label for text, label in found if text in {"Chinese", "Cuban"}} == {"MISC"}

    def test_organisations(self) -> None:
        assert labelled("The Cuban government has faced protests.") == [("Cuban government", "ORG")]
        assert ("Ministry of State Security", "ORG") in labelled(
            "Sources, including the Ministry of State Security, agreed."
        )

    def test_hyphenated_places_are_separate_places(self) -> None:
        assert labelled("It reversed the thaw in U.S.-Cuba relations and China-Cuba trade.") == [
            ("U.S.", "PLACE"),
            ("Cuba", "PLACE"),
            ("China", "PLACE"),
            ("Cuba", "PLACE"),
        ]


class OfficeTests:
    @pytest.mark.parametrize(
        ("sentence", "office", "person"),
        [
            ("Prime Minister Keir Starmer spoke.", "Prime Minister", "Keir Starmer"),
            ("He met Secretary of State Marco Rubio.", "Secretary of State", "Marco Rubio"),
            ("Vice President Kamala Harris left.", "Vice President", "Kamala Harris"),
            ("It was Gen. Allen Batschelet who warned.", "Gen", "Allen Batschelet"),
            ("Foreign Minister Wang Yi arrived.", "Foreign Minister", "Wang Yi"),
            ("They sued under President Obama.", "President", "Obama"),
        ],
    )
    def test_a_title_before_a_name(self, sentence: str, office: str, person: str) -> None:
        found = labelled(sentence)
        assert (office, "OFFICE") in found
        assert (person, "PERSON") in found
        assert found.index((office, "OFFICE")) + 1 == found.index((person, "PERSON"))

    def test_a_capitalised_title_alone_is_not_an_office(self) -> None:
        assert labelled("The President declined to comment.") == []
        assert labelled("The General did not blink.") == []

    def test_a_title_naming_its_portfolio_stands_alone(self) -> None:
        assert labelled("The Secretary of State flew home.") == [("Secretary of State", "OFFICE")]

    def test_lower_case_titles_are_offices(self) -> None:
        assert ("foreign minister", "OFFICE") in labelled("Chen Yixin, the foreign minister, met.")


class NameTests:
    def test_honorifics_are_left_out(self) -> None:
        assert labelled("Dr. Akhilesh Shrestha said Mr. Khanal survived.") == [
            ("Akhilesh Shrestha", "PERSON"),
            ("Khanal", "PERSON"),
        ]

    def test_initials_stay_in_the_name(self) -> None:
        assert ("William O. Douglas", "PERSON") in labelled("Justice William O. Douglas served.")

    @pytest.mark.parametrize(
        "name", ["Recep Tayyip Erdogan", "Imran Khan", "Narendra Modi", "Ali Khamenei"]
    )
    def test_names_with_nationality_like_endings_are_people(self, name: str) -> None:
        assert labelled(f"Later, {name} arrived.") == [(name, "PERSON")]

    def test_acronyms_do_not_make_a_person(self) -> None:
        assert "PERSON" not in {label for _t, label in labelled("The Lords EU Energy panel met.")}

    def test_places_and_organisations(self) -> None:
        found = labelled(
            "The European Union and the U.S. military met in Kathmandu, Nepal, near the Gulf of "
            "Mexico."
        )
        assert found == [
            ("European Union", "ORG"),
            ("U.S. military", "ORG"),
            ("Kathmandu", "PLACE"),
            ("Nepal", "PLACE"),
            ("Gulf of Mexico", "PLACE"),
        ]


class NotEntitiesTests:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Officials said the talks failed.",
            "Obesity is a national security issue.",
            "On Tuesday and in May the talks resumed.",
            "Strengthening ties is the goal.",
        ],
    )
    def test_common_words_months_and_weekdays(self, sentence: str) -> None:
        assert labelled(sentence) == []

    def test_a_quoted_title_is_misc(self) -> None:
        assert labelled("They watched \u201cThe Biggest Loser\u201d on NBC.") == [
            ("Biggest Loser", "MISC"),
            ("NBC", "ORG"),
        ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Chen Yixin, China\u2019s state security chief, met U.S. President Donald Trump.",
        "The Trump administration\u2019s approach to Cuba pushed Cuba closer to China.",
        "Maj. Gen. Allen Batschelet of the U.S. Army Recruiting Command spoke.",
    ],
)
@pytest.mark.parametrize("offset", [0, 11])
def test_spans_index_the_input_and_never_overlap(sentence: str, offset: int) -> None:
    text = "x" * offset + sentence
    entities = find_entities(sentence, offset)
    assert entities
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text
    for a, b in itertools.pairwise(entities):
        assert a.end <= b.start
