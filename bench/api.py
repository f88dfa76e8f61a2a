"""Benchmark the claim list API: the full DRF stack against a hand-written JsonResponse view.

Run from the repository root, with PostgreSQL running (the default URL below is this machine's)::

    .venv/bin/python bench/api.py                # a readable table
    .venv/bin/python bench/api.py --json         # one JSON object
    .venv/bin/python bench/api.py --profile 100  # and cProfile 100 DRF requests

What it does, all in one run:

1. creates a scratch PostgreSQL database, migrates it, and loads ``--claims`` claims (100,000)
   across ``--articles`` articles (2,000) of two teams with COPY: most unreviewed, some in
   progress, in review, published with a verdict, dismissed; entities and values from the real
   extractor, spans, some replacements and findings, suggestions, assignees; then VACUUM ANALYZE;
2. signs one editor of both teams in (session authentication, ``Client.force_login``) and asks
   for the claim queue, ``GET /api/v1/claims/?team=<A>&status=unreviewed&page_size=50``, through
   two views in the same process:

   - **DRF**: the product's ``ClaimViewSet`` list (authentication, permissions, the selector with
     its FilterSet, the cursor page, the OutputSerializer, JSONRenderer);
   - **plain**: a function view defined here, on a bench-only URLconf that also includes the
     product's: the same selector with the same filters, the first 50 rows in the same order,
     the same dicts built by hand, ``JsonResponse``. Both go through the same middleware and
     the same session lookup;

3. checks the two answers: the same keys (top level, per claim, nested) or the bench fails; the
   same claims in the same order; values compared and any difference reported;
4. counts queries (``CaptureQueriesContext``) on pages 1, 2 and 3 (following ``next``), on
   page sizes 2, 50 and 200, and on a page of published claims (assignee and reviewer set); the
   bench fails unless every DRF request costs the same number, and every plain request too;
5. warms up, then times ``--requests`` requests of each, alternating in interleaved blocks
   (DRF first in one block, plain first in the next), and reports the median, p95, requests
   per second (one client, one request at a time), and the share of the plain view's
   throughput the DRF view reaches (target: at least half), next to the 25 ms median target;
6. prints the EXPLAIN (ANALYZE, BUFFERS) of the page query, first page and a later one, and
   whether the queue index ``claims_claim_queue_idx`` serves it.

Requests go through ``django.test.Client``: in-process WSGI, the full middleware and DRF stack,
no HTTP server or socket (so the figures leave out a server's parsing and the network). DEBUG
is off (no query logging), the cache is local memory. Timing is reported, not asserted: the
exit status is 1 only when the keys differ, the query counts are not constant, or a view
fails. The database is dropped at the end (``--keep-db`` keeps it).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import io
import json
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import time
import types
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

TARGET_MEDIAN_MS = 25.0  # DRF claim list, page of 50, median
TARGET_THROUGHPUT_SHARE = 0.5  # DRF requests/s at least half the plain view's
PAGE_SIZE = 50
QUEUE_INDEX = "claims_claim_queue_idx"
PLAIN_PATH = "/bench/plain/claims/"
URLCONF = "bench_api_urls"

# The status mix of a desk's claims (most never looked at; a few published).
STATUS_MIX = [
    ("unreviewed", 0.70),
    ("in_progress", 0.08),
    ("in_review", 0.05),
    ("published", 0.07),
    ("dismissed", 0.10),
]
VERDICTS = ["false", "mostly_false", "mixed", "mostly_true", "true", "misleading", "unverifiable"]
CLAIM_TYPES = ["quantity", "temporal", "attribution", "event", "relation", "causal", "other"]
SUBJECTS = [
    "Cuba", "China", "The ministry of health", "Xi Jinping", "Miguel Diaz-Canel", "The IMF",
    "The European Union", "Brazil", "The central bank", "Havana", "The World Bank", "Mexico",
]  # fmt: skip
TEMPLATES = [
    "{s} said exports rose by {p}% in {y}, to ${m} million.",
    "{s} signed {n} cooperation agreements with {o} on {d} {mo} {y}.",
    "{s} received {o} in Beijing in {mo} {y}.",
    "Unemployment in {s} fell to {p}% in {y}, according to {o}.",
    "{s} has had diplomatic relations with {o} since {y}.",
    "{s} sent {n},000 tonnes of rice to {o} in {y}.",
    "In {y} {s} and {o} marked the {n}th anniversary of their relations.",
    "{s} had a population of about {n} million people in {y}.",
]
MONTHS = ["January", "March", "May", "June", "September", "November"]


# --- the database -------------------------------------------------------------------------------


def _psql(*sql: str) -> None:
    for statement in sql:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", statement],
            check=True,
            capture_output=True,
        )


def _setup_django(database_url: str) -> None:
    # settings_test: fast hashing, locmem cache and mail, plain static storage; DEBUG off.
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "workbench.settings_test",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
        }
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        os.environ[name] = ""
    import django

    django.setup()


def _sentences(rng: random.Random, count: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        text = rng.choice(TEMPLATES).format(
            s=rng.choice(SUBJECTS),
            o=rng.choice(SUBJECTS),
            p=rng.randint(2, 60),
            y=rng.randint(1949, 2025),
            m=rng.randint(5, 900),
            n=rng.randint(2, 70),
            d=rng.randint(1, 28),
            mo=rng.choice(MONTHS),
        )
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def load(*, claims: int, articles: int, seed: int) -> dict[str, Any]:
    """Two teams, their members, ``articles`` articles and ``claims`` claims; returns what the
    measurements need."""
    from django.contrib.auth.models import User
    from django.db import connection, models

    from claims.extraction.entities import find_entities
    from claims.extraction.values import find_values
    from claims.models import Article, Claim
    from workbench.models import Membership, Team

    rng = random.Random(seed)
    started = time.perf_counter()
    team_a = Team.objects.create(name="Bench desk A", website="https://desk-a.example")
    team_b = Team.objects.create(name="Bench desk B")
    user = User.objects.create_user("bench", password="bench-only-password")
    Membership.objects.create(team=team_a, user=user, role=Membership.Role.EDITOR)
    Membership.objects.create(team=team_b, user=user, role=Membership.Role.EDITOR)
    staff = {team_a.pk: [user], team_b.pk: [user]}
    for number in range(8):
        member = User.objects.create_user(f"reviewer{number}")
        team = team_a if number < 5 else team_b
        Membership.objects.create(team=team, user=member, role=Membership.Role.EDITOR)
        staff[team.pk].append(member)

    # Articles: 60% team A, over the last year, newest last; each with a body of news length.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    span = dt.timedelta(days=365)
    article_rows: list[Article] = []
    for number in range(articles):
        team = team_a if rng.random() < 0.6 else team_b
        created = now - span + span * (number / max(articles, 1))
        body = f"Article {number}. " + " ".join(_sentences(rng, 12))
        article_rows.append(
            Article(
                team=team,
                title=f"Bench article {number}: " + body[len(f"Article {number}. ") :][:60],
                url=f"https://news.example/{number}",
                outlet=rng.choice(["Prensa Latina", "Granma", "Xinhua", "Reuters", ""]),
                published_at=created - dt.timedelta(hours=rng.randint(1, 48)),
                body=body,
                content_hash=hashlib.sha256(body.encode()).hexdigest(),
                extraction_status=Article.ExtractionStatus.DONE,
                extracted_at=created,
                extractor_version="bench",
                created_at=created,
            )
        )
    Article.objects.bulk_create(article_rows, batch_size=1000)
    saved = list(Article.objects.order_by("created_at", "id").values_list("id", "team_id"))

    pool = _sentences(rng, 600)
    extracted = {
        text: (
            json.dumps([e.to_dict() for e in find_entities(text)]),
            json.dumps([v.to_dict() for v in find_values(text)]),
        )
        for text in pool
    }
    fields = [f for f in Claim._meta.concrete_fields if f.attname != "id"]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    per_article = claims // max(len(saved), 1)
    extra = claims - per_article * len(saved)
    codes: list[str] = []
    written = 0
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {Claim._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for index, (article_id, team_id) in enumerate(saved):
            article_created = article_rows[index].created_at
            count = per_article + (1 if index < extra else 0)
            offset = 0
            previous: list[str] = []
            for position in range(count):
                text = rng.choice(pool)
                entities, values = extracted[text]
                code = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                status = rng.choices(statuses, weights)[0]
                created = article_created + dt.timedelta(milliseconds=137 * position)
                touched = status != "unreviewed"
                verdict = rng.choice(VERDICTS) if status == "published" else ""
                suggestion = rng.choice(["", "supported", "contradicted", "inconclusive"])
                assignee = (
                    rng.choice(staff[team_id]).pk
                    if status in ("in_progress", "in_review", "published") or rng.random() < 0.1
                    else None
                )
                findings: list[dict[str, Any]] = []
                if previous and rng.random() < 0.1:
                    findings.append(
                        {
                            "kind": "date_mismatch",
                            "severity": rng.choice(["info", "conflict"]),
                            "message": "Two claims give different years for the same event.",
                            "value": rng.randint(1949, 2025),
                            "claims": [previous[-1], code],
                        }
                    )
                replacements = (
                    [{"text": "the two", "start": 4, "end": 11, "replacement": "China and Cuba"}]
                    if rng.random() < 0.05
                    else []
                )
                row: dict[str, Any] = {
                    "created_at": created,
                    "updated_at": created + dt.timedelta(minutes=rng.randint(0, 600) * touched),
                    "code": code,
                    "team_id": team_id,
                    "article_id": article_id,
                    "text": text,
                    "sentence": text,
                    "start": offset,
                    "end": offset + len(text),
                    "claim_type": rng.choice(CLAIM_TYPES),
                    "checkworthiness": round(rng.random(), 3),
                    "entities": entities,
                    "values": values,
                    "spans": json.dumps([[offset, offset + len(text)]]),
                    "ambiguous": rng.random() < 0.1,
                    "replacements": json.dumps(replacements),
                    "findings": json.dumps(findings),
                    "fingerprint": hashlib.sha256(f"{article_id}:{position}".encode()).hexdigest(),
                    "extractor_version": "bench",
                    "status": status,
                    "verdict": verdict,
                    "rationale": "Checked against the ministry's figures." if verdict else "",
                    "review_url": "",
                    "suggestion": suggestion,
                    "suggestion_confidence": round(rng.random(), 2) if suggestion else None,
                    "suggestion_reason": "passage says 1960; claim says 1960" if suggestion else "",
                    "assignee_id": assignee,
                    "reviewed_by_id": assignee if status == "published" else None,
                    "published_at": created + dt.timedelta(days=1) if verdict else None,
                    "version": rng.randint(2, 5) if touched else 1,
                    "touched_at": created + dt.timedelta(hours=2) if touched else None,
                }
                copy.write_row(
                    [
                        row[f.attname]
                        if f.attname in row
                        else (
                            json.dumps(f.get_default())
                            if isinstance(f, models.JSONField)
                            else f.get_default()
                        )
                        for f in fields
                    ]
                )
                previous.append(code)
                codes.append(code)
                offset += len(text) + 1
                written += 1
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts = {
        status: Claim.objects.filter(team=team_a, status=status).count() for status in statuses
    }
    return {
        "user": user,
        "team_a": team_a,
        "team_b": team_b,
        "claims": written,
        "articles": len(saved),
        "team_a_claims": Claim.objects.filter(team=team_a).count(),
        "team_a_by_status": counts,
        "load_s": round(loaded, 1),
        "analyze_s": round(time.perf_counter() - started - loaded, 1),
    }


# --- the plain view -----------------------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    """What DRF's DateTimeField gives (ISO 8601, UTC as "Z")."""
    if value is None:
        return None
    text = value.astimezone(dt.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def plain_claim_list(request: Any) -> Any:
    """The claim queue by hand: the product's selector and filters, the first page of 50 in the
    cursor page's order, dicts built here, JsonResponse."""
    from django.core.exceptions import ValidationError
    from django.http import JsonResponse

    from claims.selectors import claim_list

    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Not signed in.", "code": "not_authenticated"}, status=401)
    try:
        queryset = claim_list(user=request.user, filters=request.GET)
    except ValidationError as exc:
        return JsonResponse({"detail": "Invalid filter.", "code": "invalid", "fields": str(exc)})
    rows = list(queryset.order_by("-created_at", "-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    results = []
    for claim in rows:
        confident = claim.suggestion in ("supported", "contradicted")
        results.append(
            {
                "id": str(claim.code),
                "team": str(claim.team.code),
                "article": str(claim.article.code),
                "article_title": claim.article.title,
                "text": claim.text,
                "sentence": claim.sentence,
                "start": claim.start,
                "end": claim.end,
                "spans": claim.spans,
                "claim_type": claim.claim_type,
                "checkworthiness": claim.checkworthiness,
                "entities": claim.entities,
                "values": claim.values,
                "ambiguous": claim.ambiguous,
                "replacements": claim.replacements,
                "findings": claim.findings,
                "status": claim.status,
                "verdict": claim.verdict,
                "rationale": claim.rationale,
                "review_url": claim.review_url,
                "suggestion": {
                    "value": claim.suggestion,
                    "confidence": claim.suggestion_confidence if confident else None,
                    "reason": claim.suggestion_reason,
                },
                "assignee": claim.assignee.username if claim.assignee else None,
                "reviewed_by": claim.reviewed_by.username if claim.reviewed_by else None,
                "published_at": _iso(claim.published_at),
                "version": claim.version,
                "created_at": _iso(claim.created_at),
                "updated_at": _iso(claim.updated_at),
            }
        )
    following = None
    if more:
        last = rows[-1]
        query = request.GET.copy()
        query["before"] = f"{_iso(last.created_at)},{last.pk}"
        following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return JsonResponse({"next": following, "previous": None, "results": results})


def _install_urlconf() -> None:
    """A bench-only root URLconf: the product's routes, plus the plain view."""
    from django.urls import include, path

    module = types.ModuleType(URLCONF)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(PLAIN_PATH.lstrip("/"), plain_claim_list),
        path("", include("workbench.urls")),
    ]
    module.handler404 = "workbench.rest.json_not_found"  # type: ignore[attr-defined]
    module.handler500 = "workbench.rest.json_server_error"  # type: ignore[attr-defined]
    sys.modules[URLCONF] = module


# --- measuring ----------------------------------------------------------------------------------


def _keys(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value: "results[].suggestion.value" and so on."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else key
            found.add(name)
            if key not in ("entities", "values", "spans", "replacements", "findings"):
                found |= _keys(item, name)
    elif isinstance(value, list):
        for item in value:
            found |= _keys(item, f"{prefix}[]")
    return found


def _compare(drf: dict[str, Any], plain: dict[str, Any]) -> dict[str, Any]:
    drf_keys, plain_keys = _keys(drf), _keys(plain)
    differences: list[str] = []
    drf_rows, plain_rows = drf.get("results", []), plain.get("results", [])
    for drf_row, plain_row in zip(drf_rows, plain_rows, strict=False):
        for key in sorted(set(drf_row) & set(plain_row)):
            if drf_row[key] != plain_row[key] and len(differences) < 5:
                differences.append(f"{key}: DRF {drf_row[key]!r} vs plain {plain_row[key]!r}")
    return {
        "same_keys": drf_keys == plain_keys,
        "only_drf": sorted(drf_keys - plain_keys),
        "only_plain": sorted(plain_keys - drf_keys),
        "same_claims": [r.get("id") for r in drf_rows] == [r.get("id") for r in plain_rows],
        "rows": [len(drf_rows), len(plain_rows)],
        "value_differences": differences,
    }


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} -> {response.status_code}: {response.content[:300]!r}")
    return response


def _count_queries(client: Any, url: str) -> tuple[int, list[str], Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = _get(client, url)
    return len(captured), [q["sql"] for q in captured.captured_queries], response.json()


def _query_counts(client: Any, drf_url: str, plain_url: str, published: str) -> dict[str, Any]:
    counts: dict[str, int] = {}
    sql: dict[str, list[str]] = {}
    url = drf_url
    for page in (1, 2, 3):
        counts[f"drf page {page}"], sql[f"drf page {page}"], body = _count_queries(client, url)
        if not body.get("next"):
            raise RuntimeError(f"page {page} of the DRF list has no next link")
        url = body["next"]
    for size in (2, 200):
        url = drf_url.replace(f"page_size={PAGE_SIZE}", f"page_size={size}")
        counts[f"drf page_size={size}"], _, _ = _count_queries(client, url)
    for size in (2, PAGE_SIZE):
        url = published.replace(f"page_size={PAGE_SIZE}", f"page_size={size}")
        counts[f"drf published, page_size={size}"], _, _ = _count_queries(client, url)
    for number in (1, 2, 3):
        counts[f"plain #{number}"], sql[f"plain #{number}"], _ = _count_queries(client, plain_url)
    drf = {v for k, v in counts.items() if k.startswith("drf")}
    plain = {v for k, v in counts.items() if k.startswith("plain")}
    return {
        "counts": counts,
        "drf": sorted(drf),
        "plain": sorted(plain),
        "constant": len(drf) == 1 and len(plain) == 1,
        "sql": sql,
    }


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "requests": len(times),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "mean_ms": round(statistics.fmean(times) * 1000, 2),
        "min_ms": round(ordered[0] * 1000, 2),
        "rps": round(len(times) / sum(times), 1),
    }


def _measure(
    client: Any, urls: dict[str, str], *, requests: int, block: int, warmup: int
) -> dict[str, list[float]]:
    for _ in range(warmup):
        for url in urls.values():
            _get(client, url)
    times: dict[str, list[float]] = {name: [] for name in urls}
    names = list(urls)
    number = 0
    while min(len(t) for t in times.values()) < requests:
        order = names if number % 2 == 0 else names[::-1]
        for name in order:
            url = urls[name]
            gc.collect()
            for _ in range(min(block, requests - len(times[name]))):
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"{name}: {response.status_code}")
                times[name].append(elapsed)
        number += 1
    return times


def _explain(sql: list[str]) -> dict[str, Any]:
    from django.db import connection

    page_sql = [s for s in sql if 'FROM "claims_claim"' in s]
    if not page_sql:
        return {"error": "no query on claims_claim was captured"}
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {page_sql[-1]}")
        plan = [row[0] for row in cursor.fetchall()]
    return {
        "sql": page_sql[-1],
        "plan": plan,
        "uses_queue_index": any(QUEUE_INDEX in line for line in plan),
        "indexes": sorted(
            {line.split(" using ")[1].split()[0] for line in plan if " using " in line}
        ),
        "distinct": page_sql[-1].lstrip().upper().startswith("SELECT DISTINCT"),
        "parallel": any("Gather" in line for line in plan),
        "planning_ms": _plan_ms(plan, "Planning Time"),
        "execution_ms": _plan_ms(plan, "Execution Time"),
    }


def _plan_ms(plan: list[str], label: str) -> float | None:
    return next((float(line.split(":")[1].split()[0]) for line in plan if label in line), None)


def _profile(client: Any, url: str, requests: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


def _machine() -> dict[str, Any]:
    from django.db import connection

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django
    import rest_framework

    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "drf": rest_framework.VERSION,
        "postgresql": connection.cursor().connection.info.server_version,
        # Other work on the machine during the run (1, 5, 15 minutes) moves every figure.
        "load_average": [round(n, 2) for n in os.getloadavg()],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    database = f"workbench_bench_api_{os.getpid()}"
    base = args.database_url.rstrip("/")
    _psql(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}")
    report: dict[str, Any] = {"database": database}
    try:
        _setup_django(f"{base}/{database}")
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client
        from django.test.utils import override_settings
        from django.urls import reverse

        call_command("migrate", verbosity=0)
        data = load(claims=args.claims, articles=args.articles, seed=args.seed)
        report["data"] = {k: v for k, v in data.items() if k not in ("user", "team_a", "team_b")}
        _install_urlconf()
        with override_settings(ROOT_URLCONF=URLCONF):
            client = Client()
            client.force_login(data["user"])
            query = {"team": str(data["team_a"].code), "status": "unreviewed"}
            sized = urlencode({**query, "page_size": PAGE_SIZE})
            drf_url = f"{reverse('api:claim-list')}?{sized}"
            plain_url = f"{PLAIN_PATH}?{urlencode(query)}"
            published_url = drf_url.replace("status=unreviewed", "status=published")
            report["urls"] = {"drf": drf_url, "plain": plain_url}
            response = client.get(drf_url)
            if response.status_code != 200:
                report["error"] = (
                    f"GET {drf_url} -> {response.status_code} (has the claim list landed?): "
                    f"{response.content[:300]!r}"
                )
                return report
            report["bytes"] = {
                "drf": len(response.content),
                "plain": len(_get(client, plain_url).content),
            }
            report["compare"] = _compare(response.json(), _get(client, plain_url).json())
            report["queries"] = _query_counts(client, drf_url, plain_url, published_url)
            times = _measure(
                client,
                {"drf": drf_url, "plain": plain_url},
                requests=args.requests,
                block=args.block,
                warmup=args.warmup,
            )
            report["drf"] = _summary(times["drf"])
            report["plain"] = _summary(times["plain"])
            share = report["drf"]["rps"] / report["plain"]["rps"]
            report["drf_share_of_plain_rps"] = round(share, 3)
            report["plain_over_drf_rps"] = round(1 / share, 2)
            report["meets_median"] = report["drf"]["median_ms"] < TARGET_MEDIAN_MS
            report["meets_share"] = share >= TARGET_THROUGHPUT_SHARE
            report["explain"] = {
                "first page": _explain(report["queries"]["sql"]["drf page 1"]),
                "page 3": _explain(report["queries"]["sql"]["drf page 3"]),
            }
            if args.profile:
                report["profile"] = _profile(client, drf_url, args.profile)
            report["machine"] = _machine()
        return report
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        if not args.keep_db:
            _psql(f"DROP DATABASE IF EXISTS {database}")


def failures(report: dict[str, Any]) -> list[str]:
    problems = []
    if "error" in report:
        problems.append(report["error"])
    compare = report.get("compare", {})
    if compare and not compare["same_keys"]:
        problems.append(
            f"the views' JSON keys differ: only DRF {compare['only_drf']}, "
            f"only plain {compare['only_plain']}"
        )
    if compare and not compare["same_claims"]:
        problems.append("the views return different claims")
    queries = report.get("queries", {})
    if queries and not queries["constant"]:
        problems.append(f"queries per request are not constant: {queries['counts']}")
    return problems


def render(report: dict[str, Any], verbose: bool = False) -> str:
    lines = ["Claim list API: DRF vs a hand-written JsonResponse view (django.test.Client)"]
    data = report.get("data")
    if data:
        lines.append(
            f"  data: {data['claims']:,} claims in {data['articles']:,} articles, 2 teams "
            f"(team A: {data['team_a_claims']:,}, by status {data['team_a_by_status']}); "
            f"loaded in {data['load_s']} s, VACUUM ANALYZE {data['analyze_s']} s"
        )
    if "error" in report:
        return "\n".join([*lines, f"  error: {report['error']}"])
    lines.append(f"  DRF:   GET {report['urls']['drf']}")
    lines.append(f"  plain: GET {report['urls']['plain']}")
    row = "  {:<8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9}"
    lines.append(row.format("view", "median ms", "p95 ms", "mean ms", "min ms", "req/s", "queries"))
    queries = report["queries"]
    for name in ("drf", "plain"):
        figures = report[name]
        lines.append(
            row.format(
                name,
                f"{figures['median_ms']:.2f}",
                f"{figures['p95_ms']:.2f}",
                f"{figures['mean_ms']:.2f}",
                f"{figures['min_ms']:.2f}",
                f"{figures['rps']:.1f}",
                ",".join(str(n) for n in queries[name]),
            )
        )
    ok = {True: "meets", False: "MISSES"}
    lines.append(
        f"  {report['drf']['requests']} requests each, interleaved blocks, after warm-up; "
        f"response bytes DRF {report['bytes']['drf']:,}, plain {report['bytes']['plain']:,}"
    )
    lines.append(
        f"  DRF median {report['drf']['median_ms']:.2f} ms, target < {TARGET_MEDIAN_MS:.0f} ms "
        f"-> {ok[report['meets_median']]}"
    )
    lines.append(
        f"  DRF throughput = {report['drf_share_of_plain_rps']:.0%} of plain "
        f"(plain/DRF = {report['plain_over_drf_rps']:.2f}x), target >= "
        f"{TARGET_THROUGHPUT_SHARE:.0%} -> {ok[report['meets_share']]}"
    )
    constant = "constant" if queries["constant"] else "NOT CONSTANT"
    lines.append(f"  queries per request: {constant}: {queries['counts']}")
    compare = report["compare"]
    lines.append(
        f"  same keys: {compare['same_keys']}; same claims in the same order: "
        f"{compare['same_claims']} ({compare['rows'][0]} rows)"
        + (f"; value differences: {compare['value_differences']}" if compare["value_differences"]
           else "; same values")
    )  # fmt: skip
    for name, explain in report["explain"].items():
        if "error" in explain:
            lines.append(f"  EXPLAIN {name}: {explain['error']}")
            continue
        uses = "uses" if explain["uses_queue_index"] else "does NOT use"
        lines.append(
            f"  EXPLAIN ANALYZE, {name}: {uses} {QUEUE_INDEX} (indexes: "
            f"{', '.join(explain['indexes'])}); SELECT DISTINCT: {explain['distinct']}; "
            f"parallel: {explain['parallel']}; planning {explain['planning_ms']} ms, "
            f"execution {explain['execution_ms']} ms"
        )
        if verbose or name == "first page":
            lines += [f"    {line}" for line in explain["plan"]]
    machine = report["machine"]
    lines.append(
        f"  machine: {machine['cpu']}, {machine['cores']} cores; Python {machine['python']}, "
        f"Django {machine['django']}, DRF {machine['drf']}, PostgreSQL {machine['postgresql']}; "
        f"load average at the end {machine['load_average']}"
    )
    problems = failures(report)
    lines.append("  FAILED: " + "; ".join(problems) if problems else "  checks passed")
    if "profile" in report:
        lines += ["", "cProfile of the DRF list:", report["profile"]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--claims", type=int, default=100_000, help="claims to load (100,000)")
    parser.add_argument("--articles", type=int, default=2_000, help="articles to load (2,000)")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per view")
    parser.add_argument("--block", type=int, default=25, help="requests per interleaved block")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests per view first")
    parser.add_argument("--seed", type=int, default=5, help="random seed of the data")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="cProfile N more DRF requests"
    )
    parser.add_argument("--verbose", action="store_true", help="every plan and the queries")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    report = run(args)
    if args.json:
        report.get("queries", {}).pop("sql", None)
        print(json.dumps(report, indent=2, default=str))
    else:
        print(render(report, verbose=args.verbose))
    return 1 if failures(report) else 0


if __name__ == "__main__":
    sys.exit(main())
