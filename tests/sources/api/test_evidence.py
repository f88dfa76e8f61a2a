"""/api/v1/evidence/: list, detail, add by passage or by link, correct, remove; per role."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from sources.models import Evidence, LibraryItem, LookupRun, Source
from tests.factories import ClaimFactory, EvidenceFactory
from tests.fakes.server import FakeServer
from workbench.services import token_create

LIST = reverse("api:evidence-list")
MEMBERS = ["owner", "editor", "viewer"]
WRITERS = ["owner", "editor"]
CLAIM_TEXT = (
    "Cuba was the first country in the Western Hemisphere to establish diplomatic ties with "
    "China, in 1960."
)
PAGE = b"""<!doctype html><html><head><title>Cuba and China mark 65 years of ties</title></head>
<body><nav>Home | Sport | Weather</nav><article><h1>Cuba and China mark 65 years of ties</h1>
<p>Cuba became the first country in the Western Hemisphere to establish diplomatic relations
with the People's Republic of China, on 28 September 1960.</p>
<p>Officials from both countries marked the anniversary in Havana this week.</p></article>
</body></html>"""


def detail(evidence: Evidence) -> str:
    return reverse("api:evidence-detail", kwargs={"code": evidence.code})


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and the HTTP cache live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def claim(team):
    return ClaimFactory(article__team=team, text=CLAIM_TEXT)


@pytest.fixture
def evidence(claim, owner):
    return EvidenceFactory(claim=claim, created_by=owner, stance="supports")


@pytest.fixture
def foreign(other_team):
    """Evidence on desk B's claim."""
    return EvidenceFactory(claim__article__team=other_team)


@pytest.mark.django_db
class EvidenceListTests:
    @pytest.mark.parametrize("role", MEMBERS)
    def test_members_see_their_teams_evidence_only(self, request, role, evidence, foreign):
        response = client_for(request.getfixturevalue(role)).get(LIST)
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [str(evidence.code)]

    def test_an_outsider_sees_only_their_own_teams(self, outsider, evidence, foreign):
        response = client_for(outsider).get(LIST)
        assert [row["id"] for row in response.json()["results"]] == [str(foreign.code)]

    def test_anonymous_gets_401(self, evidence):
        response = APIClient().get(LIST)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_a_token_works_too(self, editor, evidence):
        key = token_create(user=editor, name="cms").key
        response = APIClient().get(LIST, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == 1

    def test_the_output_shape(self, viewer, evidence):
        row = client_for(viewer).get(LIST).json()["results"][0]
        assert set(row) == {
            "id", "claim", "source", "passage", "passage_start", "passage_end", "stance",
            "stance_reason", "relevance", "details", "origin", "created_by", "created_at",
            "updated_at",
        }  # fmt: skip
        source = evidence.source
        assert row["claim"] == str(evidence.claim.code)
        assert row["created_by"] == "alice"
        assert row["stance"] == "supports"
        assert row["source"] == {
            "id": str(source.code),
            "url": source.url,
            "title": source.title,
            "publisher": source.publisher,
            "kind": source.kind,
            "published_at": None,
        }

    def test_created_by_is_null_for_a_machines_evidence(self, viewer, claim):
        EvidenceFactory(claim=claim, created_by=None)
        row = client_for(viewer).get(LIST).json()["results"][0]
        assert row["created_by"] is None

    def test_filters(self, viewer, team, claim):
        other_claim = ClaimFactory(article__team=team)
        supports = EvidenceFactory(claim=claim, stance="supports", origin="library")
        refutes = EvidenceFactory(claim=claim, stance="refutes", origin="wikipedia")
        mixed = EvidenceFactory(claim=other_claim, stance="mixed", origin="library")
        client = client_for(viewer)

        def ids(**params):
            response = client.get(LIST, params)
            assert response.status_code == 200, response.json()
            return {row["id"] for row in response.json()["results"]}

        assert ids(claim=claim.code) == {str(supports.code), str(refutes.code)}
        assert ids(article=other_claim.article.code) == {str(mixed.code)}
        assert ids(stance=["supports", "mixed"]) == {str(supports.code), str(mixed.code)}
        assert ids(origin="library") == {str(supports.code), str(mixed.code)}
        assert ids(origin="library", stance="mixed") == {str(mixed.code)}
        assert len(ids(origin="")) == 3  # an empty text filter is no filter

    def test_another_teams_claim_as_a_filter_finds_nothing(self, viewer, evidence, foreign):
        response = client_for(viewer).get(LIST, {"claim": foreign.claim.code})
        assert response.status_code == 200
        assert response.json()["results"] == []

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"stance": "agrees"}, "stance"),
            ({"stance": ""}, "stance"),
            ({"claim": "not-a-uuid"}, "claim"),
            ({"claim": ""}, "claim"),  # given but empty is not "no filter"
            ({"article": " "}, "article"),
        ],
    )
    def test_invalid_filter_values_are_400_per_field(self, viewer, params, field):
        response = client_for(viewer).get(LIST, params)
        assert response.status_code == 400
        assert field in response.json()["fields"]

    def test_a_bad_cursor_is_400(self, viewer, evidence):
        response = client_for(viewer).get(LIST, {"cursor": "garbage"})
        assert response.status_code == 400
        assert "cursor" in response.json()["fields"]

    def test_pages_follow_newest_first_without_repeats(self, viewer, claim):
        rows = [EvidenceFactory(claim=claim) for _ in range(5)]
        client = client_for(viewer)
        seen: list[str] = []
        url: str | None = LIST + "?page_size=2"
        while url:
            body = client.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        expected = sorted(rows, key=lambda e: (e.created_at, e.id), reverse=True)
        assert seen == [str(e.code) for e in expected]

    def test_query_count_is_fixed_whatever_the_page_size(self, editor, team, owner):
        claims = [ClaimFactory(article__team=team) for _ in range(5)]
        for i in range(25):
            EvidenceFactory(claim=claims[i % 5], created_by=owner if i % 2 else None)
        client = client_for(editor)
        counts = {}
        for size in (2, 20):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST, {"page_size": size})
            assert response.status_code == 200
            assert len(response.json()["results"]) == size
            counts[size] = len(queries)
        # The session, its user, and one page query (claim, source, adder joined; teams as a
        # subquery).
        assert counts == {2: 3, 20: 3}


