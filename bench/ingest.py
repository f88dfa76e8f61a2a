"""Ingest throughput: articles ingested and extracted by a real Celery worker, per minute.

Run from the repository root, with PostgreSQL and Redis running::

    .venv/bin/python bench/ingest.py            # 1,000 articles: a table
    .venv/bin/python bench/ingest.py --json     # the same as one JSON object
    .venv/bin/python bench/ingest.py --quick    # CI's short form: 50 articles

What it does, all in one run:

1. creates a scratch PostgreSQL database (``--database``, dropped at the end unless
   ``--keep-db``), migrates it, makes two teams with one editor, and empties Redis database
   ``--redis-db`` (12), the broker of this run;
2. builds ``--articles`` different articles of news length from real prose: the demo seed article
   and reference library (``workbench/demo/``) and, when ``../shared/eval`` is there, the four
   news articles, the Check-COVID abstracts and the Factcheck-Bench answers (their licences are in
   each folder's SOURCE.txt; nothing at run time reads them): 3 to 6 paragraphs drawn at random
   per article, so the extractor meets varied text;
3. **extraction only**: ingests every article for the first team through the service
   (``article_ingest``; each commit queues one ``article_extract`` task on Redis) with no worker
   running, then starts a real worker (``celery worker``, prefork, ``--concurrency`` processes =
   the CPU count, queues ``extract`` and ``default``) and times from the moment it says it is
   ready to the last article's ``extracted_at``;
4. **end to end**: with that worker idle, ingests the same articles for the second team (a new
   article each) and times from the first ingest call to the last ``extracted_at``;
5. reports articles per minute for both, the ingest calls alone, the claims written, and the
   machine. Lookups are off in the worker (``LOOKUP_BACKENDS`` empty): this measures ingest and
   extraction, not the network.

The exit status is 1 when any article failed or was not done within ``--timeout`` seconds,
never for a slow figure.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
EVAL_DIR = Path(os.environ.get("WORKBENCH_EVAL_DIR", REPO_ROOT.parent / "shared" / "eval"))
DEMO_DIR = REPO_ROOT / "workbench" / "demo"


def _bench_api() -> Any:
    """bench/api.py (machine facts and database helpers)."""
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    return importlib.import_module("api")


# --- articles -------------------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if len(p.split()) >= 8]


def paragraph_pool() -> tuple[list[str], list[str]]:
    """Paragraphs of real prose, and where they came from."""
    pool: list[str] = []
    origins: list[str] = []
    pool += _paragraphs((DEMO_DIR / "seed-china-cuba.txt").read_text(encoding="utf-8"))
    for line in (DEMO_DIR / "library.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            pool += _paragraphs(json.loads(line)["text"])
    origins.append("workbench/demo")
    if EVAL_DIR.is_dir():
        for path in sorted((EVAL_DIR / "news").glob("*.txt")):
            pool += _paragraphs(path.read_text(encoding="utf-8"))
        corpus = EVAL_DIR / "check-covid" / "corpus.json"
        if corpus.exists():
            for line in corpus.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    pool.append(" ".join(json.loads(line)["abstract"]))
        bench = EVAL_DIR / "factcheck-bench" / "factcheck-GPT-benchmark.jsonl"
        if bench.exists():
            for line in bench.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    pool += _paragraphs(json.loads(line)["response"])
        origins.append(str(EVAL_DIR))
    return [p for p in pool if 80 <= len(p) <= 4000], origins


def make_articles(count: int, seed: int) -> list[str]:
    pool, _ = paragraph_pool()
    rng = random.Random(seed)
    seen: set[str] = set()
    articles: list[str] = []
    while len(articles) < count:
        body = "\n\n".join(rng.sample(pool, rng.randint(3, 6)))
        if body not in seen:
            seen.add(body)
            articles.append(body)
    return articles


# --- Django, the worker ---------------------------------------------------------------------------


def _environment(database_url: str, broker_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "workbench.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": broker_url,
        "DEBUG": "0",
        "SECRET_KEY": "ingest-bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "LOOKUP_BACKENDS": "",
    }


class Worker:
    """A `celery worker` subprocess; `ready_at` is the wall-clock time it said it was ready."""

    def __init__(self, env: dict[str, str], concurrency: int, name: str) -> None:
        self.output: list[str] = []
        self.ready_at: float | None = None
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "workbench", "worker",
                "-Q", "extract,default", "--pool", "prefork", "--concurrency", str(concurrency),
                "--without-heartbeat", "--without-gossip", "--without-mingle",
                "-n", f"{name}@%h", "-l", "info",
            ],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if self.ready_at is None and " ready." in line:
                self.ready_at = time.time()
            self.output.append(line)
            del self.output[:-200]

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.ready_at is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the worker did not start:\n" + "".join(self.output[-40:]))
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def ingest_all(*, team: Any, user: Any, bodies: list[str], seed: int) -> tuple[float, float]:
    """Ingest every body for `team`; returns the wall-clock start and the seconds it took."""
    from claims.services import article_ingest

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    started = time.time()
    clock = time.perf_counter()
    for number, body in enumerate(bodies):
        result = article_ingest(
            team=team,
            body=body,
            title=f"Bench article {number}",
            url=f"https://news.example/ingest/{team.pk}/{number}",
            outlet=rng.choice(["Prensa Latina", "Reuters", "BBC", ""]),
            published_at=now - dt.timedelta(hours=rng.randint(1, 240)),
            created_by=user,
        )
        if not result.created:
            raise RuntimeError(f"article {number} was a duplicate")
    return started, time.perf_counter() - clock


def wait_done(*, team: Any, count: int, timeout: float, worker: Worker) -> dict[str, Any]:
    """Poll until every article of `team` is done or failed; the statuses and the last
    ``extracted_at`` as wall-clock seconds."""
    from django.db.models import Count, Max

    from claims.models import Article

    finished = (Article.ExtractionStatus.DONE, Article.ExtractionStatus.FAILED)
    deadline = time.monotonic() + timeout
    while True:
        statuses = dict(
            Article.objects.filter(team=team)
            .values_list("extraction_status")
            .annotate(n=Count("id"))
            .values_list("extraction_status", "n")
        )
        if sum(statuses.get(s, 0) for s in finished) >= count:
            break
        if time.monotonic() > deadline or worker.process.poll() is not None:
            break
        time.sleep(0.2)
    last = Article.objects.filter(team=team).aggregate(last=Max("extracted_at"))["last"]
    failed = list(
        Article.objects.filter(
            team=team, extraction_status=Article.ExtractionStatus.FAILED
        ).values_list("extraction_error", flat=True)[:5]
    )
    return {
        "statuses": statuses,
        "last_done": last.timestamp() if last else None,
        "failed_reasons": failed,
    }


def _rate(count: int, seconds: float | None) -> float | None:
    return round(count / seconds * 60, 1) if seconds else None


def run(args: argparse.Namespace) -> dict[str, Any]:
    bench_api = _bench_api()
    database = args.database
    bench_api._psql(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}")
    database_url = f"{args.database_url.rstrip('/')}/{database}"
    broker_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    env = _environment(database_url, broker_url)
    os.environ.update(env)
    report: dict[str, Any] = {"database": database, "articles": args.articles}
    worker: Worker | None = None
    import redis

    broker = redis.Redis.from_url(broker_url)
    broker.flushdb()
    try:
        import django

        django.setup()
        from django.contrib.auth.models import User
        from django.core.management import call_command

        from claims.models import Article, Claim
        from workbench.models import Membership, Team

        call_command("migrate", verbosity=0)
        user = User.objects.create_user("ingest-bench")
        backlog = Team.objects.create(name="Backlog desk")
        live = Team.objects.create(name="Live desk")
        for team in (backlog, live):
            Membership.objects.create(team=team, user=user, role=Membership.Role.EDITOR)

        bodies = make_articles(args.articles, args.seed)
        _, origins = paragraph_pool()
        sizes = [len(body) for body in bodies]
        report["text"] = {
            "from": origins,
            "chars_mean": round(sum(sizes) / len(sizes)),
            "chars_min": min(sizes),
            "chars_max": max(sizes),
            "chars_total": sum(sizes),
        }
        report["concurrency"] = args.concurrency

        # 1. Extraction only: a backlog on the broker, then the worker.
        _, backlog_ingest_s = ingest_all(team=backlog, user=user, bodies=bodies, seed=args.seed)
        report["queued_messages"] = broker.llen("extract")
        worker = Worker(env, args.concurrency, f"ingest-bench-{os.getpid()}")
        worker.wait_ready(timeout=60)
        assert worker.ready_at is not None
        done = wait_done(team=backlog, count=len(bodies), timeout=args.timeout, worker=worker)
        extract_s = done["last_done"] - worker.ready_at if done["last_done"] else None
        report["extraction_only"] = {
            **done,
            "seconds": round(extract_s, 2) if extract_s else None,
            "articles_per_minute": _rate(len(bodies), extract_s),
            "ingest_seconds": round(backlog_ingest_s, 2),
        }

        # 2. End to end: the worker is idle; ingest while it extracts.
        started, live_ingest_s = ingest_all(team=live, user=user, bodies=bodies, seed=args.seed)
        done = wait_done(team=live, count=len(bodies), timeout=args.timeout, worker=worker)
        end_s = done["last_done"] - started if done["last_done"] else None
        report["end_to_end"] = {
            **done,
            "seconds": round(end_s, 2) if end_s else None,
            "articles_per_minute": _rate(len(bodies), end_s),
            "ingest_seconds": round(live_ingest_s, 2),
            "ingest_per_minute": _rate(len(bodies), live_ingest_s),
        }
        claims = Claim.objects.filter(team=live).count()
        report["claims"] = {
            "live_desk": claims,
            "per_article": round(claims / len(bodies), 1),
            "backlog_desk": Claim.objects.filter(team=backlog).count(),
        }
        report["articles_total"] = Article.objects.count()
        report["machine"] = bench_api._machine()
        return report
    finally:
        if worker is not None:
            worker.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            broker.flushdb()
        if not args.keep_db:
            bench_api._psql(f"DROP DATABASE IF EXISTS {database}")


def failures(report: dict[str, Any]) -> list[str]:
    problems = []
    for phase in ("extraction_only", "end_to_end"):
        result = report.get(phase)
        if result is None:
            problems.append(f"{phase}: did not run")
            continue
        done = result["statuses"].get("done", 0)
        if done != report["articles"]:
            problems.append(
                f"{phase}: {done} of {report['articles']} articles done ({result['statuses']}); "
                f"failures: {result['failed_reasons']}"
            )
    return problems


def render(report: dict[str, Any]) -> str:
    lines = [
        f"Ingest and extraction of {report['articles']:,} articles through a real Celery worker "
        f"({report.get('concurrency')} processes), PostgreSQL, Redis"
    ]
    text = report.get("text")
    if text:
        lines.append(
            f"  articles: {text['chars_mean']:,} characters on average ({text['chars_min']:,} to "
            f"{text['chars_max']:,}; {text['chars_total'] / 1e6:.2f} M in all), paragraphs of "
            f"real prose from {', '.join(text['from'])}"
        )
    only = report.get("extraction_only")
    if only:
        lines.append(
            f"  extraction only (backlog of {report['queued_messages']:,} tasks, from worker ready "
            f"to last done): {only['seconds']} s -> {only['articles_per_minute']} articles/min"
        )
    end = report.get("end_to_end")
    if end:
        lines.append(
            f"  end to end (first ingest to last done): {end['seconds']} s -> "
            f"{end['articles_per_minute']} articles/min; the ingest calls alone "
            f"{end['ingest_seconds']} s ({end['ingest_per_minute']} articles/min)"
        )
    claims = report.get("claims")
    if claims:
        lines.append(
            f"  claims written: {claims['live_desk']:,} per desk ({claims['per_article']} per "
            f"article; the backlog desk {claims['backlog_desk']:,})"
        )
    machine = report.get("machine")
    if machine:
        lines.append(
            f"  machine: {machine['cpu']}, {machine['cores']} cores shared by the bench, the "
            f"worker and PostgreSQL; Python {machine['python']}, Django {machine['django']}, "
            f"PostgreSQL {machine['postgresql']}; load average at the end "
            f"{machine['load_average']}"
        )
    problems = failures(report)
    lines.append("  FAILED: " + "; ".join(problems) if problems else "  every article done")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="CI: 50 articles")
    parser.add_argument("--articles", type=int, help="articles (1,000; quick 50)")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per phase at most")
    parser.add_argument("--seed", type=int, default=11, help="random seed of the articles")
    parser.add_argument("--redis-db", type=int, default=12, help="Redis database (the broker)")
    parser.add_argument("--database", default="wb_load_ingest", help="scratch database")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    if args.articles is None:
        args.articles = 50 if args.quick else 1_000
    report = run(args)
    print(json.dumps(report, indent=2, default=str) if args.json else render(report))
    return 1 if failures(report) else 0


if __name__ == "__main__":
    sys.exit(main())
