"""Benchmark the lookup fan-out: 20 claims x 3 backends through a real Celery worker.

Run from the repository root, with PostgreSQL and Redis running (the defaults below are this
machine's)::

    .venv/bin/python bench/lookups.py            # a readable table
    .venv/bin/python bench/lookups.py --json     # one JSON object

What it does, all in one run:

1. creates a scratch PostgreSQL database, migrates it, and makes a team with an article of 20
   claims (the extractor's entities and values included);
2. serves Wikipedia, Wikidata and Fact Check Tools from one local fake server that answers every
   request after ``--delay`` seconds (300 ms), in their documented formats;
3. **sequential baseline**: runs the 60 lookups (20 claims x wikipedia, wikidata, factcheck) one
   after another in this process, exactly as a task would (``lookup_run_execute``);
4. **fan-out**: starts a real ``celery worker`` (threads pool) on the ``lookup`` queue, queues the
   same 60 lookups through the broker (``lookup_article_start``) and times until every run has
   finished;
5. reports both times, their ratio, the requests each backend made, and the target (the 60
   lookups within 2 s with a real worker).

The HTTP cache is off (every lookup really asks the fake) and the rate limits are raised out of
the way. The script reports; it does not assert. It drops its database at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

TARGET_SECONDS = 2.0
BACKENDS = ["wikipedia", "wikidata", "factcheck"]
# Twenty checkable statements about the seed article's subjects (the fakes know these).
CLAIMS = [
    "Cuba was the first country in the Western Hemisphere to establish diplomatic ties with "
    "China, in 1960.",
    "Cuba and China established diplomatic relations on 28 September 1960.",
    "In 2025 Cuba and China marked the 65th anniversary of their diplomatic relations.",
    "Xi Jinping met Miguel Diaz-Canel in Moscow in May 2025.",
    "Xi Jinping became President of China in 2013.",
    "Miguel Diaz-Canel became President of Cuba in 2019.",
    "Miguel Diaz-Canel was born in 1960.",
    "Xi Jinping was born in 1953.",
    "The People's Republic of China was founded in 1949.",
    "Cuba became independent in 1902.",
    "Cuba restored diplomatic relations with the United States in 2015.",
    "China and Cuba signed cooperation agreements in 2022.",
    "Xi Jinping received Miguel Diaz-Canel in Beijing in November 2022.",
    "Cuba had a population of about 11 million people in 2021.",
    "China is Cuba's second largest trading partner since 2010.",
    "Cuba recognised the People's Republic of China in September 1960.",
    "Havana is the capital of Cuba since 1607.",
    "Xi Jinping has led China since 2012.",
    "China sent rice to Cuba in 2024.",
    "Cuba and China celebrated 60 years of relations in 2020.",
]


def _psql(*sql: str) -> None:
    for statement in sql:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", statement],
            check=True,
            capture_output=True,
        )


def _wait_ready(worker: subprocess.Popen[bytes], log: Path, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if " ready." in log.read_text(errors="replace"):
            return
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited before it was ready:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)
    raise RuntimeError("the worker was not ready within 60 s")


def run(args: argparse.Namespace) -> dict[str, Any]:
    database = f"workbench_bench_{os.getpid()}"
    database_url = f"postgres://postgres@127.0.0.1:5432/{database}"
    _psql(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}")
    # The cache, circuit breakers and rate limits of an earlier run are not this run's.
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    # Tasks a killed earlier run left unacknowledged would come back and run against this one.
    redis.Redis.from_url(args.broker).flushdb()

    from tests.fakes.factcheck import FakeFactCheck, seed_claims
    from tests.fakes.server import FakeServer
    from tests.fakes.wikimedia import seed_wikidata, seed_wikipedia

    server = FakeServer(delay=args.delay).start()
    server.route("/w/api.php", seed_wikipedia())
    server.route("/wikidata/w/api.php", seed_wikidata())
    server.route("/v1alpha1/claims:search", FakeFactCheck(seed_claims(), api_key="bench-key"))
    env = {
        "DJANGO_SETTINGS_MODULE": "workbench.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": args.broker,
        "REDIS_URL": args.redis,
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "localhost",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "LOOKUP_BACKENDS": ",".join(BACKENDS),
        "WIKIPEDIA_API_URL": server.url("/w/api.php"),
        "WIKIDATA_API_URL": server.url("/wikidata/w/api.php"),
        "FACTCHECK_TOOLS_API_URL": server.url("/v1alpha1/claims:search"),
        "FACTCHECK_TOOLS_API_KEY": "bench-key",
        "LOOKUP_ALLOW_HOSTS": server.host_port,
        "LOOKUP_CACHE_SECONDS": "0",
        "LOOKUP_RATE_LIMITS": "wikipedia=1000/second,wikidata=1000/second,factcheck=1000/second",
    }
    os.environ.update(env)
    workers: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from claims.extraction.entities import find_entities
        from claims.extraction.values import find_values
        from claims.models import Article, Claim
        from claims.services import article_content_hash, claim_fingerprint
        from sources.models import Evidence, LookupRun
        from sources.services import lookup_article_start, lookup_run_execute
        from workbench.celery import app as celery_app
        from workbench.models import Team

        call_command("migrate", verbosity=0)
        redis = celery_app.connection_for_write()
        redis.default_channel.queue_purge("lookup")
        team = Team.objects.create(name="Bench desk")
        body = " ".join(CLAIMS)
        article = Article.objects.create(
            team=team,
            title="Bench",
            body=body,
            content_hash=article_content_hash(body),
            extraction_status=Article.ExtractionStatus.DONE,
        )
        offset = 0
        claims = []
        for text in CLAIMS:
            claims.append(
                Claim(
                    team=team,
                    article=article,
                    text=text,
                    sentence=text,
                    start=offset,
                    end=offset + len(text),
                    fingerprint=claim_fingerprint(text),
                    entities=[e.to_dict() for e in find_entities(text)],
                    values=[v.to_dict() for v in find_values(text)],
                )
            )
            offset += len(text) + 1
        Claim.objects.bulk_create(claims)

        def queue() -> list[int]:
            with transaction.atomic():
                runs = lookup_article_start(article_id=article.pk, force=True)
            return [run.pk for run in runs]

        def reset() -> None:
            Evidence.objects.all().delete()
            LookupRun.objects.all().delete()

        # 1. Sequential: the same work, one lookup after another, in this process.
        celery_app.conf.task_always_eager = False
        with transaction.atomic():
            sequential_runs = [
                run.pk
                for run in LookupRun.objects.bulk_create(
                    LookupRun(claim=claim, backend=backend)
                    for claim in Claim.objects.filter(article=article)
                    for backend in BACKENDS
                )
            ]
        server.clear()
        started = time.perf_counter()
        for run_id in sequential_runs:
            lookup_run_execute(run_id=run_id)
        sequential = time.perf_counter() - started
        sequential_requests = len(server.requests)
        sequential_status = sorted(set(LookupRun.objects.values_list("status", flat=True)))
        errors = sorted(set(LookupRun.objects.exclude(error="").values_list("error", flat=True)))
        sequential_evidence = Evidence.objects.count()
        reset()

        # 2. Fan-out through the broker and a real worker (threads: lookups wait on the network).
        for number in range(args.workers):
            log = Path(tempfile.mkstemp(prefix="bench-lookups-", suffix=".log")[1])
            worker = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "workbench", "worker", "-Q", "lookup",
                    "--pool", "threads", "--concurrency", str(args.concurrency),
                    "--without-heartbeat", "--without-gossip", "--without-mingle",
                    "-n", f"bench-{os.getpid()}-{number}@%h", "-l", "info",
                ],
                cwd=REPO_ROOT,
                env={**os.environ, **env},
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            workers.append((worker, log))
        for worker, log in workers:
            _wait_ready(worker, log)
        server.clear()
        started = time.perf_counter()
        run_ids = queue()
        queued = time.perf_counter() - started
        while LookupRun.objects.filter(pk__in=run_ids, status__in=["queued", "running"]).exists():
            if time.perf_counter() - started > 120:
                raise RuntimeError("the lookups did not finish within 120 s")
            time.sleep(0.05)  # polling is itself load on this 2-core machine; 50 ms resolution
        fanout = time.perf_counter() - started
        fanout_requests = len(server.requests)
        fanout_status = sorted(
            set(LookupRun.objects.filter(pk__in=run_ids).values_list("status", flat=True))
        )
        per_backend = {
            path: len(server.requests_to(path))
            for path in ("/w/api.php", "/wikidata/w/api.php", "/v1alpha1/claims:search")
        }
        fanout_evidence = Evidence.objects.count()
        timings = list(
            LookupRun.objects.filter(pk__in=run_ids).values_list(
                "backend", "created_at", "started_at", "finished_at"
            )
        )
        first = min(t[1] for t in timings)
        slowest: dict[str, float] = {}
        for backend, _, began, ended in timings:
            slowest[backend] = max(slowest.get(backend, 0.0), (ended - began).total_seconds())
        last_start = max((t[2] - first).total_seconds() for t in timings)
        connection.close()
        return {
            "lookups": len(run_ids),
            "claims": len(CLAIMS),
            "backends": BACKENDS,
            "delay_per_request_s": args.delay,
            "worker_processes": args.workers,
            "worker_concurrency": args.concurrency,
            "sequential_s": round(sequential, 3),
            "sequential_requests": sequential_requests,
            "sequential_statuses": sequential_status,
            "sequential_evidence": sequential_evidence,
            "sequential_errors": errors[:5],
            "fanout_s": round(fanout, 3),
            "fanout_queueing_s": round(queued, 3),
            "fanout_requests": fanout_requests,
            "fanout_requests_per_backend": per_backend,
            "fanout_statuses": fanout_status,
            "fanout_evidence": fanout_evidence,
            "fanout_slowest_run_s": {k: round(v, 3) for k, v in sorted(slowest.items())},
            "fanout_last_start_s": round(last_start, 3),
            "speed_up": round(sequential / fanout, 1),
            "requests_per_lookup": round(fanout_requests / len(run_ids), 2),
            "target_s": TARGET_SECONDS,
            "meets_target": fanout <= TARGET_SECONDS,
        }
    finally:
        for worker, log in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()
            if os.environ.get("BENCH_KEEP_LOG"):
                print(f"worker log: {log}", file=sys.stderr)
            else:
                log.unlink(missing_ok=True)
        server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        _psql(f"DROP DATABASE IF EXISTS {database}")


def render(figures: dict[str, Any]) -> str:
    ok = "meets" if figures["meets_target"] else "MISSES"
    return "\n".join(
        [
            f"Lookup fan-out: {figures['claims']} claims x {len(figures['backends'])} backends "
            f"= {figures['lookups']} lookups; the fake answers each request after "
            f"{figures['delay_per_request_s'] * 1000:.0f} ms",
            f"  sequential (one process, one after another): {figures['sequential_s']:.2f} s, "
            f"{figures['sequential_requests']} requests, runs {figures['sequential_statuses']}",
            f"  real workers ({figures['worker_processes']} x {figures['worker_concurrency']} "
            f"threads):    {figures['fanout_s']:.2f} s, {figures['fanout_requests']} requests "
            f"({figures['requests_per_lookup']} per lookup), runs {figures['fanout_statuses']}",
            f"  queueing the 60 (runs written, tasks sent after commit): "
            f"{figures['fanout_queueing_s']:.2f} s of that",
            f"  per backend: {figures['fanout_requests_per_backend']}; slowest run per backend "
            f"{figures['fanout_slowest_run_s']} s; last run started "
            f"{figures['fanout_last_start_s']} s after the first was queued",
            f"  evidence rows: sequential {figures['sequential_evidence']}, "
            f"fan-out {figures['fanout_evidence']}",
            f"  speed-up {figures['speed_up']}x; target: all within {figures['target_s']:.0f} s "
            f"with a real worker -> {ok}",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds before each reply")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="worker processes (one per core)"
    )
    parser.add_argument("--concurrency", type=int, default=32, help="threads per worker")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    figures = run(args)
    print(json.dumps(figures, indent=2) if args.json else render(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
