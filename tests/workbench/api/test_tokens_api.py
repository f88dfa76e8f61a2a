"""/api/v1/tokens/: list (session or token), create and revoke (signed-in session only)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from workbench.models import ApiToken
from workbench.services import token_create, token_revoke

pytestmark = pytest.mark.django_db

LIST = reverse("api:token-list")
TOKEN_FIELDS = {
    "id",
    "name",
    "prefix",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
    "live",
}


def detail(token: ApiToken) -> str:
    return reverse("api:token-detail", kwargs={"code": token.code})


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


class TokenListTests:
    def test_unauthenticated_is_401_with_a_challenge(self):
        response = APIClient().get(LIST)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.json() == {
            "detail": "Authentication credentials were not provided.",
            "code": "not_authenticated",
        }

    def test_lists_own_tokens_newest_first_never_the_key_or_hash(self, owner, editor):
        first = token_create(user=owner, name="CMS")
        second = token_create(user=owner, name="laptop")
        token_revoke(token=first.token)
        theirs = token_create(user=editor, name="editor's")
        for client in (session(owner), bearer(second.key)):
            response = client.get(LIST)
            assert response.status_code == 200
            results = response.json()["results"]
            assert [r["name"] for r in results] == ["laptop", "CMS"]
            assert all(set(r) == TOKEN_FIELDS for r in results)
            assert [r["live"] for r in results] == [True, False]
            assert results[1]["revoked_at"] is not None
            assert results[0]["id"] == str(second.token.code)
            body = response.content.decode()
            for secret in (first.key, second.key, theirs.key):
                assert secret not in body
                assert secret.split("_", 2)[2] not in body
            for row in ApiToken.objects.all():
                assert row.key_hash not in body
            assert str(theirs.token.code) not in body

    def test_list_costs_the_same_queries_whatever_the_page_size(self, owner):
        for n in range(25):
            token_create(user=owner, name=f"token {n}")
        client = session(owner)
        counts = []
        for size in (2, 20):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST, {"page_size": size})
            assert response.status_code == 200
            assert len(response.json()["results"]) == size
            counts.append(len(queries))
        # The session, the user, one page of tokens.
        assert counts == [3, 3]


class TokenCreateTests:
    def test_created_with_a_session_shows_the_key_once_and_it_authenticates(self, owner):
        response = session(owner).post(
            LIST, {"name": "CMS import", "expires_in_days": 30}, format="json"
        )
        assert response.status_code == 201
        body = response.json()
        assert set(body) == TOKEN_FIELDS | {"key"}
        assert body["name"] == "CMS import"
        assert body["live"] is True
        token = ApiToken.objects.get(code=body["id"])
        assert token.user == owner
        assert (token.expires_at - token.created_at).days == 30
        assert body["key"].startswith(f"wb_{token.prefix}_")
        # The key works; listing afterwards never shows it again.
        listed = bearer(body["key"]).get(LIST)
        assert listed.status_code == 200
        assert body["key"] not in listed.content.decode()
        assert [r["id"] for r in listed.json()["results"]] == [body["id"]]

    def test_default_lifetime_is_90_days(self, owner):
        response = session(owner).post(LIST, {"name": "x"}, format="json")
        assert response.status_code == 201
        token = ApiToken.objects.get()
        assert (token.expires_at - token.created_at).days == 90

    def test_a_token_cannot_mint_tokens(self, owner):
        key = token_create(user=owner, name="leaked").key
        response = bearer(key).post(LIST, {"name": "more"}, format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert "signed-in session" in response.json()["detail"]
        assert ApiToken.objects.count() == 1

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
            ({"name": "x", "expires_in_days": 366}, "expires_in_days"),
            ({"name": "x", "expires_in_days": "soon"}, "expires_in_days"),
            ({"name": "x", "expires_in_days": 1.5}, "expires_in_days"),
            ({"expires_in_days": 10}, "name"),
            ({"name": ""}, "name"),
            ({"name": "x" * 101}, "name"),
            ({"name": ["x"]}, "name"),
            ({"name": "x", "key": "wb_mine_chosen"}, "key"),
            ({"name": "x", "user": "bob"}, "user"),
        ],
    )
    def test_bad_input_is_a_400_per_field(self, owner, data, field):
        response = session(owner).post(LIST, data, format="json")
        assert response.status_code == 400, response.content
        body = response.json()
        assert field in body["fields"]
        assert body["detail"]
        assert not ApiToken.objects.exists()

    def test_a_live_name_twice_is_a_400(self, owner):
        client = session(owner)
        assert client.post(LIST, {"name": "laptop"}, format="json").status_code == 201
        response = client.post(LIST, {"name": "laptop"}, format="json")
        assert response.status_code == 400
        assert "already have a live token" in response.json()["fields"]["name"][0]

    def test_a_body_that_is_not_an_object_is_a_400(self, owner):
        response = session(owner).post(LIST, ["x"], format="json")
        assert response.status_code == 400
        assert response.json()["fields"]["non_field_errors"] == ["Send a JSON object."]


class TokenRevokeTests:
    def test_revoke_with_a_session_then_the_key_is_refused(self, owner):
        new = token_create(user=owner, name="x")
        client = session(owner)
        assert bearer(new.key).get(LIST).status_code == 200
        assert client.delete(detail(new.token)).status_code == 204
        new.token.refresh_from_db()
        revoked_at = new.token.revoked_at
        assert revoked_at is not None
        response = bearer(new.key).get(LIST)
        assert response.status_code == 401
        # Revoking again is fine and changes nothing.
        assert client.delete(detail(new.token)).status_code == 204
        new.token.refresh_from_db()
        assert new.token.revoked_at == revoked_at

    def test_a_token_cannot_revoke_tokens(self, owner):
        new = token_create(user=owner, name="x")
        other = token_create(user=owner, name="y")
        for target in (new.token, other.token):
            response = bearer(new.key).delete(detail(target))
            assert response.status_code == 403
            assert "signed-in session" in response.json()["detail"]
        assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 2

    def test_another_users_token_is_a_404(self, owner, editor):
        theirs = token_create(user=editor, name="editor's")
        mine = token_create(user=owner, name="mine")
        nowhere = reverse(
            "api:token-detail", kwargs={"code": "00000000-0000-0000-0000-000000000000"}
        )
        for client in (session(owner), bearer(mine.key)):
            response = client.delete(detail(theirs.token))
            assert response.status_code == 404
            assert response.json() == client.delete(nowhere).json()
        theirs.token.refresh_from_db()
        assert theirs.token.revoked_at is None

    def test_no_retrieve_update_or_put(self, owner):
        new = token_create(user=owner, name="x")
        client = session(owner)
        assert client.get(detail(new.token)).status_code == 405
        assert client.patch(detail(new.token), {"name": "y"}, format="json").status_code == 405
