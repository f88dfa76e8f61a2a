"""Merge claims of one article that state the same thing.

Two claims are the same when their wording is identical (case, spacing and punctuation aside), or
when they name the same people, carry the same numbers and negation, do not contradict each other
on places or organisations, and share most of their content words (a conclusion restating the
opening). A different number or year always keeps claims apart.

Claims are compared only within small buckets (same people, numbers and negation), and each claim
with at most :data:`MAX_COMPARISONS` earlier representatives of its bucket, so the work is linear
in the number of claims.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .entities import name_parts
from .records import ExtractedClaim
from .words import IRREGULAR_STEMS, STOP_WORDS

# Each claim is compared with at most this many earlier kept claims of its bucket.
MAX_COMPARISONS = 64
# Claims naming the same people: share of the smaller claim's content words found in the other.
PEOPLE_OVERLAP = 0.8
MIN_SHARED_WORDS = 4
# Claims naming no person: Jaccard similarity of the content words.
PLAIN_JACCARD = 0.75

_WORD = re.compile(r"[^\W_](?:\w|[-'\u2019.](?=\w))*")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "without", "none", "cannot"})
_SUFFIXES = ("ings", "ing", "edly", "ed", "ies", "es", "s", "ly")
_ENTITY_LABELS = frozenset({"PERSON", "PLACE", "ORG", "MISC"})


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A crude stem: "meetings"/"met" -> "meet", "relations" -> "relation"."""
    if word in IRREGULAR_STEMS:
        return IRREGULAR_STEMS[word]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix == "ies" else stem
    return word


@dataclass(frozen=True)
class _Features:
    exact: str
    words: frozenset[str]
    people: frozenset[str]
    places: frozenset[str]
    orgs: frozenset[str]
    numbers: frozenset[str]
    negated: bool


def _full_names(claims: Sequence[ExtractedClaim]) -> dict[str, str]:
    """One-word names ("Chen") -> the only multi-word PERSON name containing them."""
    return name_parts(
        " ".join(e.text.split()) for claim in claims for e in claim.entities if e.label == "PERSON"
    )


def _is_modifier(sentence: str, start: int, end: int) -> bool:
    """Whether the name at ``sentence[start:end]`` is hyphen-joined to another word."""
    if not 0 <= start < end <= len(sentence):
        return False
    return (start > 0 and sentence[start - 1] == "-") or (
        end < len(sentence) and sentence[end] == "-"
    )


def _features(claim: ExtractedClaim, full_names: dict[str, str]) -> _Features:
    text = claim.text
    lowered = text.lower()
    raw = _WORD.findall(text)
    words = _WORD.findall(lowered)
    if len(words) != len(raw):  # lower-casing changed a word boundary (rare letters)
        words = [w.lower() for w in raw]
    content = {
        (_stem(w) if r[0].islower() else w)
        for r, w in zip(raw, words, strict=True)
        if w not in STOP_WORDS and not w[0].isdigit()
    }
    people: set[str] = set()
    places: set[str] = set()
    orgs: set[str] = set()
    for e in claim.entities:
        if e.label not in _ENTITY_LABELS or e.text.lower() not in lowered:
            continue
        if _is_modifier(claim.sentence, e.start - claim.start, e.end - claim.start):
            continue  # "China-Cuba relations" is about the relations, not about a place
        name = " ".join(e.text.split())
        if e.label == "PERSON" or (e.label == "MISC" and name in full_names):
            people.add(full_names.get(name, name) if " " not in name else name)
        elif e.label == "PLACE":
            places.add(name)
        elif e.label == "ORG":
            orgs.add(name)
    numbers = {n.replace(",", "") for n in _NUMBER.findall(text)}
    for v in claim.values:
        if v.text.lower() in lowered:
            numbers.add(f"{v.kind}:{v.value!r}")
    return _Features(
        exact=" ".join(words),
        words=frozenset(content),
        people=frozenset(people),
        places=frozenset(places),
        orgs=frozenset(orgs),
        numbers=frozenset(numbers),
        negated=not _NEGATIONS.isdisjoint(words) or "n't" in lowered or "n\u2019t" in lowered,
    )


def _compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """Places or organisations agree unless both claims name some and neither set holds the
    other ("in Beijing" vs "in Havana")."""
    return not a or not b or a <= b or b <= a


def _same_claim(a: _Features, b: _Features) -> bool:
    """Whether two claims (as features) state the same thing."""
    if a.exact == b.exact:
        return True
    if a.numbers != b.numbers or a.negated != b.negated or a.people != b.people:
        return False
    if not (_compatible(a.places, b.places) and _compatible(a.orgs, b.orgs)):
        return False
    shared = len(a.words & b.words)
    if a.people:
        smaller = min(len(a.words), len(b.words))
        return shared >= MIN_SHARED_WORDS and shared >= PEOPLE_OVERLAP * smaller
    union = len(a.words | b.words)
    return union > 0 and shared >= MIN_SHARED_WORDS and shared / union >= PLAIN_JACCARD


def merge_duplicates(claims: Sequence[ExtractedClaim]) -> list[ExtractedClaim]:
    """The claims with duplicates merged, in reading order.

    ``claims`` are one article's claims in reading order. Of each group of claims that state the
    same thing, the first is kept with its wording, span, entities and values; its
    ``checkworthiness`` becomes the group's highest and its ``spans`` lists every span of the
    group in reading order, the first being ``(start, end)``. Claims with different numbers,
    years or negation are never merged. Linear in ``len(claims)``.
    """
    full_names = _full_names(claims)
    kept: list[ExtractedClaim] = []
    features: list[_Features] = []
    merged_spans: list[dict[tuple[int, int], None]] = []  # ordered sets of spans
    best: list[float] = []
    by_text: dict[str, int] = {}
    buckets: dict[tuple[frozenset[str], frozenset[str], bool], list[int]] = {}
    for claim in claims:
        f = _features(claim, full_names)
        target = by_text.get(f.exact)
        bucket_key = (f.people, f.numbers, f.negated)
        bucket = buckets.setdefault(bucket_key, [])
        if target is None:
            for index in reversed(bucket[-MAX_COMPARISONS:]):
                if _same_claim(features[index], f):
                    target = index
                    break
        if target is None:
            index = len(kept)
            kept.append(claim)
            features.append(f)
            merged_spans.append(dict.fromkeys(claim.spans or ((claim.start, claim.end),)))
            best.append(claim.checkworthiness)
            by_text.setdefault(f.exact, index)
            bucket.append(index)
            continue
        for span in claim.spans or ((claim.start, claim.end),):
            merged_spans[target].setdefault(span)
        best[target] = max(best[target], claim.checkworthiness)
    out: list[ExtractedClaim] = []
    for claim, spans, score in zip(kept, merged_spans, best, strict=True):
        first = (claim.start, claim.end)
        ordered = [first, *sorted(s for s in spans if s != first)]
        if len(ordered) == 1 and score == claim.checkworthiness:
            out.append(claim)
        else:
            out.append(replace(claim, spans=tuple(ordered), checkworthiness=score))
    return out
