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

Measured on Check-COVID dev (207 claims ranked against all 347 abstracts; ``python -m
sources.assessment evaluate``), each step alone against the plain BM25 above (R@5 0.700, R@1
0.478, MRR 0.577); parameters chosen by 5-fold cross-validation grouped by claim family
(``evaluation.ranking_cv``), CV figures being the honest ones:

- title words counted twice (BM25F-style, ``title_weight``): kept. R@1 0.502, MRR 0.592
  in-sample; CV (1..3) 0.498 / 0.588; R@5 unchanged at 0.700.
- k1/b (0.9..2.0 x 0.3..0.9): flat, R@5 0.686..0.725; the joint grid with title and document
  weight reaches 0.729 in-sample but 0.686 under CV: noise, so the textbook 1.2 / 0.75 stay.
- BM25+ (``delta`` 0.5..2): R@5 0.700..0.705, R@1 down to 0.406; off.
- adjacent-pair bonus (``proximity_weight`` 0.25..1): R@5 0.700..0.705, R@1 down; off.
- the lexicon of equivalents (expansion.py, ``expansion_weight`` 0.2..0.7): R@5 down to
  0.691..0.662 (in a corpus that is all about COVID-19, its generic groups add noise); off.
- pseudo-relevance feedback (``feedback_docs`` 3/5 x 10/20 terms x 0.2/0.4): R@5 0.671..0.696,
  R@10 up to 0.821 but R@1 down; off.
- a Porter (Snowball) stemmer instead of the light one: R@5 0.700, R@1 0.435; not adopted.
- hyphenated compounds kept whole as well as split ("covid-19"): R@5 0.686..0.696; not adopted.

The switched-off steps stay as parameters (default 0) so a different library can be measured.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field

from .expansion import EXPANSION_WEIGHT, expand
from .passages import Passage, split_passages
from .tokens import Token, content_tokens, tokenize

K1 = 1.2
B = 0.75
# Weight of the whole-document score in the document order; the best passage has the rest.
DOCUMENT_WEIGHT = 0.5
# Documents whose passages are scored (the rest keep their whole-document order below them).
RERANK_DEPTH = 50
TITLE_WEIGHT = 2.0
FEEDBACK_DOCS = 0
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 0.0
PROXIMITY_WEIGHT = 0.0
DELTA = 0.0


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
class RankingParams:
    """The knobs of :func:`rank_documents`; the defaults are the shipped choice (see the module
    docstring for how each was chosen and what it gained)."""

    k1: float = K1
    b: float = B
    # A title word counts this many times a body word (BM25F-style, one length normalisation).
    title_weight: float = TITLE_WEIGHT
    document_weight: float = DOCUMENT_WEIGHT
    # Lexicon equivalents (expansion.py) at this weight relative to a claim word; 0 turns off.
    expansion_weight: float = EXPANSION_WEIGHT
    # Pseudo-relevance feedback: the best ``feedback_terms`` new stems of the
    # ``feedback_docs`` best documents of a first pass, the best at ``feedback_weight``.
    feedback_docs: int = FEEDBACK_DOCS
    feedback_terms: int = FEEDBACK_TERMS
    feedback_weight: float = FEEDBACK_WEIGHT
    # Pairs of consecutive claim stems found next to each other in the text, as extra terms.
    proximity_weight: float = PROXIMITY_WEIGHT
    # BM25+ (Lv and Zhai 2011): every term present adds ``delta`` x its weight, so a long
    # document is not scored below one that lacks the term; 0 is plain BM25.
    delta: float = DELTA


DEFAULT_PARAMS = RankingParams()


@dataclass(frozen=True)
class _Analysed:
    tokens: tuple[Token, ...]
    starts: tuple[int, ...]
    passages: tuple[Passage, ...]
    passage_stems: tuple[tuple[str, ...], ...]


@functools.lru_cache(maxsize=2048)
def _analyse(text: str) -> _Analysed:
    """Tokens and passages of a text, cached: a library is ranked against many claims."""
    tokens = tuple(content_tokens(text))
    starts = tuple(t.start for t in tokens)
    passages = tuple(split_passages(text))
    stems = tuple(
        tuple(
            t.stem
            for t in tokens[bisect.bisect_left(starts, p.start) : bisect.bisect_left(starts, p.end)]
        )
        for p in passages
    )
    return _Analysed(tokens, starts, passages, stems)


def _pairs(stems: Sequence[str], wanted: bool = True) -> list[str]:
    """Adjacent stem pairs as single terms ("face mask" -> "face_mask"), if ``wanted``."""
    if not wanted:
        return []
    return [f"{a}_{b}" for a, b in itertools.pairwise(stems) if a != b]


