from __future__ import annotations

from sources.assessment.assess import assess_documents, relevance
from sources.assessment.ranking import Doc
from sources.assessment.suggestion import suggest

CLAIM = "Cuba established diplomatic relations with China in 1960."
DOCS = [
    Doc("weather", "Rain is forecast for Madrid. Markets were calm."),
    Doc(
        "wrong-year",
        "Cuba and China established diplomatic relations in 1959, an archive note says.",
        kind="other",
    ),
    Doc(
        "relations",
        "Cuba and the People's Republic of China established diplomatic relations on "
        "28 September 1960.",
        title="Cuba and China",
        kind="encyclopedia",
    ),
]


class AssessDocumentsTests:
    def test_documents_in_rank_order_with_stances(self) -> None:
        results = assess_documents(CLAIM, DOCS)
        assert [r.doc.id for r in results] == ["relations", "wrong-year"]
        by_id = {r.doc.id: r for r in results}
        assert by_id["relations"].stance.label == "supports"
        assert by_id["wrong-year"].stance.reason == "passage says 1959; claim says 1960"
        top = results[0]
        assert top.doc.text[top.passage.start : top.passage.end] == top.passage.text

    def test_evidence_views_feed_the_suggestion(self) -> None:
        views = [r.as_evidence() for r in assess_documents(CLAIM, DOCS)]
        assert {v.kind for v in views} == {"encyclopedia", "other"}
        # One source supports, one refutes: no side outweighs the other twice over.
        assert suggest(views).value == "inconclusive"
        only_relations = [r.as_evidence() for r in assess_documents(CLAIM, DOCS[2:])]
        assert suggest(only_relations).value == "supported"

    def test_max_documents(self) -> None:
        assert {r.doc.id for r in assess_documents(CLAIM, DOCS, max_documents=1)} == {"relations"}


class RelevanceTests:
    def test_share_of_claim_words(self) -> None:
        assert relevance(CLAIM, CLAIM) == 1.0
        assert relevance(CLAIM, "Rain in Madrid.") == 0.0
        assert 0 < relevance(CLAIM, "Cuba and China") < 0.5
        assert relevance("", "anything") == 0.0
