"""A team's library: reference sources it loaded or attached, searched first for every claim."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sources.models import LibraryItem, Source
from sources.services.evidence import source_upsert, url_normalise
from workbench.models import Team
from workbench.services import create_unless_exists, require_edit

# One reference document's archived text; a book-length source belongs in pieces.
LIBRARY_TEXT_MAX_CHARS = 2_000_000
KINDS = frozenset(Source.Kind.values)


def published_parse(value: object) -> datetime.datetime | None:
    """ "2025-09-29", "2025-09" or "2025" (the first day of the period), as midnight UTC."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            day = datetime.datetime.strptime(text[:10], fmt)
        except ValueError:
            continue
        return day.replace(tzinfo=datetime.UTC)
    raise ValidationError(f"published {text[:40]!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY).")


@dataclass(frozen=True)
class LibraryRecord:
    url: str
    title: str
    publisher: str
    kind: str
    published_at: datetime.datetime | None
    text: str


def library_record_clean(data: Any) -> LibraryRecord:
    """One JSON object of a library file, checked: url and text required, kind known."""
    if not isinstance(data, dict):
        raise ValidationError("expected a JSON object with url, title, publisher, kind, text.")
    unknown = set(data) - {"url", "title", "publisher", "published", "kind", "text"}
    if unknown:
        raise ValidationError(f"unknown field(s): {', '.join(sorted(unknown))}.")
    for name in ("url", "title", "publisher", "kind", "text"):
        if name in data and not isinstance(data[name], str):
            raise ValidationError(f"{name} must be a string.")
    text = (data.get("text") or "").strip()
    if not text:
        raise ValidationError("text is empty: a library source needs the text to search.")
    if len(text) > LIBRARY_TEXT_MAX_CHARS:
        raise ValidationError(f"text is over {LIBRARY_TEXT_MAX_CHARS:,} characters.")
    if "\x00" in text:
        raise ValidationError("text contains NUL characters (binary data?).")
    kind = (data.get("kind") or Source.Kind.OTHER).strip()
    if kind not in KINDS:
        raise ValidationError(f"kind {kind!r} is not one of {', '.join(sorted(KINDS))}.")
    return LibraryRecord(
        url=url_normalise(data.get("url") or ""),
        title=(data.get("title") or "").strip()[:500],
        publisher=(data.get("publisher") or "").strip()[:200],
        kind=kind,
        published_at=published_parse(data.get("published")),
        text=text,
    )


def library_file_parse(lines: Iterable[bytes]) -> list[LibraryRecord]:
    """Every record of a JSON Lines file, or a ValidationError naming each bad line.

    Nothing is loaded from a file with a bad line: fix it and load again (loading twice is
    harmless). Blank lines are skipped.
    """
    records: list[LibraryRecord] = []
    errors: list[str] = []
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            errors.append(f"line {number}: not UTF-8 text (byte {exc.start}).")
            continue
        if not line.strip():
            continue
        try:
            records.append(library_record_clean(json.loads(line)))
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: not JSON ({exc.msg} at column {exc.colno}).")
        except ValidationError as exc:
            errors.append(f"line {number}: {' '.join(exc.messages)}")
        if len(errors) >= 20:
            errors.append("(stopped after 20 errors)")
            break
    if errors:
        raise ValidationError(errors)
    if not records:
        raise ValidationError("The file has no sources.")
    return records


def library_add(
    *, team: Team, source: Source, by: User | None = None, origin: str = "import"
) -> tuple[LibraryItem, bool]:
    """Put a source in a team's library (editors and owners); twice is once: (item, created)."""
    require_edit(user=by, team=team)
    item = LibraryItem(team=team, source=source, added_by=by, origin=origin)
    return create_unless_exists(instance=item, lookup={"team": team, "source": source})


@dataclass(frozen=True)
class LibraryLoadOutcome:
    added: int
    already: int


@transaction.atomic
def library_load(
    *, team: Team, records: Iterable[LibraryRecord], by: User | None = None
) -> LibraryLoadOutcome:
    """Archive each record as a Source (shared by URL) and add it to the team's library.

    A URL already archived keeps its archived text (evidence points into it); the record's other
    fields only fill blanks.
    """
    require_edit(user=by, team=team)
    added = already = 0
    now = timezone.now()
    for record in records:
        source = source_upsert(
            url=record.url,
            title=record.title,
            publisher=record.publisher,
            kind=record.kind,
            published_at=record.published_at,
            archived_text=record.text,
            fetched_at=now,
        )
        _, created = library_add(team=team, source=source, by=by, origin="import")
        added += created
        already += not created
    return LibraryLoadOutcome(added=added, already=already)
