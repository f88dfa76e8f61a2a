from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import ClaimFactory, MembershipFactory, SourceFactory, UserFactory
from workbench.exceptions import ApplicationError, PermissionDeniedError
from workbench.models import Membership
from workbench.services import membership_remove, membership_set


@pytest.mark.django_db
class MembershipServiceTests:
    def test_owner_adds_and_changes_members(self, team, owner):
        newcomer = UserFactory()
        membership = membership_set(team=team, user=newcomer, role="viewer", by=owner)
        assert membership.role == "viewer"
        assert membership_set(team=team, user=newcomer, role="editor", by=owner).role == "editor"
        assert Membership.objects.filter(team=team, user=newcomer).count() == 1

    def test_editors_and_outsiders_cannot_manage_members(self, team, editor, outsider):
        for user in (editor, outsider):
            with pytest.raises(PermissionDeniedError, match="owner role"):
                membership_set(team=team, user=UserFactory(), role="viewer", by=user)
        assert Membership.objects.filter(team=team).count() == 1  # only the editor

    def test_the_last_owner_stays(self, team, owner):
        only = Membership.objects.get(team=team, user=owner)
        with pytest.raises(ApplicationError, match="at least one owner"):
            membership_set(team=team, user=owner, role="editor", by=owner)
        with pytest.raises(ApplicationError, match="at least one owner"):
            membership_remove(membership=only, by=owner)
        second = MembershipFactory(team=team, role="owner")
        membership_remove(membership=only, by=second.user)
        assert not Membership.objects.filter(pk=only.pk).exists()

    def test_invalid_role_is_refused(self, team, owner):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            membership_set(team=team, user=UserFactory(), role="admin", by=owner)


def _staff(team, role, username):
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["claims", "sources", "workbench"])
    )
    MembershipFactory(team=team, user=user, role=role)
    return user


@pytest.mark.django_db
class AdminPermissionTests:
    """Staff whose team role forbids a write get a message, never a server error."""

    def test_editor_cannot_add_members_in_the_admin(self, client, team):
        client.force_login(_staff(team, "editor", "ed"))
        newcomer = UserFactory()
        response = client.post(
            reverse("admin:workbench_membership_add"),
            {"team": team.pk, "user": newcomer.pk, "role": "owner"},
        )
        assert response.status_code == 200
        assert "Only owners of Desk A manage its members." in response.content.decode()
        assert not Membership.objects.filter(user=newcomer).exists()

    def test_owner_adds_a_member_in_the_admin(self, client, team):
        client.force_login(_staff(team, "owner", "own"))
        newcomer = UserFactory()
        response = client.post(
            reverse("admin:workbench_membership_add"),
            {"team": team.pk, "user": newcomer.pk, "role": "viewer"},
        )
        assert response.status_code == 302
        assert Membership.objects.get(user=newcomer).role == "viewer"

    def test_viewer_actions_are_refused_with_a_message(self, client, team):
        claim = ClaimFactory(article__team=team)
        client.force_login(_staff(team, "viewer", "vi"))
        for action in ("rerun_extraction", "dismiss", "assign_to_me"):
            response = client.post(
                reverse("admin:claims_claim_changelist"),
                {"action": action, "_selected_action": [claim.pk]},
                follow=True,
            )
            assert response.status_code == 200
            assert "role in Desk A" in response.content.decode()
        claim.refresh_from_db()
        assert (claim.status, claim.assignee, claim.version) == ("unreviewed", None, 1)

    def test_viewer_adding_evidence_gets_a_message(self, client, team):
        claim = ClaimFactory(article__team=team)
        source = SourceFactory()
        client.force_login(_staff(team, "viewer", "vi2"))
        response = client.post(
            reverse("admin:sources_evidence_add"),
            {
                "claim": claim.pk,
                "source": source.pk,
                "passage": "Ties began in 1960.",
                "stance": "supports",
                "relevance": 0.5,
                "origin": "reviewer",
            },
            follow=True,
        )
        assert response.status_code == 200
        assert "Not saved" in response.content.decode()
        assert claim.evidence.count() == 0


