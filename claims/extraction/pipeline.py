"""The extraction pipeline: validate -> sentences -> drop headings -> score -> type, entities,
values -> one claim per kept sentence, in reading order.

Not done yet (next issue): splitting compound sentences into atomic statements, resolving
"this meeting"/"the two nations" to what they refer to, deduplication.
"""

from __future__ import annotations

import re

from .entities import find_entities
from .errors import MAX_TEXT_CHARS, EmptyTextError, TextTooLargeError
from .records import Entity, ExtractedClaim, Value
from .scoring import quick_reject, score_analysed
from .text import INVISIBLE_CHARS, WORD_END, WORD_START, is_heading, split_sentences, word_pattern
from .values import find_values

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


def classify_claim(sentence: str, values: tuple[Value, ...] = ()) -> str:
    """A claim type from simple keyword rules, checked in order; ``"other"`` if none applies."""
    kinds = {v.kind for v in values}
    if kinds & {"percent", "money", "count"}:
        return "quantity"
    if kinds & {"year", "date", "anniversary", "duration", "month"}:
        return "temporal"
    if _ATTRIBUTION.search(sentence):
        return "attribution"
    if _EVENT.search(sentence):
        return "event"
    if _RELATION.search(sentence):
        return "relation"
    if _CAUSAL.search(sentence):
        return "causal"
    if _PREDICTION.search(sentence):
        return "prediction"
    if _RULE.search(sentence):
        return "rule"
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


def _relabel_people(entities: list[Entity], people_words: set[str]) -> tuple[Entity, ...]:
    """A lone capitalised word already seen inside a PERSON name ("Chen") is a PERSON too."""
    return tuple(
        Entity(text=e.text, label="PERSON", start=e.start, end=e.end)
        if e.label == "MISC" and " " not in e.text and e.text in people_words
        else e
        for e in entities
    )


def extract_claims(text: str, *, threshold: float = 0.5) -> list[ExtractedClaim]:
    """Extract check-worthy claims from ``text``, in reading order.

    Raises :class:`EmptyTextError` for empty or whitespace-only text and
    :class:`TextTooLargeError` for text longer than ``MAX_TEXT_CHARS``. All offsets index
    ``text`` itself: ``text[claim.start:claim.end] == claim.sentence``. A sentence becomes a
    claim when its check-worthiness is at least ``threshold`` and above zero, so even
    ``threshold=0`` leaves out fragments and over-long "sentences".
    """
    _validate(text, threshold)
    kept: list[tuple[int, int, str, float, list[Entity], tuple[Value, ...]]] = []
    people_words: set[str] = set()
    for start, end in split_sentences(text):
        sentence = text[start:end]
        if is_heading(sentence) or quick_reject(sentence):
            continue
        entities = find_entities(sentence, start)
        values = tuple(find_values(sentence, start))
        for entity in entities:
            if entity.label == "PERSON":
                people_words.update(entity.text.split())
        score = score_analysed(sentence, values, entities, start)
        if score.score >= threshold and score.score > 0.0:
            kept.append((start, end, sentence, score.score, entities, values))
    claims: list[ExtractedClaim] = []
    for start, end, sentence, score_value, entities, values in kept:
        claims.append(
            ExtractedClaim(
                text=" ".join(sentence.split()),
                sentence=sentence,
                start=start,
                end=end,
                type=classify_claim(sentence, values),
                checkworthiness=score_value,
                entities=_relabel_people(entities, people_words),
                values=values,
            )
        )
    return claims
