"""Ingest an article from a file (or standard input) into a team and extract its claims."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from claims.models import Article
from claims.services import article_ingest, article_text_decode
from workbench.exceptions import ApplicationError
from workbench.selectors import team_get_by_name

# Read at most this many bytes; anything longer is refused before decoding (the service's character
# limit is the real bar; this only stops a huge file from being read into memory).
READ_LIMIT_BYTES = 8 * 1024 * 1024


class Command(BaseCommand):
    help = "Ingest an article (UTF-8 text file, or - for standard input) and extract its claims."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="path to a UTF-8 text file, or - to read standard input")
        parser.add_argument("--team", required=True, help="name of the team that owns the article")
        parser.add_argument("--title", default="", help="title (default: the first line)")
        parser.add_argument("--url", default="", help="where the article was published")
        parser.add_argument("--outlet", default="", help="the publication")
        parser.add_argument("--published", default="", help="publication date, YYYY-MM-DD[THH:MM]")

    def handle(self, *args: Any, **options: Any) -> None:
        team = team_get_by_name(name=options["team"])
        if team is None:
            raise CommandError(
                f"No team named {options['team']!r}. Create it in the admin, or run "
                "`python manage.py create_demo` for the demo team."
            )
        data = self._read(options["file"])
        try:
            result = article_ingest(
                team=team,
                body=article_text_decode(data),
                title=options["title"],
                url=options["url"],
                outlet=options["outlet"],
                published_at=self._published(options["published"]),
            )
        except ValidationError as exc:
            raise CommandError(self._messages(exc)) from None
        except ApplicationError as exc:
            raise CommandError(exc.message) from None

        article = Article.objects.get(pk=result.article.pk)
        verb = "Ingested" if result.created else "Already ingested"
        self.stdout.write(f"{verb}: {article.title} ({article.code}) for team {team.name}")
        if article.extraction_status == Article.ExtractionStatus.DONE:
            self.stdout.write(f"Extraction done: {article.claims.count()} claims.")
        elif article.extraction_status == Article.ExtractionStatus.FAILED:
            raise CommandError(f"Extraction failed: {article.extraction_error}")
        else:
            self.stdout.write(f"Extraction {article.extraction_status}: a worker will pick it up.")

    def _read(self, name: str) -> bytes:
        if name == "-":
            data = sys.stdin.buffer.read(READ_LIMIT_BYTES + 1)
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            with path.open("rb") as handle:
                data = handle.read(READ_LIMIT_BYTES + 1)
        if len(data) > READ_LIMIT_BYTES:
            raise CommandError(
                f"{name}: larger than {READ_LIMIT_BYTES // (1024 * 1024)} MB; "
                "that is not a news article."
            )
        return data

    @staticmethod
    def _published(value: str) -> datetime | None:
        if not value:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                raise CommandError(f"--published {value!r} is not a date (YYYY-MM-DD)")
            parsed = datetime.combine(day, time(12, 0))
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed

    @staticmethod
    def _messages(exc: ValidationError) -> str:
        if hasattr(exc, "message_dict"):
            return "; ".join(
                f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
            )
        return " ".join(exc.messages)