@pytest.mark.django_db
class TeamAdminTests:
    def _inline(self, rows, initial=0):
        data = {"memberships-TOTAL_FORMS": len(rows), "memberships-INITIAL_FORMS": initial}
        for i, row in enumerate(rows):
            data.update({f"memberships-{i}-{key}": value for key, value in row.items()})
        return data

    def test_creating_a_team_makes_the_creator_its_owner(self, client, team):
        staff = _staff(team, "owner", "founder")
        client.force_login(staff)
        response = client.post(
            reverse("admin:workbench_team_add"), {"name": "Night desk", **self._inline([])}
        )
        assert response.status_code == 302
        assert Membership.objects.get(team__name="Night desk").user == staff

    def test_members_are_managed_through_the_inline_by_owners_only(self, client, team):
        owner_staff = _staff(team, "owner", "boss")
        newcomer = UserFactory()
        client.force_login(owner_staff)
        url = reverse("admin:workbench_team_change", args=[team.pk])
        existing = Membership.objects.get(user=owner_staff)
        rows = [
            {"id": existing.pk, "team": team.pk, "user": owner_staff.pk, "role": "owner"},
            {"team": team.pk, "user": newcomer.pk, "role": "editor"},
        ]
        response = client.post(url, {"name": team.name, **self._inline(rows, initial=1)})
        assert response.status_code == 302
        assert Membership.objects.get(user=newcomer).role == "editor"

        # The same edit by an editor is refused with a message and writes nothing.
        editor_staff = _staff(team, "editor", "helper")
        another = UserFactory()
        client.force_login(editor_staff)
        rows = [
            {"id": existing.pk, "team": team.pk, "user": owner_staff.pk, "role": "owner"},
            {"team": team.pk, "user": another.pk, "role": "owner"},
        ]
        response = client.post(
            url, {"name": team.name, **self._inline(rows, initial=1)}, follow=True
        )
        assert "Not saved" in response.content.decode()
        assert not Membership.objects.filter(user=another).exists()

    def test_only_owners_rename_a_team(self, client, team):
        from workbench.services import team_save

        editor_staff = _staff(team, "editor", "renamer")
        client.force_login(editor_staff)
        url = reverse("admin:workbench_team_change", args=[team.pk])
        existing = Membership.objects.get(user=editor_staff)
        rows = [{"id": existing.pk, "team": team.pk, "user": editor_staff.pk, "role": "editor"}]
        response = client.post(url, {"name": "Renamed", **self._inline(rows, initial=1)})
        assert response.status_code == 200
        assert "Only owners of Desk A rename it." in response.content.decode()
        team.refresh_from_db()
        assert team.name == "Desk A"
        team.name = "Renamed"
        with pytest.raises(PermissionDeniedError):
            team_save(team=team, by=editor_staff)


@pytest.mark.django_db
class AdminEvidenceWriteTests:
    """Evidence edits and removals in the back office go through the role-checked services."""

    def _evidence(self, team):
        from sources.services import evidence_add

        claim = ClaimFactory(article__team=team)
        evidence, _ = evidence_add(
            claim=claim, source=SourceFactory(), passage="Ties began in 1960.", origin="library"
        )
        return evidence

    def test_viewer_cannot_edit_or_delete_evidence(self, client, team):
        evidence = self._evidence(team)
        client.force_login(_staff(team, "viewer", "vi3"))
        client.post(
            reverse("admin:sources_evidence_change", args=[evidence.pk]),
            {"passage": "Changed.", "stance": "refutes", "relevance": 0.9},
            follow=True,
        )
        client.post(reverse("admin:sources_evidence_delete", args=[evidence.pk]), {"post": "yes"})
        evidence.refresh_from_db()
        assert (evidence.passage, evidence.stance) == ("Ties began in 1960.", "neutral")

    def test_editor_edits_evidence_and_the_hash_follows(self, client, team):
        from sources.services import passage_hash

        evidence = self._evidence(team)
        client.force_login(_staff(team, "editor", "ed3"))
        response = client.post(
            reverse("admin:sources_evidence_change", args=[evidence.pk]),
            {
                "passage": "Relations began on 28 September 1960.",
                "stance": "supports",
                "relevance": 0.9,
            },
        )
        assert response.status_code == 302
        evidence.refresh_from_db()
        assert evidence.stance == "supports"
        assert evidence.passage_hash == passage_hash("Relations began on 28 September 1960.")
