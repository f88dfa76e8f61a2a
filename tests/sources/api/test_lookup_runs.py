"""/api/v1/lookup-runs/: the caller's teams' lookup runs, read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from sources.models import LookupRun
from tests.factories import ClaimFactory

LIST = reverse("api:lookup-run-list")
MEMBERS = ["owner", "editor", "viewer"]


def detail(run: LookupRun) -> str:
    return reverse("api:lookup-run-detail", kwargs={"code": run.code})


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def run_for(claim, **fields) -> LookupRun:
    fields.setdefault("backend", "library")
    return LookupRun.objects.create(claim=claim, **fields)


@pytest.fixture
def claim(team):
    return ClaimFactory(article__team=team)


@pytest.fixture
def run(claim, editor):
    started = timezone.now() - timedelta(seconds=3)
    return run_for(
        claim,
        status=LookupRun.Status.SUCCEEDED,
        attempts=1,
        results_count=4,
        requested_by=editor,
        started_at=started,
        finished_at=started + timedelta(milliseconds=1250),
    )


@pytest.fixture
def foreign(other_team):
    return run_for(ClaimFactory(article__team=other_team))


@pytest.mark.django_db
class LookupRunListTests:
    @pytest.mark.parametrize("role", MEMBERS)
    def test_members_see_their_teams_runs_only(self, request, role, run, foreign):
        response = client_for(request.getfixturevalue(role)).get(LIST)
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [str(run.code)]

    def test_an_outsider_sees_only_their_own(self, outsider, run, foreign):
        response = client_for(outsider).get(LIST)
        assert [row["id"] for row in response.json()["results"]] == [str(foreign.code)]

    def test_the_output(self, viewer, run, claim):
        row = client_for(viewer).get(LIST).json()["results"][0]
        assert row == {
            "id": str(run.code),
            "claim": str(claim.code),
            "backend": "library",
            "url": "",
            "status": "succeeded",
            "attempts": 1,
            "error": "",
            "results_count": 4,
            "requested_by": "bob",
            "started_at": row["started_at"],
            "finished_at": row["finished_at"],
            "duration_ms": 1250,
            "created_at": row["created_at"],
        }
        assert row["started_at"] < row["finished_at"]

    def test_a_system_run_not_started_has_nulls(self, viewer, claim):
        run_for(claim)
        row = client_for(viewer).get(LIST).json()["results"][0]
        assert (row["status"], row["requested_by"], row["started_at"], row["duration_ms"]) == (
            "queued",
            None,
            None,
            None,
        )

    def test_filters(self, viewer, team, claim):
        other = ClaimFactory(article__team=team)
        queued = run_for(claim)
        failed = run_for(claim, backend="url", url="https://example.org/", status="failed")
        running = run_for(other, status="running")
        client = client_for(viewer)

        def ids(**params):
            response = client.get(LIST, params)
            assert response.status_code == 200, response.json()
            return {row["id"] for row in response.json()["results"]}

        assert ids(claim=claim.code) == {str(queued.code), str(failed.code)}
        assert ids(article=other.article.code) == {str(running.code)}
        assert ids(status=["queued", "running"]) == {str(queued.code), str(running.code)}
        assert ids(backend="url") == {str(failed.code)}

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"status": "done"}, "status"),
            ({"article": "x"}, "article"),
            ({"claim": "1"}, "claim"),
            ({"claim": ""}, "claim"),
        ],
    )
    def test_invalid_filter_values_are_400(self, viewer, params, field):
        response = client_for(viewer).get(LIST, params)
        assert response.status_code == 400
        assert field in response.json()["fields"]

    def test_query_count_is_fixed_whatever_the_page_size(self, viewer, team, editor):
        claims = [ClaimFactory(article__team=team) for _ in range(5)]
        for i in range(25):
            run_for(claims[i % 5], requested_by=editor if i % 2 else None)
        client = client_for(viewer)
        counts = {}
        for size in (2, 20):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST, {"page_size": size})
            assert len(response.json()["results"]) == size
            counts[size] = len(queries)
        # The session, its user, and one page query (claim and requester joined).
        assert counts == {2: 3, 20: 3}


@pytest.mark.django_db
class LookupRunDetailTests:
    @pytest.mark.parametrize("role", MEMBERS)
    def test_members_read_it(self, request, role, run):
        response = client_for(request.getfixturevalue(role)).get(detail(run))
        assert response.status_code == 200
        assert response.json()["id"] == str(run.code)

    def test_an_outsider_gets_404(self, outsider, run):
        assert client_for(outsider).get(detail(run)).status_code == 404

    @pytest.mark.parametrize("method", ["post", "patch", "delete"])
    def test_it_is_read_only(self, owner, run, method):
        url = LIST if method == "post" else detail(run)
        response = getattr(client_for(owner), method)(url, {"status": "failed"}, format="json")
        assert response.status_code == 405
        run.refresh_from_db()
        assert run.status == "succeeded"
