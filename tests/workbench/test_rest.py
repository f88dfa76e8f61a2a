"""What every API endpoint shares (workbench.rest): deny by default, one JSON error shape, body
size limits, strict JSON, strict pagination parameters, JSON 404s under /api/."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import ClaimFactory
from workbench.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(owner) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=owner, name='t').key}")
    return client


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    if code is not None:
        assert body["code"] == code, body
    return body


class DenyByDefaultTests:
    def test_no_credentials_is_401_with_a_bearer_challenge(self, team) -> None:
        response = APIClient().get("/api/v1/claims/")
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_a_made_up_token_is_401(self, team) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Bearer wb_deadbeef_notarealsecret")
        assert_error(client.get("/api/v1/claims/"), 401, "authentication_failed")

    def test_schema_and_docs_are_public(self, db) -> None:
        client = APIClient()
        assert client.get("/api/v1/schema/").status_code == 200
        docs = client.get("/api/v1/docs/")
        assert docs.status_code == 200
        # Swagger UI comes from our own static files (the sidecar), not a CDN.
        assert b"cdn.jsdelivr" not in docs.content and b"unpkg.com" not in docs.content


class BodyTests:
    @override_settings(API_MAX_BODY_BYTES=1000)
    def test_a_body_over_the_limit_is_413_before_parsing(self, client, team) -> None:
        body = '{"text": "' + "x" * 5000 + '"}'
        response = client.post("/api/v1/articles/", body, content_type="application/json")
        error = assert_error(response, 413, "too_large")
        assert "1,000 bytes" in error["detail"]

    def test_invalid_json_is_400(self, client, team) -> None:
        response = client.post("/api/v1/articles/", '{"text": ', content_type="application/json")
        assert_error(response, 400, "parse_error")

    def test_nan_is_not_json(self, client, team) -> None:
        claim = ClaimFactory(article__team=team)
        response = client.patch(
            f"/api/v1/claims/{claim.code}/",
            '{"version": NaN}',
            content_type="application/json",
        )
        assert_error(response, 400, "parse_error")

    def test_non_utf8_body_is_400(self, client, team) -> None:
        response = client.post(
            "/api/v1/articles/", b'{"text": "caf\xe9"}', content_type="application/json"
        )
        assert "UTF-8" in assert_error(response, 400, "parse_error")["detail"]

    def test_a_json_array_instead_of_an_object_is_400(self, client, team) -> None:
        claim = ClaimFactory(article__team=team)
        response = client.patch(f"/api/v1/claims/{claim.code}/", [1, 2], format="json")
        assert_error(response, 400)

    def test_unknown_fields_are_named(self, client, team) -> None:
        claim = ClaimFactory(article__team=team)
        response = client.patch(
            f"/api/v1/claims/{claim.code}/",
            {"version": claim.version, "verdcit": "true"},
            format="json",
        )
        error = assert_error(response, 400, "unknown_field")
        assert error["fields"] == {"verdcit": ["Unknown field."]}
        claim.refresh_from_db()
        assert claim.version == 1

    def test_unsupported_media_type_is_415(self, client, team) -> None:
        response = client.post("/api/v1/articles/", "text=hi", content_type="text/csv")
        assert_error(response, 415, "unsupported_media_type")


class PaginationTests:
    @pytest.mark.parametrize("size", ["0", "-1", "201", "abc", "1.5"])
    def test_page_size_out_of_range_is_400(self, client, team, size) -> None:
        error = assert_error(client.get("/api/v1/claims/", {"page_size": size}), 400)
        assert "page_size" in error["fields"]

    @pytest.mark.parametrize(
        "cursor",
        ["garbage", "!!!", base64.b64encode(b"p=not-a-date").decode(), "cD0yMDI2"],
    )
    def test_a_bad_cursor_is_400(self, client, team, cursor) -> None:
        ClaimFactory.create_batch(3, article__team=team)
        error = assert_error(client.get("/api/v1/claims/", {"cursor": cursor}), 400)
        assert "cursor" in error["fields"]

    def test_pages_follow_each_other_without_repeats(self, client, team) -> None:
        made = {str(c.code) for c in ClaimFactory.create_batch(7, article__team=team)}
        seen: list[str] = []
        url: str | None = "/api/v1/claims/?page_size=3"
        while url:
            page = client.get(url).json()
            seen += [item["id"] for item in page["results"]]
            url = page["next"]
        assert len(seen) == 7 and set(seen) == made


@override_settings(DEBUG=False)
def test_an_unknown_api_path_is_a_json_404(client) -> None:
    response = client.get("/api/v1/no-such-thing/")
    assert_error(response, 404, "not_found")
    response = client.get("/api/v1/claims/not-a-uuid/")
    assert_error(response, 404, "not_found")


class JsonTypeTests:
    """DRF would coerce these (0 -> "0", "2" -> 2, false -> 0.0); the API refuses them."""

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"version": "1", "rationale": "x"}, "version"),
            ({"version": True, "rationale": "x"}, "version"),
            ({"version": 1, "rationale": 5}, "rationale"),
            ({"version": 1, "status": ["in_progress"]}, "status"),
            ({"version": 1.5, "rationale": "x"}, "version"),
        ],
    )
    def test_wrong_json_types_are_refused(self, client, team, payload, field) -> None:
        claim = ClaimFactory(article__team=team)
        response = client.patch(f"/api/v1/claims/{claim.code}/", payload, format="json")
        error = assert_error(response, 400, "invalid_type")
        assert field in error["fields"]
        claim.refresh_from_db()
        assert claim.version == 1 and claim.rationale == ""


def test_drf_settings_import_in_a_fresh_process() -> None:
    """A Celery worker reads DRF's settings (its system checks) before any URLconf or view is
    imported: the classes named there must import without DRF's views module loaded first."""
    code = (
        "import django; django.setup()\n"
        "from rest_framework.settings import api_settings as s\n"
        "print(s.DEFAULT_PAGINATION_CLASS.__name__, s.DEFAULT_PARSER_CLASSES[0].__name__,"
        " s.DEFAULT_AUTHENTICATION_CLASSES[0].__name__, s.EXCEPTION_HANDLER.__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "workbench.settings_test"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [
        "CursorPage",
        "LimitedJSONParser",
        "TokenAuthentication",
        "api_exception_handler",
    ]
