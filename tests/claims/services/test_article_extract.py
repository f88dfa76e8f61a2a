from __future__ import annotations

import pytest

from claims import services
from claims.models import Article, Claim, ClaimChange
from claims.services import article_extract, article_ingest, claim_fingerprint, claim_update
from claims.tasks import article_extract as article_extract_task
from tests.factories import ArticleFactory, ClaimFactory


@pytest.fixture
def seed_article(team, seed_text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return article_ingest(team=team, body=seed_text).article


def _claims(article):
    return {
        c.fingerprint: (c.text, c.start, c.end, c.status, c.verdict, c.version)
        for c in Claim.objects.filter(article=article)
    }


@pytest.mark.django_db
class ArticleExtractTests:
    def test_running_twice_keeps_one_set_of_claims(self, seed_article):
        before = _claims(seed_article)
        stamps = set(Claim.objects.values_list("id", "updated_at"))
        outcome = article_extract(article_id=seed_article.pk)
        assert (outcome.created, outcome.updated, outcome.dismissed) == (0, 0, 0)
        assert _claims(seed_article) == before
        assert set(Claim.objects.values_list("id", "updated_at")) == stamps  # nothing rewritten
        assert ClaimChange.objects.count() == 0

    def test_claims_a_reviewer_changed_are_left_alone(self, seed_article, editor):
        claim = Claim.objects.filter(article=seed_article).order_by("start").first()
        claim_update(
            claim=claim,
            by=editor,
            version=claim.version,
            data={"text": "Reworded by a reviewer.", "status": Claim.Status.IN_PROGRESS},
        )
        claim.refresh_from_db()
        reviewed = (claim.text, claim.status, claim.version, claim.updated_at)

        article_extract(article_id=seed_article.pk)

        claim.refresh_from_db()
        assert (claim.text, claim.status, claim.version, claim.updated_at) == reviewed
        # The extractor's own statement for that sentence is not recreated beside the reviewer's.
        assert Claim.objects.filter(article=seed_article, start=claim.start).count() == 1

    def test_untouched_claims_no_longer_found_are_dismissed_not_deleted(self, seed_article):
        stale = ClaimFactory(
            article=seed_article, text="A statement the extractor no longer finds."
        )
        count = Claim.objects.count()

        outcome = article_extract(article_id=seed_article.pk)

        stale.refresh_from_db()
        assert Claim.objects.count() == count
        assert stale.status == Claim.Status.DISMISSED
        assert outcome.dismissed == 1
        change = ClaimChange.objects.get(claim=stale)
        assert change.changed_by is None and change.new_value == "dismissed"
        assert change.version == stale.version == 2
        assert "No longer found" in change.note

    def test_a_system_dismissed_claim_found_again_comes_back(self, seed_article):
        claim = Claim.objects.filter(article=seed_article).first()
        Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.DISMISSED)
        outcome = article_extract(article_id=seed_article.pk)
        claim.refresh_from_db()
        assert claim.status == Claim.Status.UNREVIEWED
        assert outcome.updated == 1
        change = claim.changes.get()
        assert change.note == "Found again by the extractor."
        assert change.version == claim.version == 2  # the version after the change

    def test_extractor_error_marks_the_article_failed_with_the_reason(self, team):
        # A blank body cannot come in through ingest; written here directly to reach the extractor.
        article = ArticleFactory(team=team, extraction_status=Article.ExtractionStatus.PENDING)
        Article.objects.filter(pk=article.pk).update(body="   \n  ")

        outcome = article_extract(article_id=article.pk)

        article.refresh_from_db()
        assert outcome.failed
        assert article.extraction_status == Article.ExtractionStatus.FAILED
        assert article.extraction_error  # the extractor's own message
        assert article.claims.count() == 0

    def test_fingerprint_folds_case_and_spacing(self):
        assert claim_fingerprint("Cuba  was FIRST") == claim_fingerprint("cuba was first ")
        assert claim_fingerprint("Cuba was first") != claim_fingerprint("Cuba was second")


@pytest.mark.django_db
class ArticleExtractTaskTests:
    def test_task_for_a_deleted_article_does_nothing(self):
        article_extract_task.run(987654)  # no exception, nothing written
        assert Article.objects.count() == 0

    def test_unexpected_error_is_recorded_on_the_article(self, team, monkeypatch):
        # Fault injection: a bug inside extraction must not leave the article "running".
        article = ArticleFactory(team=team, extraction_status=Article.ExtractionStatus.PENDING)

        def broken(text):
            raise RuntimeError("extractor crashed")

        monkeypatch.setattr(services, "extract_claims", broken)
        result = article_extract_task.apply(args=(article.pk,), throw=False)

        article.refresh_from_db()
        assert result.failed()
        assert article.extraction_status == Article.ExtractionStatus.FAILED
        assert article.extraction_error == "RuntimeError: extractor crashed"

    def test_task_options(self):
        assert article_extract_task.name == "claims.article_extract"
        assert article_extract_task.acks_late is True
        assert article_extract_task.max_retries == 5
