from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from claims import services
from claims.extraction import ExtractedClaim, Extraction, Finding
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


def _claim_with(article, fragment):
    return Claim.objects.get(article=article, text__contains=fragment)


def _findings(claim, kind):
    return [f for f in claim.findings if f["kind"] == kind]


def _dated(team, body, when, capture):
    with capture(execute=True):
        return article_ingest(team=team, body=body, published_at=when).article


RESTATED = (
    "Cuba was the first country in the Western Hemisphere to recognise China in 1960. "
    "Trade grew by 12 percent last year, officials said. In conclusion, Cuba was the first "
    "country in the Western Hemisphere to recognise China in 1960."
)


@pytest.mark.django_db
class ArticleExtractFindingsTests:
    def test_the_anniversary_finding_is_on_both_claims_each_naming_the_other(self, seed_article):
        meeting = _claim_with(seed_article, "65th anniversary")
        founding = _claim_with(seed_article, "diplomatic ties with China in 1960")

        for claim, other in ((meeting, founding), (founding, meeting)):
            [finding] = _findings(claim, "anniversary_year")
            assert finding["severity"] == Claim.FindingSeverity.INFO
            assert finding["value"]["year"] == 2025
            assert "2025" in finding["message"]
            # Indexes are rewritten to codes: every claim involved, this one included.
            assert set(finding["claims"]) == {str(claim.code), str(other.code)}
        # No other claim carries it.
        carrying = [c.pk for c in Claim.objects.all() if _findings(c, "anniversary_year")]
        assert sorted(carrying) == sorted([meeting.pk, founding.pk])

    def test_an_article_dated_2019_gets_a_conflict_finding(
        self, team, seed_text, django_capture_on_commit_callbacks
    ):
        when = datetime.datetime(2019, 6, 1, 12, tzinfo=datetime.UTC)
        article = _dated(team, seed_text, when, django_capture_on_commit_callbacks)
        meeting = _claim_with(article, "65th anniversary")
        founding = _claim_with(article, "diplomatic ties with China in 1960")

        for claim, other in ((meeting, founding), (founding, meeting)):
            [conflict] = _findings(claim, "anniversary_conflict")
            assert conflict["severity"] == Claim.FindingSeverity.CONFLICT
            assert conflict["value"]["article_year"] == 2019
            assert str(other.code) in conflict["claims"]

    def test_ambiguous_claims_and_replacements_are_stored(
        self, team, seed_article, django_capture_on_commit_callbacks
    ):
        body = (
            "Officials from both countries met in Havana on Monday to discuss trade.\n"
            "He said the tax rose by 40 percent in 2020."
        )
        article = _dated(team, body, None, django_capture_on_commit_callbacks)
        claim = _claim_with(article, "40 percent")
        assert claim.ambiguous is True
        assert Claim.objects.filter(article=seed_article, ambiguous=True).count() == 0

        resolved = _claim_with(seed_article, "65th anniversary")
        assert {"text": "the two nations", "replacement": "China and Cuba"} in [
            {"text": r["text"], "replacement": r["replacement"]} for r in resolved.replacements
        ]
        for r in resolved.replacements:
            assert seed_article.body[r["start"] : r["end"]] == r["text"]

    def test_a_restated_claim_is_one_claim_with_both_spans(
        self, team, django_capture_on_commit_callbacks
    ):
        article = _dated(team, RESTATED, None, django_capture_on_commit_callbacks)
        [claim] = Claim.objects.filter(article=article, text__contains="Western Hemisphere")
        assert claim.spans[0] == [claim.start, claim.end]
        assert len(claim.spans) == 2
        for start, end in claim.spans:
            assert article.body[start:end].endswith("recognise China in 1960.")

    def test_findings_refresh_on_touched_claims_without_a_version_or_history(
        self, seed_article, editor
    ):
        meeting = _claim_with(seed_article, "65th anniversary")
        meeting = claim_update(
            claim=meeting, by=editor, version=meeting.version, data={"status": "in_progress"}
        )
        reviewed = (meeting.status, meeting.version, meeting.updated_at, meeting.touched_at)
        history = ClaimChange.objects.count()
        # The date is corrected afterwards: the anniversary now conflicts with it.
        Article.objects.filter(pk=seed_article.pk).update(
            published_at=datetime.datetime(2019, 6, 1, tzinfo=datetime.UTC)
        )

        outcome = article_extract(article_id=seed_article.pk)

        meeting.refresh_from_db()
        assert _findings(meeting, "anniversary_conflict")
        assert (meeting.status, meeting.version, meeting.updated_at, meeting.touched_at) == reviewed
        assert ClaimChange.objects.count() == history
        assert outcome.kept == 1 and outcome.findings_refreshed >= 1
        founding = _claim_with(seed_article, "diplomatic ties with China in 1960")
        assert founding.version == 1  # untouched and refreshed: still no new version
        assert str(meeting.code) in _findings(founding, "anniversary_conflict")[0]["claims"]

    def test_a_claim_no_longer_found_loses_its_findings(self, seed_article):
        stale = ClaimFactory(
            article=seed_article,
            text="A statement the extractor no longer finds.",
            findings=[{"kind": "old", "severity": "info", "message": "m", "value": None}],
        )
        article_extract(article_id=seed_article.pk)
        stale.refresh_from_db()
        assert stale.status == Claim.Status.DISMISSED and stale.findings == []

    def test_one_statement_extracted_twice_is_one_claim_with_both_spans_and_findings(
        self, team, monkeypatch
    ):
        body = "Cuba recognised China in 1960. Trade grew. Cuba recognised China in 1960."
        article = ArticleFactory(team=team, body=body)
        second = body.rindex("Cuba")

        def twice(text, **kwargs):
            def item(start, end, wording):
                return ExtractedClaim(
                    text=wording,
                    sentence=text[start:end],
                    start=start,
                    end=end,
                    type="temporal",
                    checkworthiness=0.9,
                    entities=(),
                    values=(),
                )

            claims = (
                item(0, 30, "Cuba recognised China in 1960."),
                item(31, 43, "Trade grew."),
                item(second, len(text), "cuba  recognised China in 1960."),  # same fingerprint
            )
            finding = Finding(kind="pair", message="Index 2 is claim 0.", claims=(1, 2))
            return Extraction(claims=claims, findings=(finding,))

        monkeypatch.setattr(services, "extract_article", twice)
        outcome = article_extract(article_id=article.pk)

        assert outcome.created == 2
        cuba = _claim_with(article, "Cuba recognised")
        trade = _claim_with(article, "Trade grew")
        assert cuba.spans == [[0, 30], [second, len(body)]]
        assert trade.findings[0]["claims"] == [str(trade.code), str(cuba.code)]
        assert cuba.findings == trade.findings

    def test_malformed_extractor_output_is_refused_and_nothing_is_written(
        self, seed_article, monkeypatch
    ):
        real = services.extract_article

        def bad_index(text, **kwargs):
            extraction = real(text, **kwargs)
            finding = Finding(kind="x", message="Points nowhere.", claims=(len(extraction.claims),))
            return Extraction(claims=extraction.claims, findings=(finding,))

        monkeypatch.setattr(services, "extract_article", bad_index)
        before = _claims(seed_article)
        findings = {c.pk: c.findings for c in Claim.objects.all()}
        with pytest.raises(ValidationError):
            article_extract(article_id=seed_article.pk)
        assert _claims(seed_article) == before
        assert {c.pk: c.findings for c in Claim.objects.all()} == findings