@pytest.mark.django_db
class EvidenceDetailTests:
    @pytest.mark.parametrize("role", MEMBERS)
    def test_members_read_it(self, request, role, evidence):
        response = client_for(request.getfixturevalue(role)).get(detail(evidence))
        assert response.status_code == 200
        assert response.json()["id"] == str(evidence.code)
        assert "archived_text" not in response.json()["source"]

    def test_an_outsider_gets_404(self, outsider, evidence):
        response = client_for(outsider).get(detail(evidence))
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}

    def test_a_non_uuid_is_a_json_404(self, viewer):
        response = client_for(viewer).get("/api/v1/evidence/12/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
class EvidenceAddByPassageTests:
    def body(self, claim, **extra):
        return {
            "claim": str(claim.code),
            "url": "https://News.example.org/cuba-china#top",
            "passage": "Cuba recognised the People's Republic of China on 28 September 1960.",
            **extra,
        }

    @pytest.mark.parametrize("role", WRITERS)
    def test_writers_add_it_and_the_same_passage_again_is_the_same_row(self, request, role, claim):
        user = request.getfixturevalue(role)
        client = client_for(user)
        body = self.body(
            claim, stance="supports", title="Cuba and China", publisher="Example", kind="news"
        )
        first = client.post(LIST, body, format="json")
        assert first.status_code == 201, first.json()
        data = first.json()
        assert (data["claim"], data["origin"], data["stance"], data["created_by"]) == (
            str(claim.code),
            "reviewer",
            "supports",
            user.username,
        )
        assert data["source"]["url"] == "https://news.example.org/cuba-china"
        assert (data["source"]["title"], data["source"]["kind"]) == ("Cuba and China", "news")

        again = client.post(LIST, body, format="json")
        assert again.status_code == 200
        assert again.json()["id"] == data["id"]
        assert Evidence.objects.filter(claim=claim).count() == 1
        assert Source.objects.count() == 1

    def test_stance_defaults_to_neutral(self, editor, claim):
        response = client_for(editor).post(LIST, self.body(claim), format="json")
        assert response.status_code == 201
        assert response.json()["stance"] == "neutral"

    def test_a_viewer_gets_403_and_nothing_is_stored(self, viewer, claim):
        response = client_for(viewer).post(LIST, self.body(claim), format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert not Evidence.objects.exists()
        assert not Source.objects.exists()

    def test_another_teams_claim_is_unknown_like_a_missing_one(self, outsider, claim):
        client = client_for(outsider)
        theirs = client.post(LIST, self.body(claim), format="json")
        missing = client.post(
            LIST,
            {**self.body(claim), "claim": "00000000-0000-4000-8000-000000000000"},
            format="json",
        )
        assert theirs.status_code == missing.status_code == 400
        assert theirs.json() == missing.json()
        assert theirs.json()["fields"] == {"claim": ["Unknown claim."]}
        assert not Evidence.objects.exists()

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"stance": "agrees"}, "stance"),
            ({"kind": "blog"}, "kind"),
            ({"verdict": "true"}, "verdict"),  # unknown field
            ({"origin": "library"}, "origin"),  # not writable
            ({"created_by": "alice"}, "created_by"),  # not writable
            ({"url": "ftp://example.org/file"}, "url"),
            ({"url": "javascript:alert(1)"}, "url"),
            ({"url": "not a link"}, "url"),
            ({"claim": "12"}, "claim"),
            ({"passage": ""}, "passage"),
            ({"passage": "   "}, "passage"),
            ({"passage": "x" * 5001}, "passage"),
            ({"passage": ["a", "b"]}, "passage"),
        ],
    )
    def test_bad_input_is_400_with_the_field(self, editor, claim, extra, field):
        body = {**self.body(claim), **extra}
        response = client_for(editor).post(LIST, body, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]
        assert not Evidence.objects.exists()

    def test_a_body_that_is_not_an_object_is_400(self, editor):
        response = client_for(editor).post(LIST, ["a"], format="json")
        assert response.status_code == 400

    def test_a_huge_body_is_413(self, editor, claim):
        with override_settings(API_MAX_BODY_BYTES=1000):
            response = client_for(editor).post(
                LIST, self.body(claim, passage="x" * 2000), format="json"
            )
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"


