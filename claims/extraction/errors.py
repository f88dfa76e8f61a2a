"""Exceptions raised by the extractor.

The Django layer catches :class:`ExtractionError` and translates it; every message is meant to be
shown to a person as is.
"""

from __future__ import annotations

MAX_TEXT_CHARS: int = 2_000_000


class ExtractionError(Exception):
    """Base class of every error the extractor raises on purpose."""


class EmptyTextError(ExtractionError):
    """The input is empty or contains only whitespace (or invisible formatting characters)."""


class TextTooLargeError(ExtractionError):
    """The input is longer than :data:`MAX_TEXT_CHARS` characters."""


class InputDecodeError(ExtractionError):
    """Raw input bytes are not UTF-8 text (invalid UTF-8 or binary data)."""
