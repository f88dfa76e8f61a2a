from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sources.models import Evidence, Source
from sources.services import (
    evidence_add,
    evidence_remove,
    evidence_update,
    passage_hash,
    source_update,
    source_upsert,
    text_hash,
    url_normalise,
)
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


@pytest.mark.django_db
class EvidenceUpdateTests:
    def test_passage_change_recomputes_the_hash(self, team, editor):
        claim = ClaimFactory(article__team=team)
        evidence, _ = evidence_add(claim=claim, source=SourceFactory(), passage="Old.", origin="x")
        updated = evidence_update(
            evidence=evidence, by=editor, data={"passage": "  New passage. ", "stance": "refutes"}
        )
        assert (updated.passage, updated.stance) == ("New passage.", "refutes")
        assert updated.passage_hash == passage_hash("New passage.")
        # The same passage added again is recognised as this row.
        _, created = evidence_add(
            claim=claim, source=evidence.source, passage="New passage.", origin="y"
        )
        assert not created

    def test_changing_into_a_duplicate_is_refused(self, team, editor):
        claim = ClaimFactory(article__team=team)
        source = SourceFactory()
        evidence_add(claim=claim, source=source, passage="One.", origin="x")
        two, _ = evidence_add(claim=claim, source=source, passage="Two.", origin="x")
        with pytest.raises(ValidationError, match="already has this passage"):
            evidence_update(evidence=two, by=editor, data={"passage": "One."})

    def test_viewers_cannot_change_or_remove(self, team, viewer, editor):
        claim = ClaimFactory(article__team=team)
        evidence, _ = evidence_add(claim=claim, source=SourceFactory(), passage="P.", origin="x")
        with pytest.raises(PermissionDeniedError):
            evidence_update(evidence=evidence, by=viewer, data={"stance": "refutes"})
        with pytest.raises(PermissionDeniedError):
            evidence_remove(evidence=evidence, by=viewer)
        evidence.refresh_from_db()
        assert evidence.stance == "neutral"
        evidence_remove(evidence=evidence, by=editor)
        assert not Evidence.objects.exists()

    def test_unknown_fields_are_refused(self, team, editor):
        claim = ClaimFactory(article__team=team)
        evidence, _ = evidence_add(claim=claim, source=SourceFactory(), passage="P.", origin="x")
        with pytest.raises(ValidationError):
            evidence_update(evidence=evidence, by=editor, data={"claim": None})


@pytest.mark.django_db
class SourceArchiveTests:
    def test_archived_text_gets_its_hash_and_is_never_rewritten(self):
        source = source_upsert(url="https://example.org/a", archived_text="What it said.")
        assert source.text_hash == text_hash("What it said.")
        again = source_upsert(url="https://example.org/a", archived_text="What it says now.")
        assert (again.archived_text, again.text_hash) == (
            "What it said.",
            text_hash("What it said."),
        )

    def test_source_update_corrects_the_description_only(self):
        source = source_upsert(url="https://example.org/a", title="T", archived_text="A.")
        updated = source_update(source=source, data={"title": "Better title", "kind": "official"})
        assert (updated.title, updated.kind) == ("Better title", "official")
        with pytest.raises(ValidationError):
            source_update(source=source, data={"archived_text": "rewritten"})
