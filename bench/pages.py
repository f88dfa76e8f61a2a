"""Benchmark the web workbench's pages on the embedded default (SQLite, eager Celery).

Run from the repository root::

    .venv/bin/python bench/pages.py            # a readable table
    .venv/bin/python bench/pages.py --json     # one JSON object

In a scratch SQLite database under a temporary directory: migrate, create a desk with an
editor, load the demo library and ingest the seed article (extraction and library lookups run
eagerly, as in ``make run``). Then, signed in, time GET requests through ``django.test.Client``
(in-process WSGI: every middleware, the session, templates; no socket) for:

- the article page of the seed (target: median under 100 ms),
- the claim page of the seed's 1960 claim, the inbox and the claim queue,
- a baseline measured in the same run: a hand-written view returning the seed's text as
  escaped HTML (the least a page showing the article must do); each page is reported as a
  ratio to it.

Queries per page are counted too. Timing is reported, never asserted; the exit status is 1 only
when a page does not answer 200.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SEED = REPO_ROOT / "workbench/demo/seed-china-cuba.txt"
LIBRARY = REPO_ROOT / "workbench/demo/library.jsonl"
TARGET_ARTICLE_MS = 100.0


def _setup(var_dir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "workbench.settings",
            "WORKBENCH_VAR_DIR": var_dir,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            "LOOKUP_BACKENDS": "library",
        }
    )
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.conf import settings

    # Plain static storage: no collectstatic manifest in a scratch run.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }


def _baseline_urls(article_body: str) -> Any:
    from django.http import HttpRequest, HttpResponse
    from django.urls import include, path
    from django.utils.html import escape

    def plain(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f"<!doctype html><pre>{escape(article_body)}</pre>")

    module = type(sys)("bench_pages_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/plain/", plain),
        path("", include("workbench.urls")),
    ]
    sys.modules["bench_pages_urls"] = module
    return module


def _time(client: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    for _ in range(5):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with connection.execute_wrapper(count):
        client.get(url)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "queries": len(executed),
        "bytes": len(response.content),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as var_dir:
        _setup(var_dir)
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.test import Client, override_settings
        from django.urls import reverse

        from claims.services import article_ingest
        from sources.services import library_file_parse, library_load
        from workbench.models import Membership, Team

        call_command("migrate", verbosity=0)
        team = Team.objects.create(name="Bench desk")
        user = User.objects.create_user("editor", password="bench-password-1")
        Membership.objects.create(team=team, user=user, role=Membership.Role.EDITOR)
        with LIBRARY.open("rb") as lines:
            library_load(team=team, records=library_file_parse(lines))
        started = time.perf_counter()
        article = article_ingest(
            team=team,
            body=SEED.read_text(encoding="utf-8"),
            url="https://example.org/demo/china-cuba",
            created_by=user,
        ).article
        ingest_s = time.perf_counter() - started
        claims = list(article.claims.order_by("start"))
        claim = next(c for c in claims if "1960" in c.text) if claims else None
        _baseline_urls(article.body)
        client = Client()
        client.force_login(user)
        pages = {"baseline (escaped text)": "/bench/plain/"}
        pages["article page (seed)"] = reverse("article-detail", kwargs={"code": article.code})
        if claim is not None:
            pages["claim page (1960 claim)"] = reverse("claim-detail", kwargs={"code": claim.code})
        pages["inbox"] = reverse("inbox")
        pages["claim queue"] = reverse("claim-queue")
        results: dict[str, Any] = {}
        with override_settings(ROOT_URLCONF="bench_pages_urls"):
            for name, url in pages.items():
                results[name] = _time(client, url, args.repeat)
        base = results["baseline (escaped text)"]["median_ms"]
        for row in results.values():
            row["ratio_to_baseline"] = round(row["median_ms"] / base, 1) if base else None
        article_ms = results["article page (seed)"]["median_ms"]
        report = {
            "claims": len(claims),
            "ingest_s": round(ingest_s, 2),
            "pages": results,
            "target": f"article page median < {TARGET_ARTICLE_MS:.0f} ms",
            "meets": article_ms < TARGET_ARTICLE_MS,
            "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print("Web pages on the embedded default (SQLite, eager Celery), django.test.Client")
    print(f"  seed: {report['claims']} claims, ingested in {report['ingest_s']} s")
    print(
        f"  {'page':28} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>8} {'x base':>7}"
    )
    for name, row in results.items():
        print(
            f"  {name:28} {row['median_ms']:>10} {row['p95_ms']:>8} {row['queries']:>8} "
            f"{row['bytes']:>8} {row['ratio_to_baseline']:>7}"
        )
    verdict = "meets" if report["meets"] else "MISSES"
    print(f"  article page median {article_ms} ms, {report['target']} -> {verdict}")
    print(f"  machine: {report['machine']}; {args.repeat} requests per page after warm-up")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
