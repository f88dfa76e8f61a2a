"""Log formatting: event-style messages ("article.ingested") followed by their `extra` fields."""

from __future__ import annotations

import logging

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class EventFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if not extra:
            return line
        return line + " " + " ".join(f"{key}={value!r}" for key, value in sorted(extra.items()))
