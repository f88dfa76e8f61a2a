"""The Check-COVID evaluation on a tiny corpus written here (the shared data is used only by
the last test, when WORKBENCH_EVAL_DIR points at it)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sources.assessment import cli
from sources.assessment.evaluation import (
    confusion,
    corpus_documents,
    covered_sentences,
    evaluate,
    evaluate_check_covid,
    evaluate_retrieval,
    load_corpus,
    macro_f1,
    or_prefilter,
    ranking_cv,
    render,
    retrieval_figures,
)
from sources.assessment.ranking import Doc

CORPUS = [
    {
        "cord_id": "masks",
        "title": "Face masks and respiratory virus shedding",
        "abstract": [
            "We measured virus in exhaled breath of patients.",
            "Surgical face masks reduced the detection of virus in respiratory droplets.",
            "The study ran in Hong Kong.",
        ],
    },
    {
        "cord_id": "bats",
        "title": "Dampened STING signalling in bats",
        "abstract": [
            "Bats coexist with many viruses.",
            "Bats have a dampened interferon response due to a STING mutation.",
        ],
    },
    {
        "cord_id": "choir",
        "title": "Attack rate at a choir practice",
        "abstract": [
            "A choir practice led to many infections.",
            "Singing may emit aerosol particles.",
        ],
    },
]
CLAIMS = [
    {"id": "a_0", "claim": "Surgical face masks reduced virus in respiratory droplets.",
     "cord_id": "masks", "label": "SUPPORT",
     "evidence_set": [{"sent_index": 1, "type": "PRIMARY"}], "is_auth": True},
    {"id": "a_1", "claim": "Surgical face masks did not reduce virus in respiratory droplets.",
     "cord_id": "masks", "label": "REFUTE",
     "evidence_set": [{"sent_index": 1, "type": "PRIMARY"}], "is_auth": False},
    {"id": "b_0", "claim": "Bats have a dampened interferon response.", "cord_id": "bats",
     "label": "SUPPORT", "evidence_set": [{"sent_index": 1, "type": "PRIMARY"}],
     "is_auth": False},
    {"id": "c_0", "claim": "Choir singers wore masks at the practice.", "cord_id": "choir",
     "label": "NOTENOUGHINFO", "evidence_set": [{"sent_index": 0, "type": "PRIMARY"}],
     "is_auth": False},
    {"id": "c_1", "claim": "A choir practice led to no infections.", "cord_id": "choir",
     "label": "REFUTE", "evidence_set": [{"sent_index": 0, "type": "PRIMARY"}],
     "is_auth": True},
]  # fmt: skip


@pytest.fixture
def eval_dir(tmp_path: Path) -> Path:
    data = tmp_path / "check-covid"
    (data / "dev").mkdir(parents=True)
    (data / "corpus.json").write_text("\n".join(json.dumps(r) for r in CORPUS), encoding="utf-8")
    (data / "dev" / "covidCheck_dev_all.json").write_text(
        "\n".join(json.dumps(r) for r in CLAIMS), encoding="utf-8"
    )
    return tmp_path


class OrPrefilterTests:
    DOCS = [
        Doc("m", "Surgical face masks reduced virus shedding.", "Shedding report"),
        Doc("t", "Nothing on the subject of shedding.", "Face masks"),
        Doc("c", "A choir practice.", "Choir"),
    ]

    def test_any_term_matches_stemmed_and_the_title_weighs_more(self) -> None:
        search = or_prefilter(self.DOCS)
        assert [d.id for d in search("mask")] == ["t", "m"]
        assert {d.id for d in search("choirs or mask")} == {"m", "t", "c"}
        assert search("zebra") == []
        assert search("the of") == []

    def test_limit_and_quotes(self) -> None:
        assert len(or_prefilter(self.DOCS, limit=1)("mask choir")) == 1
        assert or_prefilter(self.DOCS)('"masks" AND (') != []


class MetricTests:
    def test_retrieval_figures(self) -> None:
        figures = retrieval_figures([1, 2, 6, 20, 60])
        assert figures == {
            "recall@1": 0.2,
            "recall@5": 0.4,
            "recall@10": 0.6,
            "recall@50": 0.8,
            "mrr": 0.347,
        }

    def test_macro_f1_and_confusion(self) -> None:
        truth = ["SUPPORT", "REFUTE", "NOTENOUGHINFO", "SUPPORT"]
        predicted = ["SUPPORT", "SUPPORT", "NOTENOUGHINFO", "SUPPORT"]
        matrix = confusion(truth, predicted)
        assert matrix["REFUTE"]["SUPPORT"] == 1 and matrix["SUPPORT"]["SUPPORT"] == 2
        # F1: SUPPORT 0.8, REFUTE 0, NEI 1.
        assert macro_f1(truth, predicted) == pytest.approx(0.6)

    def test_covered_sentences_need_half(self) -> None:
        spans = [(0, 10), (11, 21), (22, 32)]
        assert covered_sentences(spans, [(0, 16)]) == {0, 1}
        assert covered_sentences(spans, [(0, 15)]) == {0}


class EvaluateTests:
    def test_figures_on_a_tiny_corpus(self, eval_dir: Path) -> None:
        figures = evaluate(eval_dir)["check_covid"]
        everything = figures["subsets"]["all"]
        assert everything["claims"] == 5
        assert figures["subsets"]["extracted"]["claims"] == 2
        assert figures["subsets"]["composed"]["claims"] == 3
        # Each claim shares its key words with its own abstract only.
        assert everything["retrieval"]["recall@1"] == 1.0
        assert everything["evidence"]["primary_recall"] == 1.0
        verdict = everything["verdict_in_sample"]
        assert sum(sum(row.values()) for row in verdict["confusion"].values()) == 5
        assert verdict["confusion"]["SUPPORT"]["SUPPORT"] >= 1
        assert verdict["confusion"]["REFUTE"]["REFUTE"] >= 1
        assert everything["majority_baseline"]["accuracy"] == 0.4
        assert "R@5 1.000" in render(evaluate(eval_dir))

    def test_a_search_narrows_the_candidates(self, eval_dir: Path) -> None:
        # A search that never returns the bats abstract: its claim's gold is ranked last.
        def search(claim: str) -> list[Doc]:
            return [
                d
                for d in corpus_documents(load_corpus(eval_dir / "check-covid" / "corpus.json"))
                if d.id != "bats"
            ]

        figures = evaluate_check_covid(eval_dir / "check-covid", search=search)
        assert figures["subsets"]["all"]["retrieval"]["recall@1"] == 0.8

    def test_a_search_reports_its_own_order_too(self, eval_dir: Path) -> None:
        docs = corpus_documents(load_corpus(eval_dir / "check-covid" / "corpus.json"))

        def search(claim: str) -> list[Doc]:
            return list(reversed(docs))  # choir, bats, masks: stage 1 in the wrong order

        figures = evaluate_check_covid(eval_dir / "check-covid", search=search)
        everything = figures["subsets"]["all"]
        assert everything["retrieval"]["recall@1"] == 1.0
        # Masks claims (2) rank 3rd, bats 2nd, choir 1st in the search's order.
        assert everything["prefilter"]["recall@1"] == 0.4
        assert everything["prefilter"]["recall@50"] == 1.0
        assert "prefilter" not in evaluate_check_covid(eval_dir / "check-covid")["subsets"]["all"]

    def test_two_stages_in_evaluate_and_render(self, eval_dir: Path) -> None:
        figures = evaluate(eval_dir)
        two_stage = figures["check_covid_two_stage"]["all"]
        assert two_stage["prefilter"]["recall@50"] == 1.0
        assert two_stage["retrieval"]["recall@1"] == 1.0
        assert "stage 1 alone" in render(figures)
        only = evaluate_retrieval(eval_dir / "check-covid")
        assert set(only) == {"all", "extracted", "composed"} and "prefilter" not in only["all"]

    def test_ranking_cv_reports_held_out_and_in_sample(self, eval_dir: Path) -> None:
        cv = ranking_cv(eval_dir / "check-covid", grid={"title_weight": (1.0, 2.0), "k1": (1.2,)})
        assert len(cv["per_fold"]) == 5
        assert cv["chosen_in_sample"]["title_weight"] in (1.0, 2.0)
        assert cv["cv"]["recall@1"] == cv["in_sample"]["recall@1"] == 1.0

    def test_cli_json(self, eval_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert cli.main(["evaluate", "--eval-dir", str(eval_dir), "--json"]) == 0
        figures = json.loads(capsys.readouterr().out)
        assert figures["check_covid"]["documents"] == 3

    def test_cli_without_data(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert cli.main(["evaluate", "--eval-dir", str(tmp_path)]) == cli.EXIT_NO_DATA
        assert "WORKBENCH_EVAL_DIR" in capsys.readouterr().err


@pytest.mark.skipif(
    "WORKBENCH_EVAL_DIR" not in os.environ, reason="set WORKBENCH_EVAL_DIR to run on Check-COVID"
)
class CheckCovidTests:
    def test_dev_figures(self) -> None:
        root = Path(__file__).resolve().parents[3]
        eval_dir = (root / os.environ["WORKBENCH_EVAL_DIR"]).resolve()
        if not (eval_dir / "check-covid" / "corpus.json").is_file():
            pytest.skip(f"no Check-COVID data under {eval_dir}")
        figures = evaluate(eval_dir)["check_covid"]["subsets"]
        assert figures["all"]["claims"] == 207
        # Floors under today's figures (R@5 0.70, verdict CV accuracy ~0.34): regressions fail.
        assert figures["all"]["retrieval"]["recall@5"] >= 0.65
        assert figures["all"]["evidence"]["primary_recall"] >= 0.6
        # Stage 1 (OR of terms, 50 candidates) keeps the gold for ~92% of claims.
        two_stage = evaluate(eval_dir)["check_covid_two_stage"]["all"]
        assert two_stage["prefilter"]["recall@50"] >= 0.88
