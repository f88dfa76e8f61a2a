"""Load benchmark: the API under many concurrent users, through gunicorn on PostgreSQL.

Run from the repository root, with PostgreSQL (and Redis, for the health check) running::

    .venv/bin/python bench/load.py            # 100,000 claims, 50 users for 60 s: a table
    .venv/bin/python bench/load.py --json     # the same as one JSON object
    .venv/bin/python bench/load.py --quick    # CI's short form: 10,000 claims, 10 users, 10 s

What it does, all in one run:

1. creates a scratch PostgreSQL database (``--database``, dropped at the end unless
   ``--keep-db``), migrates it and loads ``--claims`` claims in ``claims / 50`` articles of two
   teams with bench/api.py's data builder (COPY; the status, verdict and assignee mix of a real
   desk; VACUUM ANALYZE), and creates an API token for an editor of both teams through the
   service (``token_create``);
2. starts gunicorn with the project's ``gunicorn.conf.py`` (production settings: DEBUG off,
   JSON logs to a file, the workers it configures; ``--workers`` overrides) on a free local port,
   with the broker at Redis db ``--redis-db`` (11), waits for ``/health/`` and warms every
   endpoint up;
3. runs locust headless in a subprocess (this file is also its locustfile): ``--users`` users
   (50), all started within a second, each sending requests back to back for ``--seconds`` (60),
   spread evenly over four endpoints with ``Authorization: Bearer <token>``:

   - **claim list**: ``/api/v1/claims/?team=<A>&status=unreviewed&page_size=50``
   - **claim detail**: ``/api/v1/claims/<code>/`` for random codes of either team
   - **ClaimReview feed**: ``/api/v1/claimreviews/`` (published claims as schema.org JSON-LD)
   - **baseline /health/**: one ``SELECT 1`` and a Redis ping, no authentication: what the
     server, the middleware and a database round trip cost on their own, under the same load;

   a response counts as an error unless it is 200 and carries what the endpoint returns;
4. then one user alone for ``--single-seconds`` (15): each endpoint's own latency, no queueing;
5. reports per endpoint the requests, errors, requests/s, p50/p95/p99 and mean latency (locust's
   own figures), each endpoint's p50 as a multiple of the baseline's (under load and alone), the
   CPU seconds gunicorn, PostgreSQL's backends and locust used during the load (from /proc: CPU
   per request is the figure least moved by other work on the machine), and the machine.

Users send requests with no pause (a closed loop): the latencies include the time a request waits
for a free gunicorn worker, and the total requests/s is the server's capacity for this mix on this
machine, where locust, gunicorn and PostgreSQL share the same cores. The exit status is 1 when any
request failed (or an endpoint got none), never for a slow figure.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
# Set for the locust subprocess: the JSON file with the token, the team and claim codes.
DATA_ENV = "WORKBENCH_LOAD_DATA"
PAGE_SIZE = 50
DETAIL_CODES = 20_000  # random claim codes handed to locust (of either team)
ENDPOINTS = ["claim list", "claim detail", "ClaimReview feed", "baseline /health/"]
BASELINE = "baseline /health/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bench_api() -> Any:
    """bench/api.py (its data builder, machine facts and database helpers)."""
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    return importlib.import_module("api")


def _get(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# --- data -----------------------------------------------------------------------------------------


def prepare(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    """Migrate, load the claims, create the token; returns what locust needs."""
    bench_api = _bench_api()
    bench_api._setup_django(database_url)
    from django.core.management import call_command

    from claims.models import Claim
    from workbench.services import token_create

    call_command("migrate", verbosity=0)
    data = bench_api.load(claims=args.claims, articles=max(args.claims // 50, 1), seed=args.seed)
    new_token = token_create(user=data["user"], name="load bench", expires_in_days=1)
    rng = random.Random(args.seed)
    codes = [str(code) for code in Claim.objects.values_list("code", flat=True)]
    query = {"team": str(data["team_a"].code), "status": "unreviewed", "page_size": PAGE_SIZE}
    published = Claim.objects.filter(status=Claim.Status.PUBLISHED).count()
    return {
        "token": new_token.key,
        "list_path": f"/api/v1/claims/?{urlencode(query)}",
        "detail_codes": rng.sample(codes, min(DETAIL_CODES, len(codes))),
        "feed_path": "/api/v1/claimreviews/",
        "baseline_path": "/health/",
        "summary": {
            "claims": data["claims"],
            "articles": data["articles"],
            "published": published,
            "team_a_claims": data["team_a_claims"],
            "team_a_unreviewed": data["team_a_by_status"]["unreviewed"],
            "load_s": data["load_s"],
            "analyze_s": data["analyze_s"],
        },
    }


# --- gunicorn -------------------------------------------------------------------------------------


def start_gunicorn(
    args: argparse.Namespace, database_url: str, port: int, workdir: Path
) -> tuple[subprocess.Popen[bytes], Path]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workbench.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "DEBUG": "0",
        "SECRET_KEY": "load-bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "workbench.wsgi:application",
        "--config",
        str(REPO_ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    log_path = workdir / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            status, _body = _get(f"{base}/health/", timeout=5)
            if status == 200:
                return server, log_path
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer /health/ in 60 s: {log_path.read_text()[-2000:]}")


def _gunicorn_workers(master: int) -> int:
    """The gunicorn master's child processes (its workers)."""
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return len(children.stdout.split())


