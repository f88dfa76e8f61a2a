from __future__ import annotations

from sources.assessment.ranking import (
    CorpusStats,
    Doc,
    best_passages,
    bm25,
    coverage,
    query_terms,
    rank_documents,
)

DOCS = [
    Doc("weather", "Rain is expected in Havana tomorrow. Temperatures stay mild.", "Weather"),
    Doc(
        "relations",
        "Cuba and the People's Republic of China established diplomatic relations on "
        "28 September 1960. Trade between them grew in later decades.",
        "Cuba and China",
    ),
    Doc(
        "scattered",
        "Cuba exports sugar. Much later, China bought some. Diplomatic notes were exchanged "
        "about tariffs. Relations in sport also exist.",
    ),
]


class Bm25Tests:
    def test_rare_terms_weigh_more(self) -> None:
        stats = CorpusStats(documents=100, doc_freq={"cuba": 50, "sugar": 2}, avg_length=10)
        assert bm25(["sugar"], ["sugar"] * 2, stats) > bm25(["cuba"], ["cuba"] * 2, stats)

    def test_term_frequency_saturates(self) -> None:
        stats = CorpusStats(documents=10, doc_freq={"cuba": 1}, avg_length=5)
        once = bm25(["cuba"], ["cuba", "x", "y", "z", "w"], stats)
        twice = bm25(["cuba"], ["cuba", "cuba", "y", "z", "w"], stats)
        many = bm25(["cuba"], ["cuba"] * 5, stats)
        assert once < twice < many < 2 * twice

    def test_external_statistics_change_the_order(self) -> None:
        query = "sugar tariffs"
        doc_a = ["sugar", "sugar", "x"]
        doc_b = ["tariff", "tariff", "x"]
        sugar_rare = CorpusStats(documents=1000, doc_freq={"sugar": 1, "tariff": 500}, avg_length=3)
        tariff_rare = CorpusStats(
            documents=1000, doc_freq={"sugar": 500, "tariff": 1}, avg_length=3
        )
        q = ["sugar", "tariff"]
        assert bm25(q, doc_a, sugar_rare) > bm25(q, doc_b, sugar_rare)
        assert bm25(q, doc_a, tariff_rare) < bm25(q, doc_b, tariff_rare)
        assert query_terms(query) == ["sugar", "tariffs"]

    def test_coverage_is_a_weighted_share(self) -> None:
        stats = CorpusStats(documents=10, doc_freq={"a": 9, "b": 1}, avg_length=2)
        assert coverage(["a", "b"], ["a", "b"], stats) == 1.0
        assert coverage(["a", "b"], ["b"], stats) > 0.5 > coverage(["a", "b"], ["a"], stats)
        assert coverage([], ["a"], stats) == 0.0


class RankDocumentsTests:
    def test_the_document_saying_the_claim_comes_first(self) -> None:
        ranked = rank_documents("Cuba established diplomatic relations with China in 1960", DOCS)
        assert [r.doc.id for r in ranked] == ["relations", "scattered", "weather"]
        assert ranked[0].score == 1.0
        assert ranked[-1].score == 0.0 and not ranked[-1].passages

    def test_passage_offsets_index_the_document_text(self) -> None:
        ranked = rank_documents("diplomatic relations 1960", DOCS)
        top = ranked[0]
        passage = top.passages[0]
        assert top.doc.text[passage.start : passage.end] == passage.text
        assert "1960" in passage.text

    def test_title_counts_for_the_document(self) -> None:
        docs = [Doc("a", "Nothing relevant here.", "Sugar exports"), Doc("b", "Nothing here.")]
        assert rank_documents("sugar exports", docs)[0].doc.id == "a"


class BestPassagesTests:
    TEXT = (
        "Harbour news opened the bulletin. Ships docked at dawn.\n\n"
        "Cuba and China established diplomatic relations in 1960. Relations grew.\n\n"
        "Weather was mild. Diplomatic staff rested."
    )

    def test_best_first_non_overlapping(self) -> None:
        passages = best_passages("diplomatic relations established 1960", self.TEXT, k=3)
        assert "established diplomatic relations in 1960" in passages[0].text
        for i, a in enumerate(passages):
            assert self.TEXT[a.start : a.end] == a.text
            for b in passages[i + 1 :]:
                assert a.end <= b.start or b.end <= a.start
        assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)

    def test_passages_without_a_query_word_are_left_out(self) -> None:
        passages = best_passages("diplomatic", self.TEXT, k=10)
        assert passages
        assert all("iplomatic" in p.text for p in passages)
        assert best_passages("zebra", self.TEXT) == []


class QueryTermsTests:
    def test_content_words_in_order_without_duplicates(self) -> None:
        terms = query_terms("Cuba was the first country to recognise China, and Cuba did in 1960")
        assert terms == ["cuba", "first", "country", "recognise", "china", "1960"]

    def test_limit(self) -> None:
        assert len(query_terms("alpha beta gamma delta", limit=2)) == 2