@pytest.mark.django_db
class EvidenceAddByLinkTests:
    def test_a_link_is_queued_fetched_and_searched(
        self, editor, team, claim, django_capture_on_commit_callbacks
    ):
        with FakeServer() as server:
            server.route("/story", (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE))
            with (
                override_settings(LOOKUP_ALLOW_HOSTS=[server.host_port]),
                django_capture_on_commit_callbacks(execute=True),
            ):
                response = client_for(editor).post(
                    LIST, {"claim": str(claim.code), "url": server.url("/story")}, format="json"
                )
        assert response.status_code == 202, response.json()
        run_data = response.json()["lookup_run"]
        assert (run_data["backend"], run_data["status"], run_data["requested_by"]) == (
            "url",
            "queued",
            "bob",
        )
        assert run_data["claim"] == str(claim.code)
        run = LookupRun.objects.get(code=run_data["id"])
        # Tasks run eagerly in tests: the run has been executed by now.
        assert run.status == LookupRun.Status.SUCCEEDED, run.error
        assert LibraryItem.objects.filter(team=team, source__url=server.url("/story")).exists()
        found = claim.evidence.get(origin="url")
        assert "28 September 1960" in found.passage

    @pytest.mark.parametrize(
        "url", ["http://10.0.0.1/", "http://127.0.0.1:9/", "http://169.254.169.254/"]
    )
    def test_a_private_address_is_refused_and_nothing_queued(self, editor, claim, url):
        response = client_for(editor).post(
            LIST, {"claim": str(claim.code), "url": url}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["code"] == "url_refused"
        assert not LookupRun.objects.exists()

    def test_a_viewer_gets_403_and_nothing_queued(self, viewer, claim):
        response = client_for(viewer).post(
            LIST, {"claim": str(claim.code), "url": "https://example.org/"}, format="json"
        )
        assert response.status_code == 403
        assert not LookupRun.objects.exists()

    def test_an_outsider_cannot_attach_to_another_teams_claim(self, outsider, claim):
        response = client_for(outsider).post(
            LIST, {"claim": str(claim.code), "url": "https://example.org/"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["fields"] == {"claim": ["Unknown claim."]}
        assert not LookupRun.objects.exists()

    @pytest.mark.parametrize("field", ["stance", "title"])
    def test_passage_fields_without_a_passage_are_400(self, editor, claim, field):
        value = "supports" if field == "stance" else "A title"
        response = client_for(editor).post(
            LIST,
            {"claim": str(claim.code), "url": "https://example.org/", field: value},
            format="json",
        )
        assert response.status_code == 400
        assert field in response.json()["fields"]
        assert not LookupRun.objects.exists()

    def test_adding_is_throttled(self, editor, claim):
        client = client_for(editor)
        body = {"claim": str(claim.code), "url": "https://mirror.example.org/story"}
        # The host is allowed without resolving it; the queued fetches never run (no commit).
        with override_settings(
            API_THROTTLE_ENQUEUE="2/minute", LOOKUP_ALLOW_HOSTS=["mirror.example.org:443"]
        ):
            codes = [client.post(LIST, body, format="json").status_code for _ in range(3)]
            listing = client.get(LIST)
        assert codes == [202, 202, 429]
        assert LookupRun.objects.count() == 2
        assert listing.status_code == 200  # reading is not throttled


@pytest.mark.django_db
class EvidenceUpdateTests:
    @pytest.mark.parametrize("role", WRITERS)
    def test_writers_correct_stance_passage_and_relevance(self, request, role, evidence):
        body = {"stance": "refutes", "passage": "  A corrected passage.  ", "relevance": 0.9}
        response = client_for(request.getfixturevalue(role)).patch(
            detail(evidence), body, format="json"
        )
        assert response.status_code == 200, response.json()
        data = response.json()
        assert (data["stance"], data["passage"], data["relevance"]) == (
            "refutes",
            "A corrected passage.",
            0.9,
        )
        evidence.refresh_from_db()
        assert (evidence.stance, evidence.passage) == ("refutes", "A corrected passage.")

    def test_a_viewer_gets_403(self, viewer, evidence):
        response = client_for(viewer).patch(detail(evidence), {"stance": "refutes"}, format="json")
        assert response.status_code == 403
        evidence.refresh_from_db()
        assert evidence.stance == "supports"

    def test_an_outsider_gets_404(self, outsider, evidence):
        response = client_for(outsider).patch(
            detail(evidence), {"stance": "refutes"}, format="json"
        )
        assert response.status_code == 404
        evidence.refresh_from_db()
        assert evidence.stance == "supports"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"stance": "agrees"}, "stance"),
            ({"relevance": 2}, "relevance"),
            ({"relevance": "high"}, "relevance"),
            ({"claim": "00000000-0000-4000-8000-000000000000"}, "claim"),
            ({"origin": "reviewer"}, "origin"),
            ({"passage": ""}, "passage"),
        ],
    )
    def test_bad_input_is_400(self, editor, evidence, body, field):
        response = client_for(editor).patch(detail(evidence), body, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]

    def test_put_is_not_offered(self, editor, evidence):
        response = client_for(editor).put(detail(evidence), {"stance": "mixed"}, format="json")
        assert response.status_code == 405


@pytest.mark.django_db
class EvidenceRemoveTests:
    @pytest.mark.parametrize("role", WRITERS)
    def test_writers_remove_it_and_the_source_stays(self, request, role, evidence):
        response = client_for(request.getfixturevalue(role)).delete(detail(evidence))
        assert response.status_code == 204
        assert not Evidence.objects.filter(pk=evidence.pk).exists()
        assert Source.objects.filter(pk=evidence.source_id).exists()

    def test_a_viewer_gets_403(self, viewer, evidence):
        assert client_for(viewer).delete(detail(evidence)).status_code == 403
        assert Evidence.objects.filter(pk=evidence.pk).exists()

    def test_an_outsider_gets_404(self, outsider, evidence):
        assert client_for(outsider).delete(detail(evidence)).status_code == 404
        assert Evidence.objects.filter(pk=evidence.pk).exists()
