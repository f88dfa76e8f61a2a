"""BM25 ranking of documents and of the passages inside them.

A small BM25 (Okapi, Robertson-Sparck Jones idf with the +1 that keeps it positive) rather than
a library: the candidate sets are small and new for every claim (the library search hands over
up to ~50 documents), the document frequencies may come from the whole library rather than the
candidates, and passages are scored against the same statistics as their documents. bm25s is
built for large fixed indexes (numpy/scipy sparse matrices, no external document frequencies);
rank_bm25 is unmaintained. This is fifty lines and has no dependency.

Document order combines the whole document's BM25 with its best passage's BM25 (each divided by
the best score in the candidate set): a document that says the claim in one place beats one that
uses the same words scattered over many paragraphs.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .passages import Passage, split_passages
from .tokens import Token, content_tokens, tokenize

K1 = 1.2
B = 0.75
# Weight of the whole-document score in the document order; the best passage has the rest.
DOCUMENT_WEIGHT = 0.5
# Documents whose passages are scored (the rest keep their whole-document order below them).
RERANK_DEPTH = 50


@dataclass(frozen=True)
class CorpusStats:
    """Document frequencies of stems over a collection of ``documents`` documents."""

    documents: int
    doc_freq: Mapping[str, int]
    avg_length: float

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> CorpusStats:
        """Statistics of the given document texts (title and body joined, as ranked)."""
        return cls.from_token_lists(tokenize(text) for text in texts)

    @classmethod
    def from_token_lists(cls, token_lists: Iterable[Sequence[str]]) -> CorpusStats:
        df: Counter[str] = Counter()
        n = 0
        total = 0
        for tokens in token_lists:
            n += 1
            total += len(tokens)
            df.update(set(tokens))
        return cls(documents=n, doc_freq=dict(df), avg_length=total / n if n else 0.0)

    def idf(self, term: str) -> float:
        df = self.doc_freq.get(term, 0)
        return math.log(1.0 + (self.documents - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class Doc:
    """A candidate document: ``id`` is the caller's key (a Source id, a URL, a cord_id);
    ``kind`` a Source.Kind value and ``rating`` a fact-check's rating, for the suggestion."""

    id: str
    text: str
    title: str = ""
    kind: str = "other"
    rating: str = ""


@dataclass(frozen=True)
class ScoredPassage:
    """A passage of a document with its BM25 ``score`` and ``coverage``: the idf-weighted
    share of the query's distinct stems that it contains (0..1, comparable across queries)."""

    start: int
    end: int
    text: str
    score: float
    coverage: float
    sentences: int = 1


