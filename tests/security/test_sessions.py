"""Sessions, passwords and keys at rest: the session id changes at sign-in and the old one is dead,
sign-out kills the session, passwords use Django's default hasher (PBKDF2) under the real settings,
API keys are nowhere in the database in clear, and the cookies are Secure in production."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import REPO
from tests.processes import probe_json
from workbench.services import token_create

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory


def sign_in(client: Client, username: str) -> None:
    response = client.post(reverse("sign-in"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def with_cookie(session_key: str) -> Client:
    """A fresh browser presenting an old session cookie."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


class SessionTests:
    def test_sign_in_gives_a_new_session_id_and_the_old_one_is_dead(self, owner):
        client = Client()
        # An anonymous session (e.g. planted by an attacker: session fixation).
        session = client.session
        session["planted"] = "by someone else"
        session.save()
        before = session.session_key
        assert before and SessionStore().exists(before)

        sign_in(client, owner.username)
        after = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert after != before
        assert not SessionStore().exists(before), "the pre-sign-in session is deleted"
        # The planted cookie does not ride along into the signed-in session.
        response = with_cookie(before).get(reverse("inbox"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign-in"))
        assert with_cookie(after).get(reverse("inbox")).status_code == 200

    def test_sign_out_kills_the_session(self, owner):
        client = Client()
        sign_in(client, owner.username)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert with_cookie(key).get(reverse("inbox")).status_code == 200

        response = client.post(reverse("sign-out"))
        assert response.status_code == 302
        assert not SessionStore().exists(key)
        # The copied cookie no longer authenticates, on the web or the API.
        page = with_cookie(key).get(reverse("inbox"))
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("sign-in"))
        assert with_cookie(key).get("/api/v1/articles/").status_code in (401, 403)

    def test_sign_out_needs_a_post(self, owner):
        # A GET (an <img src="/sign-out/">) neither signs out nor is allowed.
        client = Client()
        sign_in(client, owner.username)
        assert client.get(reverse("sign-out")).status_code == 405
        assert client.get(reverse("inbox")).status_code == 200


class TokenAtRestTests:
    def test_no_api_key_in_clear_anywhere_in_the_database(self, owner):
        new = token_create(user=owner, name="CMS import")
        key = new.key
        secret = key.split("_", 2)[2]  # wb_<prefix>_<secret>
        assert len(secret) >= 40
        # Use it, so every write that follows an API request (last_used_at, logs) has happened.
        response = Client().get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200

        found = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                for row in cursor.fetchall():
                    text = " ".join(str(value) for value in row)
                    if secret in text or key in text:
                        found.append(table)
        assert found == []


def production_settings(*names: str) -> dict[str, object]:
    """`names` as the real settings resolve them with DEBUG off (a subprocess, no overrides)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DATABASE_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="workbench.settings",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="workbench.example.org",
        WORKBENCH_VAR_DIR=str(REPO / "var"),
    )
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "from django.contrib.auth.hashers import make_password; "
        f"out = {{n: getattr(s, n) for n in {list(names)!r}}}; "
        "out['hash'] = make_password('correct horse battery staple'); "
        "print(json.dumps(out))"
    )
    result: dict[str, object] = probe_json(probe, env)
    return result


class ProductionSettingsTests:
    def test_passwords_are_hashed_with_django_default_pbkdf2(self):
        from django.conf import global_settings

        resolved = production_settings("PASSWORD_HASHERS")
        assert resolved["PASSWORD_HASHERS"] == global_settings.PASSWORD_HASHERS
        assert resolved["PASSWORD_HASHERS"][0].endswith("PBKDF2PasswordHasher")
        algorithm, iterations, _salt, _hash = str(resolved["hash"]).split("$")
        assert algorithm == "pbkdf2_sha256"
        assert int(iterations) >= 1_000_000  # Django 5.2's count

    def test_session_and_csrf_cookies_are_secure_when_debug_is_off(self):
        resolved = production_settings(
            "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"
        )
        assert resolved["DEBUG"] is False
        assert resolved["SESSION_COOKIE_SECURE"] is True
        assert resolved["CSRF_COOKIE_SECURE"] is True
        assert resolved["SESSION_COOKIE_HTTPONLY"] is True