def _ticks(pid: int, *, children: bool) -> int:
    """CPU clock ticks of a process (user + system), with its waited-for children's if asked."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # After the ")": state is field 3, utime 14, stime 15, cutime 16, cstime 17 (man 5 proc).
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if children else 0)


def _cpu_ticks(master: int, database: str) -> dict[str, int]:
    """CPU clock ticks used so far by gunicorn (the master, its live workers and those it
    reaped), and by each PostgreSQL backend serving the bench's database (Linux /proc)."""
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    ticks = {
        "gunicorn": _ticks(master, children=True)
        + sum(_ticks(int(pid), children=False) for pid in children.stdout.split())
    }
    backends = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-At", "-c",
         f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"],
        capture_output=True, text=True,
    )  # fmt: skip
    for pid in backends.stdout.split():
        ticks[pid] = _ticks(int(pid), children=False)
    return ticks


class CpuSampler:
    """Samples `_cpu_ticks` every second while the load runs, keeping each process's largest
    figure, so that a backend closed during the run still counts up to its last sample."""

    def __init__(self, master: int, database: str) -> None:
        self.master, self.database = master, database
        self.before = _cpu_ticks(master, database)
        self.latest: dict[str, int] = dict(self.before)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        for key, value in _cpu_ticks(self.master, self.database).items():
            self.latest[key] = max(value, self.latest.get(key, 0))

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self._sample()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._sample()
        return _cpu_used(self.before, self.latest)


def _cpu_used(before: dict[str, int], after: dict[str, int]) -> dict[str, float]:
    """CPU seconds between two samples; what a backend used after its last sample is missed
    (gunicorn workers reconnect every DATABASE_CONN_MAX_AGE seconds), so PostgreSQL's is a
    lower bound."""
    hertz = os.sysconf("SC_CLK_TCK")
    backends = sum(after[pid] - before.get(pid, 0) for pid in after if pid != "gunicorn")
    return {
        "gunicorn": round((after["gunicorn"] - before["gunicorn"]) / hertz, 1),
        "postgresql_at_least": round(backends / hertz, 1),
    }


def warm_up(base: str, load: dict[str, Any], rounds: int) -> list[str]:
    """A few requests to each endpoint (every worker's first requests import and connect);
    returns the problems found (an endpoint that is not 200)."""
    headers = {"Authorization": f"Bearer {load['token']}"}
    problems = []
    paths = [load["list_path"], load["feed_path"], load["baseline_path"]]
    for number in range(rounds):
        for path in [*paths, f"/api/v1/claims/{load['detail_codes'][number]}/"]:
            status, body = _get(base + path, headers)
            if status != 200:
                problems.append(f"warm-up GET {path} -> {status}: {body[:200]!r}")
    return sorted(set(problems))


# --- locust ---------------------------------------------------------------------------------------


def run_locust(
    *, users: int, seconds: int, base: str, data_file: Path, prefix: Path
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(Path(__file__).resolve()),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, DATA_ENV: str(data_file)}
    completed = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    stats = {}
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        return {"error": f"locust wrote no stats (exit {completed.returncode}): "
                f"{completed.stderr[-2000:]}"}  # fmt: skip
    with stats_file.open() as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "mean_ms": round(float(row["Average Response Time"]), 1),
                "max_ms": _number(row["100%"]),
            }
    failures = []
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        with failures_file.open() as handle:
            failures = [
                f"{row['Name']}: {row['Error'][:200]} x{row['Occurrences']}"
                for row in csv.DictReader(handle)
            ]
    return {"stats": stats, "failures": failures, "exit": completed.returncode}


