"""The demo: the seed article's claims against the demo library (workbench/demo/library.jsonl),
all offline. The claims about the 1960 relations, the 65th anniversary and the May meeting of
Xi Jinping and Diaz-Canel get supporting evidence; no claim is supported by an unrelated note."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from claims.extraction import extract_article
from sources.assessment.select import AssessedPassage, assess_candidates
from sources.assessment.suggestion import EvidenceView, suggest
from sources.backends.base import Candidate, ClaimQuery

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "workbench/demo/seed-china-cuba.txt"
LIBRARY = ROOT / "workbench/demo/library.jsonl"

RELATIONS_NOTES = {
    "http://www.cubanews.acn.cu/world/27628-cuba-and-china-commemorate-65-years-of-diplomatic-ties",
    "https://www.plenglish.com/news/2025/09/04/cuba-and-china-celebrate-65-years-of-diplomatic-relations",
    "https://radiorebelde.cu/english/cuba-and-china-reaffirm-their-friendship-and-commitment-to-cooperation-07012025",
}
MOSCOW_NOTE = "https://www.newsmax.com/platinum/china-cuba-ally/2025/05/13/id/1210840/"
POLICE_NOTES = {
    "http://namibiadailynews.info/chinas-police-chief-meets-cuban-interior-minister/",
    "https://s3.eu-central-1.amazonaws.com/qurium/cubanet.org/cuban-and-chinese-regimes-strengthen-police-and-security-cooperation-during-meeting-in-beijing.html",
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[AssessedPassage]]:
    extraction = extract_article(
        SEED.read_text(encoding="utf-8"), article_date=datetime.date(2025, 9, 26)
    )
    candidates = []
    for line in LIBRARY.read_text(encoding="utf-8").splitlines():
        note = json.loads(line)
        candidates.append(
            Candidate(
                url=note["url"],
                title=note["title"],
                passage="",
                score=1.0,
                kind=note["kind"],
                text=note["text"],
            )
        )
    out: dict[str, list[AssessedPassage]] = {}
    for claim in extraction.claims:
        as_stored = claim.to_dict()
        query = ClaimQuery(
            text=claim.text,
            entities=tuple(as_stored["entities"]),
            values=tuple(as_stored["values"]),
        )
        out[claim.text] = assess_candidates(query, candidates, reference_year=2025)
    return out


def _claim(results: dict[str, list[AssessedPassage]], *keys: str) -> list[AssessedPassage]:
    matches = [text for text in results if all(k in text for k in keys)]
    assert len(matches) == 1, matches
    return results[matches[0]]


def _supporting(passages: list[AssessedPassage]) -> set[str]:
    return {p.candidate.url for p in passages if p.stance == "supports"}


def _suggestion(passages: list[AssessedPassage]) -> str:
    views = [
        EvidenceView(p.stance, p.relevance, p.reason, p.candidate.kind, strength=p.strength)
        for p in passages
    ]
    return suggest(views).value


class DemoTests:
    def test_relations_of_1960(self, results: dict[str, list[AssessedPassage]]) -> None:
        passages = _claim(results, "Western Hemisphere", "1960")
        assert _supporting(passages) == RELATIONS_NOTES
        assert any("claim says 1960" in p.reason for p in passages)
        assert _suggestion(passages) == "supported"

    def test_65th_anniversary(self, results: dict[str, list[AssessedPassage]]) -> None:
        passages = _claim(results, "65th anniversary")
        assert _supporting(passages) == RELATIONS_NOTES
        assert _suggestion(passages) == "supported"

    def test_may_meeting_of_xi_and_diaz_canel(
        self, results: dict[str, list[AssessedPassage]]
    ) -> None:
        passages = _claim(results, "Xi Jinping", "May")
        assert _supporting(passages) == {MOSCOW_NOTE}
        moscow = next(p for p in passages if p.candidate.url == MOSCOW_NOTE)
        assert "9 May 2025" in moscow.reason
        assert _suggestion(passages) == "supported"
        # The police chiefs' meeting of 20 May 2023 is another meeting: not a contradiction.
        assert all(p.stance != "refutes" for p in passages)

    def test_no_unrelated_note_supports(self, results: dict[str, list[AssessedPassage]]) -> None:
        for text, passages in results.items():
            for url in _supporting(passages):
                if url in RELATIONS_NOTES:
                    assert "1960" in text or "anniversary" in text, text
                elif url == MOSCOW_NOTE:
                    assert "Xi Jinping" in text, text
                else:
                    # Only the interior minister's title is in the police notes.
                    assert url in POLICE_NOTES and "interior minister" in text, (text, url)

    def test_chen_yixin_is_not_confirmed_by_wang_xiaohong(
        self, results: dict[str, list[AssessedPassage]]
    ) -> None:
        passages = _claim(results, "Chen Yixin recently met")
        assert passages and all(p.stance == "neutral" for p in passages)
        assert passages[0].reason == "passage does not name Chen Yixin"
