from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from claims.models import Article, Claim
from claims.services import article_body_clean, article_ingest, article_text_decode
from workbench.exceptions import PermissionDeniedError


@pytest.mark.django_db
class ArticleIngestTests:
    def test_seed_article_is_stored_and_its_claims_point_into_the_text(
        self, team, editor, seed_text, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            result = article_ingest(team=team, body=seed_text, created_by=editor)

        article = Article.objects.get(pk=result.article.pk)
        assert result.created
        assert article.title == "China and Cuba Strengthen Ties Amid U.S. Tensions"
        assert article.extraction_status == Article.ExtractionStatus.DONE
        claims = list(article.claims.all())
        assert len(claims) >= 5
        for claim in claims:
            assert article.body[claim.start : claim.end] == claim.sentence
            assert claim.team_id == team.id
        assert any("Western Hemisphere" in c.text and "1960" in c.text for c in claims)

    def test_same_text_twice_is_one_article_and_one_extraction(
        self, team, seed_text, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as first_callbacks:
            first = article_ingest(team=team, body=seed_text)
        with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
            # Windows line endings and trailing blank lines do not make it a different article.
            second = article_ingest(team=team, body=seed_text.replace("\n", "\r\n") + "\r\n\r\n")

        assert first.created and not second.created
        assert first.article.pk == second.article.pk
        assert Article.objects.count() == 1
        # One extraction; the extraction it ran queued one library lookup per claim in turn.
        extractions = [c for c in first_callbacks if "article_extract" in repr(c)]
        assert len(extractions) == 1
        assert len(first_callbacks) == 1 + first.article.claims.count()
        assert second_callbacks == []  # nothing queued for the duplicate

    def test_same_text_in_another_team_is_another_article(self, team, other_team, seed_text):
        a = article_ingest(team=team, body=seed_text)
        b = article_ingest(team=other_team, body=seed_text)
        assert a.article.pk != b.article.pk

    def test_extraction_is_queued_only_after_commit(
        self, team, seed_text, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = article_ingest(team=team, body=seed_text)
            assert Claim.objects.count() == 0
        assert len(callbacks) == 1
        assert Article.objects.get(pk=result.article.pk).extraction_status == "pending"

    def test_viewer_cannot_ingest(self, team, viewer):
        with pytest.raises(PermissionDeniedError):
            article_ingest(
                team=team, body="Cuba established ties with China in 1960.", created_by=viewer
            )
        assert Article.objects.count() == 0

    def test_outsider_cannot_ingest_into_another_team(self, team, outsider):
        with pytest.raises(PermissionDeniedError):
            article_ingest(
                team=team, body="Cuba established ties with China in 1960.", created_by=outsider
            )


@pytest.mark.django_db
class ArticleIngestBadInputTests:
    @pytest.mark.parametrize("body", ["", "   ", "\n\n\t \r\n", "\x0b\x0c  \x1f"])
    def test_empty_or_blank_text_is_refused(self, team, body):
        with pytest.raises(ValidationError, match="empty"):
            article_ingest(team=team, body=body)
        assert Article.objects.count() == 0

    def test_five_megabytes_of_text_is_refused_with_the_limit(self, team, settings):
        body = ("Cuba established diplomatic ties with China in 1960. " * 100_000)[
            : 5 * 1024 * 1024
        ]
        with pytest.raises(ValidationError) as info:
            article_ingest(team=team, body=body)
        assert "limit is 1,000,000" in " ".join(info.value.messages)
        assert Article.objects.count() == 0

    def test_the_limit_is_exact(self, team, settings):
        settings.ARTICLE_MAX_CHARS = 2_000
        sentence = "Cuba set up ties with China in 1960."
        body = "x" * (2_000 - len(sentence) - 1) + " " + sentence
        assert len(body) == 2_000
        assert article_ingest(team=team, body=body).created
        with pytest.raises(ValidationError, match="2,001 characters long"):
            article_ingest(team=team, body="y" + body)

    def test_title_of_ten_thousand_characters_is_refused_and_nothing_is_written(
        self, team, django_capture_on_commit_callbacks
    ):
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(ValidationError) as info,
        ):
            article_ingest(team=team, body="Cuba recognised China in 1960.", title="T" * 10_000)
        assert "title" in info.value.message_dict
        assert "at most 500 characters" in " ".join(info.value.message_dict["title"])
        assert Article.objects.count() == 0
        assert callbacks == []

    def test_nul_characters_are_refused_as_binary(self, team):
        with pytest.raises(ValidationError, match="binary"):
            article_ingest(team=team, body="Cuba\x00China")

    def test_invalid_url_is_refused(self, team):
        with pytest.raises(ValidationError) as info:
            article_ingest(
                team=team, body="Cuba recognised China in 1960.", url="javascript:alert(1)"
            )
        assert "url" in info.value.message_dict

    def test_control_characters_become_spaces_and_offsets_stay_exact(
        self, team, django_capture_on_commit_callbacks
    ):
        body = (
            "Cuba was the first country\x07 in the Western Hemisphere to recognise China, in 1960."
        )
        with django_capture_on_commit_callbacks(execute=True):
            result = article_ingest(team=team, body=body)
        article = Article.objects.get(pk=result.article.pk)
        assert "\x07" not in article.body
        for claim in article.claims.all():
            assert article.body[claim.start : claim.end] == claim.sentence


class ArticleTextDecodeTests:
    def test_utf8_with_bom_and_accents(self):
        assert article_text_decode("\ufeffBermúdez “said”".encode()) == "Bermúdez “said”"

    def test_invalid_utf8_names_the_offset(self):
        with pytest.raises(ValidationError) as info:
            article_text_decode(b"Cuba and China\xff\xfe in 1960")
        assert "offset 14" in info.value.messages[0]

    def test_binary_is_refused(self):
        with pytest.raises(ValidationError, match="binary"):
            article_text_decode(bytes(range(256)))

    def test_latin1_is_refused_not_guessed(self):
        with pytest.raises(ValidationError, match="UTF-8"):
            article_text_decode("Bermúdez".encode("latin-1"))

    def test_clean_keeps_curly_quotes_and_unifies_newlines(self):
        assert article_body_clean("  “a”\r\nb\rc  ") == "“a”\nb\nc"


@pytest.mark.django_db(transaction=True)
class ArticleConcurrentIngestTests:
    def test_two_simultaneous_ingests_of_one_text_make_one_article(self, team, seed_text):
        import threading

        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs concurrent writers; SQLite serialises them")
        barrier = threading.Barrier(4)
        results = []

        def ingest():
            from django.db import connection as thread_connection

            try:
                barrier.wait()
                results.append(article_ingest(team=team, body=seed_text))
            finally:
                thread_connection.close()

        threads = [threading.Thread(target=ingest) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert len(results) == 4
        assert len({r.article.pk for r in results}) == 1
        assert sum(r.created for r in results) == 1
        assert Article.objects.count() == 1