@dataclass(frozen=True)
class ScoredDoc:
    """``score`` orders the documents (0..1 relative to the best candidate); ``text_score`` is
    the whole document's BM25 and ``passages`` its best passages, best first."""

    doc: Doc
    score: float
    text_score: float
    passage_score: float
    passages: tuple[ScoredPassage, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Analysed:
    tokens: tuple[Token, ...]
    starts: tuple[int, ...]
    passages: tuple[Passage, ...]


@functools.lru_cache(maxsize=2048)
def _analyse(text: str) -> _Analysed:
    """Tokens and passages of a text, cached: a library is ranked against many claims."""
    tokens = tuple(content_tokens(text))
    return _Analysed(tokens, tuple(t.start for t in tokens), tuple(split_passages(text)))


def _passage_stems(analysed: _Analysed, passage: Passage) -> list[str]:
    lo = bisect.bisect_left(analysed.starts, passage.start)
    hi = bisect.bisect_left(analysed.starts, passage.end)
    return [t.stem for t in analysed.tokens[lo:hi]]


def bm25(
    query: Iterable[str],
    tokens: Sequence[str],
    stats: CorpusStats,
    *,
    avg_length: float | None = None,
    k1: float = K1,
    b: float = B,
) -> float:
    """Okapi BM25 of ``tokens`` for the distinct stems of ``query``."""
    counts = Counter(tokens)
    avg = (avg_length if avg_length is not None else stats.avg_length) or 1.0
    norm = k1 * (1.0 - b + b * len(tokens) / avg)
    score = 0.0
    for term in set(query):
        tf = counts.get(term, 0)
        if tf:
            score += stats.idf(term) * tf * (k1 + 1.0) / (tf + norm)
    return score


def coverage(query: Iterable[str], tokens: Iterable[str], stats: CorpusStats) -> float:
    """The idf-weighted share of the distinct stems of ``query`` found in ``tokens``."""
    terms = set(query)
    if not terms:
        return 0.0
    present = set(tokens)
    total = sum(stats.idf(t) for t in terms)
    if total <= 0:
        return len(terms & present) / len(terms)
    return sum(stats.idf(t) for t in terms & present) / total


def _overlaps(a: ScoredPassage, chosen: Sequence[ScoredPassage]) -> bool:
    return any(a.start < c.end and c.start < a.end for c in chosen)


def _best_passages(
    query: Sequence[str],
    analysed: _Analysed,
    stats: CorpusStats,
    avg_length: float,
    k: int,
) -> list[ScoredPassage]:
    terms = set(query)
    scored: list[tuple[float, int, int, Passage, list[str]]] = []
    for p in analysed.passages:
        stems = _passage_stems(analysed, p)
        if terms.isdisjoint(stems):
            continue
        score = bm25(terms, stems, stats, avg_length=avg_length)
        if score > 0:
            scored.append((score, p.sentences, p.start, p, stems))
    # Best first; on equal score the shorter passage (fewer sentences), then reading order.
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    chosen: list[ScoredPassage] = []
    for score, _sentences, _start, p, stems in scored:
        candidate = ScoredPassage(
            p.start, p.end, p.text, score, coverage(terms, stems, stats), p.sentences
        )
        if not _overlaps(candidate, chosen):
            chosen.append(candidate)
            if len(chosen) == k:
                break
    return chosen


def _mean_passage_length(analysed_docs: Iterable[_Analysed]) -> float:
    lengths = [
        len(_passage_stems(a, p)) for a in analysed_docs for p in a.passages if p.sentences == 1
    ]
    return 2.0 * sum(lengths) / len(lengths) if lengths else 1.0


def best_passages(
    query: str,
    text: str,
    k: int = 3,
    *,
    stats: CorpusStats | None = None,
) -> list[ScoredPassage]:
    """The ``k`` best non-overlapping passages of ``text`` for ``query``, best first.

    Without ``stats`` the document frequencies are those of the passages of ``text`` itself.
    Passages that share no stem with the query are never returned.
    """
    analysed = _analyse(text)
    if stats is None:
        stats = CorpusStats.from_token_lists(
            _passage_stems(analysed, p) for p in analysed.passages if p.sentences == 1
        )
    return _best_passages(tokenize(query), analysed, stats, _mean_passage_length([analysed]), k)


def rank_documents(
    query: str,
    documents: Sequence[Doc],
    *,
    stats: CorpusStats | None = None,
    passages_per_document: int = 3,
    document_weight: float = DOCUMENT_WEIGHT,
    rerank_depth: int = RERANK_DEPTH,
) -> list[ScoredDoc]:
    """``documents`` best first for ``query``, each with its best passages (offsets into
    ``doc.text``; the title counts towards the whole-document score only).

    ``stats`` are document frequencies from a bigger collection (the whole library) when the
    caller has them; otherwise they are computed from ``documents``. The ``rerank_depth`` best
    documents by whole-document BM25 are re-ordered by ``document_weight`` x their BM25 plus
    (1 - ``document_weight``) x their best passage's BM25, each divided by its maximum over the
    candidates; documents sharing no stem with the query come last with score 0.
    """
    q = tokenize(query)
    analysed = [_analyse(d.text) for d in documents]
    doc_stems = [
        _title_stems(d.title) + [t.stem for t in a.tokens]
        for d, a in zip(documents, analysed, strict=True)
    ]
    if stats is None:
        stats = CorpusStats.from_token_lists(doc_stems)
    text_scores = [bm25(q, stems, stats) for stems in doc_stems]
    order = sorted(range(len(documents)), key=lambda i: -text_scores[i])
    head = [i for i in order[:rerank_depth] if text_scores[i] > 0]
    avg_passage = _mean_passage_length(analysed[i] for i in head)
    best: dict[int, list[ScoredPassage]] = {
        i: _best_passages(q, analysed[i], stats, avg_passage, passages_per_document) for i in head
    }
    top_text = max((text_scores[i] for i in head), default=0.0) or 1.0
    top_passage = max((b[0].score for b in best.values() if b), default=0.0) or 1.0
    ranked: list[ScoredDoc] = []
    for i in head:
        passage_score = best[i][0].score if best[i] else 0.0
        score = (
            document_weight * text_scores[i] / top_text
            + (1.0 - document_weight) * passage_score / top_passage
        )
        ranked.append(ScoredDoc(documents[i], score, text_scores[i], passage_score, tuple(best[i])))
    ranked.sort(key=lambda s: -s.score)
    tail = [i for i in order if i not in best]
    ranked.extend(ScoredDoc(documents[i], 0.0, text_scores[i], 0.0) for i in tail)
    return ranked


@functools.lru_cache(maxsize=2048)
def _title_tokens(title: str) -> tuple[str, ...]:
    return tuple(tokenize(title))


def _title_stems(title: str) -> list[str]:
    """A title's stems count towards its document's score (passages come from the body)."""
    return list(_title_tokens(title)) if title else []


# Surface words (not stems) for a database full-text search: the database stems them itself.
MAX_QUERY_TERMS = 24


def query_terms(text: str, *, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """The distinct content words of ``text`` (lower-cased, accents kept, no stop words or
    negations), in order of appearance, at most ``limit``: the terms a library search ORs."""
    seen: dict[str, None] = {}
    for token in content_tokens(text):
        word = text[token.start : token.end].lower()
        if len(word) > 1 or word.isdigit():
            seen.setdefault(word, None)
        if len(seen) == limit:
            break
    return list(seen)