def _number(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


# --- the report -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    bench_api = _bench_api()
    base_url = args.database_url.rstrip("/")
    database = args.database
    bench_api._psql(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}")
    database_url = f"{base_url}/{database}"
    workdir = Path(tempfile.mkdtemp(prefix="workbench-load-"))
    report: dict[str, Any] = {
        "database": database,
        "users": args.users,
        "seconds": args.seconds,
        "single_seconds": args.single_seconds,
    }
    server: subprocess.Popen[bytes] | None = None
    try:
        started = time.perf_counter()
        load = prepare(args, database_url)
        report["data"] = load.pop("summary")
        report["paths"] = {
            "claim list": load["list_path"],
            "claim detail": "/api/v1/claims/<random code>/",
            "ClaimReview feed": load["feed_path"],
            BASELINE: load["baseline_path"],
        }
        data_file = workdir / "load.json"
        data_file.write_text(json.dumps(load))
        report["machine"] = bench_api._machine()
        from django.db import connections

        connections.close_all()

        port = _free_port()
        server, _log = start_gunicorn(args, database_url, port, workdir)
        base = f"http://127.0.0.1:{port}"
        problems = warm_up(base, load, rounds=args.warmup)
        if problems:
            report["error"] = "; ".join(problems)
            return report
        report["gunicorn_workers"] = _gunicorn_workers(server.pid)
        report["setup_s"] = round(time.perf_counter() - started, 1)
        sampler = CpuSampler(server.pid, database)
        locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = run_locust(
            users=args.users,
            seconds=args.seconds,
            base=base,
            data_file=data_file,
            prefix=workdir / "load",
        )
        locust_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        report["cpu_s"] = sampler.stop()
        if "error" in result:
            report["error"] = result["error"]
            return report
        report["cpu_s"]["locust"] = round(
            locust_after.ru_utime + locust_after.ru_stime
            - locust_before.ru_utime - locust_before.ru_stime,
            1,
        )  # fmt: skip
        stats = result["stats"]
        report["endpoints"] = {name: stats.get(name) for name in ENDPOINTS}
        report["total"] = stats.get("Aggregated")
        report["failures"] = result["failures"]
        baseline = stats.get(BASELINE)
        if baseline and baseline["p50_ms"]:
            report["vs_baseline"] = {
                name: {
                    "p50": round(stats[name]["p50_ms"] / baseline["p50_ms"], 2),
                    "p95": round(stats[name]["p95_ms"] / baseline["p95_ms"], 2),
                }
                for name in ENDPOINTS
                if name != BASELINE and stats.get(name) and stats[name]["p50_ms"]
            }
        report["load_average_after"] = [round(n, 2) for n in os.getloadavg()]
        if args.single_seconds:
            # One user, one request at a time: each endpoint's own latency, no queueing.
            single = run_locust(
                users=1,
                seconds=args.single_seconds,
                base=base,
                data_file=data_file,
                prefix=workdir / "single",
            )
            if "error" in single:
                report["error"] = single["error"]
                return report
            report["single_user"] = {name: single["stats"].get(name) for name in ENDPOINTS}
            report["failures"] += single["failures"]
            one = single["stats"].get(BASELINE)
            if one and one["p50_ms"]:
                report["single_user_vs_baseline"] = {
                    name: round(single["stats"][name]["p50_ms"] / one["p50_ms"], 2)
                    for name in ENDPOINTS
                    if name != BASELINE and single["stats"].get(name)
                }
        return report
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            import redis

            redis.Redis.from_url(f"redis://127.0.0.1:6379/{args.redis_db}").flushdb()
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep_db:
            bench_api._psql(f"DROP DATABASE IF EXISTS {database}")


def failures(report: dict[str, Any]) -> list[str]:
    problems = []
    if "error" in report:
        problems.append(report["error"])
    for run_name in ("endpoints", "single_user"):
        for name, figures in report.get(run_name, {}).items():
            if not figures or not figures["requests"]:
                problems.append(f"{name}: no requests ({run_name})")
            elif figures["errors"]:
                problems.append(f"{name}: {figures['errors']} errors ({run_name})")
    problems += report.get("failures", [])
    return problems


def render(report: dict[str, Any]) -> str:
    lines = [
        f"API under load: {report['users']} users for {report['seconds']} s, locust (headless) "
        "-> gunicorn -> PostgreSQL"
    ]
    data = report.get("data")
    if data:
        lines.append(
            f"  data: {data['claims']:,} claims in {data['articles']:,} articles, 2 teams "
            f"(team A: {data['team_a_claims']:,}, {data['team_a_unreviewed']:,} unreviewed; "
            f"{data['published']:,} published); loaded in {data['load_s']} s"
        )
    if "endpoints" in report:
        lines.append(
            f"  gunicorn: {report['gunicorn_workers']} sync workers (gunicorn.conf.py); "
            f"setup {report['setup_s']} s"
        )
        for name, path in report["paths"].items():
            lines.append(f"  {name}: GET {path}")
        row = "  {:<18} {:>9} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8} {:>11}"
        lines.append(
            row.format(
                "endpoint", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "mean ms",
                "p50/base",
            )
        )  # fmt: skip
        ratios = report.get("vs_baseline", {})
        for name in [*ENDPOINTS, "Aggregated"]:
            figures = report["total"] if name == "Aggregated" else report["endpoints"][name]
            if not figures:
                lines.append(row.format(name, 0, "-", "-", "-", "-", "-", "-", "-"))
                continue
            ratio = ratios.get(name, {}).get("p50")
            lines.append(
                row.format(
                    "all" if name == "Aggregated" else name,
                    f"{figures['requests']:,}",
                    figures["errors"],
                    f"{figures['rps']:.1f}",
                    f"{figures['p50_ms']:.0f}" if figures["p50_ms"] is not None else "-",
                    f"{figures['p95_ms']:.0f}" if figures["p95_ms"] is not None else "-",
                    f"{figures['p99_ms']:.0f}" if figures["p99_ms"] is not None else "-",
                    f"{figures['mean_ms']:.1f}",
                    f"{ratio:.2f}x" if ratio is not None else ("1.00x" if name == BASELINE else ""),
                )
            )
        lines.append(
            "  (closed loop, no pause: latencies include waiting for a free worker; locust rounds "
            "percentiles above 100 ms to two significant digits)"
        )
        cpu, total = report.get("cpu_s"), report.get("total")
        if cpu and total and total["requests"]:
            per_request = 1000 / total["requests"]
            lines.append(
                f"  CPU during the run: gunicorn {cpu['gunicorn']} s "
                f"({cpu['gunicorn'] * per_request:.1f} ms a request), PostgreSQL backends at "
                f"least {cpu['postgresql_at_least']} s "
                f"({cpu['postgresql_at_least'] * per_request:.1f} ms a request), locust "
                f"{cpu['locust']} s, of "
                f"{report['seconds'] * report['machine']['cores']} core-seconds"
            )
    single = report.get("single_user")
    if single:
        ratios = report.get("single_user_vs_baseline", {})
        lines.append(
            "  one user alone, "
            f"{report['single_seconds']} s (each endpoint's own latency, no queueing): "
            + "; ".join(
                f"{name} p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms"
                + (f" ({ratios[name]:.1f}x)" if name in ratios else "")
                for name, figures in single.items()
                if figures and figures["p50_ms"] is not None
            )
        )
    machine = report.get("machine")
    if machine:
        lines.append(
            f"  machine: {machine['cpu']}, {machine['cores']} cores shared by locust, gunicorn and "
            f"PostgreSQL; Python {machine['python']}, Django {machine['django']}, DRF "
            f"{machine['drf']}, PostgreSQL {machine['postgresql']}; load average before "
            f"{machine['load_average']}, after {report.get('load_average_after')}"
        )
    problems = failures(report)
    lines.append("  FAILED: " + "; ".join(problems) if problems else "  no errors")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="CI: 10,000 claims, 10 users, 10 s")
    parser.add_argument("--claims", type=int, help="claims to load (100,000; quick 10,000)")
    parser.add_argument("--users", type=int, help="concurrent users (50; quick 10)")
    parser.add_argument("--seconds", type=int, help="how long the users send requests (60; 10)")
    parser.add_argument(
        "--single-seconds", type=int, help="then one user alone for this long (15; quick 5)"
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (its config's)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds of every endpoint")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the data")
    parser.add_argument("--redis-db", type=int, default=11, help="Redis database (broker, cache)")
    parser.add_argument("--database", default="wb_load", help="scratch database (dropped)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    quick = {"claims": 10_000, "users": 10, "seconds": 10, "single_seconds": 5}
    full = {"claims": 100_000, "users": 50, "seconds": 60, "single_seconds": 15}
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    report = run(args)
    print(json.dumps(report, indent=2, default=str) if args.json else render(report))
    return 1 if failures(report) else 0


# --- the locust users (this file is the locustfile of the subprocess) ----------------------------

if __name__ != "__main__" and os.environ.get(DATA_ENV):
    from locust import FastHttpUser, task

    _LOAD = json.loads(Path(os.environ[DATA_ENV]).read_text())
    _HEADERS = {"Authorization": f"Bearer {_LOAD['token']}", "Accept": "application/json"}

    class ApiUser(FastHttpUser):
        """One API client sending requests back to back (no wait), the endpoints evenly."""

        def _get(self, path: str, name: str, expect: bytes) -> None:
            with self.client.get(
                path, headers=_HEADERS, name=name, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
                elif expect not in (response.content or b""):
                    response.failure(f"200 without {expect.decode()}")

        @task
        def claim_list(self) -> None:
            self._get(_LOAD["list_path"], "claim list", b'"results":[{')

        @task
        def claim_detail(self) -> None:
            code = random.choice(_LOAD["detail_codes"])
            self._get(f"/api/v1/claims/{code}/", "claim detail", code.encode())

        @task
        def claimreview_feed(self) -> None:
            self._get(_LOAD["feed_path"], "ClaimReview feed", b'"ClaimReview"')

        @task
        def baseline(self) -> None:
            self._get(_LOAD["baseline_path"], BASELINE, b'"ok"')


if __name__ == "__main__":
    sys.exit(main())