def bm25(
    query: Iterable[str] | Mapping[str, float],
    tokens: Sequence[str],
    stats: CorpusStats,
    *,
    avg_length: float | None = None,
    k1: float = K1,
    b: float = B,
) -> float:
    """Okapi BM25 of ``tokens`` for the distinct stems of ``query`` (a mapping gives each
    stem a weight; an iterable weighs them all 1)."""
    weights = query if isinstance(query, Mapping) else dict.fromkeys(query, 1.0)
    avg = (avg_length if avg_length is not None else stats.avg_length) or 1.0
    term_weights = {t: w * stats.idf(t) for t, w in weights.items()}
    return _bm25(term_weights, Counter(tokens), len(tokens), avg, k1, b)


def _bm25(
    term_weights: Mapping[str, float],
    counts: Mapping[str, float],
    length: float,
    avg_length: float,
    k1: float,
    b: float,
    delta: float = 0.0,
) -> float:
    """BM25 (BM25+ with ``delta``) with each term's weight x idf given in ``term_weights``."""
    norm = k1 * (1.0 - b + b * length / (avg_length or 1.0))
    score = 0.0
    for term, weight in term_weights.items():
        tf = counts.get(term, 0)
        if tf:
            score += weight * (tf * (k1 + 1.0) / (tf + norm) + delta)
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


def query_weights(
    stems: Sequence[str], stats: CorpusStats, params: RankingParams = DEFAULT_PARAMS
) -> dict[str, float]:
    """Each query term's weight x idf: the claim's stems (1), their lexicon equivalents
    (``expansion_weight``) and pairs of consecutive stems (``proximity_weight`` x the mean idf
    of the two)."""
    weights = {
        t: w * stats.idf(t) for t, w in expand(stems, weight=params.expansion_weight).items()
    }
    if params.proximity_weight > 0:
        for a, b in itertools.pairwise(stems):
            if a != b:
                pair = f"{a}_{b}"
                weights[pair] = params.proximity_weight * (stats.idf(a) + stats.idf(b)) / 2
    return weights


@dataclass(frozen=True)
class _Profile:
    """A document's term counts (title words x ``title_weight``), pair counts and length."""

    counts: Mapping[str, float]
    length: float


@functools.lru_cache(maxsize=4096)
def _profile(title: str, text: str, title_weight: float, pairs: bool) -> _Profile:
    body = [t.stem for t in _analyse(text).tokens]
    title_stems = list(_title_tokens(title)) if title else []
    counts: dict[str, float] = dict(Counter(body + _pairs(body, pairs)))
    for term, n in Counter(title_stems + _pairs(title_stems, pairs)).items():
        counts[term] = counts.get(term, 0.0) + title_weight * n
    return _Profile(counts, len(body) + title_weight * len(title_stems))


def _passage_profile(stems: Sequence[str], pairs: bool) -> tuple[Counter[str], int]:
    return Counter([*stems, *_pairs(stems, pairs)]), len(stems)


def _best_passages(
    terms: Set[str],
    weights: Mapping[str, float],
    analysed: _Analysed,
    stats: CorpusStats,
    avg_length: float,
    k: int,
    params: RankingParams,
) -> list[ScoredPassage]:
    scored: list[tuple[float, int, int, Passage, tuple[str, ...]]] = []
    for p, stems in zip(analysed.passages, analysed.passage_stems, strict=True):
        if terms.isdisjoint(stems):
            continue
        counts, length = _passage_profile(stems, params.proximity_weight > 0)
        score = _bm25(weights, counts, length, avg_length, params.k1, params.b, params.delta)
        if score > 0:
            scored.append((score, p.sentences, p.start, p, stems))
    # Best first; on equal score the shorter passage (fewer sentences), then reading order.
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    chosen: list[ScoredPassage] = []
    for score, _sentences, _start, p, stems in scored:
        if any(p.start < c.end and c.start < p.end for c in chosen):
            continue
        cover = coverage(terms, stems, stats)
        chosen.append(ScoredPassage(p.start, p.end, p.text, score, cover, p.sentences))
        if len(chosen) == k:
            break
    return chosen


def _mean_passage_length(analysed_docs: Iterable[_Analysed]) -> float:
    lengths = [
        len(stems)
        for a in analysed_docs
        for p, stems in zip(a.passages, a.passage_stems, strict=True)
        if p.sentences == 1
    ]
    return 2.0 * sum(lengths) / len(lengths) if lengths else 1.0


