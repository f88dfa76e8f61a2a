"""The machine suggestion for a claim: what the passages' stances add up to.

Each assessed passage votes with weight ``(0.5 + 0.5 x relevance) x source weight x stance
strength``; a ``mixed`` passage gives half its weight to each side. A fact-check's own rating
("False", "Mostly true") counts as a strong vote of its own. The suggestion is ``supported`` or
``contradicted`` when one side outweighs the other by :attr:`SuggestionRules.margin` and has at
least :attr:`SuggestionRules.min_weight`; ``inconclusive`` when there is evidence but no clear or
a conflicting stance; ``no_evidence`` when there are no passages at all. It never overrides an
editor's verdict (the Django layer stores it beside the verdict).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .stance import LABELS

_LABELS = frozenset(LABELS)

VALUES: tuple[str, ...] = ("supported", "contradicted", "inconclusive", "no_evidence")

# How much a source kind counts (Source.Kind values); unknown kinds count as "other".
KIND_WEIGHTS: dict[str, float] = {
    "fact_check": 1.5,
    "official": 1.2,
    "dataset": 1.2,
    "encyclopedia": 1.1,
    "news": 1.0,
    "other": 0.8,
}
# A fact-check's rating is the reviewer's verdict on (nearly) this claim: a strong vote.
RATING_WEIGHT = 4.0
_FALSE_RATINGS = re.compile(
    r"\b(false|fake|pants on fire|incorrect|wrong|fabricated|hoax|baseless|not true|untrue"
    r"|no evidence|misattributed|debunked|four pinocchios|scam)\b",
    re.IGNORECASE,
)
_MIXED_RATINGS = re.compile(
    r"\b(half[ -]true|mixture|mixed|misleading|partly|partially|mostly false|exaggerat"
    r"|needs context|missing context|unproven|out of context|distort)",
    re.IGNORECASE,
)
_TRUE_RATINGS = re.compile(r"\b(true|correct|accurate|mostly true|confirmed)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SuggestionRules:
    """The thresholds of the aggregation, in one place so they can be cross-validated."""

    # One side must outweigh the other this many times over.
    margin: float = 2.0
    # And carry at least this much weight (a single relevant news passage supporting by its
    # figures carries about 0.5-0.9).
    min_weight: float = 0.25
    # Confidence saturates as the winning weight grows past this scale.
    scale: float = 1.0


DEFAULT_RULES = SuggestionRules()


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence as the suggestion sees it: the passage's stance label and
    one-line reason, its relevance (0..1), the source's kind and title, a fact-check's textual
    rating, and how firmly the rules reached the stance (``Stance.strength``; 1.0 when the
    caller did not keep it)."""

    stance: str
    relevance: float = 1.0
    reason: str = ""
    kind: str = "other"
    rating: str = ""
    title: str = ""
    strength: float = 1.0


@dataclass(frozen=True)
class Suggestion:
    """``value`` in :data:`VALUES`; ``confidence`` 0..1; ``reason`` one line."""

    value: str
    confidence: float
    reason: str


def rating_label(rating: str) -> str:
    """A fact-check rating as a stance label ("False" -> "refutes"); "" when unknown."""
    if not rating.strip():
        return ""
    if _MIXED_RATINGS.search(rating):
        return "mixed"
    if _FALSE_RATINGS.search(rating):
        return "refutes"
    if _TRUE_RATINGS.search(rating):
        return "supports"
    return ""


def _vote(a: EvidenceView) -> tuple[str, float, str]:
    """(label, weight, reason) of one piece of evidence."""
    relevance = min(max(a.relevance, 0.0), 1.0)
    kind_weight = KIND_WEIGHTS.get(a.kind, KIND_WEIGHTS["other"])
    rated = rating_label(a.rating) if a.kind == "fact_check" else ""
    if rated and (a.stance != "neutral" or relevance >= 0.5):
        # The reviewed claim is this one (or close): the reviewer's rating is the stance.
        where = f" ({a.title})" if a.title else ""
        weight = RATING_WEIGHT * max(relevance, 0.5)
        return rated, weight, f"a fact-check rates it '{a.rating}'{where}"
    label = a.stance if a.stance in _LABELS else "neutral"
    # Relevance only halves a vote at worst: a short note confirming one date of a long claim
    # covers few of its words but is still evidence.
    weight = (0.5 + 0.5 * relevance) * kind_weight * min(max(a.strength, 0.0), 1.0)
    return label, weight, a.reason


def suggest(
    assessments: Sequence[EvidenceView], *, rules: SuggestionRules = DEFAULT_RULES
) -> Suggestion:
    """Aggregate passage stances into one suggestion for the claim."""
    if not assessments:
        return Suggestion("no_evidence", 1.0, "no passages found")
    support = refute = 0.0
    best: dict[str, tuple[float, str]] = {}
    counts = {"supports": 0, "refutes": 0, "mixed": 0, "neutral": 0}
    for a in assessments:
        label, weight, reason = _vote(a)
        counts[label] = counts.get(label, 0) + 1
        if label == "supports":
            support += weight
        elif label == "refutes":
            refute += weight
        elif label == "mixed":
            support += weight / 2
            refute += weight / 2
        if weight > best.get(label, (-1.0, ""))[0]:
            best[label] = (weight, reason)
    n = len(assessments)
    tally = (
        f"{counts['supports']} support, {counts['refutes']} refute, {counts['mixed']} mixed, "
        f"{counts['neutral']} neutral of {n} passages"
    )
    if max(support, refute) < rules.min_weight:
        return Suggestion(
            "inconclusive",
            round(1.0 - max(support, refute) / rules.min_weight, 3),
            f"no passage clearly supports or refutes the claim ({tally})",
        )
    total = support + refute
    saturation = 1.0 - math.exp(-max(support, refute) / rules.scale)
    if support >= rules.margin * refute:
        reason = best.get("supports", best.get("mixed", (0.0, "")))[1]
        confidence = round(support / total * saturation, 3)
        return Suggestion("supported", confidence, f"{reason} ({tally})")
    if refute >= rules.margin * support:
        reason = best.get("refutes", best.get("mixed", (0.0, "")))[1]
        confidence = round(refute / total * saturation, 3)
        return Suggestion("contradicted", confidence, f"{reason} ({tally})")
    return Suggestion(
        "inconclusive",
        round(1.0 - abs(support - refute) / total, 3),
        f"the passages disagree ({tally})",
    )