@pytest.mark.django_db
class ArticleExtractQueryTests:
    def test_first_run_queries(self, team, seed_text, django_assert_num_queries):
        article = ArticleFactory(team=team, body=seed_text)
        # 1 read the article, 2 mark it running, 3 savepoint, 4 lock the article, 5 lock and read
        # its claims (none), 6 insert the claims (findings included), 7 mark the article done,
        # 8 release the savepoint.
        with django_assert_num_queries(8):
            outcome = article_extract(article_id=article.pk)
        assert outcome.created >= 10

    def test_an_unchanged_article_reads_and_writes_no_claim(
        self, seed_article, django_assert_num_queries
    ):
        # 1 read, 2 mark running, 3 savepoint, 4 lock the article, 5 lock and read its claims,
        # 6 mark the article done, 7 release the savepoint: no claim or history write.
        with django_assert_num_queries(7):
            article_extract(article_id=seed_article.pk)

    def test_findings_only_changes_cost_one_update(
        self, seed_article, editor, django_assert_num_queries
    ):
        for claim in Claim.objects.filter(article=seed_article):
            claim_update(
                claim=claim, by=editor, version=claim.version, data={"status": "in_progress"}
            )
        Article.objects.filter(pk=seed_article.pk).update(
            published_at=datetime.datetime(2019, 6, 1, tzinfo=datetime.UTC)
        )
        # As above, plus 6 one update of the (touched) claims whose findings changed.
        with django_assert_num_queries(8):
            outcome = article_extract(article_id=seed_article.pk)
        assert outcome.findings_refreshed >= 2 and outcome.updated == 0


@pytest.mark.django_db
class ArticleExtractTaskTests:
    def test_task_for_a_deleted_article_does_nothing(self):
        article_extract_task.run(987654)  # no exception, nothing written
        assert Article.objects.count() == 0

    def test_unexpected_error_is_recorded_on_the_article(self, team, monkeypatch):
        # Fault injection: a bug inside extraction must not leave the article "running".
        article = ArticleFactory(team=team, extraction_status=Article.ExtractionStatus.PENDING)

        def broken(text, **kwargs):
            raise RuntimeError("extractor crashed")

        monkeypatch.setattr(services, "extract_article", broken)
        result = article_extract_task.apply(args=(article.pk,), throw=False)

        article.refresh_from_db()
        assert result.failed()
        assert article.extraction_status == Article.ExtractionStatus.FAILED
        assert article.extraction_error == "RuntimeError: extractor crashed"

    def test_task_options(self):
        assert article_extract_task.name == "claims.article_extract"
        assert article_extract_task.acks_late is True
        assert article_extract_task.max_retries == 5
