"""The API token admin: created through token_create with the key shown once, revoked through
token_revoke, the hash never shown; staff who are not superusers handle only their own tokens."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import UserFactory
from workbench.models import ApiToken
from workbench.services import token_authenticate, token_create, token_revoke

pytestmark = pytest.mark.django_db

ADD = reverse("admin:workbench_apitoken_add")
CHANGELIST = reverse("admin:workbench_apitoken_changelist")
KEY_RE = re.compile(r"<code>(wb_[0-9a-f]+_[A-Za-z0-9_-]+)</code>")


@pytest.fixture
def root():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def staff():
    """Staff with every API token permission, but not a superuser."""
    user = UserFactory(username="stan", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__model="apitoken"))
    return user


class ApiTokenAddTests:
    def test_add_shows_the_key_once_and_it_works(self, client, root, owner):
        client.force_login(root)
        assert client.get(ADD).status_code == 200
        response = client.post(
            ADD, {"user": owner.pk, "name": "CMS import", "expires_in_days": 30}, follow=True
        )
        assert response.status_code == 200
        page = response.content.decode()
        keys = KEY_RE.findall(page)
        assert len(keys) == 1
        assert "copy it now; it is not shown again" in page
        token = ApiToken.objects.get()
        assert (token.user, token.name) == (owner, "CMS import")
        assert (token.expires_at - token.created_at).days == 30
        assert token_authenticate(key=keys[0]) == token
        assert token.key_hash not in page
        # Not shown again: not on the token's page nor in the list.
        for url in (reverse("admin:workbench_apitoken_change", args=[token.pk]), CHANGELIST):
            later = client.get(url).content.decode()
            assert keys[0] not in later
            assert keys[0].split("_", 2)[2] not in later
            assert token.key_hash not in later
            assert token.prefix in later

    def test_service_refusals_are_shown_on_the_form(self, client, root, owner):
        token_create(user=owner, name="laptop")
        client.force_login(root)
        response = client.post(ADD, {"user": owner.pk, "name": "laptop", "expires_in_days": 9})
        assert response.status_code == 200
        assert "already have a live token" in response.content.decode()
        response = client.post(ADD, {"user": owner.pk, "name": "x", "expires_in_days": 400})
        assert response.status_code == 200
        assert "Ensure this value is less than or equal to 365" in response.content.decode()
        assert ApiToken.objects.count() == 1

    def test_staff_create_tokens_for_themselves_only(self, client, staff, owner):
        client.force_login(staff)
        form = client.get(ADD).content.decode()
        assert f'value="{staff.pk}"' in form
        assert f'value="{owner.pk}"' not in form
        response = client.post(ADD, {"user": owner.pk, "name": "theirs", "expires_in_days": 9})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert not ApiToken.objects.exists()
        response = client.post(ADD, {"user": staff.pk, "name": "mine", "expires_in_days": 9})
        assert response.status_code == 302
        assert ApiToken.objects.get().user == staff

    def test_staff_without_the_add_permission_are_refused(self, client):
        user = UserFactory(username="nope", is_staff=True)
        client.force_login(user)
        assert client.get(ADD).status_code == 403
        assert client.post(ADD, {"user": user.pk, "name": "x"}).status_code == 403
        assert not ApiToken.objects.exists()


class ApiTokenListTests:
    def test_changelist_never_shows_hashes_and_searches(self, client, root, owner, editor):
        mine = token_create(user=owner, name="CMS import").token
        other = token_create(user=editor, name="laptop").token
        client.force_login(root)
        page = client.get(CHANGELIST).content.decode()
        assert mine.prefix in page and other.prefix in page
        assert mine.key_hash not in page and other.key_hash not in page
        for query in ("CMS", mine.prefix, "alice"):
            found = client.get(CHANGELIST, {"q": query}).content.decode()
            assert mine.prefix in found and other.prefix not in found, query

    def test_state_filter(self, client, root, owner):
        live = token_create(user=owner, name="live").token
        revoked = token_revoke(token=token_create(user=owner, name="gone").token)
        client.force_login(root)
        page = client.get(CHANGELIST, {"state": "revoked"}).content.decode()
        assert revoked.prefix in page and live.prefix not in page
        page = client.get(CHANGELIST, {"state": "live"}).content.decode()
        assert live.prefix in page and revoked.prefix not in page

    def test_staff_see_only_their_own_tokens(self, client, staff, owner):
        own = token_create(user=staff, name="mine").token
        theirs = token_create(user=owner, name="theirs").token
        client.force_login(staff)
        page = client.get(CHANGELIST).content.decode()
        assert own.prefix in page and theirs.prefix not in page
        url = reverse("admin:workbench_apitoken_change", args=[theirs.pk])
        assert client.get(url).status_code == 302  # the admin's "does not exist" redirect

    def test_the_token_page_is_read_only(self, client, root, owner):
        token = token_create(user=owner, name="CMS").token
        client.force_login(root)
        url = reverse("admin:workbench_apitoken_change", args=[token.pk])
        page = client.get(url).content.decode()
        assert 'name="name"' not in page
        assert token.key_hash not in page
        client.post(url, {"name": "renamed"})
        token.refresh_from_db()
        assert token.name == "CMS"
        delete = reverse("admin:workbench_apitoken_delete", args=[token.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert ApiToken.objects.filter(pk=token.pk).exists()


class ApiTokenRevokeActionTests:
    def test_revoke_selected(self, client, root, owner, editor):
        tokens = [token_create(user=owner, name=n).token for n in ("a", "b")]
        kept = token_create(user=editor, name="c").token
        client.force_login(root)
        response = client.post(
            CHANGELIST,
            {"action": "revoke_selected", "_selected_action": [t.pk for t in tokens]},
            follow=True,
        )
        assert "Revoked 2 tokens." in response.content.decode()
        assert all(ApiToken.objects.get(pk=t.pk).revoked_at is not None for t in tokens)
        kept.refresh_from_db()
        assert kept.revoked_at is None

    def test_staff_cannot_revoke_other_users_tokens(self, client, staff, owner):
        own = token_create(user=staff, name="mine").token
        theirs = token_create(user=owner, name="theirs").token
        client.force_login(staff)
        client.post(
            CHANGELIST,
            {"action": "revoke_selected", "_selected_action": [own.pk, theirs.pk]},
            follow=True,
        )
        own.refresh_from_db()
        theirs.refresh_from_db()
        assert own.revoked_at is not None
        assert theirs.revoked_at is None
