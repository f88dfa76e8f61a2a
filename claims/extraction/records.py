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
        }
