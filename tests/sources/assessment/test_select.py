from __future__ import annotations

from sources.assessment.select import assess_candidates
from sources.backends.base import Candidate, ClaimQuery

QUERY = ClaimQuery(
    text="Cuba was the first country in the Western Hemisphere to establish diplomatic ties "
    "with China in 1960."
)
RELATIONS = (
    "Harbour news from Havana opened the day.\n\n"
    "Cuba and the People's Republic of China established diplomatic relations on 28 September "
    "1960. It was the first such step in the Western Hemisphere."
)


def document(url: str, text: str, title: str = "") -> Candidate:
    return Candidate(url=url, title=title, passage="", score=1.0, text=text)


class AssessCandidatesTests:
    def test_document_passages_index_the_candidate_text(self) -> None:
        results = assess_candidates(
            QUERY, [document("https://a.example/r", RELATIONS)], origin="library"
        )
        assert results
        top = results[0]
        assert top.start is not None and top.end is not None
        assert top.candidate.text[top.start : top.end] == top.passage
        assert top.stance == "supports"
        assert "28 September 1960" in top.reason
        assert top.details["origin"] == "library"
        assert 0 < top.relevance <= 1

    def test_unrelated_documents_are_not_kept(self) -> None:
        unrelated = document(
            "https://b.example/w", "Rain is forecast for Madrid. Markets were calm."
        )
        results = assess_candidates(QUERY, [unrelated, document("https://a.example/r", RELATIONS)])
        assert {r.candidate.url for r in results} == {"https://a.example/r"}

    def test_statements_are_judged_as_they_are(self) -> None:
        statement = Candidate(
            url="https://www.wikidata.org/wiki/Q241",
            title="Cuba",
            passage="Cuba established diplomatic relations with China (start time: 1959).",
            score=1.0,
            kind="dataset",
        )
        results = assess_candidates(QUERY, [statement], origin="wikidata")
        assert len(results) == 1
        assert results[0].start is None
        assert results[0].stance == "refutes"
        assert results[0].reason == "passage says 1959; claim says 1960"

    def test_no_candidates_no_results(self) -> None:
        assert assess_candidates(QUERY, []) == []

    def test_reference_year_dates_an_anniversary(self) -> None:
        query = ClaimQuery(
            text="The visit coincided with the 65th anniversary of diplomatic relations."
        )
        note = document(
            "https://c.example/a",
            "Cuba and China established diplomatic relations on 28 September 1960.",
        )
        with_year = assess_candidates(query, [note], reference_year=2025)
        assert [r.stance for r in with_year] == ["supports"]
        assert "places it in 1960" in with_year[0].reason
