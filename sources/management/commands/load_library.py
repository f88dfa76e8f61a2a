"""Load reference sources (JSON Lines) into a team's library."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sources.services import library_file_parse, library_load
from workbench.exceptions import ApplicationError
from workbench.selectors import team_get_by_name

# A library file is read whole; refuse anything bigger before reading it.
READ_LIMIT_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Load reference sources into a team's library: one JSON object a line with url, title, "
        "publisher, published (YYYY[-MM[-DD]]), kind and text. Loading a file again adds only "
        "what is new; a file with a bad line loads nothing and names the line."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="path to a JSON Lines file")
        parser.add_argument("--team", required=True, help="name of the team whose library it is")

    def handle(self, *args: Any, **options: Any) -> None:
        team = team_get_by_name(name=options["team"])
        if team is None:
            raise CommandError(f"No team named {options['team']!r}.")
        path = Path(options["file"])
        try:
            size = path.stat().st_size
            if size > READ_LIMIT_BYTES:
                raise CommandError(f"{path} is {size:,} bytes; the limit is {READ_LIMIT_BYTES:,}.")
            with path.open("rb") as handle:
                records = library_file_parse(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        except ValidationError as exc:
            raise CommandError(f"{path}: " + "\n".join(exc.messages)) from None
        try:
            outcome = library_load(team=team, records=records)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{team.name}: {outcome.added} source(s) added to the library, "
            f"{outcome.already} already there."
        )
