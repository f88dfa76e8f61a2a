from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from claims.models import Article, Claim
from claims.services import article_ingest, article_update
from workbench.exceptions import PermissionDeniedError


@pytest.fixture
def seed_article(team, seed_text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return article_ingest(team=team, body=seed_text).article


def _finding_kinds(article: Article) -> set[str]:
    return {f["kind"] for c in Claim.objects.filter(article=article) for f in c.findings}


@pytest.mark.django_db
class ArticleUpdateTests:
    def test_a_new_date_runs_extraction_again_and_findings_follow_it(
        self, seed_article, editor, django_capture_on_commit_callbacks
    ):
        assert _finding_kinds(seed_article) == {"anniversary_year"}
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            article_update(
                article=seed_article,
                by=editor,
                data={"published_at": datetime.datetime(2019, 6, 1, tzinfo=datetime.UTC)},
            )
        assert len(callbacks) == 1  # one extraction queued
        seed_article.refresh_from_db()
        assert seed_article.extraction_status == Article.ExtractionStatus.DONE
        assert "anniversary_conflict" in _finding_kinds(seed_article)

    def test_other_metadata_does_not_run_extraction(
        self, seed_article, editor, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            updated = article_update(article=seed_article, by=editor, data={"title": "Renamed"})
        assert updated.title == "Renamed"
        assert callbacks == []

    def test_viewers_cannot_change_an_article(self, seed_article, viewer):
        with pytest.raises(PermissionDeniedError):
            article_update(article=seed_article, by=viewer, data={"title": "Renamed"})

    def test_the_text_is_not_editable(self, seed_article, editor):
        with pytest.raises(ValidationError):
            article_update(article=seed_article, by=editor, data={"body": "Other text."})
