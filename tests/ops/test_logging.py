"""Structured logs: one JSON object per line; every line of a web request carries its request id
(X-Request-ID in and out), every line of a Celery task its id and name."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Article
from claims.tasks import article_extract as article_extract_task
from tests.factories import ArticleFactory
from workbench.logging import ContextFilter, JsonFormatter
from workbench.services import token_create


class Captured:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def clear(self) -> None:
        self.stream.seek(0)
        self.stream.truncate()

    def lines(self) -> list[dict]:
        # Every line must be a JSON object: json.loads fails the test otherwise.
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line]


@pytest.fixture
def captured():
    """The root logger's console handler (settings.LOGGING) writing JSON into a buffer."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ContextFilter) for f in h.filters)
    )
    stream = io.StringIO()
    formatter = handler.formatter
    old_stream = handler.setStream(stream)  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter())  # the production format even if a developer's DEBUG=1
    try:
        yield Captured(stream)
    finally:
        handler.setStream(old_stream)  # type: ignore[attr-defined]
        handler.setFormatter(formatter)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='logs').key}")
    return client


class JsonFormatterTests:
    def test_one_object_per_line_with_time_level_logger_message_and_extra(self):
        record = logging.LogRecord("claims.services", logging.INFO, "x.py", 1, "a\nb", None, None)
        record.article_id = 7
        line = JsonFormatter().format(record)
        assert "\n" not in line
        entry = json.loads(line)
        assert entry["level"] == "INFO"
        assert entry["logger"] == "claims.services"
        assert entry["message"] == "a\nb"
        assert entry["article_id"] == 7
        assert entry["time"].endswith("+00:00")

    def test_exceptions_are_kept_in_the_object(self):
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.LogRecord(
                "x", logging.ERROR, "x.py", 1, "failed", None, sys.exc_info()
            )
        entry = json.loads(JsonFormatter().format(record))
        assert "ValueError: boom" in entry["exc_info"]

    def test_gunicorn_access_lines_become_fields(self):
        atoms = {"h": "10.0.0.1", "m": "GET", "U": "/health/", "q": "", "s": "200", "B": 42}
        atoms |= {"M": 3, "a": "probe", "r": "GET /health/ HTTP/1.1", "{x-request-id}o": "abc"}
        record = logging.LogRecord("gunicorn.access", logging.INFO, "g.py", 1, "%(r)s", (), None)
        record.args = atoms
        entry = json.loads(JsonFormatter().format(record))
        assert entry["message"] == "GET /health/ HTTP/1.1"
        assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/health/", 200)
        assert entry["duration_ms"] == 3
        assert entry["request_id"] == "abc"


@pytest.mark.django_db(transaction=True)  # on_commit runs at once: the eager task is in the request
class RequestLogTests:
    def test_every_line_of_a_request_carries_its_id_and_task_lines_the_task(
        self, captured, team, editor, seed_text
    ):
        client = token_client(editor)
        captured.clear()  # the token's creation was logged outside any request
        response = client.post(reverse("api:article-list"), {"text": seed_text}, format="json")
        assert response.status_code == 201, response.content
        request_id = response["X-Request-ID"]
        assert len(request_id) == 32 and int(request_id, 16) >= 0  # a fresh uuid4 hex

        lines = captured.lines()
        messages = [line["message"] for line in lines]
        assert "article.ingested" in messages
        assert "article.extracted" in messages
        assert all(line.get("request_id") == request_id for line in lines), lines
        task_lines = [line for line in lines if "task_id" in line]
        assert {line["task_name"] for line in task_lines} >= {"claims.article_extract"}
        extracted = next(line for line in lines if line["message"] == "article.extracted")
        assert extracted["task_name"] == "claims.article_extract"
        assert extracted["article_id"] == Article.objects.get().pk
        # Outside the task, the request's lines carry no task id.
        ingested = next(line for line in lines if line["message"] == "article.ingested")
        assert "task_id" not in ingested

    def test_a_sane_request_id_is_kept_and_a_hostile_one_replaced(self, captured, db):
        url = "/api/v1/no-such-thing/"
        kept = APIClient().get(url, HTTP_X_REQUEST_ID="lb-4f2a.9_x-1")
        assert kept["X-Request-ID"] == "lb-4f2a.9_x-1"
        for hostile in ("a" * 65, "evil\nline", 'x" injected="1', ""):
            response = APIClient().get(url, HTTP_X_REQUEST_ID=hostile)
            assert response["X-Request-ID"] != hostile
            assert len(response["X-Request-ID"]) == 32
        not_found = [line for line in captured.lines() if line["logger"] == "django.request"]
        assert not_found[0]["request_id"] == "lb-4f2a.9_x-1"
        assert len({line["request_id"] for line in not_found}) == 5


@pytest.mark.django_db
class TaskLogTests:
    def test_every_line_of_a_task_carries_its_id_and_name_and_only_while_it_runs(
        self, captured, team, seed_text
    ):
        article = ArticleFactory(
            team=team, body=seed_text, extraction_status=Article.ExtractionStatus.PENDING
        )
        result = article_extract_task.apply(args=[article.pk])
        logging.getLogger("tests.ops").info("after.the.task")

        lines = captured.lines()
        during = [line for line in lines if line["message"] != "after.the.task"]
        assert during and {line["message"] for line in during} >= {"article.extracted"}
        assert all(line["task_id"] == result.id for line in during), during
        assert all(line["task_name"] == "claims.article_extract" for line in during)
        after = next(line for line in lines if line["message"] == "after.the.task")
        assert "task_id" not in after and "request_id" not in after
