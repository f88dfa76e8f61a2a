"""Immutable result records: entities, values, claims and sentence scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ENTITY_LABELS: frozenset[str] = frozenset({"PERSON", "ORG", "PLACE", "OFFICE", "MISC"})
VALUE_KINDS: frozenset[str] = frozenset(
    {"year", "date", "month", "ordinal", "anniversary", "duration", "percent", "money", "count"}
)
CLAIM_TYPES: tuple[str, ...] = (
    "quantity",
    "temporal",
    "attribution",
    "event",
    "relation",
    "causal",
    "prediction",
    "rule",
    "other",
)


@dataclass(frozen=True)
class Entity:
    """A named thing mentioned in the text; ``start``/``end`` index the input string."""

    text: str
    label: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Value:
    """A normalised value (year, date, amount, ...); ``value`` is JSON-serialisable."""

    kind: str
    text: str
    value: object
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "value": self.value,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class SentenceScore:
    """Check-worthiness of one sentence: ``label`` is ``"Yes"`` or ``"No"``, ``score`` in 0..1."""

    label: str
    score: float


@dataclass(frozen=True)
class Statement:
    """One atomic statement cut from a sentence, before it is made to stand alone.

    ``text`` is the statement's own wording (it may differ from the input: "Chen Yixin is
    China's state security chief"); ``start``/``end`` index the input string and cover the phrase
    or sentence it came from.
    """

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Replacement:
    """A reference made explicit: ``text`` (input[start:end], e.g. "the two nations") was
    replaced in the claim's wording by ``replacement`` (e.g. "China and Cuba")."""

    text: str
    start: int
    end: int
    replacement: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "replacement": self.replacement,
        }


@dataclass(frozen=True)
class Finding:
    """A conclusion drawn across claims of one article.

    ``claims`` are indexes into the extraction's claim list; ``severity`` is ``"info"`` (a derived
    fact, e.g. the year an anniversary places the events in) or ``"conflict"`` (claims that cannot
    all be right). ``value`` is JSON-serialisable.
    """

    kind: str
    message: str
    claims: tuple[int, ...]
    value: object = None
    severity: str = "info"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "claims": list(self.claims),
            "value": self.value,
        }


@dataclass(frozen=True)
class ExtractedClaim:
    """One check-worthy statement; ``text_input[start:end] == sentence``."""

    text: str
    sentence: str
    start: int
    end: int
    type: str
    checkworthiness: float
    entities: tuple[Entity, ...]
    values: tuple[Value, ...]
    # Every span the statement was found at, in reading order; the first is (start, end). A
    # conclusion restating the opening adds its span here instead of becoming a second claim.
    spans: tuple[tuple[int, int], ...] = ()
    # True when a reference ("he", "the country") could not be resolved from the article.
    ambiguous: bool = False
    replacements: tuple[Replacement, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "checkworthiness": self.checkworthiness,
            "entities": [e.to_dict() for e in self.entities],
            "values": [v.to_dict() for v in self.values],
            "spans": [list(span) for span in (self.spans or ((self.start, self.end),))],
            "ambiguous": self.ambiguous,
            "replacements": [r.to_dict() for r in self.replacements],
        }


@dataclass(frozen=True)
class Extraction:
    """What one article yields: its claims in reading order and the findings across them."""

    claims: tuple[ExtractedClaim, ...]
    findings: tuple[Finding, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "claims": [c.to_dict() for c in self.claims],
            "findings": [f.to_dict() for f in self.findings],
        }
