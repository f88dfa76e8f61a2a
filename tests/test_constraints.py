"""The named constraints hold in the database itself, whatever code writes the rows."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from claims.models import Article, Claim
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, MembershipFactory


def violates(name: str, make) -> None:
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        make()
    message = str(info.value)
    # PostgreSQL names every constraint; SQLite names CHECKs but reports UNIQUE by its columns.
    sqlite_unique = connection.vendor == "sqlite" and "_unique_" in name
    assert name in message or (sqlite_unique and "UNIQUE constraint failed" in message), message


@pytest.mark.django_db
class ConstraintTests:
    def test_one_article_per_team_and_content_hash(self, team):
        article = ArticleFactory(team=team)
        violates(
            "claims_article_unique_team_content_hash",
            lambda: ArticleFactory(team=team, body=article.body),
        )

    def test_article_body_not_empty(self, team):
        violates("claims_article_body_not_empty", lambda: ArticleFactory(team=team, body=""))

    def test_one_claim_per_article_and_fingerprint(self, team):
        claim = ClaimFactory(article__team=team)
        violates(
            "claims_claim_unique_article_fingerprint",
            lambda: ClaimFactory(article=claim.article, text=claim.text),
        )

    def test_claim_span_and_score_and_status(self, team):
        article = ArticleFactory(team=team)
        violates(
            "claims_claim_span_ordered", lambda: ClaimFactory(article=article, start=10, end=5)
        )
        violates(
            "claims_claim_checkworthiness_range",
            lambda: ClaimFactory(article=article, checkworthiness=1.5),
        )
        violates("claims_claim_status_valid", lambda: ClaimFactory(article=article, status="lost"))
        violates(
            "claims_claim_published_has_verdict",
            lambda: ClaimFactory(article=article, status="published", verdict=""),
        )

    def test_one_evidence_row_per_claim_source_and_passage(self, team):
        evidence = EvidenceFactory(claim__article__team=team)
        violates(
            "sources_evidence_unique_claim_source_passage",
            lambda: EvidenceFactory(
                claim=evidence.claim, source=evidence.source, passage=evidence.passage
            ),
        )

    def test_one_membership_per_user_and_team(self, team, editor):
        violates(
            "workbench_membership_unique_team_user",
            lambda: MembershipFactory(team=team, user=editor),
        )

    def test_claims_and_articles_have_public_uuid_codes(self, team):
        claim = ClaimFactory(article__team=team)
        assert Claim.objects.get(code=claim.code) == claim
        assert Article.objects.get(code=claim.article.code) == claim.article


class ChoiceConstraintTests:
    """Each `<model>_<field>_valid` check lists exactly the field's choices (no drift)."""

    def test_choice_checks_match_the_choices(self):
        from django.apps import apps
        from django.db.models import CheckConstraint

        checked = 0
        for model in apps.get_models():
            for constraint in model._meta.constraints:
                if not (
                    isinstance(constraint, CheckConstraint) and constraint.name.endswith("_valid")
                ):
                    continue
                ((lookup, allowed),) = constraint.condition.children
                field = model._meta.get_field(lookup.removesuffix("__in"))
                assert sorted(allowed) == sorted(value for value, _ in field.choices), (
                    constraint.name
                )
                checked += 1
        assert checked == 7  # role; article status; claim status, verdict; kind, stance, run status
