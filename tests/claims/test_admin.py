from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from claims.models import Claim, ClaimChange
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    UserFactory,
)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _make_claims(team, n):
    assignee = MembershipFactory(team=team).user
    for i in range(n):
        article = ArticleFactory(team=team)
        ClaimFactory(article=article, assignee=assignee if i % 2 else None)


@pytest.mark.django_db
class ClaimAdminChangelistTests:
    @pytest.mark.parametrize("n", [3, 30])
    def test_changelist_query_count_does_not_grow_with_rows(
        self, admin_client, team, n, django_assert_num_queries
    ):
        _make_claims(team, n)
        url = reverse("admin:claims_claim_changelist")
        # 1 session, 2 user, 3 the team filter's choices, 4 the assignee filter's choices (users
        # assigned to any claim), 5 count of the filtered list, 6 count of all rows, 7 the page of
        # claims with article, team and assignee joined. Status/type/verdict filters need none.
        with django_assert_num_queries(7):
            response = admin_client.get(url)
        assert response.status_code == 200
        assert response.content.count(b'class="action-select"') == n

    def test_filters_and_search(self, admin_client, team):
        ClaimFactory(
            article__team=team, text="Cuba recognised China in 1960.", status="in_progress"
        )
        ClaimFactory(article__team=team, text="Something else entirely.")
        url = reverse("admin:claims_claim_changelist")
        assert (
            admin_client.get(url, {"status__exact": "in_progress"}).content.count(b"action-select")
            == 1
        )
        assert admin_client.get(url, {"q": "1960"}).content.count(b"action-select") == 1


@pytest.mark.django_db
class ArticleAdminChangelistTests:
    @pytest.mark.parametrize("n", [3, 30])
    def test_changelist_query_count_does_not_grow_with_rows(
        self, admin_client, team, n, django_assert_num_queries
    ):
        for _ in range(n):
            ClaimFactory(article=ArticleFactory(team=team))
        url = reverse("admin:claims_article_changelist")
        # 1 session, 2 user, 3 the team filter's choices, 4 count of the filtered list, 5 count of
        # all rows, 6 the page with team and creator joined and claim counts as subqueries,
        # 7 the language filter's distinct values.
        with django_assert_num_queries(7):
            response = admin_client.get(url)
        assert response.status_code == 200
        assert response.content.count(b'class="action-select"') == n

    def test_article_page_shows_text_with_claims_marked_and_escaped(self, admin_client, team):
        article = ArticleFactory(
            team=team, body="<script>alert(1)</script> Cuba recognised China in 1960."
        )
        ClaimFactory(
            article=article, start=26, end=len(article.body), text="Cuba recognised China in 1960."
        )
        response = admin_client.get(reverse("admin:claims_article_change", args=[article.pk]))
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<mark>Cuba recognised China in 1960.</mark>" in html


