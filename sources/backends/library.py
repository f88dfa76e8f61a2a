"""The team's own library: sources it loaded or attached, found by full-text search.

The database search (PostgreSQL tsvector / SQLite FTS5, see ``sources.selectors``) is handed in
as a function, so this module stays free of the ORM. It returns whole documents; passages are
cut and ranked against the claim by ``sources.assessment`` like every backend's documents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sources.assessment.ranking import query_terms
from sources.backends.base import Candidate, ClaimQuery


@dataclass(frozen=True)
class LibraryDocument:
    url: str
    title: str
    publisher: str
    kind: str
    published: str
    text: str
    rank: float


# search(terms, limit): None lets the database pick its own number of candidates.
LibrarySearch = Callable[[Sequence[str], int | None], Sequence[LibraryDocument]]


class LibraryBackend:
    name = "library"

    def __init__(self, *, search: LibrarySearch, limit: int | None = None) -> None:
        self._search = search
        self._limit = limit

    def search(self, query: ClaimQuery) -> list[Candidate]:
        terms = query_terms(query.text)
        if not terms:
            return []
        return [
            Candidate(
                url=doc.url,
                title=doc.title,
                passage="",
                score=doc.rank,
                publisher=doc.publisher,
                kind=doc.kind,
                published=doc.published,
                text=doc.text,
            )
            for doc in self._search(terms, self._limit)
        ]
