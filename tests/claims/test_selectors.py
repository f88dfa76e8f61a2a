from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from claims.selectors import article_get, article_list, claim_get, claim_history, claim_list
from claims.services import claim_update
from tests.factories import ArticleFactory, ClaimFactory


@pytest.mark.django_db
class ClaimListTests:
    def test_only_the_users_teams_rows(self, team, other_team, editor, outsider):
        mine = ClaimFactory(article__team=team)
        theirs = ClaimFactory(article__team=other_team)
        assert list(claim_list(user=editor)) == [mine]
        assert list(claim_list(user=outsider)) == [theirs]
        assert list(claim_list(user=AnonymousUser())) == []
        assert claim_get(user=editor, code=theirs.code) is None
        assert claim_get(user=editor, code=mine.code) == mine

    def test_filters(self, team, editor):
        article = ArticleFactory(team=team)
        low = ClaimFactory(article=article, checkworthiness=0.2, text="Low claim about 1960.")
        high = ClaimFactory(article=article, checkworthiness=0.9, claim_type="quantity")
        claim_update(
            claim=high, by=editor, version=1, data={"status": "in_progress", "assignee": editor}
        )

        def codes(**filters):
            return {c.code for c in claim_list(user=editor, filters=filters)}

        assert codes(status=["in_progress"]) == {high.code}
        assert codes(status=["unreviewed", "in_progress"]) == {low.code, high.code}
        assert codes(claim_type=["quantity"]) == {high.code}
        assert codes(checkworthiness_min=0.5) == {high.code}
        assert codes(checkworthiness_max=0.5) == {low.code}
        assert codes(assignee=editor.username) == {high.code}
        assert codes(unassigned=True) == {low.code}
        assert codes(q="low CLAIM") == {low.code}
        assert codes(article=str(article.code)) == {low.code, high.code}

    def test_bad_filter_values_are_a_validation_error(self, team, editor):
        with pytest.raises(ValidationError):
            list(claim_list(user=editor, filters={"status": ["lost"]}))
        with pytest.raises(ValidationError):
            list(claim_list(user=editor, filters={"checkworthiness_min": "high"}))

    @pytest.mark.parametrize("n", [2, 20])
    def test_page_costs_a_fixed_number_of_queries(self, team, editor, n, django_assert_num_queries):
        for _ in range(n):
            ClaimFactory(article=ArticleFactory(team=team), assignee=editor)
        # One query: claims with team, article and assignee joined; team scoping is a subquery.
        with django_assert_num_queries(1):
            rows = [
                (c.team.name, c.article.title, c.assignee.username) for c in claim_list(user=editor)
            ]
        assert len(rows) == n


@pytest.mark.django_db
class ArticleListTests:
    def test_counts_and_scoping(self, team, other_team, editor):
        article = ArticleFactory(team=team)
        for status in ("unreviewed", "in_progress", "dismissed"):
            ClaimFactory(article=article, status=status)
        ArticleFactory(team=other_team)
        (row,) = article_list(user=editor)
        assert (row.claims_total, row.claims_open, row.claims_published) == (3, 2, 0)
        assert article_get(user=editor, code=article.code) == article

    @pytest.mark.parametrize("n", [2, 20])
    def test_page_costs_a_fixed_number_of_queries(self, team, editor, n, django_assert_num_queries):
        for _ in range(n):
            ClaimFactory(article=ArticleFactory(team=team))
        # One query: articles with team and creator joined, claim counts as correlated subqueries.
        with django_assert_num_queries(1):
            rows = [(a.team.name, a.claims_total) for a in article_list(user=editor)]
        assert len(rows) == n

    def test_history_in_order(self, team, editor):
        claim = ClaimFactory(article__team=team)
        claim = claim_update(claim=claim, by=editor, version=1, data={"status": "in_progress"})
        claim_update(claim=claim, by=editor, version=2, data={"status": "in_review"})
        assert [c.new_value for c in claim_history(claim=claim)] == ["in_progress", "in_review"]
