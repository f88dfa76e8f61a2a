"""The back office for lookups: re-running them, attaching a link, the team library."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sources.models import LibraryItem, LookupRun
from sources.services import source_upsert
from tests.factories import ClaimFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "pw"))
    return client


def _claim_form(claim, **changes):
    data = {
        "text": claim.text,
        "status": claim.status,
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "assignee": "",
        "expected_version": claim.version,
    }
    for prefix in ("evidence", "lookup_runs", "comments", "changes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


@pytest.mark.django_db
class LookupAdminTests:
    def test_rerun_lookups_on_claims_queues_one_run_per_backend(
        self, admin_client, team, django_capture_on_commit_callbacks
    ):
        claims = [ClaimFactory(article__team=team) for _ in range(2)]
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(
                reverse("admin:claims_claim_changelist"),
                {"action": "rerun_lookups", "_selected_action": [c.pk for c in claims]},
            )
        # Tests enable the library backend only; each claim got a run, and it ran.
        runs = LookupRun.objects.filter(claim__in=claims)
        assert sorted(runs.values_list("claim_id", "backend", "status")) == sorted(
            (c.pk, "library", "succeeded") for c in claims
        )

    def test_rerun_lookups_on_articles(
        self, admin_client, team, django_capture_on_commit_callbacks
    ):
        claim = ClaimFactory(article__team=team)
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(
                reverse("admin:claims_article_changelist"),
                {"action": "rerun_lookups", "_selected_action": [claim.article_id]},
            )
        assert LookupRun.objects.filter(claim=claim, backend="library").count() == 1

    def test_attaching_a_private_link_is_refused_with_the_reason(self, admin_client, team):
        claim = ClaimFactory(article__team=team)
        response = admin_client.post(
            reverse("admin:claims_claim_change", args=[claim.pk]),
            _claim_form(claim, attach_url="http://169.254.169.254/latest/meta-data/"),
            follow=True,
        )
        html = response.content.decode()
        assert "Link not attached" in html and "169.254.169.254" in html
        assert not LookupRun.objects.filter(backend="url").exists()

    def test_claim_page_shows_lookups(self, admin_client, team):
        claim = ClaimFactory(article__team=team)
        LookupRun.objects.create(
            claim=claim, backend="wikipedia", status="failed", error="wikipedia: HTTP 503"
        )
        html = admin_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content
        assert b"wikipedia: HTTP 503" in html

    def test_library_item_added_through_the_admin_is_one_per_source(self, admin_client, team):
        source = source_upsert(url="https://example.org/ref", archived_text="Text.")
        url = reverse("admin:sources_libraryitem_add")
        for _ in range(2):
            admin_client.post(url, {"team": team.pk, "source": source.pk, "origin": "reviewer"})
        assert LibraryItem.objects.filter(team=team, source=source).count() == 1
