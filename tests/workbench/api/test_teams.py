"""/api/v1/teams/: the caller's teams, and their members (read by members, managed by owners)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, TeamFactory, UserFactory
from workbench.models import Membership
from workbench.services import token_create

pytestmark = pytest.mark.django_db

LIST = reverse("api:team-list")


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def members_url(team) -> str:
    return reverse("api:team-members", kwargs={"code": team.code})


def member_url(team, username: str) -> str:
    return reverse("api:team-member", kwargs={"code": team.code, "username": username})


@pytest.fixture
def desk(team, owner, editor, viewer):
    return team


class TeamListTests:
    def test_lists_only_own_teams_with_role_and_member_count(self, desk, outsider, viewer):
        third = TeamFactory(name="Archive desk")
        MembershipFactory(team=third, user=viewer, role="editor")
        response = session(viewer).get(LIST)
        assert response.status_code == 200
        assert response.json()["results"] == [
            {
                "id": str(third.code),
                "name": "Archive desk",
                "website": "",
                "role": "editor",
                "members_count": 1,
            },
            {
                "id": str(desk.code),
                "name": "Desk A",
                "website": "",
                "role": "viewer",
                "members_count": 3,
            },
        ]

    def test_works_with_a_token(self, desk, owner):
        key = token_create(user=owner, name="x").key
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        response = client.get(LIST)
        assert [t["role"] for t in response.json()["results"]] == ["owner"]

    def test_retrieve_own_team_and_404_for_another(self, desk, owner, other_team, outsider):
        client = session(owner)
        response = client.get(reverse("api:team-detail", kwargs={"code": desk.code}))
        assert response.status_code == 200
        assert response.json()["role"] == "owner"
        theirs = client.get(reverse("api:team-detail", kwargs={"code": other_team.code}))
        nowhere = client.get(reverse("api:team-detail", kwargs={"code": uuid.uuid4()}))
        assert theirs.status_code == nowhere.status_code == 404
        assert theirs.json() == nowhere.json()

    def test_a_superuser_sees_every_team_with_a_null_role_where_not_a_member(
        self, desk, other_team, outsider
    ):
        root = UserFactory(username="root", is_superuser=True, is_staff=True)
        results = session(root).get(LIST).json()["results"]
        assert [(t["name"], t["role"]) for t in results] == [("Desk A", None), ("Desk B", None)]

    def test_list_costs_the_same_queries_whatever_the_page_size(self, viewer):
        for n in range(25):
            MembershipFactory(team=TeamFactory(name=f"Team {n:02}"), user=viewer)
        client = session(viewer)
        counts = []
        for size in (2, 20):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST, {"page_size": size})
            assert len(response.json()["results"]) == size
            counts.append(len(queries))
        # The session, the user, one page of teams (role and member count as subqueries).
        assert counts == [3, 3]

    def test_pages_follow_the_names(self, viewer):
        for name in ("Charlie", "Alpha", "Bravo"):
            MembershipFactory(team=TeamFactory(name=name), user=viewer)
        client = session(viewer)
        first = client.get(LIST, {"page_size": 2}).json()
        assert [t["name"] for t in first["results"]] == ["Alpha", "Bravo"]
        second = client.get(first["next"]).json()
        assert [t["name"] for t in second["results"]] == ["Charlie", "Desk A"]
        assert second["next"] is None


class MemberListTests:
    @pytest.mark.parametrize("role_user", ["owner", "editor", "viewer"])
    def test_any_member_reads_the_members_owners_first(self, desk, request, role_user):
        user = request.getfixturevalue(role_user)
        response = session(user).get(members_url(desk))
        assert response.status_code == 200
        rows = response.json()
        assert [(m["username"], m["role"]) for m in rows] == [
            ("alice", "owner"),
            ("bob", "editor"),
            ("carol", "viewer"),
        ]
        joined = Membership.objects.get(team=desk, user__username="bob").created_at
        assert rows[1]["joined_at"] == joined.isoformat().replace("+00:00", "Z")

    def test_members_cost_a_fixed_number_of_queries(self, desk, owner):
        client = session(owner)
        with CaptureQueriesContext(connection) as few:
            client.get(members_url(desk))
        for _ in range(10):
            MembershipFactory(team=desk, role="viewer")
        with CaptureQueriesContext(connection) as many:
            response = client.get(members_url(desk))
        assert len(response.json()) == 13
        # The session, the user, the team, the members with their users.
        assert len(few) == len(many) == 4

    def test_an_outsider_gets_404(self, desk, outsider):
        response = session(outsider).get(members_url(desk))
        assert response.status_code == 404


class MemberAddTests:
    def test_owner_adds_a_member_201_then_sets_the_role_200(self, desk, owner):
        newcomer = UserFactory(username="dave")
        client = session(owner)
        response = client.post(
            members_url(desk), {"username": "dave", "role": "viewer"}, format="json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["username"] == "dave"
        assert response.json()["role"] == "viewer"
        again = client.post(
            members_url(desk), {"username": "dave", "role": "editor"}, format="json"
        )
        assert again.status_code == 200
        assert Membership.objects.get(team=desk, user=newcomer).role == "editor"

    def test_unknown_username_is_a_400(self, desk, owner):
        response = session(owner).post(
            members_url(desk), {"username": "nobody", "role": "viewer"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["fields"] == {"username": ["Unknown user."]}

    @pytest.mark.parametrize("role_user", ["editor", "viewer"])
    def test_editors_and_viewers_get_403_even_for_unknown_usernames(self, desk, request, role_user):
        UserFactory(username="dave")
        client = session(request.getfixturevalue(role_user))
        for username in ("dave", "nobody"):
            response = client.post(
                members_url(desk), {"username": username, "role": "viewer"}, format="json"
            )
            assert response.status_code == 403
            assert response.json()["code"] == "permission_denied"
        assert not Membership.objects.filter(user__username="dave").exists()

    def test_an_outsider_gets_404(self, desk, outsider):
        UserFactory(username="dave")
        response = session(outsider).post(
            members_url(desk), {"username": "dave", "role": "owner"}, format="json"
        )
        assert response.status_code == 404
        assert not Membership.objects.filter(user__username="dave").exists()

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"username": "dave", "role": "admin"}, "role"),
            ({"username": "dave"}, "role"),
            ({"role": "viewer"}, "username"),
            ({"username": "dave", "role": "viewer", "team": "x"}, "team"),
        ],
    )
    def test_bad_input_is_a_400(self, desk, owner, data, field):
        UserFactory(username="dave")
        response = session(owner).post(members_url(desk), data, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]


class MemberChangeTests:
    def test_owner_changes_a_role(self, desk, owner):
        response = session(owner).patch(
            member_url(desk, "carol"), {"role": "editor"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["role"] == "editor"
        assert Membership.objects.get(team=desk, user__username="carol").role == "editor"

    def test_patch_without_a_role_changes_nothing(self, desk, owner):
        response = session(owner).patch(member_url(desk, "carol"), {}, format="json")
        assert response.status_code == 200
        assert response.json()["role"] == "viewer"

    @pytest.mark.parametrize("role_user", ["editor", "viewer"])
    def test_editors_and_viewers_get_403(self, desk, request, role_user):
        client = session(request.getfixturevalue(role_user))
        response = client.patch(member_url(desk, "carol"), {"role": "owner"}, format="json")
        assert response.status_code == 403
        assert client.delete(member_url(desk, "alice")).status_code == 403
        roles = dict(Membership.objects.filter(team=desk).values_list("user__username", "role"))
        assert roles == {"alice": "owner", "bob": "editor", "carol": "viewer"}

    def test_a_user_not_in_the_team_is_a_404(self, desk, owner, outsider):
        client = session(owner)
        for username in ("mallory", "nobody"):
            response = client.patch(member_url(desk, username), {"role": "viewer"}, format="json")
            assert response.status_code == 404
            assert client.delete(member_url(desk, username)).status_code == 404

    def test_bad_role_is_a_400(self, desk, owner):
        response = session(owner).patch(member_url(desk, "carol"), {"role": "boss"}, format="json")
        assert response.status_code == 400
        assert "role" in response.json()["fields"]

    def test_owner_removes_a_member(self, desk, owner):
        response = session(owner).delete(member_url(desk, "bob"))
        assert response.status_code == 204
        assert not Membership.objects.filter(team=desk, user__username="bob").exists()

    def test_the_last_owner_can_neither_leave_nor_step_down(self, desk, owner):
        client = session(owner)
        response = client.delete(member_url(desk, "alice"))
        assert response.status_code == 400
        assert "must keep at least one owner" in response.json()["detail"]
        response = client.patch(member_url(desk, "alice"), {"role": "editor"}, format="json")
        assert response.status_code == 400
        assert Membership.objects.get(team=desk, user=owner).role == "owner"
        # With a second owner, the first may step down.
        client.patch(member_url(desk, "bob"), {"role": "owner"}, format="json")
        assert client.delete(member_url(desk, "alice")).status_code == 204

    def test_usernames_with_dots_and_at_signs(self, desk, owner):
        MembershipFactory(team=desk, user=UserFactory(username="d.o@x+y"), role="viewer")
        response = session(owner).patch(
            member_url(desk, "d.o@x+y"), {"role": "editor"}, format="json"
        )
        assert response.status_code == 200

    def test_an_outsider_gets_404(self, desk, outsider):
        client = session(outsider)
        assert (
            client.patch(member_url(desk, "bob"), {"role": "owner"}, format="json").status_code
            == 404
        )
        assert client.delete(member_url(desk, "bob")).status_code == 404
        assert Membership.objects.filter(team=desk).count() == 3
