"""From candidate documents to assessed passages: rank, cut, judge.

This is what a lookup does with a backend's candidates once they are stored; the Django layer
calls it with the claim's stored entities and values and saves one Evidence row per result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .ranking import CorpusStats, Doc, ScoredPassage, rank_documents
from .stance import DEFAULT_RULES, Stance, StanceRules, assess_stance
from .suggestion import EvidenceView
from .tokens import tokenize

MAX_DOCUMENTS = 5
PASSAGES_PER_DOCUMENT = 2


@dataclass(frozen=True)
class PassageAssessment:
    """One passage of one document, judged: ``passage`` offsets index ``doc.text``;
    ``relevance`` (0..1) is the passage's idf-weighted coverage of the claim's words and
    ``document_score`` the document's rank score (0..1 relative to the best candidate)."""

    doc: Doc
    passage: ScoredPassage
    stance: Stance
    relevance: float
    document_score: float

    def as_evidence(self) -> EvidenceView:
        return EvidenceView(
            stance=self.stance.label,
            relevance=self.relevance,
            reason=self.stance.reason,
            kind=self.doc.kind,
            rating=self.doc.rating,
            title=self.doc.title or self.doc.id,
            strength=self.stance.strength,
        )


def assess_documents(
    claim_text: str,
    documents: Sequence[Doc],
    *,
    claim_values: Sequence[Mapping[str, Any]] | None = None,
    claim_entities: Sequence[Mapping[str, Any]] | None = None,
    reference_year: int | None = None,
    stats: CorpusStats | None = None,
    max_documents: int = MAX_DOCUMENTS,
    passages_per_document: int = PASSAGES_PER_DOCUMENT,
    rules: StanceRules = DEFAULT_RULES,
) -> list[PassageAssessment]:
    """The best passages of the ``max_documents`` best documents, each with its stance, in
    document order then passage order. Documents sharing no word with the claim are left out."""
    ranked = rank_documents(
        claim_text, documents, stats=stats, passages_per_document=passages_per_document
    )
    out: list[PassageAssessment] = []
    for scored in ranked[:max_documents]:
        if scored.score <= 0:
            break
        for passage in scored.passages:
            stance = assess_stance(
                claim_text,
                passage.text,
                claim_values=claim_values,
                claim_entities=claim_entities,
                reference_year=reference_year,
                rules=rules,
            )
            out.append(
                PassageAssessment(scored.doc, passage, stance, passage.coverage, scored.score)
            )
    return out


def relevance(claim_text: str, passage: str) -> float:
    """The share of the claim's distinct content stems that ``passage`` repeats (0..1): the
    relevance of a short statement a backend returned without a document."""
    claim = set(tokenize(claim_text))
    if not claim:
        return 0.0
    return len(claim & set(tokenize(passage))) / len(claim)
