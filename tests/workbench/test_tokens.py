"""API tokens: the services (create, revoke, authenticate) and the Bearer authentication."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory
from workbench.exceptions import PermissionDeniedError
from workbench.models import ApiToken
from workbench.services import (
    TOKEN_MAX_DAYS,
    TOKEN_USE_RECORD_SECONDS,
    token_authenticate,
    token_create,
    token_revoke,
)

pytestmark = pytest.mark.django_db


def _api_get(key: str | None = None, header: str | None = None):
    client = APIClient()
    if header is None and key is not None:
        header = f"Bearer {key}"
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    return client.get(reverse("api:token-list"))


def _backdate(token: ApiToken, *, days: int) -> None:
    """Move the token's creation and expiry `days` into the past (the check constraint keeps
    expiry after creation)."""
    delta = datetime.timedelta(days=days)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=token.created_at - delta, expires_at=token.expires_at - delta
    )


class TokenCreateTests:
    def test_only_the_prefix_and_the_hash_are_stored(self, owner):
        new = token_create(user=owner, name="CMS import")
        row = ApiToken.objects.filter(pk=new.token.pk).values().get()
        assert all(new.key not in str(value) for value in row.values())
        secret = new.key.split("_", 2)[2]
        assert all(secret not in str(value) for value in row.values())
        assert row["key_hash"] == hashlib.sha256(new.key.encode()).hexdigest()
        assert new.key.startswith(f"wb_{row['prefix']}_")

    def test_name_is_normalised_and_required(self, owner):
        assert token_create(user=owner, name="  CMS \n import ").token.name == "CMS import"
        with pytest.raises(ValidationError) as error:
            token_create(user=owner, name="   ")
        assert "name" in error.value.message_dict

    def test_a_live_name_is_unique_and_a_revoked_one_reusable(self, owner, editor):
        first = token_create(user=owner, name="laptop").token
        with pytest.raises(ValidationError) as error:
            token_create(user=owner, name="laptop")
        assert "already have a live token" in error.value.message_dict["name"][0]
        token_create(user=editor, name="laptop")  # another user's names are theirs
        token_revoke(token=first)
        again = token_create(user=owner, name="laptop").token
        assert again.pk != first.pk
        assert ApiToken.objects.filter(user=owner, name="laptop").count() == 2

    @pytest.mark.parametrize("days", [0, -1, TOKEN_MAX_DAYS + 1])
    def test_lifetime_out_of_bounds_is_refused(self, owner, days):
        with pytest.raises(ValidationError) as error:
            token_create(user=owner, name="x", expires_in_days=days)
        assert "expires_in_days" in error.value.message_dict
        assert not ApiToken.objects.exists()

    @pytest.mark.parametrize("days", [1, 90, TOKEN_MAX_DAYS])
    def test_lifetime_within_bounds(self, owner, days):
        token = token_create(user=owner, name="x", expires_in_days=days).token
        assert token.expires_at - token.created_at == datetime.timedelta(days=days)

    def test_only_for_oneself_unless_superuser(self, owner, editor):
        with pytest.raises(PermissionDeniedError):
            token_create(user=owner, name="x", by=editor)
        admin = UserFactory(username="root", is_superuser=True, is_staff=True)
        assert token_create(user=owner, name="x", by=admin).token.user == owner

    def test_inactive_users_get_no_token(self, owner):
        owner.is_active = False
        owner.save()
        with pytest.raises(ValidationError):
            token_create(user=owner, name="x")


class TokenRevokeTests:
    def test_revoke_is_idempotent_and_owner_only(self, owner, editor):
        token = token_create(user=owner, name="x").token
        with pytest.raises(PermissionDeniedError):
            token_revoke(token=token, by=editor)
        token.refresh_from_db()
        assert token.revoked_at is None
        token_revoke(token=token, by=owner)
        first = token.revoked_at
        assert first is not None
        token_revoke(token=token, by=owner)
        token.refresh_from_db()
        assert token.revoked_at == first
        assert not token.is_live()


class TokenAuthenticateTests:
    def test_found_by_prefix_in_one_query_then_use_recorded(self, owner, django_assert_num_queries):
        new = token_create(user=owner, name="x")
        with django_assert_num_queries(2):  # the token by prefix, with its user; last_used_at
            assert token_authenticate(key=new.key) == new.token
        with django_assert_num_queries(1):  # used moments ago: no second UPDATE
            assert token_authenticate(key=new.key) == new.token

    def test_last_use_recorded_once_per_interval(self, owner):
        new = token_create(user=owner, name="x")
        assert new.token.last_used_at is None
        token_authenticate(key=new.key)
        new.token.refresh_from_db()
        first = new.token.last_used_at
        assert first is not None
        token_authenticate(key=new.key)
        new.token.refresh_from_db()
        assert new.token.last_used_at == first
        # Once the interval has passed, the next use is recorded again.
        stale = first - datetime.timedelta(seconds=TOKEN_USE_RECORD_SECONDS + 1)
        ApiToken.objects.filter(pk=new.token.pk).update(last_used_at=stale)
        token_authenticate(key=new.key)
        new.token.refresh_from_db()
        assert new.token.last_used_at is not None and new.token.last_used_at > stale

    def test_a_secret_containing_underscores_authenticates(self, owner, monkeypatch):
        # urlsafe base64 uses "_": the key splits at its first two underscores only.
        monkeypatch.setattr("workbench.services.secrets.token_urlsafe", lambda n: "a_b_-c" * 7)
        new = token_create(user=owner, name="x")
        assert new.key.count("_") > 2
        assert token_authenticate(key=new.key) == new.token

    def test_wrong_secret_with_a_right_prefix(self, owner):
        new = token_create(user=owner, name="x")
        wrong = f"wb_{new.token.prefix}_{'A' * 43}"
        assert token_authenticate(key=wrong) is None
        new.token.refresh_from_db()
        assert new.token.last_used_at is None


class BearerAuthenticationTests:
    def test_a_live_token_authenticates(self, owner):
        new = token_create(user=owner, name="x")
        response = _api_get(new.key)
        assert response.status_code == 200
        assert [t["name"] for t in response.json()["results"]] == ["x"]
        # "Token" works as the keyword too.
        assert _api_get(header=f"Token {new.key}").status_code == 200

    def _assert_refused(self, response, detail: str = "invalid, expired or revoked"):
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        body = response.json()
        assert body["code"] == "authentication_failed"
        assert detail in body["detail"]

    def test_wrong_secret_with_a_right_prefix_is_401(self, owner):
        new = token_create(user=owner, name="x")
        self._assert_refused(_api_get(f"wb_{new.token.prefix}_{'A' * 43}"))
        self._assert_refused(_api_get(new.key + "x"))

    def test_expired_token_is_401(self, owner):
        new = token_create(user=owner, name="x", expires_in_days=1)
        _backdate(new.token, days=2)
        self._assert_refused(_api_get(new.key))

    def test_revoked_token_is_401(self, owner):
        new = token_create(user=owner, name="x")
        token_revoke(token=new.token)
        self._assert_refused(_api_get(new.key))

    def test_inactive_user_is_401(self, owner):
        new = token_create(user=owner, name="x")
        owner.is_active = False
        owner.save()
        self._assert_refused(_api_get(new.key))

    @pytest.mark.parametrize(
        "header",
        ["Bearer", "Bearer a b", "Bearer wb_1234", "Bearer wb__x", "Token wb_x_y_z"],
    )
    def test_malformed_headers_are_401_json(self, owner, header):
        token_create(user=owner, name="x")
        response = _api_get(header=header)
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'

    def test_a_header_with_only_the_keyword_names_the_format(self):
        self._assert_refused(_api_get(header="Bearer"), detail="Malformed Authorization header")

    def test_non_ascii_key_is_401_json(self, owner):
        new = token_create(user=owner, name="x")
        self._assert_refused(_api_get(header=f"Bearer {new.key}é"))

    def test_no_credentials_is_401_with_a_challenge(self):
        response = _api_get()
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.json()["code"] == "not_authenticated"

    def test_other_schemes_fall_through_to_the_next_authenticator(self, owner):
        # Basic is not ours: no token is looked at, the request is simply unauthenticated.
        response = _api_get(header="Basic YWxpY2U6cHc=")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
