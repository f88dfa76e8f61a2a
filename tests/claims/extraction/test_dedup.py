from __future__ import annotations

from claims.extraction.dedup import merge_duplicates
from claims.extraction.entities import find_entities
from claims.extraction.records import ExtractedClaim
from claims.extraction.values import find_values
from tests.hangs import no_hang


def claims_of(
    text: str, sentences: list[str], scores: list[float] | None = None
) -> list[ExtractedClaim]:
    """One claim per sentence (each found in ``text`` after the previous one), as the pipeline
    builds them: wording, span, entities and values of the sentence."""
    out: list[ExtractedClaim] = []
    pos = 0
    for n, sentence in enumerate(sentences):
        start = text.index(sentence, pos)
        end = start + len(sentence)
        pos = end
        out.append(
            ExtractedClaim(
                text=sentence,
                sentence=sentence,
                start=start,
                end=end,
                type="other",
                checkworthiness=scores[n] if scores else 0.6,
                entities=tuple(find_entities(sentence, start)),
                values=tuple(find_values(sentence, start)),
            )
        )
    return out


OPENING = "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Beijing."
CONCLUSION = (
    "The recent meeting between Chen Yixin and Lazaro Alberto Alvarez Casas marks a pivotal "
    "moment in China-Cuba relations, highlighting a mutual commitment to security and stability "
    "amid external pressures."
)


class MergeDuplicatesTests:
    def test_conclusion_restating_the_opening_is_merged(self) -> None:
        middle = "Cuba established diplomatic ties with China in 1960."
        text = f"{OPENING} {middle} {CONCLUSION}"
        claims = claims_of(text, [OPENING, middle, CONCLUSION], scores=[0.6, 0.9, 0.8])
        merged = merge_duplicates(claims)
        assert [c.text for c in merged] == [OPENING, middle]
        first = merged[0]
        assert (first.start, first.end) == (claims[0].start, claims[0].end)
        assert first.spans == ((claims[0].start, claims[0].end), (claims[2].start, claims[2].end))
        assert first.checkworthiness == 0.8
        assert first.entities == claims[0].entities
        assert merged[1] == claims[1]

    def test_verbatim_repeat_is_merged_with_both_spans(self) -> None:
        sentence = "The Cuban government has faced widespread protests in recent years."
        other = "China has invested heavily in Latin America."
        text = f"{sentence} {other} {sentence}"
        claims = claims_of(text, [sentence, other, sentence])
        merged = merge_duplicates(claims)
        assert [c.text for c in merged] == [sentence, other]
        assert merged[0].spans == ((0, len(sentence)), (claims[2].start, claims[2].end))
        for start, end in merged[0].spans:
            assert text[start:end] == sentence

    def test_spacing_and_case_do_not_hide_a_repeat(self) -> None:
        a = "China has invested heavily in Latin America."
        b = "China has  invested heavily in latin america"
        merged = merge_duplicates(claims_of(f"{a} {b}", [a, b]))
        assert len(merged) == 1

    def test_different_years_are_different_claims(self) -> None:
        a = "GDP grew 3% in 2020."
        b = "GDP grew 3% in 2021."
        merged = merge_duplicates(claims_of(f"{a} {b}", [a, b]))
        assert [c.text for c in merged] == [a, b]
        assert all(c.spans == () for c in merged)

    def test_different_numbers_are_different_claims(self) -> None:
        a = "Chen Yixin said the agency hired 1,200 analysts in Beijing last year."
        b = "Chen Yixin said the agency hired 1,500 analysts in Beijing last year."
        assert len(merge_duplicates(claims_of(f"{a} {b}", [a, b]))) == 2

    def test_different_places_are_different_claims(self) -> None:
        a = "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Beijing."
        b = "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Havana."
        assert len(merge_duplicates(claims_of(f"{a} {b}", [a, b]))) == 2

    def test_a_negation_makes_a_different_claim(self) -> None:
        a = "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Beijing."
        b = "Chen Yixin has not met with Lazaro Alberto Alvarez Casas in Beijing recently."
        assert len(merge_duplicates(claims_of(f"{a} {b}", [a, b]))) == 2

    def test_different_people_are_different_claims(self) -> None:
        a = "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Beijing."
        b = "Xi Jinping recently met with Lazaro Alberto Alvarez Casas in Beijing."
        assert len(merge_duplicates(claims_of(f"{a} {b}", [a, b]))) == 2

    def test_same_topic_different_facts_are_kept(self) -> None:
        sentences = [
            "Chen Yixin is China\u2019s state security chief.",
            "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Beijing.",
            "Lazaro Alberto Alvarez Casas is Cuba\u2019s interior minister.",
            "The U.S. has expressed concerns over China\u2019s growing presence in Latin America.",
            "China has invested heavily in Latin America over the past two decades.",
        ]
        claims = claims_of(" ".join(sentences), sentences)
        assert merge_duplicates(claims) == claims

    def test_spans_already_merged_are_carried_over(self) -> None:
        sentence = "China has invested heavily in Latin America."
        text = f"{sentence} {sentence} {sentence}"
        claims = claims_of(text, [sentence, sentence, sentence])
        once = merge_duplicates(claims[:2])
        again = merge_duplicates([*once, claims[2]])
        assert len(again) == 1
        assert again[0].spans == tuple((c.start, c.end) for c in claims)

    def test_empty_input(self) -> None:
        assert merge_duplicates([]) == []


class MergeSpeedTests:
    def test_five_thousand_claims_about_one_person(self) -> None:
        sentences = [
            f"Chen Yixin said the ministry hired {n} analysts and opened office number {n}."
            for n in range(2500)
        ]
        sentences += sentences  # every claim repeated once
        text = " ".join(sentences)
        claims: list[ExtractedClaim] = []
        pos = 0
        entities = find_entities(sentences[0], 0)
        for sentence in sentences:
            start = text.index(sentence, pos)
            pos = start + len(sentence)
            shifted = tuple(
                type(e)(e.text, e.label, e.start + start, e.end + start) for e in entities
            )
            claims.append(
                ExtractedClaim(sentence, sentence, start, pos, "quantity", 0.7, shifted, ())
            )
        with no_hang(120):  # speed: bench/extract.py
            merged = merge_duplicates(claims)
        assert len(merged) == 2500
        assert all(len(c.spans) == 2 for c in merged)

    def test_five_thousand_different_claims_in_one_bucket(self) -> None:
        words = [f"topic{chr(97 + a)}{chr(97 + b)}" for a in range(26) for b in range(26)]
        sentences = [
            f"Chen Yixin praised the {words[n % 676]} and the {words[(n * 7 + 3) % 676]} "
            f"of the {words[(n * 13 + 5) % 676]} programme."
            for n in range(5000)
        ]
        claims = claims_of(" ".join(sentences), sentences)
        with no_hang(120):  # speed: bench/extract.py
            merged = merge_duplicates(claims)
        assert len({c.text for c in merged}) == len(merged)