@pytest.mark.django_db
class ClaimAdminChangeTests:
    def _form(self, claim, **changes):
        data = {
            "text": claim.text,
            "status": claim.status,
            "verdict": claim.verdict,
            "rationale": claim.rationale,
            "assignee": claim.assignee_id or "",
            "expected_version": claim.version,
        }
        for prefix in ("evidence", "lookup_runs", "comments", "changes"):
            data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
        data.update(changes)
        return data

    def test_change_page_renders_sentence_evidence_and_history(self, admin_client, team, editor):
        claim = ClaimFactory(article__team=team)
        EvidenceFactory(claim=claim, passage="Diplomatic ties were established in September 1960.")
        from claims.services import claim_update

        claim_update(claim=claim, by=editor, version=1, data={"status": "in_progress"})
        html = admin_client.get(
            reverse("admin:claims_claim_change", args=[claim.pk])
        ).content.decode()
        assert "<mark>" in html
        assert "Diplomatic ties were established in September 1960." in html
        assert "in_progress" in html  # the history row

    def test_save_goes_through_the_service_with_history(self, admin_client, team, superuser):
        claim = ClaimFactory(article__team=team)
        url = reverse("admin:claims_claim_change", args=[claim.pk])
        response = admin_client.post(
            url, self._form(claim, status="in_progress", rationale="Checking.")
        )
        assert response.status_code == 302
        claim.refresh_from_db()
        assert (claim.status, claim.rationale, claim.version) == ("in_progress", "Checking.", 2)
        assert set(ClaimChange.objects.values_list("field", flat=True)) == {"status", "rationale"}

    def test_stale_form_is_refused_and_nothing_is_written(self, admin_client, team, editor):
        claim = ClaimFactory(article__team=team)
        stale = self._form(
            claim,
            rationale="Admin's reasoning.",
            **{
                "comments-TOTAL_FORMS": 1,
                "comments-0-body": "A comment from the stale form",
            },
        )
        from claims.services import claim_update

        claim_update(claim=claim, by=editor, version=1, data={"rationale": "Editor's reasoning."})
        response = admin_client.post(
            reverse("admin:claims_claim_change", args=[claim.pk]), stale, follow=True
        )
        claim.refresh_from_db()
        assert claim.rationale == "Editor's reasoning."
        assert claim.comments.count() == 0
        assert "Not saved" in response.content.decode()

    def test_evidence_inline_edits_go_through_the_service(self, admin_client, team):
        from sources.services import passage_hash

        claim = ClaimFactory(article__team=team)
        evidence = EvidenceFactory(claim=claim, passage="Old passage.")
        other_source = EvidenceFactory().source
        row = {
            "evidence-TOTAL_FORMS": 1,
            "evidence-INITIAL_FORMS": 1,
            "evidence-0-id": evidence.pk,
            "evidence-0-claim": claim.pk,
            "evidence-0-source": evidence.source_id,
            "evidence-0-passage": "New passage.",
            "evidence-0-stance": "refutes",
            "evidence-0-relevance": 0.7,
        }
        url = reverse("admin:claims_claim_change", args=[claim.pk])
        admin_client.post(url, {**self._form(claim), **row})
        evidence.refresh_from_db()
        assert (evidence.passage, evidence.stance) == ("New passage.", "refutes")
        assert evidence.passage_hash == passage_hash("New passage.")

        claim.refresh_from_db()
        moved = {**self._form(claim), **row, "evidence-0-source": other_source.pk}
        response = admin_client.post(url, moved, follow=True)
        assert "Evidence keeps its source" in response.content.decode()
        evidence.refresh_from_db()
        assert evidence.source_id != other_source.pk

    def test_claims_cannot_be_deleted_in_the_admin(self, admin_client, team):
        claim = ClaimFactory(article__team=team)
        response = admin_client.post(
            reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
        assert Claim.objects.filter(pk=claim.pk).exists()


@pytest.mark.django_db
class ClaimAdminActionTests:
    def test_assign_to_me_and_dismiss(self, admin_client, superuser, team):
        MembershipFactory(team=team, user=superuser)
        claims = [ClaimFactory(article__team=team) for _ in range(3)]
        url = reverse("admin:claims_claim_changelist")
        ids = [c.pk for c in claims]
        admin_client.post(url, {"action": "assign_to_me", "_selected_action": ids})
        assert set(Claim.objects.values_list("assignee", flat=True)) == {superuser.pk}
        admin_client.post(url, {"action": "dismiss", "_selected_action": ids[:1]})
        assert Claim.objects.get(pk=ids[0]).status == "dismissed"
        assert ClaimChange.objects.filter(field="assignee").count() == 3

    def test_rerun_extraction_action(
        self, admin_client, team, seed_text, django_capture_on_commit_callbacks
    ):
        from claims.services import article_ingest

        with django_capture_on_commit_callbacks(execute=True):
            article = article_ingest(team=team, body=seed_text).article
        count = article.claims.count()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            admin_client.post(
                reverse("admin:claims_article_changelist"),
                {"action": "rerun_extraction", "_selected_action": [article.pk]},
            )
        assert len(callbacks) == 1
        article.refresh_from_db()
        assert article.extraction_status == "done"
        assert article.claims.count() == count


@pytest.mark.django_db
class AdminTeamScopingTests:
    def test_staff_sees_only_their_teams_rows(self, client, team, other_team):
        staff = UserFactory(username="staffer", is_staff=True)
        staff.user_permissions.add(
            *__import__(
                "django.contrib.auth.models", fromlist=["Permission"]
            ).Permission.objects.filter(content_type__app_label="claims")
        )
        MembershipFactory(team=team, user=staff)
        mine = ClaimFactory(article__team=team, text="Mine.")
        theirs = ClaimFactory(article__team=other_team, text="Theirs.")
        client.force_login(staff)
        listing = client.get(reverse("admin:claims_claim_changelist")).content.decode()
        assert "Mine." in listing and "Theirs." not in listing
        assert client.get(reverse("admin:claims_claim_change", args=[mine.pk])).status_code == 200
        # Another team's claim is "not found" (the admin redirects to the index with a message).
        response = client.get(reverse("admin:claims_claim_change", args=[theirs.pk]))
        assert response.status_code == 302


@pytest.mark.django_db
class ArticleAdminAddTests:
    def _add(self, client, team, body, **extra):
        data = {
            "team": team.pk,
            "title": "",
            "url": "",
            "outlet": "",
            "published_at_0": "",
            "published_at_1": "",
            "language": "en",
            "body": body,
            **extra,
        }
        return client.post(reverse("admin:claims_article_add"), data)

    def test_pasting_an_article_ingests_and_extracts_it(
        self, admin_client, team, seed_text, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = self._add(admin_client, team, seed_text)
        assert response.status_code == 302
        from claims.models import Article

        article = Article.objects.get()
        assert article.title.startswith("China and Cuba")
        assert article.claims.count() >= 5

    def test_empty_text_is_a_form_error(self, admin_client, team):
        response = self._add(admin_client, team, "   \n ")
        assert response.status_code == 200
        assert "The article text is empty." in response.content.decode()

    def test_a_viewer_cannot_add_to_their_team(self, client, team):
        from django.contrib.auth.models import Permission

        staff = UserFactory(username="viewer-staff", is_staff=True)
        staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="claims"))
        MembershipFactory(team=team, user=staff, role="viewer")
        client.force_login(staff)
        response = self._add(client, team, "Cuba recognised China in 1960.")
        assert response.status_code == 200
        assert "editor or owner role" in response.content.decode()

    def test_editing_metadata_goes_through_the_service(self, admin_client, team):
        article = ArticleFactory(team=team, title="Old title")
        data = {
            "title": "New title",
            "url": "https://example.org/new",
            "outlet": "Outlet",
            "published_at_0": "",
            "published_at_1": "",
            "language": "en",
            "claims-TOTAL_FORMS": 0,
            "claims-INITIAL_FORMS": 0,
        }
        response = admin_client.post(
            reverse("admin:claims_article_change", args=[article.pk]), data
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        article.refresh_from_db()
        assert (article.title, article.url) == ("New title", "https://example.org/new")


class ParagraphBoundsTests:
    def test_short_paragraph_is_shown_whole(self):
        from claims.admin import _paragraph_bounds

        body = "Heading\nFirst sentence. Second sentence here.\nNext paragraph."
        start = body.index("Second")
        left, right = _paragraph_bounds(body, start, start + len("Second sentence here."))
        assert body[left:right] == "First sentence. Second sentence here."

    def test_long_paragraph_is_cut_at_word_boundaries(self):
        from claims.admin import CONTEXT_CHARS, _paragraph_bounds

        words = " ".join(f"word{i}" for i in range(400))
        body = words + " TARGET SENTENCE. " + words
        start = body.index("TARGET")
        left, right = _paragraph_bounds(body, start, start + len("TARGET SENTENCE."))
        excerpt = body[left:right]
        assert excerpt.startswith("word") and excerpt.endswith(tuple("0123456789"))
        assert start - left <= CONTEXT_CHARS and right - (start + 16) <= CONTEXT_CHARS
        assert body[left - 1] == " " and body[right] == " "


@pytest.mark.django_db
class ClaimAdminReadabilityTests:
    def test_entities_and_values_are_listed_not_dumped(self, admin_client, team):
        claim = ClaimFactory(
            article__team=team,
            entities=[{"text": "Cuba", "label": "PLACE", "start": 0, "end": 4}],
            values=[{"kind": "year", "text": "1960", "value": 1960, "start": 5, "end": 9}],
        )
        html = admin_client.get(
            reverse("admin:claims_claim_change", args=[claim.pk])
        ).content.decode()
        assert "<li>Cuba (place)</li>" in html
        assert "<li>1960 → year 1960</li>" in html
        assert '"label": "PLACE"' not in html


@pytest.mark.django_db
class ClaimAdminFindingsTests:
    @pytest.fixture
    def seed_article(self, team, seed_text, django_capture_on_commit_callbacks):
        from claims.services import article_ingest

        with django_capture_on_commit_callbacks(execute=True):
            return article_ingest(team=team, body=seed_text).article

    def test_claim_page_shows_findings_linking_the_other_claims(self, admin_client, seed_article):
        meeting = Claim.objects.get(article=seed_article, text__contains="65th anniversary")
        founding = Claim.objects.get(article=seed_article, text__contains="ties with China in 1960")
        html = admin_client.get(
            reverse("admin:claims_claim_change", args=[meeting.pk])
        ).content.decode()
        assert "Info</strong>: The 65th anniversary" in html
        assert f'<a href="{reverse("admin:claims_claim_change", args=[founding.pk])}">' in html
        # Its own page is not linked from its own findings.
        assert f'href="{reverse("admin:claims_claim_change", args=[meeting.pk])}"' not in html
        # Spans and replacements, read-only and readable.
        assert f"characters {meeting.start} to {meeting.end}: “This meeting" in html
        assert "“the two nations” → “China and Cuba”" in html

    def test_findings_block_costs_one_query(self, seed_article, django_assert_num_queries):
        from django.contrib import admin as django_admin

        from claims.admin import ClaimAdmin

        meeting = Claim.objects.get(article=seed_article, text__contains="65th anniversary")
        model_admin = ClaimAdmin(Claim, django_admin.site)
        with django_assert_num_queries(1):  # the other claims' ids and wording
            model_admin.findings_list(meeting)
        without = ClaimFactory(article=seed_article)
        with django_assert_num_queries(0):
            assert str(model_admin.findings_list(without)) == "—"

    def test_findings_are_escaped_and_conflicts_marked(self, admin_client, team):
        other = ClaimFactory(article__team=team, text="The <b>other</b> claim.")
        claim = ClaimFactory(
            article=other.article,
            findings=[
                {
                    "kind": "anniversary_conflict",
                    "severity": "conflict",
                    "message": "<script>alert(1)</script> cannot both be right.",
                    "value": None,
                    "claims": [str(other.code), "not-a-uuid"],
                }
            ],
        )
        html = admin_client.get(
            reverse("admin:claims_claim_change", args=[claim.pk])
        ).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; cannot both be right." in html
        assert '<strong style="color: #ba2121">Conflict</strong>' in html
        assert ">The &lt;b&gt;other&lt;/b&gt; claim.</a>" in html

    def test_ambiguous_column_and_filter(self, admin_client, team):
        ClaimFactory(article__team=team, text="He said the tax rose.", ambiguous=True)
        ClaimFactory(article__team=team, text="Cuba recognised China in 1960.")
        url = reverse("admin:claims_claim_changelist")
        listing = admin_client.get(url).content.decode()
        assert "column-ambiguous" in listing
        filtered = admin_client.get(url, {"ambiguous__exact": "1"}).content.decode()
        assert filtered.count('class="action-select"') == 1
        assert "He said the tax rose." in filtered

    def test_article_list_counts_claims_with_findings(self, admin_client, team):
        article = ArticleFactory(team=team, title="Flagged article")
        finding = {"kind": "k", "severity": "info", "message": "m", "value": None, "claims": []}
        ClaimFactory(article=article, findings=[finding])
        ClaimFactory(article=article, findings=[finding, finding])
        ClaimFactory(article=article)
        html = admin_client.get(reverse("admin:claims_article_changelist")).content.decode()
        assert '<td class="field-claims_with_findings">2</td>' in html

    def test_article_page_marks_every_span_of_a_restated_claim(self, admin_client, team):
        body = "Cuba recognised China in 1960. Trade grew. Indeed, Cuba recognised China in 1960."
        second = body.rindex("Cuba")
        article = ArticleFactory(team=team, body=body)
        ClaimFactory(
            article=article,
            start=0,
            end=30,
            text="Cuba recognised China in 1960.",
            spans=[[0, 30], [second, len(body)]],
        )
        html = admin_client.get(
            reverse("admin:claims_article_change", args=[article.pk])
        ).content.decode()
        assert html.count("<mark>Cuba recognised China in 1960.</mark>") == 2
