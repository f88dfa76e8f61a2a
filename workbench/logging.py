"""Log formatting: event-style messages ("article.ingested") with their `extra` fields, as plain
text in development or one JSON object per line in production; and the context every line carries
(the web request's id, or the id and name of the Celery task it was logged in).

Nothing here imports Django: gunicorn's master process uses the JSON formatter too.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from celery.signals import task_postrun, task_prerun

# Attributes every LogRecord has; anything else on a record came from `extra=` (or the filter).
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}

# What the current request or task adds to every log line: {"request_id": ...} or
# {"task_id": ..., "task_name": ...}. Set by RequestIdMiddleware and the Celery signals below.
log_context: ContextVar[dict[str, str] | None] = ContextVar("log_context", default=None)

# gunicorn's access log passes its atoms as the record's args; these become fields of the line.
_ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "{x-request-id}o": "request_id",
}


def _extra(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD}


class ContextFilter(logging.Filter):
    """Adds the current request id, or task id and name, to every record (on the handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (log_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class EventFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = _extra(record)
        if not extra:
            return line
        return line + " " + " ".join(f"{key}={value!r}" for key, value in sorted(extra.items()))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            entry.update({name: atoms.get(atom) for atom, name in _ACCESS_FIELDS.items()})
            if entry["request_id"] in (None, "-"):
                del entry["request_id"]
            if str(entry["status"]).isdigit():
                entry["status"] = int(entry["status"])
        entry.update({k: v for k, v in _extra(record).items() if k not in entry})
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


# --- Celery: every line logged while a task runs carries its id and name -------------------------


# Tokens to restore the context a task started in (an eager task inside a web request keeps the
# request id), by task id.
_task_tokens: dict[str, Token[dict[str, str] | None]] = {}


def _task_context_set(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    context = {
        **(log_context.get() or {}),
        "task_id": str(task_id),
        "task_name": getattr(task, "name", ""),
    }
    _task_tokens[str(task_id)] = log_context.set(context)


def _task_context_clear(task_id: str | None = None, **_: Any) -> None:
    token = _task_tokens.pop(str(task_id), None)
    try:
        if token is not None:
            log_context.reset(token)
            return
    except ValueError:  # set in another context (cannot happen with Celery's pools)
        pass
    log_context.set(None)


task_prerun.connect(_task_context_set, weak=False, dispatch_uid="workbench.logging.task_context")
task_postrun.connect(_task_context_clear, weak=False, dispatch_uid="workbench.logging.task_context")
