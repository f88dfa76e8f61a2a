"""/api/v1/sources/: the sources a caller's teams keep in their libraries or cite; read-only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from sources.models import LibraryItem, Source
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

LIST = reverse("api:source-list")
MEMBERS = ["owner", "editor", "viewer"]


def detail(source: Source) -> str:
    return reverse("api:source-detail", kwargs={"code": source.code})


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def in_library(team):
    source = SourceFactory(title="Havana archive", kind=Source.Kind.OFFICIAL)
    LibraryItem.objects.create(team=team, source=source)
    return source


@pytest.fixture
def cited(team):
    """Cited by two evidence rows on desk A's claims, in no library."""
    source = SourceFactory(title="Beijing daily", kind=Source.Kind.NEWS)
    claim = ClaimFactory(article__team=team)
    EvidenceFactory(claim=claim, source=source)
    EvidenceFactory(claim=ClaimFactory(article__team=team), source=source)
    return source


@pytest.fixture
def foreign(other_team):
    """Desk B's alone: in its library and cited by its claim."""
    source = SourceFactory(title="Desk B only")
    LibraryItem.objects.create(team=other_team, source=source)
    EvidenceFactory(claim__article__team=other_team, source=source)
    return source


@pytest.mark.django_db
class SourceListTests:
    @pytest.mark.parametrize("role", MEMBERS)
    def test_members_see_library_and_cited_sources_once_each(
        self, request, role, team, in_library, cited, foreign
    ):
        SourceFactory()  # in no library and cited by no one
        LibraryItem.objects.create(team=team, source=cited)  # cited twice and in the library
        response = client_for(request.getfixturevalue(role)).get(LIST)
        assert response.status_code == 200
        ids = [row["id"] for row in response.json()["results"]]
        assert sorted(ids) == sorted([str(in_library.code), str(cited.code)])

    def test_an_outsider_sees_only_their_own(self, outsider, in_library, cited, foreign):
        response = client_for(outsider).get(LIST)
        assert [row["id"] for row in response.json()["results"]] == [str(foreign.code)]

    def test_a_source_shared_by_both_teams_is_seen_by_both(
        self, viewer, outsider, other_team, in_library
    ):
        LibraryItem.objects.create(team=other_team, source=in_library)
        for user in (viewer, outsider):
            ids = [row["id"] for row in client_for(user).get(LIST).json()["results"]]
            assert ids == [str(in_library.code)]

    def test_the_list_leaves_the_archive_out(self, viewer, in_library):
        row = client_for(viewer).get(LIST).json()["results"][0]
        assert set(row) == {
            "id", "url", "title", "publisher", "kind", "published_at", "created_at",
            "updated_at",
        }  # fmt: skip
        assert (row["url"], row["title"], row["kind"]) == (
            in_library.url,
            "Havana archive",
            "official",
        )

    def test_filters(self, viewer, in_library, cited):
        client = client_for(viewer)

        def ids(**params):
            response = client.get(LIST, params)
            assert response.status_code == 200, response.json()
            return {row["id"] for row in response.json()["results"]}

        assert ids(kind="official") == {str(in_library.code)}
        assert ids(kind=["official", "news"]) == {str(in_library.code), str(cited.code)}
        assert ids(q="beijing") == {str(cited.code)}
        assert ids(q=cited.url.split("/")[-1]) == {str(cited.code)}  # the URL matches too
        assert ids(q="nothing like it") == set()

    def test_a_bad_kind_is_400(self, viewer):
        response = client_for(viewer).get(LIST, {"kind": "blog"})
        assert response.status_code == 400
        assert "kind" in response.json()["fields"]

    def test_query_count_is_fixed_whatever_the_page_size(self, viewer, team):
        for i in range(25):
            source = SourceFactory()
            if i % 2:
                LibraryItem.objects.create(team=team, source=source)
            else:
                EvidenceFactory(claim=ClaimFactory(article__team=team), source=source)
        client = client_for(viewer)
        counts = {}
        for size in (2, 20):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST, {"page_size": size})
            assert len(response.json()["results"]) == size
            counts[size] = len(queries)
        # The session, its user, and one page query (library and citations as EXISTS).
        assert counts == {2: 3, 20: 3}


@pytest.mark.django_db
class SourceDetailTests:
    @pytest.mark.parametrize("role", MEMBERS)
    def test_members_read_it_with_its_archive(self, request, role, cited):
        Source.objects.filter(pk=cited.pk).update(
            text_hash="ab" * 32, http_status=200, fetched_at=timezone.now()
        )
        response = client_for(request.getfixturevalue(role)).get(detail(cited))
        assert response.status_code == 200
        data = response.json()
        assert data["id"] == str(cited.code)
        assert data["archived_text"] == cited.archived_text
        assert (data["text_hash"], data["http_status"]) == ("ab" * 32, 200)
        assert data["fetched_at"] is not None

    def test_a_library_source_is_readable(self, viewer, in_library):
        assert client_for(viewer).get(detail(in_library)).status_code == 200

    def test_another_teams_source_is_404(self, viewer, outsider, foreign, in_library):
        assert client_for(viewer).get(detail(foreign)).status_code == 404
        assert client_for(outsider).get(detail(in_library)).status_code == 404

    def test_a_source_nobody_uses_is_404(self, viewer):
        assert client_for(viewer).get(detail(SourceFactory())).status_code == 404

    @pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
    def test_it_is_read_only(self, owner, in_library, method):
        client = client_for(owner)
        url = LIST if method == "post" else detail(in_library)
        response = getattr(client, method)(url, {"title": "Changed"}, format="json")
        assert response.status_code == 405
        in_library.refresh_from_db()
        assert in_library.title == "Havana archive"