def best_passages(
    query: str,
    text: str,
    k: int = 3,
    *,
    stats: CorpusStats | None = None,
    params: RankingParams = DEFAULT_PARAMS,
) -> list[ScoredPassage]:
    """The ``k`` best non-overlapping passages of ``text`` for ``query``, best first.

    Without ``stats`` the document frequencies are those of the passages of ``text`` itself.
    Passages that share no stem with the query are never returned.
    """
    analysed = _analyse(text)
    if stats is None:
        stats = CorpusStats.from_token_lists(
            stems
            for p, stems in zip(analysed.passages, analysed.passage_stems, strict=True)
            if p.sentences == 1
        )
    q = tokenize(query)
    weights = query_weights(q, stats, params)
    avg = _mean_passage_length([analysed])
    return _best_passages(set(q), weights, analysed, stats, avg, k, params)


def _feedback(
    ranked: Sequence[tuple[float, _Profile]],
    query: Mapping[str, float],
    stats: CorpusStats,
    params: RankingParams,
) -> dict[str, float]:
    """Pseudo-relevance feedback (RM3-style): the stems that weigh most in the best documents
    of a first pass (each document's term shares weighted by its share of the pass's score,
    times idf), not already in the query, as new terms with weight x idf."""
    top = [(s, p) for s, p in ranked[: params.feedback_docs] if s > 0]
    total = sum(s for s, _ in top)
    if not top or params.feedback_terms <= 0 or params.feedback_weight <= 0 or total <= 0:
        return {}
    mass: dict[str, float] = {}
    for score, profile in top:
        share = score / total / (profile.length or 1.0)
        for term, n in profile.counts.items():
            if "_" not in term and term not in query:
                mass[term] = mass.get(term, 0.0) + share * n
    best = sorted(((m * stats.idf(t), t) for t, m in mass.items()), reverse=True)
    best = best[: params.feedback_terms]
    if not best or best[0][0] <= 0:
        return {}
    top_value = best[0][0]
    return {t: params.feedback_weight * v / top_value * stats.idf(t) for v, t in best}


def rank_documents(
    query: str,
    documents: Sequence[Doc],
    *,
    stats: CorpusStats | None = None,
    passages_per_document: int = 3,
    document_weight: float | None = None,
    rerank_depth: int = RERANK_DEPTH,
    params: RankingParams = DEFAULT_PARAMS,
) -> list[ScoredDoc]:
    """``documents`` best first for ``query``, each with its best passages (offsets into
    ``doc.text``; the title counts towards the whole-document score only).

    ``stats`` are document frequencies from a bigger collection (the whole library) when the
    caller has them; otherwise they are computed from ``documents``. Documents are scored by
    BM25 for the claim's stems, their lexicon equivalents and adjacent pairs, then again with
    the feedback terms of the first pass's best documents. The ``rerank_depth`` best are
    re-ordered by ``document_weight`` x their BM25 plus (1 - ``document_weight``) x their best
    passage's BM25, each divided by its maximum over the candidates; documents sharing no term
    with the query come last with score 0.
    """
    weight = params.document_weight if document_weight is None else document_weight
    q = tokenize(query)
    terms = set(q)
    analysed = [_analyse(d.text) for d in documents]
    if stats is None:
        stats = CorpusStats.from_token_lists(
            _title_stems(d.title) + [t.stem for t in a.tokens]
            for d, a in zip(documents, analysed, strict=True)
        )
    pairs = params.proximity_weight > 0
    profiles = [_profile(d.title, d.text, params.title_weight, pairs) for d in documents]
    avg = stats.avg_length or 1.0
    weights = query_weights(q, stats, params)

    def score_all(w: Mapping[str, float]) -> list[float]:
        return [
            _bm25(w, p.counts, p.length, avg, params.k1, params.b, params.delta) for p in profiles
        ]

    text_scores = score_all(weights)
    if params.feedback_docs > 0 and params.feedback_weight > 0:
        first = sorted(range(len(documents)), key=lambda i: -text_scores[i])
        extra = _feedback([(text_scores[i], profiles[i]) for i in first], weights, stats, params)
        if extra:
            weights = {**weights, **extra}
            text_scores = score_all(weights)
    order = sorted(range(len(documents)), key=lambda i: -text_scores[i])
    head = [i for i in order[:rerank_depth] if text_scores[i] > 0]
    avg_passage = _mean_passage_length(analysed[i] for i in head)
    best: dict[int, list[ScoredPassage]] = {
        i: _best_passages(
            terms, weights, analysed[i], stats, avg_passage, passages_per_document, params
        )
        for i in head
    }
    top_text = max((text_scores[i] for i in head), default=0.0) or 1.0
    top_passage = max((b[0].score for b in best.values() if b), default=0.0) or 1.0
    ranked: list[ScoredDoc] = []
    for i in head:
        passage_score = best[i][0].score if best[i] else 0.0
        score = weight * text_scores[i] / top_text + (1.0 - weight) * passage_score / top_passage
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
