"""Production settings: Django's deployment checklist passes with README "Deployment"'s values,
and the cookies are what the issue asks for (session Secure + HttpOnly, CSRF Secure)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.test import override_settings

from tests.conftest import REPO
from tests.ops.helpers import production_env
from tests.processes import probe_json

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ("
    "'DEBUG', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', "
    "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', "
    "'CSRF_TRUSTED_ORIGINS', 'SECURE_REDIRECT_EXEMPT', 'X_FRAME_OPTIONS', "
    "'SECURE_REFERRER_POLICY')}))"
)


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class DeployCheckTests:
    def test_the_deployment_checklist_passes_with_production_values(self):
        result = deploy_check(production_env())
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_the_checklist_fails_without_the_https_settings(self):
        # The same production values minus HTTPS redirect and HSTS: the check must say so.
        env = production_env()
        for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"):
            del env[name]
        result = deploy_check(env)
        assert result.returncode != 0
        assert "security.W004" in result.stderr  # HSTS
        assert "security.W008" in result.stderr  # SSL redirect

    def test_production_settings_make_cookies_secure(self):
        s = probe_json(PROBE, production_env(), timeout=60)
        assert s["DEBUG"] is False
        assert s["SESSION_COOKIE_SECURE"] is True
        assert s["SESSION_COOKIE_HTTPONLY"] is True
        assert s["CSRF_COOKIE_SECURE"] is True
        assert s["SECURE_SSL_REDIRECT"] is True
        assert s["SECURE_HSTS_SECONDS"] == 31536000
        assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
        assert s["CSRF_TRUSTED_ORIGINS"] == ["https://workbench.example.org"]
        assert s["X_FRAME_OPTIONS"] == "DENY"
        assert s["SECURE_REFERRER_POLICY"] == "same-origin"
        assert s["SECURE_REDIRECT_EXEMPT"] == [r"^health/$"]


@pytest.mark.django_db
class ProductionCookieTests:
    """The Set-Cookie headers a browser gets with those settings (cookie flags, not just names)."""

    @override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
    def test_session_and_csrf_cookies_are_secure_and_the_session_httponly(self, client, owner):
        owner.set_password("a-long-password-1")
        owner.save()
        page = client.get("/sign-in/", secure=True)
        csrf = page.cookies["csrftoken"]
        assert csrf["secure"] is True
        response = client.post(
            "/sign-in/",
            {
                "username": owner.username,
                "password": "a-long-password-1",
                "csrfmiddlewaretoken": csrf.value,
            },
            secure=True,
        )
        assert response.status_code == 302
        session = response.cookies["sessionid"]
        assert session["secure"] is True
        assert session["httponly"] is True

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_https_redirect_spares_the_health_endpoint_only(self, client):
        assert client.get("/sign-in/").status_code == 301
        assert client.get("/health/").status_code == 200
