"""The claim page: the claim in its article, evidence by stance, lookups, comments with
@mentions, history, the verdict form with its conflict page, the ClaimReview preview; and the
archived source page."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, ClaimChange, Comment
from claims.services import claim_update, comment_create
from sources.models import Evidence, LookupRun
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory
from workbench.views.claims import mentions_rendered

pytestmark = pytest.mark.django_db

BODY = (
    "Havana hosted the talks on Tuesday. Cuba was the first country in the Western Hemisphere "
    "to establish diplomatic ties with China, in 1960. The meeting coincided with the 65th "
    "anniversary of diplomatic relations."
)
FIRST = BODY.index("Cuba")
FIRST_END = BODY.index("1960.") + 5
HOSTILE = "<script>window.x=1</script><img src=x onerror=alert(1)> \"quoted\" & 'single'"


def url(name: str, claim: Claim) -> str:
    return reverse(name, args=[claim.code])


@pytest.fixture
def article(team):
    return ArticleFactory(team=team, title="China and Cuba", body=BODY, url="https://example.org/a")


@pytest.fixture
def claim(article):
    return ClaimFactory(
        article=article,
        start=FIRST,
        end=FIRST_END,
        spans=[[FIRST, FIRST_END]],
        sentence=BODY[FIRST:FIRST_END],
        text=BODY[FIRST:FIRST_END],
        entities=[{"text": "Cuba", "label": "GPE", "start": FIRST, "end": FIRST + 4}],
        values=[{"kind": "year", "text": "1960", "value": 1960, "start": 0, "end": 4}],
    )


def save(client, claim: Claim, version: int | None = None, **fields: str):
    data = {
        "version": claim.version if version is None else version,
        "status": claim.status,
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "review_url": claim.review_url,
        "assignee": claim.assignee.username if claim.assignee else "",
        **fields,
    }
    return client.post(url("claim-save", claim), data)


class ClaimPageAccessTests:
    def test_anonymous_users_are_sent_to_sign_in(self, client, claim):
        response = client.get(url("claim-detail", claim))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign-in"))

    @pytest.mark.parametrize(
        ("name", "method"),
        [
            ("claim-detail", "get"),
            ("claim-lookup-progress", "get"),
            ("claim-save", "post"),
            ("claim-comment", "post"),
            ("claim-lookups", "post"),
            ("claim-evidence-url", "post"),
        ],
    )
    def test_another_teams_claim_is_404_everywhere(self, client, claim, outsider, name, method):
        client.force_login(outsider)
        before = (Claim.objects.get(pk=claim.pk).version, Comment.objects.count())
        runs = LookupRun.objects.count()
        data = {
            "version": claim.version,
            "status": "in_progress",
            "body": "hi",
            "url": "https://a.org/",
        }
        response = getattr(client, method)(url(name, claim), data, HTTP_HX_REQUEST="true")
        assert response.status_code == 404
        assert claim.text not in response.content.decode()
        assert (Claim.objects.get(pk=claim.pk).version, Comment.objects.count()) == before
        assert LookupRun.objects.count() == runs

    def test_unknown_claim_is_404(self, client, editor):
        client.force_login(editor)
        response = client.get("/claims/00000000-0000-0000-0000-000000000000/")
        assert response.status_code == 404

    def test_viewer_reads_without_forms_and_cannot_write(self, client, claim, viewer):
        client.force_login(viewer)
        page = client.get(url("claim-detail", claim)).content.decode()
        assert claim.text in page
        assert 'name="version"' not in page and "Re-run lookups" not in page
        assert "editors and owners change them" in page
        response = save(client, claim, status="in_progress")
        assert response.status_code == 403
        assert Claim.objects.get(pk=claim.pk).status == "unreviewed"
        assert client.post(url("claim-comment", claim), {"body": "hi"}).status_code == 403
        assert not Comment.objects.exists()
        response = client.post(url("claim-evidence-url", claim), {"url": "https://a.org/x"})
        assert response.status_code == 403
        client.post(url("claim-lookups", claim))
        assert not LookupRun.objects.exists()


class ClaimPageContentTests:
    def test_claim_in_context_with_entities_values_and_neighbours(
        self, client, editor, article, claim
    ):
        before = ClaimFactory(article=article, start=0, end=34, text="Havana hosted the talks.")
        after = ClaimFactory(
            article=article, start=FIRST_END + 1, end=len(BODY), text="It was the 65th."
        )
        client.force_login(editor)
        page = client.get(url("claim-detail", claim)).content.decode()
        assert f'<mark class="claim status-unreviewed">{BODY[FIRST:FIRST_END]}</mark>' in page
        assert "Havana hosted the talks on Tuesday. <mark" in page  # the text before it
        assert "65th" in page.split("</mark>", 1)[1]  # and after it
        assert "GPE" in page and "1960" in page
        assert f'rel="prev" href="{url("claim-detail", before)}"' in page.replace(
            f'href="{url("claim-detail", before)}" rel="prev"',
            f'rel="prev" href="{url("claim-detail", before)}"',
        )
        assert f'href="{url("claim-detail", after)}" rel="next"' in page
        assert f'<link rel="next" href="{url("claim-detail", after)}">' in page

    def test_context_is_cut_from_a_long_article_at_words(self, client, editor, team):
        body = "word " * 5000 + "The budget rose by 4% in 2023." + " tail" * 5000
        start = body.index("The budget")
        article = ArticleFactory(team=team, body=body)
        claim = ClaimFactory(
            article=article, start=start, end=start + 30, text="The budget rose by 4% in 2023."
        )
        client.force_login(editor)
        page = client.get(url("claim-detail", claim)).content.decode()
        context = re.search(
            r'<blockquote class="claim-context">(.*?)</blockquote>', page, re.S
        ).group(1)
        assert context.startswith("…word ")
        assert context.endswith("tail…")
        assert len(context) < 1000

    def test_hostile_text_everywhere_is_escaped(self, client, editor, team):
        body = f"It said {HOSTILE} in 1960."
        article = ArticleFactory(team=team, body=body, title=HOSTILE)
        claim = ClaimFactory(
            article=article,
            start=0,
            end=len(body),
            text=body,
            suggestion_reason=HOSTILE,
            suggestion="inconclusive",
        )
        source = SourceFactory(
            title=HOSTILE, archived_text=f"Before {HOSTILE} after", publisher=HOSTILE
        )
        EvidenceFactory(claim=claim, source=source, passage=HOSTILE, stance_reason=HOSTILE)
        comment_create(claim=claim, author=editor, body=f"@bob {HOSTILE}")
        client.force_login(editor)
        page = client.get(url("claim-detail", claim)).content.decode()
        assert "<script>window.x" not in page and "<img src=x" not in page
        assert "&lt;script&gt;window.x=1&lt;/script&gt;" in page
        assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 5

    def test_suggestion_confidence_only_when_it_takes_a_side(self, client, editor, claim):
        client.force_login(editor)
        Claim.objects.filter(pk=claim.pk).update(
            suggestion="inconclusive",
            suggestion_confidence=0.42,
            suggestion_reason="Two sources disagree.",
        )
        page = client.get(url("claim-detail", claim)).content.decode()
        assert "Inconclusive" in page and "Two sources disagree." in page
        assert "confidence 0.42" not in page
        Claim.objects.filter(pk=claim.pk).update(suggestion="supported", suggestion_confidence=0.87)
        page = client.get(url("claim-detail", claim)).content.decode()
        assert "confidence 0.87" in page

    def test_findings_link_the_other_claims(self, client, editor, article, claim):
        other = ClaimFactory(article=article, text="The anniversary places it in 1961.")
        Claim.objects.filter(pk=claim.pk).update(
            findings=[
                {
                    "kind": "date_conflict",
                    "severity": "conflict",
                    "message": "1960 vs 1961",
                    "claims": [str(claim.code), str(other.code), "not-a-uuid"],
                }
            ]
        )
        client.force_login(editor)
        page = client.get(url("claim-detail", claim)).content.decode()
        assert "Conflict" in page and "1960 vs 1961" in page and "date conflict" in page
        assert url("claim-detail", other) in page and other.text in page


class EvidenceTests:
    def test_grouped_by_stance_refuting_first_with_safe_links(self, client, editor, claim):
        source = SourceFactory(
            url="https://news.example.org/cuba",
            title="ACN report",
            archived_text=(
                "Intro text here. Diplomatic ties were set up on 28 September 1960. More."
            ),
        )
        passage = "Diplomatic ties were set up on 28 September 1960."
        start = source.archived_text.index(passage)
        supports = EvidenceFactory(
            claim=claim,
            source=source,
            passage=passage,
            stance="supports",
            passage_start=start,
            passage_end=start + len(passage),
            stance_reason="passage says 1960; claim says 1960",
            relevance=0.9,
        )
        refutes = EvidenceFactory(
            claim=claim, stance="refutes", passage="Ties came in 1961.", relevance=0.2
        )
        EvidenceFactory(claim=claim, stance="neutral", passage="Cuba is an island.")
        client.force_login(editor)
        page = client.get(url("claim-detail", claim)).content.decode()
        headings = re.findall(r'<h3 id="stance-([a-z]+)">', page)
        assert headings == ["refutes", "supports", "neutral"]
        assert page.index(refutes.passage) < page.index(supports.passage)
        link = '<a href="https://news.example.org/cuba" rel="noopener noreferrer nofollow">'
        assert f"{link}ACN report</a>" in page
        # The passage is highlighted inside the archived text around it.
        marked = f'<mark class="passage">{passage}</mark>'
        assert f'Intro text here. </span>{marked}<span class="muted"> More.' in page
        assert "passage says 1960; claim says 1960" in page
        archived = (
            reverse("source-detail", args=[source.code]) + f"?evidence={supports.code}#passage"
        )
        assert archived in page

    def test_source_page_highlights_the_passage_and_is_scoped(
        self, client, editor, outsider, claim
    ):
        text = f"Start. {HOSTILE} The key passage. End."
        source = SourceFactory(archived_text=text)
        start = text.index("The key passage.")
        evidence = EvidenceFactory(
            claim=claim,
            source=source,
            passage="The key passage.",
            passage_start=start,
            passage_end=start + 16,
        )
        client.force_login(editor)
        page = client.get(
            reverse("source-detail", args=[source.code]) + f"?evidence={evidence.code}"
        )
        html = page.content.decode()
        assert page.status_code == 200
        assert '<mark id="passage" class="passage" tabindex="-1">The key passage.</mark>' in html
        assert "&lt;script&gt;" in html and "<script>window" not in html
        bad = client.get(reverse("source-detail", args=[source.code]) + "?evidence=nonsense")
        assert bad.status_code == 200 and "<mark" not in bad.content.decode().split("<main", 1)[1]
        client.force_login(outsider)
        assert client.get(reverse("source-detail", args=[source.code])).status_code == 404


class LookupTests:
    def test_runs_listed_and_polled_while_active(self, client, editor, claim):
        LookupRun.objects.create(
            claim=claim, backend="library", status="succeeded", results_count=3
        )
        client.force_login(editor)
        page = client.get(url("claim-detail", claim)).content.decode()
        assert (
            "library" in page
            and "Succeeded" in page
            and "hx-trigger" not in page.split('id="lookup-runs"')[1][:300]
        )
        LookupRun.objects.create(claim=claim, backend="wikipedia", status="queued")
        page = client.get(url("claim-detail", claim)).content.decode()
        assert 'hx-trigger="every 2s"' in page
        assert url("claim-lookup-progress", claim) in page

    def test_progress_fragment_brings_the_evidence_when_runs_finish(self, client, editor, claim):
        run = LookupRun.objects.create(claim=claim, backend="library", status="running")
        client.force_login(editor)
        progress = url("claim-lookup-progress", claim) + "?shown=active"
        assert client.get(progress).status_code == 302  # not htmx: to the page
        fragment = client.get(progress, HTTP_HX_REQUEST="true").content.decode()
        assert 'hx-trigger="every 2s"' in fragment and 'id="evidence"' not in fragment
        LookupRun.objects.filter(pk=run.pk).update(status="succeeded")
        EvidenceFactory(claim=claim, passage="Fresh passage from the library.")
        fragment = client.get(progress, HTTP_HX_REQUEST="true").content.decode()
        assert "hx-trigger" not in fragment
        assert 'id="evidence" aria-labelledby="evidence-heading" hx-swap-oob="true"' in fragment
        assert "Fresh passage from the library." in fragment

    def test_rerun_queues_every_enabled_backend(self, client, editor, claim):
        client.force_login(editor)
        response = client.post(url("claim-lookups", claim))
        assert response.status_code == 302 and response["Location"].endswith("#lookups")
        assert list(LookupRun.objects.filter(claim=claim).values_list("backend", "status")) == [
            ("library", "queued")
        ]

    @pytest.mark.parametrize(
        "link",
        [
            "http://127.0.0.1:8000/admin/",
            "http://10.0.0.5/",
            "file:///etc/passwd",
            "http://[::1]/x",
            "not a url",
        ],
    )
    def test_private_or_invalid_links_are_refused_and_kept(self, client, editor, claim, link):
        client.force_login(editor)
        response = client.post(url("claim-evidence-url", claim), {"url": link})
        page = response.content.decode()
        assert response.status_code == 400
        assert 'class="errorlist' in page
        assert f'value="{link}"' in page.replace("&amp;", "&")
        assert not LookupRun.objects.exists()

    def test_public_link_is_queued(self, client, editor, claim, settings):
        # No network here: the one host let through is a local one (the fetch is not run).
        settings.LOOKUP_ALLOW_HOSTS = ["127.0.0.1:8765"]
        client.force_login(editor)
        response = client.post(
            url("claim-evidence-url", claim), {"url": "http://127.0.0.1:8765/story"}
        )
        assert response.status_code == 302
        run = LookupRun.objects.get(claim=claim)
        assert (run.backend, run.url, run.requested_by) == (
            "url",
            "http://127.0.0.1:8765/story",
            editor,
        )


class CommentTests:
    def test_comment_with_mentions(self, client, editor, owner, claim):
        client.force_login(editor)
        response = client.post(
            url("claim-comment", claim), {"body": "@alice please check; @nobody too. @alice."}
        )
        assert response.status_code == 302 and response["Location"].endswith("#comments")
        page = client.get(url("claim-detail", claim)).content.decode()
        assert page.count('<strong class="mention">@alice</strong>') == 2
        assert "@nobody" in page and '<strong class="mention">@nobody' not in page

    def test_mentions_rendered_escapes_and_skips_non_members(self):
        html = mentions_rendered("<b>@bob</b> mail@bob.org @eve @bob.", {"bob"})
        assert html == (
            '&lt;b&gt;<strong class="mention">@bob</strong>&lt;/b&gt; mail@bob.org @eve '
            '<strong class="mention">@bob</strong>.'
        )

    @pytest.mark.parametrize("body", ["", "   \n  ", "x" * 10_001])
    def test_empty_or_huge_comment_is_refused_and_kept(self, client, editor, claim, body):
        client.force_login(editor)
        response = client.post(url("claim-comment", claim), {"body": body})
        assert response.status_code == 400
        assert not Comment.objects.exists()
        if body.strip():
            assert body in response.content.decode()


class VerdictTests:
    def test_save_moves_the_claim_and_records_history(self, client, editor, claim):
        client.force_login(editor)
        response = save(
            client,
            claim,
            status="in_progress",
            verdict="true",
            rationale="ACN report.",
            assignee="bob",
        )
        assert response.status_code == 302
        claim.refresh_from_db()
        assert (claim.status, claim.verdict, claim.rationale, claim.assignee) == (
            "in_progress",
            "true",
            "ACN report.",
            editor,
        )
        page = client.get(url("claim-detail", claim)).content.decode()
        assert "Saved." in page
        assert set(ClaimChange.objects.filter(claim=claim).values_list("field", flat=True)) == {
            "status",
            "verdict",
            "rationale",
            "assignee",
        }
        assert "bob changed <strong>verdict</strong>" in page

    def test_status_choices_follow_the_workflow(self, client, editor, claim):
        client.force_login(editor)
        page = client.get(url("claim-detail", claim)).content.decode()
        select = re.search(r'<select name="status".*?</select>', page, re.S).group(0)
        assert re.findall(r'value="([a-z_]+)"', select) == [
            "unreviewed",
            "in_progress",
            "dismissed",
        ]

    def test_refusals_show_the_workflows_words_and_keep_the_input(self, client, editor, claim):
        client.force_login(editor)
        response = save(client, claim, status="published", rationale="Typed with care.")
        page = response.content.decode()
        assert response.status_code == 400
        assert "cannot go from unreviewed to published" in page
        assert "Typed with care." in page
        assert Claim.objects.get(pk=claim.pk).version == claim.version

    def test_publishing_needs_a_verdict(self, client, editor, claim):
        claim = claim_update(
            claim=claim, by=editor, version=claim.version, data={"status": "in_progress"}
        )
        claim = claim_update(
            claim=claim, by=editor, version=claim.version, data={"status": "in_review"}
        )
        client.force_login(editor)
        response = save(client, claim, status="published")
        assert (
            response.status_code == 400
            and "Set a verdict before publishing." in response.content.decode()
        )
        response = save(client, claim, status="published", verdict="true")
        assert response.status_code == 302
        page = client.get(url("claim-detail", claim)).content.decode()
        assert "Published: the verdict is in the ClaimReview feed." in page
        assert "ClaimReview published" in page

    def test_malformed_form_is_400_never_500(self, client, editor, claim):
        client.force_login(editor)
        for data in (
            {},
            {"version": "x", "status": "in_progress"},
            {"version": "1", "status": "nonsense"},
            {"version": "1", "status": "in_progress", "review_url": "javascript:alert(1)"},
            {"version": "1", "status": "in_progress", "assignee": "mallory"},
            {"version": "1", "status": "in_progress", "verdict": "maybe"},
        ):
            assert client.post(url("claim-save", claim), data).status_code == 400, data
        assert Claim.objects.get(pk=claim.pk).version == claim.version

    def test_stale_version_shows_both_and_saves_mine_only_when_asked(
        self, client, owner, editor, claim
    ):
        seen = claim.version
        claim_update(
            claim=claim, by=owner, version=seen, data={"rationale": "Alice: signed 28 September."}
        )
        client.force_login(editor)
        response = save(client, claim, version=seen, rationale="Bob: disputed.")
        page = response.content.decode()
        assert response.status_code == 409
        assert "Alice: signed 28 September." in page and "Bob: disputed." in page
        assert "Save mine anyway" in page
        assert Claim.objects.get(pk=claim.pk).rationale == "Alice: signed 28 September."
        # The form on the conflict page carries the current version and my values.
        version = int(re.search(r'name="version" value="(\d+)"', page).group(1))
        assert version == seen + 1
        assert ">\nBob: disputed.</textarea>" in page
        response = save(client, claim, version=version, rationale="Bob: disputed.")
        assert response.status_code == 302
        assert Claim.objects.get(pk=claim.pk).rationale == "Bob: disputed."


class ClaimReviewPreviewTests:
    def test_no_preview_without_a_verdict(self, client, editor, claim):
        client.force_login(editor)
        page = client.get(url("claim-detail", claim)).content.decode()
        assert "Set a verdict to preview the ClaimReview." in page

    def test_preview_is_the_published_json_ld(self, client, editor, claim):
        claim_update(
            claim=claim,
            by=editor,
            version=claim.version,
            data={"verdict": "mostly_true", "rationale": "internal notes"},
        )
        client.force_login(editor)
        page = client.get(url("claim-detail", claim)).content.decode()
        raw = re.search(r'<pre class="json"[^>]*>(.*?)</pre>', page, re.S).group(1)
        import html

        data = json.loads(html.unescape(raw))
        assert data["@type"] == "ClaimReview"
        assert data["claimReviewed"] == claim.text
        assert data["reviewRating"]["ratingValue"] == 4
        assert "internal notes" not in raw
        assert "ClaimReview preview" in page


class QueryCountTests:
    def test_fixed_whatever_the_number_of_claims_evidence_comments_and_history(
        self, client, editor, owner, team, django_assert_num_queries
    ):
        def build(n: int) -> Claim:
            article = ArticleFactory(team=team, body=f"text {n} " * 200)
            claims = [ClaimFactory(article=article, start=i, end=i + 1) for i in range(n)]
            claim = claims[n // 2]
            for i in range(n):
                EvidenceFactory(
                    claim=claim, stance=["supports", "refutes", "neutral"][i % 3], created_by=owner
                )
                comment_create(
                    claim=claim, author=owner if i % 2 else editor, body=f"@alice note {i}"
                )
                LookupRun.objects.create(claim=claim, backend=f"b{i}", status="succeeded")
            claim = claim_update(
                claim=claim, by=editor, version=claim.version, data={"verdict": "true"}
            )
            for i in range(n):
                claim = claim_update(
                    claim=claim, by=owner, version=claim.version, data={"rationale": f"r{i}"}
                )
            Claim.objects.filter(pk=claim.pk).update(
                findings=[
                    {
                        "severity": "info",
                        "message": "m",
                        "claims": [str(c.code) for c in claims[:n]],
                    }
                ]
            )
            return claim

        small, large = build(2), build(25)
        client.force_login(editor)
        client.get(url("claim-detail", small))
        with CaptureQueriesContext(connection) as first:
            assert client.get(url("claim-detail", small)).status_code == 200
        # Session, user, teams (layout), claim, membership, context, findings' claims, evidence,
        # lookup runs, comments, history, neighbours.
        assert len(first.captured_queries) == 12, [q["sql"][:120] for q in first.captured_queries]
        with django_assert_num_queries(len(first.captured_queries)):
            page = client.get(url("claim-detail", large)).content.decode()
        assert page.count('class="evidence"') == 25


class EvidenceCorrectionTests:
    def change(self, client, claim, evidence, **data):
        return client.post(reverse("claim-evidence-change", args=[claim.code, evidence.code]), data)

    def test_reviewer_sets_the_stance_and_the_suggestion_follows(self, client, editor, claim):
        machine = EvidenceFactory(
            claim=claim, stance="supports", stance_reason="passage says 1960", relevance=0.9
        )
        LookupRun.objects.create(claim=claim, backend="library", status="succeeded")
        client.force_login(editor)
        response = self.change(client, claim, machine, action="stance", stance="refutes")
        assert response.status_code == 302 and response["Location"].endswith("#evidence")
        machine.refresh_from_db()
        assert (machine.stance, machine.stance_reason) == ("refutes", "")
        claim.refresh_from_db()
        assert claim.suggestion == "contradicted"
        assert "a reviewer marked it refutes" in claim.suggestion_reason

    def test_remove_takes_the_passage_off_and_keeps_the_source(self, client, editor, claim):
        evidence = EvidenceFactory(claim=claim)
        client.force_login(editor)
        assert self.change(client, claim, evidence, action="remove").status_code == 302
        assert not Evidence.objects.filter(pk=evidence.pk).exists()
        assert evidence.source.__class__.objects.filter(pk=evidence.source_id).exists()

    def test_refusals(self, client, editor, viewer, outsider, article, claim):
        evidence = EvidenceFactory(claim=claim, stance="supports")
        elsewhere = EvidenceFactory(claim=ClaimFactory(article=article))
        client.force_login(editor)
        # A stance that does not exist, and evidence of another claim under this claim's URL.
        self.change(client, claim, evidence, action="stance", stance="maybe")
        assert self.change(client, claim, elsewhere, action="remove").status_code == 404
        client.force_login(viewer)
        self.change(client, claim, evidence, action="remove")
        client.force_login(outsider)
        assert self.change(client, claim, evidence, action="remove").status_code == 404
        evidence.refresh_from_db()
        assert evidence.stance == "supports"
        assert Evidence.objects.filter(pk=elsewhere.pk).exists()
