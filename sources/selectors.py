"""Reads for sources, team libraries, evidence and lookup runs.

The ``*_list``/``*_get`` readers scope rows to a user's teams (the API); another team's rows are
not found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

import django_filters
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, Model, OuterRef, QuerySet

from sources.filters import EvidenceFilter, LookupRunFilter, SourceFilter
from sources.models import Evidence, LibraryItem, LookupRun, Source
from workbench.selectors import team_list_for_user

Viewer = User | AnonymousUser
_M = TypeVar("_M", bound=Model)

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
    """A claim's evidence, most relevant first, with its source (archive deferred) and adder."""
    return (
        Evidence.objects.filter(claim_id=claim_id)
        .select_related("source", "created_by")
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


# --- scoped to a user's teams (the API) ----------------------------------------------------------


def _apply_filters(
    filterset_class: type[django_filters.FilterSet],
    filters: Mapping[str, Any] | None,
    queryset: QuerySet[_M],
) -> QuerySet[_M]:
    """`queryset` narrowed by a FilterSet; invalid values raise ValidationError per field."""
    filterset = filterset_class(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.as_data())
    return cast(QuerySet[_M], filterset.qs)


def evidence_list(*, user: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[Evidence]:
    """Evidence on a user's teams' claims, newest first, filtered (see EvidenceFilter).

    One query: each row comes with its claim, its source (archived text deferred) and its adder.
    """
    queryset = (
        Evidence.objects.filter(claim__team__in=team_list_for_user(user=user))
        .select_related("claim", "source", "created_by")
        .defer("source__archived_text")
        .order_by("-created_at", "-id")
    )
    return _apply_filters(EvidenceFilter, filters, queryset)


def evidence_get(*, user: Viewer, code: Any) -> Evidence | None:
    return (
        Evidence.objects.filter(claim__team__in=team_list_for_user(user=user), code=code)
        .select_related("claim", "source", "created_by")
        .defer("source__archived_text")
        .first()
    )


def _sources_visible(*, user: Viewer) -> QuerySet[Source]:
    """Sources a user may see: in one of their teams' libraries, or cited by evidence on one of
    their teams' claims. EXISTS subqueries, so a source is one row however often it is cited."""
    teams = team_list_for_user(user=user)
    in_library = LibraryItem.objects.filter(team__in=teams, source=OuterRef("pk"))
    cited = Evidence.objects.filter(claim__team__in=teams, source=OuterRef("pk"))
    return Source.objects.filter(Exists(in_library) | Exists(cited))


def source_list(*, user: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[Source]:
    """The sources a user may see, newest first, filtered (see SourceFilter); no archived text."""
    queryset = _sources_visible(user=user).defer("archived_text").order_by("-created_at", "-id")
    return _apply_filters(SourceFilter, filters, queryset)


def source_get(*, user: Viewer, code: Any) -> Source | None:
    """One source a user may see, with its archived text."""
    return _sources_visible(user=user).filter(code=code).first()


def lookup_run_list(
    *, user: Viewer, filters: Mapping[str, Any] | None = None
) -> QuerySet[LookupRun]:
    """Lookup runs on a user's teams' claims, newest first, filtered (see LookupRunFilter)."""
    queryset = (
        LookupRun.objects.filter(claim__team__in=team_list_for_user(user=user))
        .select_related("claim", "requested_by")
        .order_by("-created_at", "-id")
    )
    return _apply_filters(LookupRunFilter, filters, queryset)


def lookup_run_get(*, user: Viewer, code: Any) -> LookupRun | None:
    return (
        LookupRun.objects.filter(claim__team__in=team_list_for_user(user=user), code=code)
        .select_related("claim", "requested_by")
        .first()
    )
