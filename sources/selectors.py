"""Reads for sources, team libraries, evidence and lookup runs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet

from sources.models import Evidence, LookupRun, Source

# A search term is a plain word: whatever the full-text query languages treat specially
# (quotes, "-", "or", parentheses, "*", ":", "^") never reaches them.
_TERM = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?", re.UNICODE)
# Candidates the database search hands to the re-ranking. PostgreSQL's ts_rank_cd knows no
# inverse document frequency (a word in every document counts like a rare one), so its first cut
# is coarser and it passes on more (Check-COVID dev: the gold abstract among the first 50 for
# 72% of claims on PostgreSQL, 92% with FTS5's bm25).
LIBRARY_SEARCH_LIMIT = {"postgresql": 200, "sqlite": 50}


def _clean_terms(terms: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for term in terms:
        for word in _TERM.findall(term):
            word = word.replace("\u2019", "'").lower()
            if word not in seen and word not in ("or", "and", "not", "near"):
                seen.append(word)
    return seen[:64]


def library_search(*, team_id: int, terms: Sequence[str], limit: int | None = None) -> list[Source]:
    """Sources in a team's library matching ANY of `terms`, best first, with `.rank` set.

    One query. PostgreSQL: the stored tsvector (GIN index) against ``websearch_to_tsquery``
    with the terms OR-ed, ranked by ``ts_rank_cd`` (cover density, normalised by document
    length). SQLite: the FTS5 table, ranked by ``bm25()`` with the title weighted 4:1. Larger
    ``rank`` is better on both. The ranking is only a first cut: passages are chosen and
    ranked against the claim afterwards.
    """
    words = _clean_terms(terms)
    if not words:
        return []
    if limit is None:
        limit = LIBRARY_SEARCH_LIMIT.get(connection.vendor, 50)
    if connection.vendor == "postgresql":
        sql = """
            SELECT s.*, ts_rank_cd(s.search_vector, q, 1) AS rank
            FROM sources_source s
            JOIN sources_libraryitem li ON li.source_id = s.id AND li.team_id = %s
            CROSS JOIN websearch_to_tsquery('english'::regconfig, %s) q
            WHERE s.search_vector @@ q
            ORDER BY rank DESC, s.id
            LIMIT %s
        """
        params: list[object] = [team_id, " or ".join(words), limit]
    elif connection.vendor == "sqlite":
        sql = """
            SELECT s.*, -bm25(sources_source_fts, 4.0, 1.0) AS rank
            FROM sources_source_fts
            JOIN sources_source s ON s.id = sources_source_fts.rowid
            JOIN sources_libraryitem li ON li.source_id = s.id AND li.team_id = %s
            WHERE sources_source_fts MATCH %s
            ORDER BY rank DESC, s.id
            LIMIT %s
        """
        params = [team_id, " OR ".join(f'"{word}"' for word in words), limit]
    else:  # pragma: no cover - the project runs on PostgreSQL or SQLite only
        raise NotImplementedError(f"No library search on {connection.vendor}.")
    return list(Source.objects.raw(sql, params))


def evidence_for_claim(*, claim_id: int) -> QuerySet[Evidence]:
    """A claim's evidence, most relevant first, with each passage's source (archive deferred)."""
    return (
        Evidence.objects.filter(claim_id=claim_id)
        .select_related("source")
        .defer("source__archived_text")
        .order_by("-relevance", "id")
    )


def lookup_runs_latest(*, claim_id: int) -> list[LookupRun]:
    """The latest run of each backend for a claim (what the claim page shows as progress)."""
    latest: dict[str, LookupRun] = {}
    for run in LookupRun.objects.filter(claim_id=claim_id).order_by(
        "backend", "-created_at", "-id"
    ):
        latest.setdefault(run.backend, run)
    return list(latest.values())
