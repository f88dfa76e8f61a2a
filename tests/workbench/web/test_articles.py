"""The inbox (/), adding an article, the article page and its progress fragment."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Article, Claim
from claims.services import article_ingest
from sources.models import LookupRun
from tests.factories import ArticleFactory, ClaimFactory
from workbench.views.articles import article_highlighted

pytestmark = pytest.mark.django_db

INBOX = reverse("inbox")
ADD = reverse("article-add")
MARK_RE = re.compile(r'<mark class="claim status-[a-z_]+"')
HOSTILE = (
    "The mayor said \"taxes fell\" and 'rents rose'. <script>alert('x')</script> "
    "Then <img src=x onerror=alert(1)> appeared & spread in 2020."
)


def detail_url(article: Article) -> str:
    return reverse("article-detail", args=[article.code])


def progress_url(article: Article, **params: str) -> str:
    url = reverse("article-progress", args=[article.code])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


@pytest.fixture
def seeded(team, owner, seed_text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = article_ingest(team=team, body=seed_text, created_by=owner).article
    article.refresh_from_db()
    return article


def claims_on(article: Article, n: int) -> list[Claim]:
    """n claims on the article, each on its own slice of the text, some assigned."""
    step = max(1, len(article.body) // (n + 1))
    return [
        ClaimFactory(
            article=article,
            start=i * step,
            end=i * step + step // 2,
            spans=[[i * step, i * step + step // 2]],
            text=f"Claim {i} said something in 1960.",
        )
        for i in range(n)
    ]


class InboxTests:
    def test_anonymous_users_are_sent_to_sign_in(self, client):
        response = client.get(INBOX)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign-in"))

    def test_lists_own_team_only(self, client, editor, team, other_team):
        mine = ArticleFactory(team=team, title="Budget speech", outlet="Daily Planet")
        ClaimFactory(article=mine, assignee=editor, status=Claim.Status.IN_PROGRESS)
        ClaimFactory(article=mine)
        ArticleFactory(team=other_team, title="Secret desk B story")
        client.force_login(editor)
        response = client.get(INBOX)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Budget speech" in page and "Daily Planet" in page
        assert detail_url(mine) in page
        assert "Secret desk B story" not in page
        assert "2 total · 2 open · 0 published" in page
        assert 'class="badge status-in_progress">In progress 1<' in page
        assert "<td>bob</td>" in page

    def test_newest_first_and_paginated(self, client, editor, team):
        for i in range(52):
            ArticleFactory(team=team, title=f"Story {i:02d}")
        client.force_login(editor)
        page = client.get(INBOX).content.decode()
        assert page.index("Story 51") < page.index("Story 50")
        assert "Story 01" not in page
        assert "Page 1 of 2" in page
        assert "Story 01" in client.get(INBOX + "?page=2").content.decode()

    def test_query_count_is_fixed(self, client, editor, team, django_assert_num_queries):
        client.force_login(editor)
        few = [ArticleFactory(team=team) for _ in range(2)]
        for article in few:
            claims_on(article, 2)
        client.get(INBOX)  # warm the session
        with CaptureQueriesContext(connection) as first:
            client.get(INBOX)
        for _ in range(18):
            claims_on(ArticleFactory(team=team), 3)
        with django_assert_num_queries(len(first.captured_queries)):
            client.get(INBOX)

    def test_unfinished_rows_poll_their_progress(self, client, editor, team):
        pending = ArticleFactory(team=team, extraction_status=Article.ExtractionStatus.PENDING)
        done = ArticleFactory(team=team)
        client.force_login(editor)
        page = client.get(INBOX).content.decode()
        assert f'hx-get="{progress_url(pending)}?shown=pending&amp;compact=1"' in page
        assert progress_url(done) not in page
        assert 'hx-trigger="every 2s"' in page

    def test_viewer_sees_no_form(self, client, viewer):
        client.force_login(viewer)
        page = client.get(INBOX).content.decode()
        assert 'action="/articles/new/"' not in page
        assert "<textarea" not in page

    def test_editor_sees_the_form(self, client, editor):
        client.force_login(editor)
        page = client.get(INBOX).content.decode()
        assert f'action="{ADD}"' in page
        assert '<label for="id_text">' in page and 'type="url"' in page


class AddTests:
    def test_add_text_goes_to_the_article(
        self, client, editor, team, seed_text, django_capture_on_commit_callbacks
    ):
        client.force_login(editor)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(ADD, {"text": seed_text, "title": "Seed"})
        article = Article.objects.get(team=team)
        assert response.status_code == 302
        assert response["Location"] == detail_url(article)
        assert article.title == "Seed" and article.created_by == editor
        assert article.extraction_status == Article.ExtractionStatus.DONE
        page = client.get(response["Location"]).content.decode()
        assert "Article added" in page

    def test_same_text_twice_is_the_same_article(self, client, editor, team):
        client.force_login(editor)
        first = client.post(ADD, {"text": "Exports rose by 12% in 2023."})
        second = client.post(ADD, {"text": "Exports rose by 12% in 2023.\n"})
        assert first["Location"] == second["Location"]
        assert Article.objects.filter(team=team).count() == 1
        assert "already in the inbox" in client.get(second["Location"]).content.decode()

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("   \n ", "Paste the article&#x27;s text or give a link to it."),
            ("Text with \x00 NUL", "The text contains NUL characters"),
        ],
    )
    def test_bad_text_is_refused_with_its_message(self, client, editor, text, message):
        client.force_login(editor)
        response = client.post(ADD, {"text": text})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not Article.objects.exists()

    def test_viewer_cannot_add(self, client, viewer):
        client.force_login(viewer)
        response = client.post(ADD, {"text": "A viewer tries to add this text."})
        assert response.status_code == 403
        assert not Article.objects.exists()
        assert "message error" in response.content.decode()

    def test_private_link_is_refused(self, client, editor):
        client.force_login(editor)
        response = client.post(ADD, {"url": "http://10.0.0.1/story"})
        assert response.status_code == 400
        assert "This link was refused" in response.content.decode()
        assert not Article.objects.exists()

    def test_public_link_is_fetched(self, client, editor, team, monkeypatch):
        monkeypatch.setattr("claims.services._enqueue_fetch", lambda article_id: None)
        client.force_login(editor)
        # A public address literal: no DNS lookup in tests.
        response = client.post(ADD, {"url": "https://93.184.215.14/story/1"})
        article = Article.objects.get(team=team)
        assert response.status_code == 302
        assert article.extraction_status == Article.ExtractionStatus.FETCHING
        page = client.get(detail_url(article)).content.decode()
        assert "the page is being fetched" in page
        assert 'hx-trigger="every 2s"' in page

    def test_get_is_not_allowed(self, client, editor):
        client.force_login(editor)
        assert client.get(ADD).status_code == 405


class ArticlePageTests:
    def test_another_teams_article_is_404(self, client, outsider, seeded):
        client.force_login(outsider)
        assert client.get(detail_url(seeded)).status_code == 404
        assert client.get(progress_url(seeded), HTTP_HX_REQUEST="true").status_code == 404
        assert client.post(reverse("article-extract", args=[seeded.code])).status_code == 404

    def test_unknown_article_is_404(self, client, editor):
        client.force_login(editor)
        url = reverse("article-detail", args=["00000000-0000-0000-0000-000000000000"])
        assert client.get(url).status_code == 404

    def test_seed_claims_are_highlighted(self, client, viewer, seeded):
        claims = list(seeded.claims.all())
        assert claims
        client.force_login(viewer)
        page = client.get(detail_url(seeded)).content.decode()
        spans = sum(len(c.spans or [[c.start, c.end]]) for c in claims)
        firsts = re.findall(r'<mark class="claim status-[a-z_]+" id="span-', page)
        assert len(firsts) == spans
        assert len(MARK_RE.findall(page)) >= spans
        for claim in claims:
            assert f'id="span-{claim.code}-0"' in page
            assert f'href="{reverse("claim-detail", args=[claim.code])}" data-claim-nav' in page
        # Viewers read; they get no buttons.
        assert "Re-run lookups" not in page and "Extract again" not in page

    def test_text_is_never_broken_or_repeated(self, seeded):
        claims = list(seeded.claims.all())
        html = str(article_highlighted(seeded.body, claims))
        import html as html_lib

        assert html_lib.unescape(re.sub(r"</?mark[^>]*>", "", html)) == seeded.body

    def test_overlapping_spans_nest(self, team):
        article = ArticleFactory(team=team, body="Alpha beta gamma delta.")
        a = ClaimFactory(article=article, start=0, end=16, spans=[[0, 16]], text="A")
        b = ClaimFactory(article=article, start=6, end=22, spans=[[6, 22]], text="B")
        html = str(article_highlighted(article.body, [a, b]))
        assert html.count("<mark") == html.count("</mark>") == 4
        assert html.count(f'id="span-{a.code}-0"') == 1
        assert html.count(f'id="span-{b.code}-0"') == 1
        assert re.sub(r"</?mark[^>]*>", "", html) == article.body

    def test_hostile_text_is_inert(self, client, editor, team):
        article = ArticleFactory(team=team, title="<b>Bold</b> title", body=HOSTILE)
        start = HOSTILE.index("<script>")
        ClaimFactory(
            article=article,
            start=start,
            end=start + 30,
            spans=[[start, start + 30]],
            text='He said "<script>x</script>"',
        )
        client.force_login(editor)
        page = client.get(detail_url(article)).content.decode()
        assert "&lt;script&gt;alert(&#x27;x&#x27;)" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;b&gt;Bold&lt;/b&gt; title" in page
        assert 'title="He said &quot;&lt;script&gt;x&lt;/script&gt;&quot;"' in page
        assert "&quot;taxes fell&quot;" in page

    def test_findings_are_shown_on_the_claims_they_involve(self, client, editor, team):
        article = ArticleFactory(team=team)
        a = ClaimFactory(article=article, text="Trade grew 10% in 2020.")
        b = ClaimFactory(article=article, text="Trade fell 5% in 2020.")
        finding = {
            "kind": "value_conflict",
            "severity": "conflict",
            "message": "Two different figures for trade in 2020.",
            "claims": [str(a.code), str(b.code)],
        }
        Claim.objects.filter(pk__in=[a.pk, b.pk]).update(findings=[finding])
        client.force_login(editor)
        page = client.get(detail_url(article)).content.decode()
        assert page.count("Two different figures for trade in 2020.") == 2
        assert page.count("finding finding-conflict") == 2
        assert f'href="#claim-{b.code}"' in page and f'href="#claim-{a.code}"' in page

    def test_query_count_is_fixed(self, client, editor, team, django_assert_num_queries):
        small = ArticleFactory(team=team, body="small " * 400)
        large = ArticleFactory(team=team, body="large " * 400)
        claims_on(small, 2)
        claims_on(large, 20)
        client.force_login(editor)
        client.get(detail_url(small))
        with CaptureQueriesContext(connection) as first:
            client.get(detail_url(small))
        with django_assert_num_queries(len(first.captured_queries)):
            page = client.get(detail_url(large)).content.decode()
        assert len(re.findall(r'id="span-', page)) == 20

    def test_editor_buttons(
        self, client, editor, seeded, monkeypatch, django_capture_on_commit_callbacks
    ):
        client.force_login(editor)
        page = client.get(detail_url(seeded)).content.decode()
        assert "Re-run lookups" in page and "Extract again" in page
        monkeypatch.setattr("claims.services._enqueue_extraction", lambda article_id: None)
        response = client.post(reverse("article-extract", args=[seeded.code]))
        assert response.status_code == 302
        seeded.refresh_from_db()
        assert seeded.extraction_status == Article.ExtractionStatus.PENDING
        before = LookupRun.objects.filter(claim__article=seeded).count()
        response = client.post(reverse("article-lookups", args=[seeded.code]))
        assert response.status_code == 302
        assert LookupRun.objects.filter(claim__article=seeded).count() > before
        assert "Lookups started again" in client.get(detail_url(seeded)).content.decode()

    def test_viewer_actions_are_refused_with_a_message(self, client, viewer, seeded):
        client.force_login(viewer)
        response = client.post(reverse("article-lookups", args=[seeded.code]), follow=True)
        assert "message error" in response.content.decode()
        assert LookupRun.objects.filter(requested_by=viewer).count() == 0


class ProgressTests:
    def test_polls_while_unfinished(self, client, editor, team):
        article = ArticleFactory(team=team, extraction_status=Article.ExtractionStatus.RUNNING)
        client.force_login(editor)
        response = client.get(progress_url(article, shown="running"), HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body
        assert 'hx-trigger="every 2s"' in body and 'hx-swap="outerHTML"' in body
        assert "HX-Refresh" not in response

    def test_counts_lookup_runs(self, client, editor, team):
        article = ArticleFactory(team=team)
        claim = ClaimFactory(article=article)
        for backend, status in [("library", "queued"), ("wikipedia", "succeeded")]:
            LookupRun.objects.create(claim=claim, backend=backend, status=status)
        client.force_login(editor)
        response = client.get(progress_url(article, shown="done"), HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert "1 of 2 finished" in body and "queued 1" in body and "succeeded 1" in body
        assert 'hx-trigger="every 2s"' in body  # a lookup is still queued

    def test_stops_polling_and_reloads_when_done(self, client, editor, team):
        article = ArticleFactory(team=team)  # extraction done, no runs
        client.force_login(editor)
        response = client.get(progress_url(article, shown="running"), HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert "hx-trigger" not in body and "hx-get" not in body
        assert response["HX-Refresh"] == "true"
        assert "Show the claims" in body
        # Already shown as done: no reload again.
        again = client.get(progress_url(article, shown="done"), HTTP_HX_REQUEST="true")
        assert "HX-Refresh" not in again and "hx-trigger" not in again.content.decode()

    def test_compact_variant_links_instead_of_reloading(self, client, editor, team):
        article = ArticleFactory(team=team)
        client.force_login(editor)
        response = client.get(
            progress_url(article, shown="pending", compact="1"), HTTP_HX_REQUEST="true"
        )
        assert "HX-Refresh" not in response
        assert "Show the claims" in response.content.decode()

    def test_plain_request_goes_to_the_article(self, client, editor, team):
        article = ArticleFactory(team=team)
        client.force_login(editor)
        response = client.get(progress_url(article))
        assert response.status_code == 302
        assert response["Location"] == detail_url(article)
