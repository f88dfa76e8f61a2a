from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sources.models import Evidence, Source
from sources.services import evidence_add, source_upsert, url_normalise
from tests.factories import ClaimFactory, SourceFactory
from workbench.exceptions import PermissionDeniedError


class UrlNormaliseTests:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("HTTPS://Example.ORG/Path?q=1#frag", "https://example.org/Path?q=1"),
            ("http://example.org:80", "http://example.org/"),
            ("https://example.org:8443/a", "https://example.org:8443/a"),
            ("  https://example.org/a  ", "https://example.org/a"),
        ],
    )
    def test_one_spelling_per_url(self, raw, expected):
        assert url_normalise(raw) == expected

    @pytest.mark.parametrize(
        "raw", ["ftp://example.org/x", "javascript:alert(1)", "example.org", ""]
    )
    def test_non_http_urls_are_refused(self, raw):
        with pytest.raises(ValidationError):
            url_normalise(raw)


@pytest.mark.django_db
class SourceUpsertTests:
    def test_same_url_spelt_twice_is_one_source_and_fills_blanks_only(self):
        first = source_upsert(url="https://Example.org/a#top", title="First title")
        second = source_upsert(url="https://example.org/a", title="Other title", publisher="Pub")
        assert first.pk == second.pk
        second.refresh_from_db()
        assert (second.title, second.publisher) == ("First title", "Pub")
        assert Source.objects.count() == 1


@pytest.mark.django_db
class EvidenceAddTests:
    def test_same_passage_twice_is_one_row(self, team, editor):
        claim = ClaimFactory(article__team=team)
        source = SourceFactory()
        one, created = evidence_add(
            claim=claim,
            source=source,
            passage="Ties began in 1960.",
            origin="reviewer",
            created_by=editor,
        )
        two, created_again = evidence_add(
            claim=claim, source=source, passage="  Ties began   in 1960. ", origin="library"
        )
        assert created and not created_again
        assert one.pk == two.pk
        assert Evidence.objects.count() == 1

    def test_bad_passages_and_viewers_are_refused(self, team, viewer):
        claim = ClaimFactory(article__team=team)
        source = SourceFactory()
        with pytest.raises(ValidationError):
            evidence_add(claim=claim, source=source, passage="  ", origin="reviewer")
        with pytest.raises(ValidationError):
            evidence_add(claim=claim, source=source, passage="x" * 5001, origin="reviewer")
        with pytest.raises(PermissionDeniedError):
            evidence_add(
                claim=claim, source=source, passage="ok", origin="reviewer", created_by=viewer
            )
        assert Evidence.objects.count() == 0
