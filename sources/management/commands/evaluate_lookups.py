"""Check-COVID through the real library search of the database in use (evaluation only)."""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from sources.assessment.evaluation import evaluate_check_covid, load_corpus, render
from sources.assessment.ranking import Doc, query_terms
from sources.selectors import library_search
from sources.services import library_load
from sources.services.library import LibraryRecord
from workbench.models import Team

# Where the abstracts are "archived": a reserved domain, so nothing real is ever confused.
CORPUS_URL = "https://check-covid.invalid/cord/{}"


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Evaluate lookups on Check-COVID dev through this database's library search: the 347 "
        "abstracts are loaded into a scratch team's library inside a transaction that is rolled "
        "back, so nothing is kept. Reads the evaluation data (../shared/eval or "
        "WORKBENCH_EVAL_DIR); the running workbench never does."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--eval-dir",
            default=os.environ.get("WORKBENCH_EVAL_DIR", "../shared/eval"),
            help="the evaluation data directory (default: WORKBENCH_EVAL_DIR or ../shared/eval)",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        data = Path(options["eval_dir"]) / "check-covid"
        if not (data / "corpus.json").is_file():
            raise CommandError(f"No Check-COVID data under {data}.")
        figures: dict[str, Any] = {}
        try:
            with transaction.atomic():
                figures = self._evaluate(data)
                raise _Rollback
        except _Rollback:
            pass
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        self.stdout.write(
            f"Library search on {connection.vendor} (stage 1), re-ranked with library-wide "
            "document frequencies (stage 2), as the library backend runs it:"
        )
        self.stdout.write(render({"check_covid": figures}))
        for name, subset in figures["subsets"].items():
            stage1 = subset.get("prefilter")
            if stage1:
                self.stdout.write(
                    f"- {name}: stage 1 alone R@1 {stage1['recall@1']:.3f}  "
                    f"R@5 {stage1['recall@5']:.3f}  R@50 {stage1.get('recall@50', 0):.3f}"
                )

    def _evaluate(self, data: Path) -> dict[str, Any]:
        team = Team.objects.create(name=f"Check-COVID evaluation {timezone.now():%H%M%S%f}")
        corpus = load_corpus(data / "corpus.json")
        library_load(
            team=team,
            records=[
                LibraryRecord(
                    url=CORPUS_URL.format(a.cord_id),
                    title=a.title,
                    publisher="CORD-19",
                    kind="dataset",
                    published_at=None,
                    text=a.text,
                )
                for a in corpus
            ],
        )
        prefix = CORPUS_URL.format("")

        def search(claim: str) -> list[Doc]:
            return [
                Doc(source.url.removeprefix(prefix), source.archived_text, source.title)
                for source in library_search(team_id=team.pk, terms=query_terms(claim))
            ]

        return evaluate_check_covid(data, search=search, library_stats=True)
