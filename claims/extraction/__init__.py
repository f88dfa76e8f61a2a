"""Claim extraction: pure Python, standard library only at run time, no Django.

The Django layer imports the public names below and translates :class:`ExtractionError` into its
own errors. ``python -m claims.extraction`` is the command-line interface.
"""

from __future__ import annotations

from .cli import decode_input
from .errors import (
    MAX_TEXT_CHARS,
    EmptyTextError,
    ExtractionError,
    InputDecodeError,
    TextTooLargeError,
)
from .pipeline import classify_claim, extract_article, extract_claims
from .records import (
    Entity,
    ExtractedClaim,
    Extraction,
    Finding,
    Replacement,
    SentenceScore,
    Value,
)
from .scoring import explain_sentence, score_sentence
from .text import is_heading, split_sentences

EXTRACTOR_VERSION: str = "0.2"

__all__ = [
    "EXTRACTOR_VERSION",
    "MAX_TEXT_CHARS",
    "EmptyTextError",
    "Entity",
    "ExtractedClaim",
    "Extraction",
    "ExtractionError",
    "Finding",
    "InputDecodeError",
    "Replacement",
    "SentenceScore",
    "TextTooLargeError",
    "Value",
    "classify_claim",
    "decode_input",
    "explain_sentence",
    "extract_article",
    "extract_claims",
    "is_heading",
    "score_sentence",
    "split_sentences",
]
