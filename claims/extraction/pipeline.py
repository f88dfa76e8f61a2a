"""The extraction pipeline (ARCHITECTURE section 5), one plain function per stage:
sentences (:mod:`.text`) -> headings and fragments out -> check-worthiness (:mod:`.scoring`) ->
atomic statements (:mod:`.atomic`) -> references made explicit (:mod:`.context`) -> type,
entities (:mod:`.entities`), values (:mod:`.values`) -> duplicates merged (:mod:`.dedup`) ->
findings across claims (:mod:`.consistency`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from .atomic import split_statements
from .consistency import check_consistency, reference_year
from .context import Resolver
from .dedup import merge_duplicates
from .entities import find_entities
from .errors import MAX_TEXT_CHARS, EmptyTextError, TextTooLargeError
from .records import Entity, ExtractedClaim, Extraction, SentenceScore, Statement, Value
from .scoring import cannot_pass, model_logit, quick_reject, score_analysed, score_statement
from .text import (
    INVISIBLE_CHARS,
    WORD_END,
    WORD_START,
    WordTest,
    is_heading,
    lower_tokens,
    split_sentences,
    word_pattern,
)
from .values import find_values, resolve_months

_Spanned = TypeVar("_Spanned", Entity, Value)

_W = WORD_START
_E = WORD_END
_words = word_pattern


_ATTRIBUTION = re.compile(
    _W
    + r"(?:said|says|stated|stating|told|noted|noting|according\s+to|announced|declared|expressed)"
    + _E
    + r"|[\u201c\u201d]",
    re.IGNORECASE,
)
_EVENT = _words(
    "met", "meets", "visited", "visits", "signed", "signs", "established", "founded",
    "launched", "invested", "held", "hosted", "attended", "elected", "appointed", "arrested",
    "killed", "approved", "agreed", "imposed", "lifted", "discussed", "faced",
)  # fmt: skip
_RELATION = re.compile(
    _W
    + r"(?:is|was|are|were|became|become|becomes|being)\s+(?:the\s+)?first"
    + _E
    + r"|[\u2019']s\s+(?:\w+\s+){0,2}(?:minister|president|chief|secretary|ambassador|leader)"
    + _E,
    re.IGNORECASE,
)
_CAUSAL = _words(r"because", r"due\s+to", r"caused", r"causes?", r"led\s+to", r"result(?:ed)?\s+in",
                 r"as\s+a\s+result", r"driven\s+by", r"exacerbated\s+by")  # fmt: skip
_PREDICTION = _words("will", "expects?", "expected", "forecasts?", "predicts?", "predicted")
_RULE = _words("laws?", "bans?", "banned", "illegal", "legal", "prohibits?", "prohibited",
               "regulations?", "requires?", "mandatory", "sanctions?")  # fmt: skip


# The keyword rules of classify_claim, in the order they are checked.
_KEYWORD_TYPES: tuple[tuple[str, WordTest], ...] = (
    ("attribution", WordTest(_ATTRIBUTION)),
    ("event", WordTest(_EVENT)),
    ("relation", WordTest(_RELATION)),
    ("causal", WordTest(_CAUSAL)),
    ("prediction", WordTest(_PREDICTION)),
    ("rule", WordTest(_RULE)),
)


def classify_claim(sentence: str, values: tuple[Value, ...] = ()) -> str:
    """A claim type from simple keyword rules, checked in order; ``"other"`` if none applies."""
    kinds = {v.kind for v in values}
    if kinds & {"percent", "money", "count"}:
        return "quantity"
    if kinds & {"year", "date", "anniversary", "duration", "month"}:
        return "temporal"
    tokens = lower_tokens(sentence)
    for kind, test in _KEYWORD_TYPES:
        if test.search(sentence, tokens):
            return kind
    return "other"


def _validate(text: str, threshold: float) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise TextTooLargeError(
            f"text is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}"
        )
    if all(ch.isspace() or ch in INVISIBLE_CHARS for ch in text):
        raise EmptyTextError("text is empty or contains only whitespace")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")


def _relabel_people(entities: Sequence[Entity], people_words: set[str]) -> tuple[Entity, ...]:
    """A lone capitalised word already seen inside a PERSON name ("Chen") is a PERSON too."""
    return tuple(
        Entity(text=e.text, label="PERSON", start=e.start, end=e.end)
        if e.label == "MISC" and " " not in e.text and e.text in people_words
        else e
        for e in entities
    )


@dataclass
class _Kept:
    """A sentence that passed the check-worthiness threshold: its score and values."""

    score: SentenceScore
    values: tuple[Value, ...]


def _inside(found: Sequence[_Spanned], statement: Statement, wording: str) -> tuple[_Spanned, ...]:
    """The sentence's entities or values that belong to this statement: inside its span and,
    when the statement is a phrase cut from a longer sentence, named in its wording."""
    return tuple(
        f
        for f in found
        if statement.start <= f.start and f.end <= statement.end and f.text in wording
    )


def extract_article(
    text: str, *, threshold: float = 0.5, article_date: datetime.date | None = None
) -> Extraction:
    """Extract the check-worthy claims of one article and the findings across them.

    Stages: sentences -> headings and fragments out -> check-worthiness (trained model, desk cues
    and the article rules) -> atomic statements -> references made explicit (or flagged
    ambiguous) -> type, entities, values -> duplicates merged -> consistency findings, and months
    without a year resolved against ``article_date`` or the year the article's facts place it in.

    Raises :class:`EmptyTextError` for empty or whitespace-only text and
    :class:`TextTooLargeError` for text longer than ``MAX_TEXT_CHARS``. All offsets index
    ``text`` itself: ``text[claim.start:claim.end] == claim.sentence``, and each of
    ``claim.spans`` lies inside ``text``. A sentence yields claims when its check-worthiness is
    at least ``threshold`` and above zero.
    """
    _validate(text, threshold)
    resolver = Resolver(text)
    people_words: set[str] = set()
    order: list[tuple[int, int, list[Entity], _Kept | None]] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        if is_heading(sentence) or quick_reject(sentence):
            continue
        entities = find_entities(sentence, start)
        for entity in entities:
            if entity.label == "PERSON":
                people_words.update(entity.text.split())
        item = None
        logit = model_logit(sentence)
        if not cannot_pass(logit, threshold):
            values = tuple(find_values(sentence, start))
            score = score_analysed(sentence, values, entities, start, logit=logit)
            if score.score >= threshold and score.score > 0.0:
                item = _Kept(score, values)
        order.append((start, end, entities, item))
    claims: list[ExtractedClaim] = []
    for start, end, entities, item in order:
        resolver.observe(start, end, entities)
        if item is None:
            continue
        labelled = _relabel_people(entities, people_words)
        for statement in split_statements(text, start, end, labelled):
            resolved = resolver.resolve(statement, labelled)
            score = score_statement(item.score, resolved.text)
            if score.score < threshold or score.score <= 0.0:
                continue
            values = _inside(item.values, statement, statement.text)
            claims.append(
                ExtractedClaim(
                    text=resolved.text,
                    sentence=text[statement.start : statement.end],
                    start=statement.start,
                    end=statement.end,
                    type=classify_claim(resolved.text, values),
                    checkworthiness=score.score,
                    entities=_inside(labelled, statement, statement.text),
                    values=values,
                    spans=((statement.start, statement.end),),
                    ambiguous=resolved.ambiguous,
                    replacements=resolved.replacements,
                )
            )
    claims = merge_duplicates(claims)
    findings = check_consistency(claims, article_date=article_date)
    year = reference_year(claims, findings, article_date)
    if article_date is not None or year is not None:
        claims = [
            replace(
                c,
                values=tuple(
                    resolve_months(c.values, article_date=article_date, reference_year=year)
                ),
            )
            if any(v.kind == "month" for v in c.values)
            else c
            for c in claims
        ]
    return Extraction(claims=tuple(claims), findings=tuple(findings))


def extract_claims(
    text: str, *, threshold: float = 0.5, article_date: datetime.date | None = None
) -> list[ExtractedClaim]:
    """The claims of :func:`extract_article`, in reading order."""
    return list(extract_article(text, threshold=threshold, article_date=article_date).claims)
