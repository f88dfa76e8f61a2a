from __future__ import annotations

import pytest

from sources.assessment.ranking import (
    CorpusStats,
    Doc,
    RankingParams,
    ScoredDoc,
    best_passages,
    bm25,
    coverage,
    query_terms,
    query_weights,
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


class WeightedQueryTests:
    def test_a_mapping_weighs_each_term(self) -> None:
        stats = CorpusStats(documents=10, doc_freq={"a": 1, "b": 1}, avg_length=3)
        once = bm25(["a", "b"], ["a", "b", "x"], stats)
        assert bm25({"a": 1.0, "b": 1.0}, ["a", "b", "x"], stats) == pytest.approx(once)
        assert bm25({"a": 2.0, "b": 0.0}, ["a", "b", "x"], stats) == pytest.approx(once)

    def test_query_weights_add_pairs_only_with_proximity(self) -> None:
        stats = CorpusStats(documents=10, doc_freq={"face": 2, "mask": 4}, avg_length=3)
        plain = query_weights(["face", "mask"], stats, RankingParams())
        assert set(plain) == {"face", "mask"}
        near = query_weights(["face", "mask"], stats, RankingParams(proximity_weight=0.5))
        expected = 0.5 * (stats.idf("face") + stats.idf("mask")) / 2
        assert near["face_mask"] == pytest.approx(expected)


FILLER = " Other words follow here about weather, trade and sport in the region."


class RankingParamsTests:
    def test_title_weight_raises_a_title_match(self) -> None:
        docs = [Doc("t", "Nothing else." + FILLER, "Sugar tariffs"), Doc("b", "Sugar." + FILLER)]
        once = rank_documents("sugar tariffs", docs, params=RankingParams(title_weight=1.0))
        thrice = rank_documents("sugar tariffs", docs, params=RankingParams(title_weight=3.0))
        assert _text_score(thrice, "t") > _text_score(once, "t")
        assert _text_score(thrice, "b") == pytest.approx(_text_score(once, "b"), rel=0.3)

    def test_lexicon_expansion_finds_equivalent_words(self) -> None:
        docs = [
            Doc("exact", "Kids got the vaccine early." + FILLER),
            Doc("equivalent", "Children received the immunization early." + FILLER),
            Doc("neither", "Weather in the region." + FILLER),
        ]
        off = rank_documents("kids vaccine", docs, params=RankingParams(expansion_weight=0.0))
        on = rank_documents("kids vaccine", docs, params=RankingParams(expansion_weight=0.3))
        assert _text_score(off, "equivalent") == 0.0
        assert _text_score(on, "equivalent") > 0.0
        assert [r.doc.id for r in on][:2] == ["exact", "equivalent"]
        # The passages' coverage still counts the claim's own words only.
        assert all(p.coverage == 0.0 for r in on if r.doc.id == "equivalent" for p in r.passages)

    def test_feedback_brings_in_words_of_the_best_documents(self) -> None:
        docs = [
            Doc("top", "Hamsters wore masks. Partition experiments with golden hamsters."),
            Doc("related", "Golden hamsters in partition cages were studied closely."),
            Doc("other", "A choir practice with singers indoors."),
        ]
        params = RankingParams(feedback_docs=1, feedback_terms=5, feedback_weight=0.5)
        off = rank_documents("masks", docs)
        on = rank_documents("masks", docs, params=params)
        assert _text_score(off, "related") == 0.0
        assert _text_score(on, "related") > 0.0
        assert _text_score(on, "other") == 0.0
        assert on[0].doc.id == "top"

    def test_proximity_prefers_adjacent_words(self) -> None:
        docs = [
            Doc("apart", "The face of the nurse was calm; a mask lay nearby." + FILLER),
            Doc("adjacent", "The nurse wore a face mask while the others were calm." + FILLER),
        ]
        off = rank_documents("face mask", docs)
        on = rank_documents("face mask", docs, params=RankingParams(proximity_weight=1.0))
        assert _text_score(off, "apart") == pytest.approx(_text_score(off, "adjacent"), rel=0.1)
        assert _text_score(on, "adjacent") > 1.2 * _text_score(on, "apart")

    def test_bm25_plus_adds_delta_per_present_term(self) -> None:
        docs = [Doc("a", "Sugar and tariffs." + FILLER), Doc("b", "Weather only." + FILLER)]
        stats = CorpusStats.from_texts(d.text for d in docs)
        plain = rank_documents("sugar tariffs", docs, stats=stats)
        plus = rank_documents("sugar tariffs", docs, stats=stats, params=RankingParams(delta=1.0))
        added = stats.idf("sugar") + stats.idf("tariff")
        assert _text_score(plus, "a") - _text_score(plain, "a") == pytest.approx(added)
        assert _text_score(plus, "b") == 0.0


def _text_score(ranked: list[ScoredDoc], doc_id: str) -> float:
    return next(r.text_score for r in ranked if r.doc.id == doc_id)
