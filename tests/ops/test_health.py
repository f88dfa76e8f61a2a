"""GET /health/: 200 when the database and the broker answer, 503 naming the part that does not
(never a 500), "eager" for the broker of the embedded default. And a database that cannot be
reached gives any page a fast 503 (JSON under /api/, a small page elsewhere) with Retry-After."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import redis
from django.test import override_settings

from tests.conftest import REPO
from tests.ops.helpers import closed_port_url, production_env

BROKER_URL = "redis://127.0.0.1:6379/7"


@pytest.fixture
def redis_broker() -> str:
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {BROKER_URL}: {exc}")
    return BROKER_URL


@pytest.mark.django_db
class HealthTests:
    @override_settings(WORKBENCH_BROKER_CONFIGURED=False, CELERY_BROKER_URL="memory://")
    def test_embedded_default_is_ok_with_an_eager_broker(self, client):
        response = client.get("/health/")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
        assert "no-cache" in response["Cache-Control"]

    def test_ok_with_a_reachable_redis_broker(self, client, redis_broker):
        with override_settings(WORKBENCH_BROKER_CONFIGURED=True, CELERY_BROKER_URL=redis_broker):
            response = client.get("/health/")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}

    def test_broker_down_is_a_503_naming_the_broker(self, client):
        closed = closed_port_url("redis") + "/0"
        with override_settings(WORKBENCH_BROKER_CONFIGURED=True, CELERY_BROKER_URL=closed):
            response = client.get("/health/")
        assert response.status_code == 503
        assert response.json() == {"status": "error", "database": "ok", "broker": "error"}

    def test_needs_no_sign_in_and_accepts_only_get(self, client):
        assert client.get("/health/").status_code in (200, 503)
        assert client.post("/health/").status_code == 405


# Run in a fresh interpreter with production settings and DATABASE_URL at a closed port: the
# health endpoint, an API call with a token and a sign-in (both need the database).
PROBE = """
import json, django
django.setup()
from django.test import Client
out = {}
r = Client().get("/health/", HTTP_HOST="workbench.example.org")
out["health"] = [r.status_code, json.loads(r.content)]
r = Client().get("/api/v1/claims/", HTTP_AUTHORIZATION="Bearer wb_x_y", secure=True,
                 HTTP_HOST="workbench.example.org")
out["api"] = [r.status_code, r["Content-Type"], r.get("Retry-After"), json.loads(r.content)]
r = Client().post("/sign-in/", {"username": "a", "password": "b"}, secure=True,
                  HTTP_HOST="workbench.example.org")
out["web"] = [r.status_code, r["Content-Type"], r.get("Retry-After"), r.content.decode()]
print(json.dumps(out))
"""


class DatabaseDownTests:
    def test_health_api_and_pages_answer_503_when_the_database_cannot_be_reached(self, tmp_path):
        env = production_env(
            DATABASE_URL=closed_port_url("postgres") + "/workbench",
            CELERY_BROKER_URL="",  # eager: only the database is down
            WORKBENCH_VAR_DIR=str(tmp_path),
        )
        result = subprocess.run(
            [sys.executable, "-c", PROBE],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout.strip().splitlines()[-1])
        # Plain HTTP on purpose: the health endpoint is exempt from SECURE_SSL_REDIRECT.
        assert out["health"] == [503, {"status": "error", "database": "error", "broker": "eager"}]
        status, content_type, retry_after, body = out["api"]
        assert (status, content_type, retry_after) == (503, "application/json", "5")
        assert body["code"] == "service_unavailable"
        status, content_type, retry_after, body = out["web"]
        assert (status, retry_after) == (503, "5")
        assert content_type.startswith("text/html")
        assert "cannot reach its database" in body
        # The reason is logged as JSON (production format) with the request's id.
        logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
        unavailable = [line for line in logged if line["message"] == "database.unavailable"]
        assert len(unavailable) == 2
        assert all(len(line["request_id"]) == 32 for line in unavailable)


class ServerErrorHandlerTests:
    """handler500: a database error raised outside a view (a middleware) is a 503 too."""

    def test_a_database_error_is_a_503_and_anything_else_a_500(self, rf):
        from django.db import OperationalError

        from workbench.middleware import server_error

        try:
            raise OperationalError("connection refused")
        except OperationalError:
            response = server_error(rf.get("/api/v1/claims/"))
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        try:
            raise ValueError("a bug")
        except ValueError:
            response = server_error(rf.get("/api/v1/claims/"))
        assert response.status_code == 500
