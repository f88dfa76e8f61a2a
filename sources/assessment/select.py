"""Choose and judge the passages of one backend's candidates: what a lookup run keeps.

Candidates with a document (``text``) are ranked against each other and cut into passages;
candidates that are a statement only (``passage`` set, ``text`` empty: Wikidata statements,
fact-check claims) are judged as they are. A passage is kept when it is about the claim (its
stance is not "about something else"); the rest would only bury the reviewer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sources.backends.base import Candidate, ClaimQuery

from .assess import relevance as statement_relevance
from .ranking import CorpusStats, Doc, rank_documents
from .stance import DEFAULT_RULES, StanceRules, assess_stance

MAX_DOCUMENTS = 5
PASSAGES_PER_DOCUMENT = 2
MAX_STATEMENTS = 10


@dataclass(frozen=True)
class AssessedPassage:
    """A passage kept as evidence. ``start``/``end`` index ``candidate.text`` when the passage
    was cut from it (``None`` for a statement); ``stance`` is a label of
    :data:`~sources.assessment.stance.LABELS`, ``reason`` its one line, ``strength`` how firmly
    the rules reached it (0..1), ``relevance`` the passage's coverage of the claim (0..1)."""

    candidate: Candidate
    passage: str
    start: int | None
    end: int | None
    stance: str
    reason: str
    relevance: float
    strength: float
    details: dict[str, Any] = field(default_factory=dict)


def _bears_on_claim(details: dict[str, Any]) -> bool:
    return details.get("related") is True


def assess_candidates(
    query: ClaimQuery,
    candidates: Sequence[Candidate],
    *,
    origin: str = "",
    reference_year: int | None = None,
    stats: CorpusStats | None = None,
    max_documents: int = MAX_DOCUMENTS,
    passages_per_document: int = PASSAGES_PER_DOCUMENT,
    rules: StanceRules = DEFAULT_RULES,
) -> list[AssessedPassage]:
    """The passages of ``candidates`` that bear on the claim, each with its stance.

    ``origin`` (the backend's name) is recorded in each result's ``details``; ``reference_year``
    is the year the claim was made (the article's), which dates anniversaries; ``stats`` are
    document frequencies of a bigger collection when the caller has them.
    """
    documents = [c for c in candidates if c.text.strip()]
    statements = [c for c in candidates if not c.text.strip() and c.passage.strip()]
    # The stored values, or found again when none are stored (the same extractor finds the
    # same ones); the stored entities as they are (none stored: no names to require).
    values = list(query.values) or None
    entities = list(query.entities)
    out: list[AssessedPassage] = []
    by_id = {str(i): c for i, c in enumerate(documents)}
    docs = [
        Doc(id=str(i), text=c.text, title=c.title, kind=c.kind, rating=c.rating)
        for i, c in enumerate(documents)
    ]
    ranked = rank_documents(
        query.text, docs, stats=stats, passages_per_document=passages_per_document
    )

    def judge(
        candidate: Candidate,
        text: str,
        start: int | None,
        end: int | None,
        relevance: float,
        **extra: Any,
    ) -> AssessedPassage | None:
        """The passage with its stance, or None when it is about something else."""
        stance = assess_stance(
            query.text,
            text,
            claim_values=values,
            claim_entities=entities,
            reference_year=reference_year,
            rules=rules,
        )
        if not _bears_on_claim(stance.details):
            return None
        details = {"origin": origin, **extra, **stance.details}
        return AssessedPassage(
            candidate, text, start, end, stance.label, stance.reason, relevance,
            stance.strength, details,
        )  # fmt: skip

    for scored in ranked[:max_documents]:
        if scored.score <= 0:
            break
        candidate = by_id[scored.doc.id]
        for passage in scored.passages:
            kept = judge(
                candidate,
                passage.text,
                passage.start,
                passage.end,
                passage.coverage,
                document_score=round(scored.score, 4),
            )
            if kept is not None:
                out.append(kept)
    judged: list[AssessedPassage] = []
    for candidate in statements:
        kept = judge(
            candidate,
            candidate.passage,
            None,
            None,
            statement_relevance(query.text, candidate.passage),
        )
        if kept is not None:
            judged.append(kept)
    judged.sort(key=lambda a: -a.relevance)
    return out + judged[:MAX_STATEMENTS]
