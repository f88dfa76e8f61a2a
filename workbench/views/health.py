"""GET /health/ for load balancers and process supervisors: is the database answering, is the
broker? No authentication and no data; 200 when both are fine, 503 naming the part that is not.
Never a 500, and answers within a few seconds when a part is down (every check has a timeout)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 1.5


def database_status() -> str:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                timeout_ms = int(TIMEOUT_SECONDS * 1000)
                cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is "down", with its reason in the log
        logger.warning("health.database_down", extra={"error": f"{type(exc).__name__}: {exc}"})
        return "error"
    return "ok"


def broker_status() -> str:
    if not settings.WORKBENCH_BROKER_CONFIGURED:
        return "eager"  # the embedded default: tasks run in-process, there is no broker
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            import redis

            client = redis.Redis.from_url(
                url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            from workbench.celery import app

            with app.connection_for_write(url, connect_timeout=TIMEOUT_SECONDS) as conn:
                conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    except Exception as exc:
        logger.warning("health.broker_down", extra={"error": f"{type(exc).__name__}: {exc}"})
        return "error"
    return "ok"


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    # Both at once: the answer takes the slower check's time, not the sum of both timeouts.
    with ThreadPoolExecutor(max_workers=1) as pool:
        broker_future = pool.submit(broker_status)
        database = database_status()
        broker = broker_future.result()
    healthy = database == "ok" and broker in ("ok", "eager")
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
