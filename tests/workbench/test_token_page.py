"""/account/tokens/: a signed-in user's tokens, created (key shown once) and revoked."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from workbench.models import ApiToken
from workbench.services import token_authenticate, token_create

pytestmark = pytest.mark.django_db

PAGE = reverse("account-tokens")
KEY_RE = re.compile(r'<code id="new-key">(wb_[0-9a-f]+_[A-Za-z0-9_-]+)</code>')


def revoke_url(token: ApiToken) -> str:
    return reverse("account-token-revoke", kwargs={"code": token.code})


class TokenPageTests:
    def test_anonymous_users_are_sent_to_sign_in(self, client):
        response = client.get(PAGE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign-in"))

    def test_lists_own_tokens_only(self, client, owner, editor):
        token_create(user=owner, name="CMS import")
        theirs = token_create(user=editor, name="Bob phone").token
        client.force_login(owner)
        response = client.get(PAGE)
        page = response.content.decode()
        assert response.status_code == 200
        assert "CMS import" in page
        assert theirs.prefix not in page, page
        assert "Bob phone" not in page
        assert "<label" in page and "<table>" in page

    def test_create_shows_the_key_once(self, client, owner):
        client.force_login(owner)
        response = client.post(PAGE, {"name": "CMS import", "expires_in_days": 30})
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        keys = KEY_RE.findall(page)
        assert len(keys) == 1
        token = ApiToken.objects.get()
        assert token_authenticate(key=keys[0]) == token
        assert (token.expires_at - token.created_at).days == 30
        assert token.key_hash not in page
        # Not in the session, and not on the next page.
        session = Session.objects.get().get_decoded()
        assert keys[0] not in repr(session)
        later = client.get(PAGE).content.decode()
        assert keys[0] not in later
        assert keys[0].split("_", 2)[2] not in later
        assert "CMS import" in later

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"name": "", "expires_in_days": 9}, "This field is required."),
            ({"name": "x", "expires_in_days": 0}, "greater than or equal to 1"),
            ({"name": "x", "expires_in_days": 366}, "less than or equal to 365"),
            ({"name": "laptop", "expires_in_days": 9}, "already have a live token"),
        ],
    )
    def test_refusals_are_shown_on_the_form(self, client, owner, data, message):
        token_create(user=owner, name="laptop")
        client.force_login(owner)
        response = client.post(PAGE, data)
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        assert not KEY_RE.search(page)
        assert ApiToken.objects.count() == 1

    def test_names_are_escaped(self, client, owner):
        token_create(user=owner, name='<script>alert("x")</script>')
        client.force_login(owner)
        page = client.get(PAGE).content.decode()
        assert "<script>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page

    def test_revoke(self, client, owner):
        new = token_create(user=owner, name="laptop")
        client.force_login(owner)
        assert f'action="{revoke_url(new.token)}"' in client.get(PAGE).content.decode()
        response = client.post(revoke_url(new.token), follow=True)
        assert response.redirect_chain == [(PAGE, 302)]
        assert "revoked" in response.content.decode()
        new.token.refresh_from_db()
        assert new.token.revoked_at is not None
        assert token_authenticate(key=new.key) is None
        # A revoked token has no Revoke button.
        assert f'action="{revoke_url(new.token)}"' not in client.get(PAGE).content.decode()

    def test_revoke_needs_a_post_and_the_owner(self, client, owner, editor):
        theirs = token_create(user=editor, name="laptop").token
        mine = token_create(user=owner, name="mine").token
        client.force_login(owner)
        assert client.get(revoke_url(mine)).status_code == 405
        assert client.post(revoke_url(theirs)).status_code == 404
        assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()

    def test_csrf_is_enforced(self, owner):
        client = Client(enforce_csrf_checks=True)
        client.force_login(owner)
        token = token_create(user=owner, name="mine").token
        assert client.post(PAGE, {"name": "x", "expires_in_days": 9}).status_code == 403
        assert client.post(revoke_url(token)).status_code == 403
        assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
        # With the form's token, the same post works.
        page = client.get(PAGE).content.decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert csrf is not None
        response = client.post(
            PAGE, {"name": "x", "expires_in_days": 9, "csrfmiddlewaretoken": csrf.group(1)}
        )
        assert response.status_code == 200
        assert ApiToken.objects.filter(name="x").exists()
