"""/claims/: the claim queue (filters, sort, pages) and its bulk actions (/claims/bulk/)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimChange
from claims.services import article_ingest
from tests.factories import ArticleFactory, ClaimFactory
from workbench.views.current import SESSION_KEY

pytestmark = pytest.mark.django_db

QUEUE = reverse("claim-queue")
BULK = reverse("claim-bulk")
ROW_RE = re.compile(r'<a href="/claims/([0-9a-f-]{36})/" data-claim-nav>')


def listed(response) -> set[str]:
    return set(ROW_RE.findall(response.content.decode()))


def codes(*claims: Claim) -> set[str]:
    return {str(c.code) for c in claims}


MESSAGE_RE = re.compile(r'<p class="message [a-z ]+">(.*?)</p>', re.S)


def texts(response) -> list[str]:
    """The messages a bulk POST left, as the page it redirects to shows them (which uses them
    up: the next POST starts without them)."""
    assert response.status_code == 302
    page = response.client.get(response["Location"]).content.decode()
    return [html.unescape(m) for m in MESSAGE_RE.findall(page)]


@pytest.fixture
def article(team, owner):
    return ArticleFactory(team=team, title="Budget speech", created_by=owner)


@pytest.fixture
def claims_a(article, editor):
    return {
        "mine": ClaimFactory(article=article, assignee=editor, text="Unemployment fell to 4%."),
        "open": ClaimFactory(article=article, text="The deficit doubled since 2010."),
        "review": ClaimFactory(
            article=article, status=Claim.Status.IN_REVIEW, text="Exports rose by a third."
        ),
    }


@pytest.fixture
def claim_b(other_team):
    return ClaimFactory(article=ArticleFactory(team=other_team), text="Secret claim of desk B.")


class QueuePageTests:
    def test_anonymous_users_are_sent_to_sign_in(self, client):
        response = client.get(QUEUE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign-in"))

    def test_lists_the_current_teams_claims(self, client, editor, claims_a, claim_b):
        client.force_login(editor)
        response = client.get(QUEUE)
        assert response.status_code == 200
        page = response.content.decode()
        assert listed(response) == codes(*claims_a.values())
        assert "Budget speech" in page
        assert "Secret claim" not in page
        assert 'class="badge status-in_review"' in page
        assert "j</kbd>/<kbd>k</kbd> to move" in page
        assert 'aria-current="page"' in page and "<label" in page

    def test_filter_by_status(self, client, editor, claims_a):
        client.force_login(editor)
        response = client.get(QUEUE, {"status": ["in_review", "published"]})
        assert listed(response) == codes(claims_a["review"])
        response = client.get(QUEUE, {"status": ["in_review", "unreviewed"]})
        assert listed(response) == codes(*claims_a.values())

    def test_filter_by_assignee(self, client, editor, claims_a):
        client.force_login(editor)
        assert listed(client.get(QUEUE, {"assignee": "me"})) == codes(claims_a["mine"])
        assert listed(client.get(QUEUE, {"assignee": "bob"})) == codes(claims_a["mine"])
        unassigned = client.get(QUEUE, {"assignee": "unassigned"})
        assert listed(unassigned) == codes(claims_a["open"], claims_a["review"])

    def test_text_search_type_article_and_checkworthiness(self, client, editor, claims_a, team):
        other = ClaimFactory(
            article=ArticleFactory(team=team),
            claim_type=Claim.Type.QUANTITY,
            checkworthiness=0.9,
            text="Another article's claim.",
        )
        client.force_login(editor)
        assert listed(client.get(QUEUE, {"q": "deficit"})) == codes(claims_a["open"])
        assert listed(client.get(QUEUE, {"claim_type": "quantity"})) == codes(other)
        assert listed(client.get(QUEUE, {"checkworthiness_min": "0.85"})) == codes(other)
        by_article = client.get(QUEUE, {"article": str(claims_a["open"].article.code)})
        assert listed(by_article) == codes(*claims_a.values())
        # Empty values from the GET form mean "any", not an error.
        everything = client.get(QUEUE + "?status=&claim_type=&verdict=&assignee=&article=&q=")
        assert listed(everything) == codes(other, *claims_a.values())
        assert "not applied" not in everything.content.decode()

    def test_sort(self, client, editor, article):
        low = ClaimFactory(article=article, checkworthiness=0.1)
        high = ClaimFactory(article=article, checkworthiness=0.8)
        client.force_login(editor)
        first = ROW_RE.findall(client.get(QUEUE, {"sort": "checkworthy"}).content.decode())
        assert first == [str(high.code), str(low.code)]
        oldest = ROW_RE.findall(client.get(QUEUE, {"sort": "oldest"}).content.decode())
        assert oldest == [str(low.code), str(high.code)]

    def test_invalid_filter_values_show_a_message(self, client, editor, claims_a):
        client.force_login(editor)
        response = client.get(
            QUEUE, {"status": "nonsense", "checkworthiness_min": "abc", "q": "deficit"}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Some filters were not applied" in page
        assert "Status:" in page and "Check-worthiness at least:" in page
        # The valid filters still apply.
        assert listed(response) == codes(claims_a["open"])
        bad_sort = client.get(QUEUE, {"sort": "<script>"})
        assert bad_sort.status_code == 200
        assert "<script>" not in bad_sort.content.decode()
        assert "&lt;script&gt;" in bad_sort.content.decode()

    def test_claim_and_article_text_are_escaped(self, client, editor, team):
        hostile = ArticleFactory(team=team, title='<img src=x onerror="alert(1)">')
        ClaimFactory(article=hostile, text="<script>alert('x')</script> & \"quotes\"")
        client.force_login(editor)
        page = client.get(QUEUE).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page

    def test_outsider_sees_none_of_team_as_claims(self, client, outsider, claims_a, claim_b):
        client.force_login(outsider)
        response = client.get(QUEUE)
        assert listed(response) == codes(claim_b)
        assert "Budget speech" not in response.content.decode()
        # Naming team A's article in the filter gives nothing either.
        by_article = client.get(QUEUE, {"article": str(claims_a["open"].article.code)})
        assert listed(by_article) == set()

    def test_current_team_from_the_session(self, client, editor, other_team, claims_a, claim_b):
        from workbench.models import Membership

        Membership.objects.create(team=other_team, user=editor, role=Membership.Role.EDITOR)
        client.force_login(editor)
        session = client.session
        session[SESSION_KEY] = str(other_team.code)
        session.save()
        assert listed(client.get(QUEUE)) == codes(claim_b)

    def test_viewer_reads_without_write_controls(self, client, viewer, claims_a):
        client.force_login(viewer)
        response = client.get(QUEUE)
        page = response.content.decode()
        assert listed(response) == codes(*claims_a.values())
        assert 'id="bulk-form"' not in page
        assert "Assign to me" not in page
        assert 'name="claims"' not in page

    def test_editor_sees_bulk_and_assign_to_me(self, client, editor, claims_a):
        client.force_login(editor)
        page = client.get(QUEUE).content.decode()
        assert 'id="bulk-form"' in page
        assert page.count('form="bulk-form" name="claims"') == 3
        # Not on the row already assigned to the editor.
        assert page.count(">Assign to me<span") == 2

    def test_htmx_gets_the_results_alone(self, client, editor, claims_a):
        client.force_login(editor)
        response = client.get(QUEUE, {"q": "deficit"}, HTTP_HX_REQUEST="true")
        page = response.content.decode()
        assert "<html" not in page
        assert 'id="results-heading"' in page
        assert listed(response) == codes(claims_a["open"])

    def test_pages_of_fifty(self, client, editor, article):
        ClaimFactory.create_batch(51, article=article)
        client.force_login(editor)
        first = client.get(QUEUE, {"q": "Claim number"})
        assert len(listed(first)) == 50
        assert "Page 1 of 2" in first.content.decode()
        assert "q=Claim+number&amp;page=2" in first.content.decode()
        second = client.get(QUEUE, {"q": "Claim number", "page": "2"})
        assert len(listed(second)) == 1
        assert listed(first).isdisjoint(listed(second))

    @pytest.mark.parametrize("n", [2, 20])
    def test_fixed_number_of_queries(self, client, editor, article, django_assert_num_queries, n):
        for i in range(n):
            ClaimFactory(article=article, assignee=editor if i % 2 else None)
        client.force_login(editor)
        query = {"status": ["unreviewed"], "sort": "checkworthy"}
        # session, user, current team, count, members, the switcher's teams, articles, the page
        with django_assert_num_queries(8):
            response = client.get(QUEUE, query)
        assert len(listed(response)) == n
        assert response.content.decode().count(">Assign to me<span") == n // 2
        with django_assert_num_queries(6):  # htmx: the results alone (no switcher, no form)
            response = client.get(QUEUE, query, HTTP_HX_REQUEST="true")
        assert len(listed(response)) == n

    def test_seed_article_claims_are_listed(
        self, client, owner, team, seed_text, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            article = article_ingest(team=team, body=seed_text, created_by=owner).article
        client.force_login(owner)
        response = client.get(QUEUE)
        assert listed(response) == codes(*article.claims.all())
        assert len(listed(response)) > 0


class BulkTests:
    def post(self, client, claims, action, **extra):
        data = {"claims": [str(c.code) for c in claims], "action": action, **extra}
        return client.post(BULK, data)

    def test_assign_me_with_history(self, client, owner, claims_a):
        client.force_login(owner)
        chosen = [claims_a["open"], claims_a["mine"]]
        response = self.post(client, chosen, "assign_me", next=QUEUE + "?status=unreviewed")
        assert response.status_code == 302
        assert response["Location"] == QUEUE + "?status=unreviewed"
        for claim in chosen:
            claim.refresh_from_db()
            assert claim.assignee == owner
            assert claim.version == 2
            change = ClaimChange.objects.get(claim=claim)
            assert (change.field, change.new_value, change.changed_by) == (
                "assignee",
                "alice",
                owner,
            )
        assert texts(response) == ["2 assigned to you."]

    def test_assign_to_a_member_and_unassign(self, client, owner, editor, claims_a):
        client.force_login(owner)
        response = self.post(client, [claims_a["open"]], "assign", assignee="bob")
        claims_a["open"].refresh_from_db()
        assert claims_a["open"].assignee == editor
        assert texts(response) == ["1 assigned to bob."]
        response = self.post(client, [claims_a["open"], claims_a["review"]], "unassign")
        claims_a["open"].refresh_from_db()
        assert claims_a["open"].assignee is None
        assert texts(response) == ["1 unassigned, 1 already so."]

    def test_assign_to_a_viewer_or_stranger_is_refused(self, client, owner, viewer, claims_a):
        client.force_login(owner)
        response = self.post(client, [claims_a["open"]], "assign", assignee="carol")
        [message] = texts(response)
        assert message.startswith("0 assigned to carol, 1 refused:")
        assert "not an editor" in message
        response = self.post(client, [claims_a["open"]], "assign", assignee="mallory")
        assert "mallory is not a member of Desk A" in texts(response)[0]
        claims_a["open"].refresh_from_db()
        assert claims_a["open"].assignee is None

    def test_dismiss_with_reason_and_refusals(self, client, editor, article, claims_a):
        published = ClaimFactory(
            article=article,
            status=Claim.Status.PUBLISHED,
            verdict=Claim.Verdict.FALSE,
            published_at=timezone.now(),
        )
        client.force_login(editor)
        response = self.post(
            client, [claims_a["open"], claims_a["review"], published], "dismiss", reason="Opinion"
        )
        for claim in (claims_a["open"], claims_a["review"]):
            claim.refresh_from_db()
            assert claim.status == Claim.Status.DISMISSED
            change = ClaimChange.objects.get(claim=claim)
            assert (change.field, change.new_value) == ("status", "dismissed")
            assert change.note == "Opinion"
        published.refresh_from_db()
        assert published.status == Claim.Status.PUBLISHED
        [message] = texts(response)
        assert message.startswith("2 dismissed, 1 refused:")
        assert "cannot go from published to dismissed" in message

    def test_viewer_is_refused(self, client, viewer, claims_a):
        client.force_login(viewer)
        response = self.post(client, list(claims_a.values()), "assign_me")
        assert response.status_code == 302
        [message] = texts(response)
        assert message.startswith("0 assigned to you, 3 refused:")
        assert "You need the owner or editor role in Desk A" in message
        assert not ClaimChange.objects.exists()
        assert Claim.objects.filter(assignee=viewer).count() == 0

    def test_other_teams_codes_are_ignored(self, client, outsider, claims_a, claim_b):
        client.force_login(outsider)
        response = self.post(client, [claims_a["open"], claim_b], "dismiss")
        claims_a["open"].refresh_from_db()
        claim_b.refresh_from_db()
        assert claims_a["open"].status == Claim.Status.UNREVIEWED
        assert claim_b.status == Claim.Status.DISMISSED
        assert texts(response) == ["1 dismissed.", "1 selected claim not found (ignored)."]
        assert not ClaimChange.objects.filter(claim=claims_a["open"]).exists()

    def test_garbage_codes_and_missing_action(self, client, owner, claims_a):
        client.force_login(owner)
        response = client.post(BULK, {"claims": ["not-a-uuid"], "action": "dismiss"})
        assert texts(response) == ["1 selected claim not found (ignored)."]
        response = client.post(BULK, {"claims": [str(claims_a["open"].code)], "action": "delete"})
        assert texts(response) == ["Choose what to do with the selected claims."]
        response = client.post(BULK, {"action": "dismiss"})
        assert texts(response) == ["Select at least one claim."]
        response = self.post(client, [claims_a["open"]], "assign")
        assert texts(response) == ["Choose whom to assign the selected claims to."]
        assert not ClaimChange.objects.exists()

    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example.org/claims/",
            "//evil.example.org/claims/",
            "/\\evil.example.org",
            "javascript:alert(1)",
        ],
    )
    def test_next_open_redirect_refused(self, client, owner, claims_a, target):
        client.force_login(owner)
        response = self.post(client, [claims_a["open"]], "assign_me", next=target)
        assert response.status_code == 302
        assert response["Location"] == QUEUE

    def test_get_is_not_allowed(self, client, owner):
        client.force_login(owner)
        assert client.get(BULK).status_code == 405

    def test_queue_form_posts_back_with_filters(self, client, owner, claims_a):
        client.force_login(owner)
        query = urlencode({"status": "unreviewed", "q": "deficit"})
        page = client.get(f"{QUEUE}?{query}").content.decode()
        assert f'name="next" value="{QUEUE}?status=unreviewed&amp;q=deficit"' in page
