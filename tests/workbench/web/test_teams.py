"""Teams pages: the user's teams, switching the current team, a team's members (owners manage)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tests.conftest import member
from tests.factories import TeamFactory, UserFactory
from workbench.models import Membership
from workbench.views.current import SESSION_KEY

pytestmark = pytest.mark.django_db

LIST = reverse("team-list")
SWITCH = reverse("team-switch")


def detail(team) -> str:
    return reverse("team-detail", kwargs={"code": team.code})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


class TeamListTests:
    def test_anonymous_users_are_sent_to_sign_in(self, client):
        response = client.get(LIST)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign-in"))

    def test_lists_own_teams_with_role_and_member_count(self, client, owner, editor, viewer):
        desk_b = TeamFactory(name="Desk B")
        Membership.objects.create(team=desk_b, user=editor, role=Membership.Role.VIEWER)
        TeamFactory(name="Desk Z secret")
        client.force_login(editor)
        response = client.get(LIST)
        page = response.content.decode()
        assert response.status_code == 200
        rows = {t.name: t for t in response.context["team_rows"]}
        assert set(rows) == {"Desk A", "Desk B"}
        assert rows["Desk A"].role == "editor" and rows["Desk A"].members_count == 3
        assert rows["Desk B"].role == "viewer" and rows["Desk B"].members_count == 1
        assert "Desk Z secret" not in page
        assert 'aria-current="page"' in page

    def test_query_count_does_not_grow_with_teams(self, client, django_assert_max_num_queries):
        user = UserFactory(username="many")
        for i in range(2):
            Membership.objects.create(team=TeamFactory(name=f"T{i}"), user=user)
        client.force_login(user)
        with django_assert_max_num_queries(10) as few:
            client.get(LIST)
        for i in range(2, 20):
            Membership.objects.create(team=TeamFactory(name=f"T{i}"), user=user)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(LIST)
        assert len(response.context["team_rows"]) == 20


class TeamSwitchTests:
    def test_switch_to_own_team_sets_session_and_redirects_to_next(self, client, owner):
        desk_b = TeamFactory(name="Desk B")
        Membership.objects.create(team=desk_b, user=owner, role=Membership.Role.EDITOR)
        client.force_login(owner)
        response = client.post(SWITCH, {"team": str(desk_b.code), "next": LIST})
        assert response.status_code == 302
        assert response["Location"] == LIST
        assert client.session[SESSION_KEY] == str(desk_b.code)
        page = client.get(LIST)
        assert page.context["current_team"] == desk_b

    def test_unsafe_next_falls_back_to_inbox(self, client, owner, team):
        client.force_login(owner)
        response = client.post(SWITCH, {"team": str(team.code), "next": "https://evil.example/"})
        assert response.status_code == 302
        assert response["Location"] == reverse("inbox")

    def test_without_next_goes_back_to_the_referring_page(self, client, owner, team):
        client.force_login(owner)
        back = "http://testserver" + LIST
        response = client.post(SWITCH, {"team": str(team.code)}, HTTP_REFERER=back)
        assert response["Location"] == back
        response = client.post(
            SWITCH, {"team": str(team.code)}, HTTP_REFERER="https://evil.example/x"
        )
        assert response["Location"] == reverse("inbox")

    def test_another_teams_code_is_404_and_session_unchanged(self, client, owner, other_team):
        client.force_login(owner)
        response = client.post(SWITCH, {"team": str(other_team.code)})
        assert response.status_code == 404
        assert SESSION_KEY not in client.session

    @pytest.mark.parametrize("value", ["", "not-a-uuid", str(uuid.uuid4())])
    def test_bad_codes_are_404(self, client, owner, value):
        client.force_login(owner)
        assert client.post(SWITCH, {"team": value}).status_code == 404

    def test_get_is_not_allowed(self, client, owner):
        client.force_login(owner)
        assert client.get(SWITCH).status_code == 405


class TeamDetailTests:
    def test_members_with_roles_owner_sees_forms(self, client, owner, editor, viewer, team):
        client.force_login(owner)
        response = client.get(detail(team))
        page = response.content.decode()
        assert response.status_code == 200
        assert [m.user.username for m in response.context["members"]] == ["alice", "bob", "carol"]
        assert "Add a member" in page and 'name="action" value="remove"' in page
        assert page.count("<label") >= 4  # every select and input has one

    def test_non_owner_sees_members_without_forms(self, client, owner, editor, team):
        client.force_login(editor)
        page = client.get(detail(team)).content.decode()
        assert "alice" in page and "Owner" in page
        assert "Add a member" not in page
        assert 'name="action"' not in page

    def test_non_member_gets_404(self, client, outsider, team):
        client.force_login(outsider)
        assert client.get(detail(team)).status_code == 404
        assert client.post(detail(team), {"action": "remove", "username": "x"}).status_code == 404

    def test_owner_adds_existing_user(self, client, owner, team):
        UserFactory(username="dave")
        client.force_login(owner)
        response = client.post(
            detail(team), {"action": "add", "username": "dave", "role": "viewer"}, follow=True
        )
        assert response.status_code == 200
        assert Membership.objects.get(team=team, user__username="dave").role == "viewer"
        assert any("dave added" in m for m in messages_of(response))

    def test_add_unknown_user_shows_message(self, client, owner, team):
        client.force_login(owner)
        response = client.post(
            detail(team), {"action": "add", "username": "nobody", "role": "editor"}
        )
        assert response.status_code == 400
        assert "Unknown user." in response.content.decode()
        assert not Membership.objects.filter(user__username="nobody").exists()

    def test_add_with_invalid_role_is_400(self, client, owner, team):
        UserFactory(username="dave")
        client.force_login(owner)
        response = client.post(detail(team), {"action": "add", "username": "dave", "role": "god"})
        assert response.status_code == 400
        assert not Membership.objects.filter(user__username="dave").exists()

    def test_owner_changes_a_role(self, client, owner, editor, team):
        client.force_login(owner)
        response = client.post(
            detail(team), {"action": "role", "username": "bob", "role": "viewer"}
        )
        assert response.status_code == 302
        assert Membership.objects.get(team=team, user=editor).role == "viewer"

    def test_owner_removes_a_member(self, client, owner, editor, team):
        client.force_login(owner)
        response = client.post(detail(team), {"action": "remove", "username": "bob"})
        assert response.status_code == 302
        assert not Membership.objects.filter(team=team, user=editor).exists()

    def test_last_owner_cannot_leave_or_be_demoted(self, client, owner, team):
        client.force_login(owner)
        response = client.post(detail(team), {"action": "remove", "username": "alice"})
        assert response.status_code == 400
        assert "must keep at least one owner" in response.content.decode()
        response = client.post(
            detail(team), {"action": "role", "username": "alice", "role": "viewer"}
        )
        assert response.status_code == 400
        assert Membership.objects.get(team=team, user=owner).role == "owner"

    def test_editor_cannot_manage_members(self, client, owner, editor, viewer, team):
        client.force_login(editor)
        response = client.post(detail(team), {"action": "remove", "username": "carol"})
        assert response.status_code == 403
        assert "You need the owner role" in response.content.decode()
        assert Membership.objects.filter(team=team, user=viewer).exists()
        response = client.post(detail(team), {"action": "role", "username": "bob", "role": "owner"})
        assert response.status_code == 403
        assert Membership.objects.get(team=team, user=editor).role == "editor"

    def test_unknown_member_or_action_shows_message(self, client, owner, outsider, team):
        client.force_login(owner)
        response = client.post(detail(team), {"action": "remove", "username": "mallory"})
        assert response.status_code == 400
        assert "not a member" in response.content.decode()
        assert Membership.objects.filter(user=outsider).exists()
        assert client.post(detail(team), {"action": "explode"}).status_code == 400

    def test_member_names_are_escaped(self, client, owner, team):
        member(team, "<b>x", Membership.Role.VIEWER)
        client.force_login(owner)
        page = client.get(detail(team)).content.decode()
        assert "&lt;b&gt;x" in page and "<b>x" not in page

    def test_query_count_does_not_grow_with_members(
        self, client, owner, team, django_assert_max_num_queries
    ):
        for i in range(2):
            member(team, f"m{i}", Membership.Role.EDITOR)
        client.force_login(owner)
        with django_assert_max_num_queries(20) as few:
            client.get(detail(team))
        for i in range(2, 20):
            member(team, f"m{i}", Membership.Role.EDITOR)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(detail(team))
        assert len(response.context["members"]) == 21
